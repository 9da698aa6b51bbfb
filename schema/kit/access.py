"""Authorization in one place: what the viewer may read (as SQL predicates per object kind), what
it may do, and how personal data is shown to it. Every resolver goes through this module."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.access.viewer import ENFORCERS, STAFF, AgencyNode, Jurisdiction, RegionNode, Role, Scope, Viewer, jurisdiction
from zhifa.core.audit.reads import PersonalDataRead
from zhifa.core.complaints.rules import visible_clause as complaint_visible
from zhifa.core.inspections import jurisdiction as inspection_rules
from zhifa.core.supervision import rectification as rectification_rules, reviews as review_rules, visits as visit_rules
from zhifa.core.entities.crypto import DataKey
from zhifa.core.entities.masking import mask_id_number, mask_phone
from zhifa.core.errors import UserError
from zhifa.core.models import Agency, Case, CaseEvent, CreditRecord, Entity, Region

# Published by law (事前公开): the catalog, the organisation and the regions are open to everyone.
PUBLIC_KINDS = {"Region", "Agency", "CatalogItem", "PublicDecision"}
# Reached only through a parent that was itself authorized.
CHILD_KINDS = {"CaseEvent", "CaseDeadline", "ComplaintEvent", "ComplaintLink", "CaseReviewFinding"}
# Credit records and repairs follow the entity they belong to.
ENTITY_CHILDREN = {"CreditRecord", "CreditRepair"}
SCOPE_FOR = {
    "Case": Scope.CASES,
    "Entity": Scope.ENTITIES,
    "Officer": Scope.OFFICERS,
    "InspectionPlan": Scope.CASES,
    "Inspection": Scope.CASES,
    "Complaint": Scope.CASES,
    # Supervision records (letters, problem lines, reviews, return visits) are read with the cases.
    **dict.fromkeys(rectification_rules.KINDS | review_rules.KINDS | visit_rules.KINDS, Scope.CASES),
}


def forbidden(message: str = "无权访问") -> GraphQLError:
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


@dataclass
class Access:
    viewer: Viewer
    key: DataKey
    reach: Jurisdiction | None = None
    clear_reads: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    complaint_reads: list[tuple[uuid.UUID, str]] = field(default_factory=list)  # clear reads of complainants

    async def prepare(self, session: AsyncSession) -> None:
        """Load the agency and region trees once per request (two statements)."""
        if self.reach is not None or self.viewer.is_public:
            return
        agencies = [AgencyNode(r.id, r.parent_id, r.region_id) for r in await session.execute(sa.select(Agency.id, Agency.parent_id, Agency.region_id))]
        regions = [RegionNode(r.id, r.parent_id, r.code) for r in await session.execute(sa.select(Region.id, Region.parent_id, Region.code))]
        self.reach = jurisdiction(self.viewer, agencies, regions)

    def readable(self, kind: str) -> bool:
        if kind in PUBLIC_KINDS or kind in CHILD_KINDS:
            return True
        if kind in ENTITY_CHILDREN:
            kind = "Entity"
        if self.viewer.is_public:
            return False
        if self.viewer.has(Role.PROVINCIAL):
            return SCOPE_FOR[kind].value in self.viewer.scopes
        return True

    def require(self, kind: str) -> None:
        """For top-level lists: a clear refusal instead of a silently empty page."""
        if self.readable(kind):
            return
        if self.viewer.is_public:
            raise GraphQLError("请先登录（需要 Bearer 令牌）", extensions={"code": "UNAUTHENTICATED"})
        raise forbidden(f"当前账号无权读取 {kind}")

    def where(self, kind: str, table: sa.Table) -> list[sa.ColumnElement[bool]]:
        """Predicates that keep a statement over `table` inside the viewer's jurisdiction."""
        if kind in PUBLIC_KINDS or kind in CHILD_KINDS:
            return []
        if not self.readable(kind) or self.reach is None:
            return [sa.false()]
        agencies = self.reach.agencies or frozenset()
        if kind in inspection_rules.KINDS:
            return inspection_rules.where(kind, table, agencies)
        if kind in rectification_rules.KINDS:
            return rectification_rules.where(kind, table, agencies, self.reach.overseers)
        if kind in review_rules.KINDS:
            return review_rules.where(kind, table, agencies, self.viewer.officer_id)
        if kind in visit_rules.KINDS:
            supervises = self.viewer.has(Role.SUPERVISOR, Role.PROVINCIAL)
            return visit_rules.where(kind, table, agencies, self.reach.regions or frozenset(), supervises)
        if kind == "Case":
            # A case sent to one of the viewer's agencies is its to answer, before it takes it over;
            # a case file assigned to the viewer for review (案卷评查) is theirs to read.
            sent_here = sa.select(CaseEvent.case_id).where(
                CaseEvent.kind == "transfer", CaseEvent.data["to_agency_id"].as_string().in_([str(a) for a in agencies])
            )
            reach = [table.c.agency_id.in_(agencies), table.c.id.in_(sent_here)]
            if self.viewer.officer_id is not None:
                reach.append(table.c.id.in_(review_rules.assigned_cases(self.viewer.officer_id)))
            return [sa.or_(*reach)]
        if kind == "Officer":
            return [table.c.agency_id.in_(agencies)]
        if kind in ENTITY_CHILDREN:
            visible = sa.select(Entity.id).where(*self.where("Entity", Entity.__table__))
            records = CreditRecord.__table__
            if kind == "CreditRecord":
                return [table.c.entity_id.in_(visible)]
            return [table.c.credit_record_id.in_(sa.select(records.c.id).where(records.c.entity_id.in_(visible)))]
        if kind == "Entity":
            party = sa.select(Case.entity_id).where(Case.agency_id.in_(agencies))
            return [sa.or_(table.c.region_id.in_(self.reach.regions or frozenset()), table.c.id.in_(party))]
        if kind == "Complaint":
            # The viewer's reach holds the handling or the receiving agency; the complainant's
            # identity inside is decided per row (core.complaints.rules.disclosure).
            return [complaint_visible(agencies, table)]
        return [sa.false()]  # a kind nobody has ruled on is closed

    def show_entity_personal_data(self, entity: Any, row: Any, selected: frozenset[str]) -> None:
        """Decrypt the selected personal fields, then show them in clear (and record the read) or
        masked, by the viewer's role. Fields the query did not select stay unread and unlogged."""
        wanted = {f: c for f, g, c in (("id_number", "idNumber", row.id_number_cipher), ("phone", "phone", row.phone_cipher)) if g in selected and c}
        if not wanted:
            return
        clear = {f: self.key.decrypt(c) for f, c in wanted.items()}
        if self.viewer.sees_personal_data:
            for f, v in clear.items():
                setattr(entity, f, v)
            self.clear_reads.append((row.id, ",".join(clear)))
        else:
            entity.id_number, entity.phone = mask_id_number(clear.get("id_number")), mask_phone(clear.get("phone"))

    async def record_reads(self, session: AsyncSession) -> None:
        if self.complaint_reads:
            from zhifa.schema.complaints.types import write_identity_reads  # imported here: schema.complaints imports this module

            await write_identity_reads(self, session)
        if not self.clear_reads:
            return
        rows = [{"viewer": self.viewer.subject, "entity_id": e, "fields": f} for e, f in dict(self.clear_reads).items()]
        await session.execute(sa.insert(PersonalDataRead), rows)
        await session.commit()
        self.clear_reads.clear()

    # What the viewer may do.

    def require_staff(self) -> None:
        if not self.viewer.has(*STAFF):
            raise UserError("FORBIDDEN", "只有执法机关工作人员可以执行此操作")

    def require_enforcer_of(self, agency_id: uuid.UUID) -> None:
        """Enforcement acts: an officer or head of that agency (a head also for agencies below it)."""
        if not self.viewer.has(*ENFORCERS):
            raise UserError("FORBIDDEN", "只有持证执法人员或负责人可以执行此操作（辅助人员不得单独执法）")
        own = agency_id == self.viewer.agency_id
        below = self.viewer.has(Role.AGENCY_HEAD) and self.reach is not None and agency_id in (self.reach.agencies or ())
        if not (own or below):
            raise UserError("FORBIDDEN", "不能以其他执法主体的名义办案", "agencyId")

    def require_head(self) -> None:
        if not self.viewer.has(Role.AGENCY_HEAD):
            raise UserError("FORBIDDEN", "只有执法机关负责人可以执行此操作")

    def require_head_over(self, agency_id: uuid.UUID) -> None:
        """A head acting on an agency below its own (e.g. the county bureau delegating to a township)."""
        self.require_head()
        if agency_id == self.viewer.agency_id or self.reach is None or agency_id not in (self.reach.agencies or ()):
            raise UserError("FORBIDDEN", "只能对本机关所属的下级执法主体执行此操作", "agencyId")

    def require_region(self, region_id: uuid.UUID) -> None:
        if self.reach is None or region_id not in (self.reach.regions or ()):
            raise UserError("FORBIDDEN", "该行政区划不在本机关管辖范围内", "regionId")
