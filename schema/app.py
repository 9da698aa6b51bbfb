"""The ASGI application, assembled in one readable function from the settings."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL

from core.catalog.sync import pending_changes
from core.config import Settings
from core.db import make_engine, session_factory
from core.plugin_manager import PluginManager, PluginsConfig
from schema.build import build_schema
from schema.context import Context

log = logging.getLogger("zhifa")


class StartupError(RuntimeError):
    pass


class GraphQLApp(GraphQL):
    """Strawberry's ASGI app, handing every resolver the one shared context."""

    def __init__(self, schema, context: Context):
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.context = context

    async def get_context(self, request: Request, response: Any) -> Context:
        return self.context


def create_app(settings: Settings | None = None, plugins: PluginManager | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    plugins = plugins or PluginManager(PluginsConfig.read(settings.plugins_file), trace=settings.trace_plugins).load()
    engine = make_engine(settings.database_url)
    context = Context(sessions=session_factory(engine), plugins=plugins, settings=settings)
    graphql = GraphQLApp(build_schema(plugins), context)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        async with context.sessions() as session:
            stale = await pending_changes(session, plugins.catalog)
        if stale:
            raise StartupError(f"数据库中的执法事项与插件不一致（{len(stale)} 项，如 {stale[0]}）：请先运行 zhifa db upgrade")
        yield
        await engine.dispose()

    async def healthz(request: Request) -> JSONResponse:
        try:
            async with context.sessions() as session:
                await session.execute(sa.text("SELECT 1"))
        except Exception:  # any database failure means not ready
            log.exception("health check failed")
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "up", "plugins": list(plugins.loaded)})

    app = Starlette(routes=[Route("/graphql", graphql), Route("/healthz", healthz)], lifespan=lifespan)
    app.state.context = context
    return app
