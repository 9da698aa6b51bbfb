"""A plug-in removed from plugins.toml: its item versions stay stored (cases cite them, nothing is
ever deleted), but the catalog no longer serves them; enabled again, they are served again."""

from __future__ import annotations

import sqlalchemy as sa

from zhifa.core.catalog.models import CatalogItemVersion
from zhifa.core.catalog.registry import Catalog
from zhifa.core.catalog.sync import served, sync_catalog
from zhifa.core.db import transaction
from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig

ITEMS = CatalogItemVersion.__table__


async def test_items_of_a_plugin_no_longer_loaded_stay_stored_but_are_not_served(db, plugins):
    without_market = PluginManager(PluginsConfig(tuple(n for n in BUILTIN if n != "market"))).load().catalog
    market = {code for code, item in plugins.catalog.items.items() if item.domain == "market"}
    async with transaction(db) as session:
        report = await sync_catalog(session, without_market)  # `zhifa db upgrade` after plugins.toml dropped market
        stored = set((await session.execute(sa.select(ITEMS.c.code))).scalars())
        offered = set((await session.execute(sa.select(ITEMS.c.code).where(served(without_market)))).scalars())
        again = set((await session.execute(sa.select(CatalogItemVersion.code).where(served(plugins.catalog)))).scalars())
        nothing = (await session.execute(sa.select(ITEMS.c.code).where(served(Catalog())))).first()
    assert not report.changed and market and market <= stored
    assert offered == stored - market
    assert again == stored and nothing is None
