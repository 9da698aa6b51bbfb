"""Authorization's common core: the viewer's jurisdiction, the rule that opens or closes each
kind's rows, what the viewer may do, and reads of personal data recorded once per request.

Which rows of a kind a viewer may read is that kind's own `RowRule`, declared by its domain package
beside the kind; the root hands every kind to `Access`, so this module knows no domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.access.trees import TreeCache, load_trees
from zhifa.core.access.viewer import (
    ENFORCERS,
    SERVICE_ACCOUNTS,
    STAFF,
    Jurisdiction,
    Role,
    Scope,
    Viewer,
)
from zhifa.core.entities.crypto import DataKey
from zhifa.core.errors import CommonErrorCode, UserError

Predicates = list[sa.ColumnElement[bool]]
# Writes one request's clear reads of one kind of personal data (the law requires a record of each).
ReadWriter = Callable[[AsyncSession, Viewer, list[Any]], Awaitable[None]]


@dataclass(frozen=True)
class RowRule:
    """Who reads a kind's rows. `scope`: the provincial service account's read scope; `where`: the
    predicates over the kind's table for a signed-in viewer. Neither: the rows are open to everyone
    (published by law, or reached only through a parent that was itself authorized)."""

    scope: Scope | None = None
    where: Callable[[Access, sa.Table], Predicates] | None = None

    @property
    def open(self) -> bool:
        return self.where is None


OPEN = RowRule()


def forbidden(message: str = "无权访问") -> GraphQLError:
    return GraphQLError(message, extensions={"code": CommonErrorCode.FORBIDDEN})


@dataclass
class Access:
    viewer: Viewer
    key: DataKey
    kinds: Mapping[str, Any] = field(default_factory=dict)  # planner kinds by name, each with its `rule`
    reach: Jurisdiction | None = None
    pending_reads: dict[ReadWriter, list[Any]] = field(default_factory=dict)
    trees: TreeCache | None = None  # the process's agency and region trees (core.access.trees)

    async def prepare(self, session: AsyncSession) -> None:
        """The viewer's jurisdiction, once per request: from the process's trees when it has a
        cache (one statement while they stand), else from trees loaded now (two)."""
        if self.reach is not None or self.viewer.is_public:
            return
        if self.trees is not None:
            self.reach = await self.trees.reach(session, self.viewer)
        else:
            self.reach = (await load_trees(session)).reach(self.viewer)

    @property
    def agencies(self) -> frozenset[uuid.UUID]:
        return (self.reach.agencies if self.reach else None) or frozenset()

    @property
    def regions(self) -> frozenset[uuid.UUID]:
        return (self.reach.regions if self.reach else None) or frozenset()

    def rule(self, kind: str) -> RowRule | None:
        found = self.kinds.get(kind)
        return found.rule if found is not None else None

    def readable(self, kind: str) -> bool:
        rule = self.rule(kind)
        if rule is None:
            return False  # a kind nobody has ruled on is closed
        if rule.open:
            return True
        if self.viewer.is_public:
            return False
        if self.viewer.has(*SERVICE_ACCOUNTS):
            return rule.scope is not None and rule.scope.value in self.viewer.scopes
        return True

    def require(self, kind: str) -> None:
        """For top-level lists: a clear refusal instead of a silently empty page."""
        if self.readable(kind):
            return
        if self.viewer.is_public:
            raise GraphQLError("请先登录（需要 Bearer 令牌）", extensions={"code": CommonErrorCode.UNAUTHENTICATED})
        raise forbidden(f"当前账号无权读取 {kind}")

    def where(self, kind: str, table: sa.Table) -> Predicates:
        """Predicates that keep a statement over `table` inside the viewer's jurisdiction."""
        rule = self.rule(kind)
        if rule is not None and rule.open:
            return []
        if not self.readable(kind) or self.reach is None:
            return [sa.false()]
        return rule.where(self, table)

    def note_read(self, writer: ReadWriter, item: Any) -> None:
        """Personal data shown in clear: recorded by `writer` when the resolver's session ends."""
        self.pending_reads.setdefault(writer, []).append(item)

    async def record_reads(self, session: AsyncSession) -> None:
        pending, self.pending_reads = self.pending_reads, {}  # resolvers of one request run concurrently
        if not pending:
            return
        for writer, items in pending.items():
            await writer(session, self.viewer, items)
        await session.commit()

    # What the viewer may do.

    def require_staff(self) -> None:
        if not self.viewer.has(*STAFF):
            raise UserError(CommonErrorCode.FORBIDDEN, "只有执法机关工作人员可以执行此操作")

    def require_enforcer_of(self, agency_id: uuid.UUID) -> None:
        """Enforcement acts: an officer or head of that agency (a head also for agencies below it)."""
        if not self.viewer.has(*ENFORCERS):
            raise UserError(CommonErrorCode.FORBIDDEN, "只有持证执法人员或负责人可以执行此操作（辅助人员不得单独执法）")
        own = agency_id == self.viewer.agency_id
        below = self.viewer.has(Role.AGENCY_HEAD) and agency_id in self.agencies
        if not (own or below):
            raise UserError(CommonErrorCode.FORBIDDEN, "不能以其他执法主体的名义办案", "agencyId")

    def require_head(self) -> None:
        if not self.viewer.has(Role.AGENCY_HEAD):
            raise UserError(CommonErrorCode.FORBIDDEN, "只有执法机关负责人可以执行此操作")

    def require_head_over(self, agency_id: uuid.UUID) -> None:
        """A head acting on an agency below its own (e.g. the county bureau delegating to a township)."""
        self.require_head()
        if agency_id == self.viewer.agency_id or agency_id not in self.agencies:
            raise UserError(CommonErrorCode.FORBIDDEN, "只能对本机关所属的下级执法主体执行此操作", "agencyId")

    def require_staff_admin_over(self, agency_id: uuid.UUID) -> None:
        """Staff administration (人事/法制机构): its own agency and the agencies below it, never
        another county's."""
        if not self.viewer.has(Role.STAFF_ADMIN):
            raise UserError(CommonErrorCode.FORBIDDEN, "只有人事（法制）管理员可以管理机构和人员")
        if agency_id not in self.agencies:
            raise UserError(CommonErrorCode.FORBIDDEN, "只能管理本机关及其下级机关的机构和人员", "agencyId")

    def require_region(self, region_id: uuid.UUID) -> None:
        if region_id not in self.regions:
            raise UserError(CommonErrorCode.FORBIDDEN, "该行政区划不在本机关管辖范围内", "regionId")
