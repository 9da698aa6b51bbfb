"""Staff administration of agencies (issue 12 point 2): create, rename, move, domains held,
numbering patterns, close. The staff admin (人事/法制机构) acts on its own agency and those below
(`Access.require_staff_admin_over`), never on another county's organisation; the rules are
core.people.agencies'."""

from __future__ import annotations

import datetime as dt

import strawberry
from zhifa.core.people import agencies as service
from zhifa.core.people import models as m
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.enums import AgencyKind, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.people.types import AGENCY, Agency

VERSION = "变更前读到的版本（乐观锁）；为空则不核对"


@strawberry.input(description="设立执法主体（机关）")
class CreateAgencyInput:
    parent_id: strawberry.ID = strawberry.field(description="上级机关：本机关或其下级机关")
    name: str
    short_name: str = strawberry.field(description="机关简称（案号、文书编号的代字），如“定综执”")
    kind: AgencyKind
    region_id: strawberry.ID = strawberry.field(description="所在区划：上级机关所在区划或其下级区划")
    domains: list[str] = strawberry.field(default_factory=list, description="承担执法职责的领域代码")


@strawberry.input(description="机关更名：名称、简称（已编的案号和文书编号不变）")
class UpdateAgencyInput:
    agency_id: strawberry.ID
    name: str | None = None
    short_name: str | None = None
    version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="调整机关隶属：移至另一个上级机关之下")
class MoveAgencyInput:
    agency_id: strawberry.ID
    parent_id: strawberry.ID
    version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="设定机关承担执法职责的领域（取代原有领域；已登记的案件不受影响）")
class SetAgencyDomainsInput:
    agency_id: strawberry.ID
    domains: list[str]
    version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="设定案号和文书编号格式：占位符 {short} {type} {year} {serial}，须以“〔{year}〕{serial}号”结尾（GB/T 9704-2012）")
class SetAgencyNumberingInput:
    agency_id: strawberry.ID
    case_pattern: str | None = strawberry.field(default=None, description="案号格式，须含 {short}；为空则不变")
    document_pattern: str | None = strawberry.field(default=None, description="文书编号格式，须含 {short} 和 {type}；为空则不变")
    version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.input(description="撤销机关（不删除）：其未结案件依撤销决定移交承继机关，已结案件由承继机关查阅")
class CloseAgencyInput:
    agency_id: strawberry.ID
    successor_id: strawberry.ID = strawberry.field(description="承继机关：本机关管理范围内、未撤销，且承担被撤销机关未结案件所属领域的职责")
    decision: str = strawberry.field(description="撤销决定文号")
    reason: str
    closed_on: dt.date | None = strawberry.field(default=None, description="撤销之日，默认今天")
    version: int | None = strawberry.field(default=None, description=VERSION)


@strawberry.type(description="机关管理操作的结果")
class AgencyPayload:
    agency: Agency | None
    errors: list[UserError]


async def _agency_mutation(info: strawberry.Info, act) -> AgencyPayload:
    """Run `act(session, access)` (it returns the agency) and answer with the agency as the viewer sees it."""
    async def work(session):
        return (await act(session, info.context.access)).id

    key, errors = await run_mutation(info, work)
    return AgencyPayload(agency=await one(info, AGENCY, key, "agency") if key else None, errors=errors)


def _administered(access, input_id: strawberry.ID, field: str = "agencyId"):
    agency_id = decode_id(input_id, "Agency", field)
    access.require_staff_admin_over(agency_id)
    return agency_id


@strawberry.type
class AgencyMutations:
    @strawberry.mutation(description="设立执法主体（人事（法制）管理员，限本机关之下）")
    async def create_agency(self, info: strawberry.Info, input: CreateAgencyInput) -> AgencyPayload:
        async def act(session, access):
            new = service.NewAgency(
                name=input.name, short_name=input.short_name, kind=to_core(m.AgencyKind, input.kind),
                region_id=decode_id(input.region_id, "Region", "regionId"), parent_id=_administered(access, input.parent_id, "parentId"),
                domains=tuple(input.domains),
            )
            return await service.create_agency(session, info.context.actor, new)

        return await _agency_mutation(info, act)

    @strawberry.mutation(description="机关更名（名称、简称）")
    async def update_agency(self, info: strawberry.Info, input: UpdateAgencyInput) -> AgencyPayload:
        async def act(session, access):
            agency_id = _administered(access, input.agency_id)
            return await service.rename_agency(session, info.context.actor, agency_id, input.name, input.short_name, input.version)

        return await _agency_mutation(info, act)

    @strawberry.mutation(description="调整机关隶属（不能移至自身或下级机关之下，也不能移至已撤销的机关之下）")
    async def move_agency(self, info: strawberry.Info, input: MoveAgencyInput) -> AgencyPayload:
        async def act(session, access):
            agency_id, parent_id = _administered(access, input.agency_id), _administered(access, input.parent_id, "parentId")
            return await service.move_agency(session, info.context.actor, agency_id, parent_id, input.version)

        return await _agency_mutation(info, act)

    @strawberry.mutation(description="设定机关承担执法职责的领域")
    async def set_agency_domains(self, info: strawberry.Info, input: SetAgencyDomainsInput) -> AgencyPayload:
        async def act(session, access):
            agency_id = _administered(access, input.agency_id)
            return await service.set_agency_domains(session, info.context.actor, agency_id, tuple(input.domains), input.version)

        return await _agency_mutation(info, act)

    @strawberry.mutation(description="设定机关的案号和文书编号格式（自下一个编号起适用）")
    async def set_agency_numbering(self, info: strawberry.Info, input: SetAgencyNumberingInput) -> AgencyPayload:
        async def act(session, access):
            agency_id = _administered(access, input.agency_id)
            return await service.set_agency_numbering(
                session, info.context.actor, agency_id, input.case_pattern, input.document_pattern, input.version
            )

        return await _agency_mutation(info, act)

    @strawberry.mutation(description="撤销机关：记录撤销决定，未结案件移交承继机关（机关记录和案件永不删除）")
    async def close_agency(self, info: strawberry.Info, input: CloseAgencyInput) -> AgencyPayload:
        async def act(session, access):
            agency_id, successor_id = _administered(access, input.agency_id), _administered(access, input.successor_id, "successorId")
            closure = service.Closure(successor_id=successor_id, decision=input.decision, reason=input.reason, closed_on=input.closed_on)
            return await service.close_agency(session, info.context.actor, agency_id, closure, input.version)

        return await _agency_mutation(info, act)
