"""The ASGI application, assembled in one readable function from the settings."""

from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from zhifa.core.access.trees import TreeCache
from zhifa.core.cases.calendar import load_calendar
from zhifa.core.cases.policy import load_policy
from zhifa.core.catalog.sync import pending_changes
from zhifa.core.config import Settings
from zhifa.core.db import make_engine, session_factory
from zhifa.core.entities.crypto import DataKey
from zhifa.core.errors import CommonErrorCode
from zhifa.core.evidence.store import EvidenceStore
from zhifa.core.plugin_manager import PluginManager, PluginsConfig
from zhifa.core.supervision.rubric import rubric_in_force
from zhifa.schema.api import KINDS
from zhifa.schema.build import build_schema
from zhifa.schema.evidence.endpoints import (
    UploadAwareBodyLimit,
    evidence_routes,
    upload_limit,
)
from zhifa.schema.http.documents import make_document_endpoint
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.auth import TokenVerifier
from zhifa.schema.kit.context import Context
from zhifa.schema.kit.guards import admit, csrf_problem, refuse
from zhifa.schema.kit.limits import NUL, NUL_MESSAGE
from zhifa.schema.supervision.ledger import make_ledger_endpoint

log = logging.getLogger("zhifa")


class StartupError(RuntimeError):
    pass


class GraphQLApp(GraphQL):
    """Strawberry's ASGI app; the context is built per request around the authenticated viewer."""

    def __init__(self, schema, make_context, production: bool):
        super().__init__(schema, graphql_ide=None if production else "graphiql", allow_queries_via_get=True)
        self.make_context = make_context

    async def get_context(self, request: Request, response: Any) -> Context:
        return self.make_context(request.state.viewer)

    async def __call__(self, scope, receive, send) -> None:
        """Strawberry answers a malformed HTTP request in plain text; ours carry a code like every error."""
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            code = getattr(exc, "code", None) or HTTP_CODES.get(exc.status_code, CommonErrorCode.BAD_REQUEST)
            response = refuse(exc.status_code, code, exc.reason)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """A body must be a JSON object (or a batch list): strawberry calls .get() on whatever it is
        given, so `5`, `"x"` or `null` were a 500, and so were bytes that are not UTF-8 and nesting
        too deep for the json module (strawberry only catches JSONDecodeError)."""
        try:
            value = json.loads(data)
        except UnicodeDecodeError:
            raise HTTPException(400, "请求体不是 UTF-8 编码的 JSON") from None
        except RecursionError:
            raise HTTPException(400, "JSON 嵌套过深") from None
        if not isinstance(value, (dict, list)):
            raise HTTPException(400, "请求中的 JSON 应为对象（GraphQL 请求）")
        if _holds_nul(value):
            raise CodedHTTPException(400, CommonErrorCode.INVALID_CHARACTER, NUL_MESSAGE)
        return value


class CodedHTTPException(HTTPException):
    def __init__(self, status_code: int, code: str, reason: str):
        super().__init__(status_code, reason)
        self.code = code


def _holds_nul(value: object) -> bool:
    """Any string (or key) with NUL, which PostgreSQL text and jsonb cannot store (see schema.limits)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


HTTP_CODES = {
    400: CommonErrorCode.BAD_REQUEST,
    404: CommonErrorCode.NOT_FOUND,
    405: CommonErrorCode.METHOD_NOT_ALLOWED,
    413: CommonErrorCode.PAYLOAD_TOO_LARGE,
    415: CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
}


def create_app(settings: Settings | None = None, plugins: PluginManager | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    plugins = plugins or PluginManager(PluginsConfig.read(settings.plugins_file), trace=settings.trace_plugins).load()
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    key = DataKey.from_hex(settings.data_key_hex())
    verifier = TokenVerifier(settings)
    calendar = load_calendar(settings.holidays_file)
    policy = load_policy(settings.case_policy_file)  # the deployment's case policy: a bad file stops start-up (POLICY_INVALID)
    rubric_in_force(settings.review_rubric_file)  # 案卷评查标准, read once: a bad file stops start-up (RUBRIC_INVALID)
    evidence_store = EvidenceStore.from_env()  # ZHIFA_EVIDENCE_DIR (./var/evidence), ZHIFA_EVIDENCE_MAX_BYTES

    trees = TreeCache()  # this process's agency and region trees, checked on every request

    def access_for(viewer) -> Access:
        return Access(viewer, key, KINDS, trees=trees)

    def make_context(viewer) -> Context:
        return Context(sessions=sessions, plugins=plugins, settings=settings, access=access_for(viewer), calendar=calendar, policy=policy)

    graphql_app = GraphQLApp(build_schema(plugins, production=settings.production), make_context, settings.production)

    async def graphql(request: Request):
        if problem := csrf_problem(request):
            return problem
        viewer, problem = await admit(request, verifier, sessions, settings.rate_limit_per_minute)
        if problem:
            return problem
        request.state.viewer = viewer
        return _Delegate(graphql_app)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        async with sessions() as session:
            stale = await pending_changes(session, plugins.catalog)
        if stale:
            raise StartupError(f"数据库中的执法事项与插件不一致（{len(stale)} 项，如 {stale[0]}）：请先运行 zhifa db upgrade")
        yield
        await engine.dispose()

    async def healthz(request: Request) -> JSONResponse:
        try:
            async with sessions() as session:
                await session.execute(sa.text("SELECT 1"))
        except Exception:  # any database failure means not ready
            log.exception("health check failed")
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up", "plugins": list(plugins.loaded)})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/cases/{case_id}/documents/{doc_type}", make_document_endpoint(sessions, verifier, access_for, settings.rate_limit_per_minute)),
            Route("/supervision/ledger.xlsx", make_ledger_endpoint(sessions, verifier, access_for, settings.rate_limit_per_minute)),
            Route("/healthz", healthz),
            *evidence_routes(sessions, verifier, access_for, evidence_store, rate_limit_per_minute=settings.rate_limit_per_minute),
        ],
        middleware=[
            Middleware(UploadAwareBodyLimit, max_bytes=settings.max_body_bytes, upload_max_bytes=upload_limit(evidence_store))
        ],
        lifespan=lifespan,
    )
    app.state.sessions = sessions
    app.state.key = key
    return app


class _Delegate:
    """Hands the request on to the GraphQL ASGI app after the guards let it through."""

    def __init__(self, asgi_app):
        self.asgi_app = asgi_app

    async def __call__(self, scope, receive, send) -> None:
        await self.asgi_app(scope, receive, send)
