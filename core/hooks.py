"""The plug-in contract. A domain department's package implements these hooks; nothing else.

Every hook returns data (pluggy is synchronous); the core collects, validates and stores it at
start-up. `DataPlugin` implements the data hooks for a package that ships the three TOML files
described in docs/plugin-data-format.md, so most plug-ins are a descriptor and a folder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from zhifa.core.catalog.loader import DataFileError, Problems, parse_checklists, parse_items, parse_tables, read_toml
from zhifa.core.catalog.spec import ChecklistSpec, ItemSpec, TableSpec
from zhifa.core.errors import UserError
from zhifa.core.inspections.scenarios import ScenarioSpec, parse_scenarios

PROJECT = "zhifa"

# What a plug-in may import, module by module; everything else may change between releases. Each
# name is documented in docs/plugin-hooks.md ("Public helpers"); tests/test_public_api.py checks
# that, and that the built-in plug-ins import nothing else.
PUBLIC_API: dict[str, tuple[str, ...]] = {
    "zhifa.core.hooks": ("CaseAction", "CaseEvent", "DataPlugin", "Domain", "GraphQLContribution", "hookimpl"),
    "zhifa.core.errors": ("CommonErrorCode", "ErrorCode", "UserError"),
    "zhifa.core.money": ("decimal_places", "fen_to_yuan", "parse_amount", "round_fen"),
    "zhifa.core.labels": ("LabeledEnum",),
    "zhifa.core.models": ("Case",),
    "zhifa.schema.public": ("CaseRef", "Money", "graphql_enum", "graphql_error", "planner", "selections", "to_core"),
}
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@dataclass(frozen=True)
class Domain:
    """An enforcement domain: `code` is stable and ASCII; names are shown to users."""

    code: str
    name_zh: str
    name_en: str
    version: str


@dataclass(frozen=True)
class GraphQLContribution:
    """Strawberry types whose fields are merged into the root Query and Mutation, and the
    plug-in's `core.errors.ErrorCode` enums (the codes its errors may carry)."""

    query: Sequence[type] = ()
    mutation: Sequence[type] = ()
    error_codes: Sequence[type] = ()


@dataclass(frozen=True)
class CaseAction:
    """A workflow step about to happen on a case, offered to `zhifa_case_checks`."""

    name: str
    case: Mapping[str, Any]
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseEvent:
    """A workflow step that has been committed, offered to `zhifa_case_event`."""

    kind: str
    case_id: str
    case_number: str
    domain: str
    data: Mapping[str, Any] = field(default_factory=dict)


class Specs:
    @hookspec
    def zhifa_configure(self, settings: Mapping[str, Any]) -> None:
        """Receive this plug-in's settings from `[plugins.settings.<name>]` in plugins.toml."""

    @hookspec
    def zhifa_domains(self) -> Sequence[Domain]:
        """The enforcement domains this plug-in owns."""

    @hookspec
    def zhifa_catalog_items(self) -> Sequence[ItemSpec]:
        """Enforcement items (执法事项) of this plug-in's domains."""

    @hookspec
    def zhifa_discretion_tables(self) -> Sequence[TableSpec]:
        """Discretion benchmarks (裁量基准), one per penalty item."""

    @hookspec
    def zhifa_checklists(self) -> Sequence[ChecklistSpec]:
        """Inspection checklists (检查清单)."""

    @hookspec
    def zhifa_scenarios(self) -> Sequence[ScenarioSpec]:
        """Cross-domain "one thing" scenarios (一件事监管): checklist point codes and a lead domain."""

    @hookspec
    def zhifa_case_checks(self, action: CaseAction) -> Sequence[UserError]:
        """Domain rules that block a workflow step, on top of the core's legal guards."""

    @hookspec
    def zhifa_case_event(self, event: CaseEvent) -> None:
        """Called after a workflow step is committed (integration, notices)."""

    @hookspec
    def zhifa_graphql(self) -> GraphQLContribution:
        """GraphQL fields to merge into Query and Mutation; a name clash stops start-up."""

    @hookspec
    def zhifa_migrations(self) -> Path:
        """A folder of alembic revisions for tables this plug-in owns (its own branch)."""


class DataPlugin:
    """Implements the data hooks from `<data>/items.toml`, `discretion.toml` and `checklists.toml`."""

    def __init__(self, domain: Domain, data: Path):
        self.domain, self.data = domain, data

    @hookimpl
    def zhifa_domains(self) -> Sequence[Domain]:
        return [self.domain]

    @hookimpl
    def zhifa_catalog_items(self) -> Sequence[ItemSpec]:
        return self._read("items.toml", parse_items)

    @hookimpl
    def zhifa_discretion_tables(self) -> Sequence[TableSpec]:
        return self._read("discretion.toml", parse_tables)

    @hookimpl
    def zhifa_checklists(self) -> Sequence[ChecklistSpec]:
        return self._read("checklists.toml", parse_checklists)

    @hookimpl
    def zhifa_scenarios(self) -> Sequence[ScenarioSpec]:
        return self._read("scenarios.toml", parse_scenarios)

    def _read(self, name: str, parse):
        path = self.data / name
        if not path.exists():
            return []
        problems = Problems([])
        result = parse(read_toml(path, problems), str(path), problems)
        if problems.found:
            raise DataFileError(problems.found)
        return result
