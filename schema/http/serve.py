"""Serving the app under uvicorn, in one process or several (`zhifa serve --workers N`)."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "zhifa.schema.http.app:create_app"


class ServeConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        """uvicorn's listener, with its protocol set. Several workers share a listener bound here;
        bound with protocol 0, the connections it accepts report protocol 0 too, asyncio then never
        sets TCP_NODELAY on them, and every keep-alive response waits for the client's delayed ACK
        (uvicorn issue 3149: 44 ms a request with two workers against 1.3 ms with one, measured here)."""
        sock = super().bind_socket()
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return sock
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


def run(host: str, port: int, workers: int, app: str = APP, **options: Any) -> None:
    """`app`: the import string of an app factory (the benchmark serves its own wrapper)."""
    config = ServeConfig(app, factory=True, host=host, port=port, workers=workers, **options)
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
