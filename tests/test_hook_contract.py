"""The plug-in contract, one test per hook (each test is named after the hook it exercises;
tests/test_plugin_hooks_doc.py fails when a hook of `core.hooks.Specs` has none). The contract
plug-in (tests/data/zhifa-contract, installed with pip as a real distribution) implements every
hook, and each is seen doing its job here."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from conftest import Api, pip_installed, settings_for
from zhifa.core.db import make_engine
from zhifa.core.hooks import Specs
from zhifa.core.inspections.scenarios import available
from zhifa.core.migrate import upgrade_async
from zhifa.core.plugin_manager import BUILTIN, PluginError, PluginManager, PluginsConfig
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


def test_the_contract_plugin_implements_every_hook(contract):
    implemented = {name for name in dir(contract.ContractPlugin) if name.startswith("zhifa_")}
    assert HOOKS and implemented == HOOKS, "the contract plug-in must implement exactly the hooks of core.hooks.Specs"


def test_zhifa_configure_hands_over_the_settings_before_the_data_hooks_run(contract):
    loaded = manager(echo="你好", data="data")
    assert loaded.loaded["contract"].source == "zhifa-contract 0.0.1"
    assert contract.plugin.settings == {"echo": "你好", "data": "data"}
    assert "contract" in loaded.catalog.domains  # the data hooks saw the settings
    manager()
    assert contract.plugin.settings == {}  # a plug-in without a settings table gets an empty one


def test_zhifa_domains_are_owned_by_the_plugin_that_declares_them(contract):
    catalog = manager(data="data").catalog
    assert catalog.domain_plugin["contract"] == "contract" and catalog.domains["contract"].version == "0.0.1"
    assert "contract" not in manager().catalog.domains


def test_zhifa_catalog_items_enter_the_catalog_in_the_plugins_domain(contract):
    catalog = manager(data="data").catalog
    assert catalog.item_plugin["CT001"] == "contract" and catalog.items["CT001"].domain == "contract"


def test_zhifa_discretion_tables_attach_to_their_items(contract):
    assert manager(data="data").catalog.tables["CT001"].tiers[0].other_penalties == ("warning",)


def test_zhifa_checklists_may_point_at_the_plugins_items(contract):
    checklist = manager(data="data").catalog.checklists["CT-CL01"]
    assert checklist.domain == "contract" and [p.item for p in checklist.points] == ["CT001"]


def test_zhifa_scenarios_are_validated_once_at_startup_and_kept(contract):
    loaded = manager(data="data")
    assert [s.code for s in loaded.scenarios()] == ["YJS-CT"]
    contract.plugin.settings["scenarios"] = "broken_scenarios"  # a file read again now would fail
    assert [s.code for s in loaded.scenarios()] == ["YJS-CT"]
    assert "YJS-CT" in [s.code for s in available(loaded.catalog, loaded.scenarios())]


@pytest.mark.parametrize(
    ("folder", "problem"),
    [
        ("broken_scenarios", "scenario[0] (YJS-CT).lead_domain"),
        ("stray_scenarios", "scenario[0] (YJS-CT).points: 检查要点“JZ-CL99-01”不在已加载的检查清单中"),
    ],
)
def test_zhifa_scenarios_a_bad_file_stops_startup_naming_the_plugin_and_the_file(contract, folder, problem):
    with pytest.raises(PluginError) as caught:
        manager(data="data", scenarios=folder)
    assert caught.value.plugin == "contract"
    assert f"{folder}/scenarios.toml: {problem}" in str(caught.value)


async def test_zhifa_graphql_fields_are_merged_into_the_query(contract, database_url, db):
    app = create_app(settings_for(database_url), manager(echo="你好"))
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhifa.test") as client:
        assert await Api(client)("{ contractEcho }") == {"contractEcho": "你好"}


async def test_zhifa_migrations_branch_is_applied_with_the_core(contract, tmp_path):
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


def test_zhifa_migrations_a_missing_folder_stops_startup(contract):
    with pytest.raises(PluginError, match="不是文件夹") as caught:
        manager(migrations="nowhere")
    assert caught.value.plugin == "contract"


async def test_zhifa_case_checks_can_block_a_step_and_zhifa_case_event_hears_only_committed_steps(contract, database_url, bureau, demo_tokens):
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

