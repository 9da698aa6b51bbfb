"""What every resolver can reach: sessions, the loaded plug-ins, settings and the viewer's access."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from zhifa.core.cases.calendar import WorkingCalendar
from zhifa.core.cases.policy import DEFAULT_POLICY, CasePolicy
from zhifa.core.config import Settings
from zhifa.core.plugin_manager import PluginManager
from zhifa.schema.kit.access import Access


@dataclass
class Context:
    sessions: async_sessionmaker[AsyncSession]
    plugins: PluginManager
    settings: Settings
    access: Access
    calendar: WorkingCalendar
    policy: CasePolicy = DEFAULT_POLICY  # the deployment's case policy (ZHIFA_CASE_POLICY_FILE)
    loaders: dict[str, Any] = field(default_factory=dict)  # per-request batch loaders, by name

    @property
    def actor(self) -> str:
        return self.access.viewer.subject
