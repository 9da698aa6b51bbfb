"""`zhifa serve`: the listening socket several workers share gives its connections TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from zhifa.schema.http.serve import APP, ServeConfig


async def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY on a connection asyncio accepts from `listener`, as a uvicorn worker serves it."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            seen.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Probe, sock=listener)
    try:
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        writer.close()
        return await asyncio.wait_for(seen, 5)
    finally:
        server.close()


async def test_connections_accepted_for_several_workers_send_without_delay():
    """Nagle's algorithm off (uvicorn issue 3149): without it every keep-alive response past the
    first waited ~40 ms for the client's delayed ACK when `--workers` was above 1."""
    config = ServeConfig(APP, factory=True, host="127.0.0.1", port=0, workers=2)
    assert await _nodelay_of_accepted(config.bind_socket()) != 0


async def test_uvicorns_own_listener_still_has_the_fault_this_works_around():
    """When this fails, uvicorn has fixed issue 3149 and ServeConfig.bind_socket can go."""
    config = uvicorn.Config(APP, factory=True, host="127.0.0.1", port=0, workers=2)
    assert await _nodelay_of_accepted(config.bind_socket()) == 0
