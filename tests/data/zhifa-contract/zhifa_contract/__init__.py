"""A plug-in that implements every hook of core.hooks.Specs, for the contract test. It records
what the core hands it, blocks the workflow step named in its settings, adds one GraphQL field
and owns one table through its own alembic branch. With the setting `data = "data"` it also owns
a domain `contract` whose item, table, checklist and scenario come from that folder (the setting
`scenarios` names another folder for scenarios.toml, `migrations` another migrations folder)."""

from pathlib import Path

import strawberry

from zhifa.core.errors import ErrorCode, UserError
from zhifa.core.hooks import DataPlugin, Domain, GraphQLContribution, hookimpl

HERE = Path(__file__).parent
DOMAIN = Domain("contract", "契约测试", "Contract test", "0.0.1")
EVENTS: list = []  # (kind, case number, domain) of every committed step heard


class ContractErrorCode(ErrorCode):
    CONTRACT_BLOCKED = "CONTRACT_BLOCKED", "契约测试插件拦截了此步骤"


@strawberry.type
class ContractQuery:
    @strawberry.field(description="契约测试插件的回声")
    def contract_echo(self) -> str:
        return plugin.settings.get("echo", "")


class ContractPlugin:
    def __init__(self) -> None:
        self.settings: dict = {}

    def _data(self, setting: str = "data") -> DataPlugin:
        """The core's reader of the data files, on the folder the settings name (none: no data)."""
        return DataPlugin(DOMAIN, HERE / self.settings.get(setting, self.settings.get("data", "no-data")))

    @hookimpl
    def zhifa_configure(self, settings):
        self.settings = dict(settings)

    @hookimpl
    def zhifa_domains(self):
        return [DOMAIN] if "data" in self.settings else []

    @hookimpl
    def zhifa_catalog_items(self):
        return self._data().zhifa_catalog_items()

    @hookimpl
    def zhifa_discretion_tables(self):
        return self._data().zhifa_discretion_tables()

    @hookimpl
    def zhifa_checklists(self):
        return self._data().zhifa_checklists()

    @hookimpl
    def zhifa_scenarios(self):
        return self._data("scenarios").zhifa_scenarios()

    @hookimpl
    def zhifa_case_checks(self, action):
        if action.name == self.settings.get("block"):
            return [UserError(ContractErrorCode.CONTRACT_BLOCKED, "契约测试插件拦截了此步骤", "caseId")]
        return []

    @hookimpl
    async def zhifa_case_event(self, event):
        EVENTS.append((event.kind, event.case_number, event.domain))

    @hookimpl
    def zhifa_graphql(self):
        return GraphQLContribution(query=[ContractQuery], error_codes=[ContractErrorCode])

    @hookimpl
    def zhifa_migrations(self):
        return HERE / self.settings.get("migrations", "migrations")


plugin = ContractPlugin()
