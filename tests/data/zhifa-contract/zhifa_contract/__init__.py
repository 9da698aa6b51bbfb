"""A plug-in that implements every hook of core.hooks.Specs, for the contract test. It records
what the core hands it, blocks the workflow step named in its settings, adds one GraphQL field
and owns one table through its own alembic branch."""

from pathlib import Path

import strawberry

from zhifa.core.errors import UserError
from zhifa.core.hooks import GraphQLContribution, hookimpl

EVENTS: list = []  # (kind, case number, domain) of every committed step heard


@strawberry.type
class ContractQuery:
    @strawberry.field(description="契约测试插件的回声")
    def contract_echo(self) -> str:
        return plugin.settings.get("echo", "")


class ContractPlugin:
    def __init__(self) -> None:
        self.settings: dict = {}

    @hookimpl
    def zhifa_configure(self, settings):
        self.settings = dict(settings)

    @hookimpl
    def zhifa_domains(self):
        return []

    @hookimpl
    def zhifa_catalog_items(self):
        return []

    @hookimpl
    def zhifa_discretion_tables(self):
        return []

    @hookimpl
    def zhifa_checklists(self):
        return []

    @hookimpl
    def zhifa_scenarios(self):
        return []

    @hookimpl
    def zhifa_case_checks(self, action):
        if action.name == self.settings.get("block"):
            return [UserError("CONTRACT_BLOCKED", "契约测试插件拦截了此步骤", "caseId")]
        return []

    @hookimpl
    async def zhifa_case_event(self, event):
        EVENTS.append((event.kind, event.case_number, event.domain))

    @hookimpl
    def zhifa_graphql(self):
        return GraphQLContribution(query=[ContractQuery])

    @hookimpl
    def zhifa_migrations(self):
        return Path(__file__).parent / "migrations"


plugin = ContractPlugin()
