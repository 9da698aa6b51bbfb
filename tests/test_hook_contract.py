"""The plug-in contract as a meta-test (DESIGN, "Models to follow: Datasette — meta-tests that fail
when a hook is undocumented or untested"): every hook of `core.hooks.Specs` is in the README's hook
table and is implemented by the contract plug-in (tests/data/zhifa-contract, installed with pip as
a real distribution), and each hook the core calls is seen doing its job here."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from conftest import Api, pip_installed, settings_for
from zhifa.core.db import make_engine
from zhifa.core.hooks import Specs
from zhifa.core.migrate import upgrade_async
from zhifa.core.plugin_manager import BUILTIN, PluginManager, PluginsConfig
from zhifa.schema.http.app import create_app
from test_procedure import bureau, register  # noqa: F401 (bureau is a fixture)

ROOT = Path(__file__).resolve().parent.parent
HOOKS = {name for name in vars(Specs) if name.startswith("zhifa_")}


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    """The contract plug-in, installed as a distribution whose entry point the core finds."""
    with pip_installed(tmp_path_factory.mktemp("contract-site"), [ROOT / "tests" / "data" / "zhifa-contract"], ("zhifa_contract",)):
        import zhifa_contract

        yield zhifa_contract


def manager(**settings) -> PluginManager:
    return PluginManager(PluginsConfig((*BUILTIN, "contract"), {"contract": settings})).load()


def test_every_hook_is_documented_in_the_readme_and_implemented_by_the_contract_plugin(contract):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert HOOKS, "no hooks found in core.hooks.Specs"
    assert {h for h in HOOKS if f"| `{h}(" not in readme} == set(), "hooks missing from the README's hook table"
    implemented = {name for name in dir(contract.ContractPlugin) if name.startswith("zhifa_")}
    assert implemented == HOOKS, "the contract plug-in must implement exactly the hooks of core.hooks.Specs"


async def test_configure_hands_over_the_settings_and_graphql_fields_are_merged(contract, database_url, db):
    loaded = manager(echo="你好", block="")
    assert loaded.loaded["contract"].source == "zhifa-contract 0.0.1"
    assert contract.plugin.settings == {"echo": "你好", "block": ""}
    app = create_app(settings_for(database_url), loaded)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhifa.test") as client:
        assert await Api(client)("{ contractEcho }") == {"contractEcho": "你好"}


async def test_the_plugins_migration_branch_is_applied_with_the_core(contract, tmp_path):
    """`zhifa db upgrade` applies every head: the core's and each plug-in's own branch."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'contract.db'}"
    await upgrade_async(url, [folder for _, folder in manager().migration_folders()])
    engine = make_engine(url)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        heads = set((await connection.execute(sa.text("SELECT version_num FROM alembic_version"))).scalars())
    await engine.dispose()
    assert {"contract_notes", "cases"} <= tables
    assert "c001" in heads and len(heads) == 2


async def test_case_checks_can_block_a_step_and_case_event_hears_only_committed_steps(contract, database_url, bureau, demo_tokens):
    app = create_app(settings_for(database_url), manager(block="start_investigation"))
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhifa.test") as client:
        api = Api(client, demo_tokens["bureau_officer"])
        desk = await register(api, bureau)
        contract.EVENTS.clear()
        await desk.do("fileCase")
        blocked = await desk.do("startInvestigation", expect="CONTRACT_BLOCKED")
        number = (await api("query($id: ID!) { node(id: $id) { ... on Case { caseNumber status } } }", {"id": desk.case["id"]}))["node"]
    assert blocked["case"] is None and number["status"] == "FILED"
    assert contract.EVENTS == [("file", number["caseNumber"], "construction")]

