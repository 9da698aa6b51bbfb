"""HTTP-level protection in front of GraphQL: body size, CSRF, authentication, rate limiting."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from zhifa.core.db import transaction, utcnow
from zhifa.core.errors import CommonErrorCode
from zhifa.core.ratelimit import hit
from zhifa.schema.kit.auth import AuthError, TokenVerifier, external_viewer, is_external

CSRF_HEADER = "x-zhifa-csrf"
# Content types a browser may send cross-site without a CORS preflight.
SIMPLE_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
MAX_RATE_KEY = 100


def refuse(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status, headers=headers)


class BodyLimit:
    """Refuses bodies over the limit, declared or streamed, before anything parses them."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._too_large(scope, receive, send)
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting, send)
        except _TooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        await refuse(413, CommonErrorCode.PAYLOAD_TOO_LARGE, f"请求体超过 {self.max_bytes} 字节")(scope, receive, send)


class _TooLarge(Exception):
    pass


def csrf_problem(request: Request) -> JSONResponse | None:
    """Requests a browser can send cross-site without a preflight must carry our custom header."""
    if request.headers.get(CSRF_HEADER):
        return None
    if request.method == "GET":
        if "query" not in request.query_params:
            return None  # GraphiQL page: nothing executes
        return refuse(403, CommonErrorCode.CSRF_HEADER_REQUIRED, f"GET 查询须带请求头 {CSRF_HEADER}")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method == "POST" and (not content_type or content_type in SIMPLE_CONTENT_TYPES):
        return refuse(403, CommonErrorCode.CSRF_HEADER_REQUIRED, f"该类型的 POST 请求须带请求头 {CSRF_HEADER}")
    return None


async def authenticate(request: Request, verifier: TokenVerifier):
    try:
        return verifier.viewer(request.headers.get("authorization")), None
    except AuthError as exc:
        return None, _unauthenticated(exc)


async def _mapped(viewer, sessions):
    """An identity provider's subject as the officer recorded under it."""
    try:
        async with sessions() as session:
            return await external_viewer(session, viewer), None
    except AuthError as exc:
        return None, _unauthenticated(exc)


def _unauthenticated(exc: AuthError) -> JSONResponse:
    return refuse(401, CommonErrorCode.UNAUTHENTICATED, str(exc), {"WWW-Authenticate": 'Bearer realm="zhifa"'})


async def admit(request: Request, verifier, sessions, per_minute: int):
    """The viewer a request's bearer token names, or the refusal: 401 for a bad token, 429 past the
    rate limit. Every endpoint starts here."""
    viewer, problem = await authenticate(request, verifier)
    if problem is None and is_external(viewer):
        viewer, problem = await _mapped(viewer, sessions)
    if problem is None:
        problem = await rate_limited(request, viewer.subject, sessions, per_minute)
    return viewer, problem


async def rate_limited(request: Request, subject: str, sessions, per_minute: int) -> JSONResponse | None:
    """Counted in the database so the limit holds across every worker process and host."""
    if per_minute <= 0:
        return None
    key = subject if subject != "anonymous" else f"ip:{request.client.host if request.client else '?'}"
    if len(key) > MAX_RATE_KEY:  # the column holds 120 characters; a signed `sub` may be longer
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    async with transaction(sessions) as session:
        count = await hit(session, key, utcnow())
    if count > per_minute:
        return refuse(429, CommonErrorCode.RATE_LIMITED, f"请求过于频繁：每分钟最多 {per_minute} 次", {"Retry-After": "60"})
    return None
