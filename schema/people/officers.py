"""Staff administration of officers (人事/法制机构, issue 12 points 3 and 5): registering, posting,
the legal qualification, the yearly training and assessment, retiring. The staff admin manages its
own agency and those below it (`Access.require_staff_admin_over`), never another county's people;
the rules themselves are core.people.staff's.

Sources: 行政执法人员资格管理 as asked by the Anshan source (seed 001: unified management of
qualifications, exams, certificates, rotation training and annual assessment); APL Art. 58 para 2
(a first-time legal reviewer needs 法律职业资格)."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.clock import legal_today
from zhifa.core.errors import UserError as RuleError
from zhifa.core.people import models as m
from zhifa.core.people import staff
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.enums import AssessmentResult, OfficerRole, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.people.types import OFFICER, Officer


@strawberry.input(description="登记执法人员（人事（法制）管理员）")
class RegisterOfficerInput:
    agency_id: strawberry.ID = strawberry.field(description="所属机关：本机关或其下级机关")
    name: str
    role: OfficerRole
    id_number: str | None = strawberry.field(default=None, description="公民身份号码（加密保存；一人只登记一次）")
    external_identity: str | None = strawberry.field(default=None, description="省统一身份认证平台的用户标识（令牌 sub）")
    posted_on: dt.date | None = strawberry.field(default=None, description="到岗日期，默认今天（记为第一段任职经历）")


@strawberry.input(description="调整任职：调往其他机关或区域，或开始、结束负责人任期")
class PostOfficerInput:
    officer_id: strawberry.ID
    agency_id: strawberry.ID = strawberry.field(description="新的所属机关：须在本机关管理范围内")
    region_id: strawberry.ID | None = strawberry.field(default=None, description="工作区域，默认新机关所在区划")
    is_head: bool = strawberry.field(default=False, description="是否担任负责人")
    started_on: dt.date | None = strawberry.field(default=None, description="新任职开始之日（上一段任职于前一日结束），默认今天")


@strawberry.input(description="登记法律职业资格和从事法制审核的起始日期")
class RecordLegalQualificationInput:
    officer_id: strawberry.ID
    qualified: bool = strawberry.field(description="是否取得法律职业资格")
    reviewing_since: dt.date | None = strawberry.field(
        default=None, description="开始从事行政处罚决定法制审核之日；2021年7月15日以后初次从事的须取得法律职业资格（行政处罚法第五十八条第二款）"
    )


@strawberry.input(description="登记年度轮训学时和年度考核结果")
class RecordOfficerYearInput:
    officer_id: strawberry.ID
    year: int
    training_hours: int = strawberry.field(description="当年轮训学时")
    assessment: AssessmentResult | None = strawberry.field(default=None, description="年度考核结果；为空表示尚未考核")


@strawberry.input(description="人员退出执法岗位（退休、调离等）；记录保留，不删除")
class RetireOfficerInput:
    officer_id: strawberry.ID
    on: dt.date = strawberry.field(description="退出之日")
    reason: str


@strawberry.type(description="人员管理操作的结果")
class OfficerPayload:
    officer: Officer | None
    errors: list[UserError]


async def administered(session: AsyncSession, access: Access, officer_id: uuid.UUID) -> m.Officer:
    """The officer, if the viewer is a staff admin over the officer's agency."""
    officer = await session.get(m.Officer, officer_id)
    if officer is None:
        raise RuleError(PeopleErrorCode.OFFICER_NOT_FOUND, "执法人员不存在", "officerId")
    access.require_staff_admin_over(officer.agency_id)
    return officer


async def _officer_mutation(info: strawberry.Info, act) -> OfficerPayload:
    """Run `act(session, access)` (it returns the officer's id) and answer with the officer as the viewer sees it."""
    key, errors = await run_mutation(info, lambda session: act(session, info.context.access))
    return OfficerPayload(officer=await one(info, OFFICER, key, "officer") if key else None, errors=errors)


async def resolve_register(info: strawberry.Info, input: RegisterOfficerInput) -> OfficerPayload:
    async def act(session, access):
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        access.require_staff_admin_over(agency_id)
        new = staff.NewOfficer(
            agency_id=agency_id,
            name=input.name,
            role=to_core(m.OfficerRole, input.role),
            id_number=input.id_number,
            external_identity=input.external_identity,
            posted_on=input.posted_on,
        )
        return (await staff.register_officer(session, info.context.actor, new, access.key)).id

    return await _officer_mutation(info, act)


async def resolve_post(info: strawberry.Info, input: PostOfficerInput) -> OfficerPayload:
    async def act(session, access):
        officer = await administered(session, access, decode_id(input.officer_id, "Officer", "officerId"))
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        access.require_staff_admin_over(agency_id)  # moving someone into another county is that county's act
        region_id = decode_id(input.region_id, "Region", "regionId")
        if region_id is not None:
            access.require_region(region_id)
        started_on = input.started_on or legal_today()
        await staff.post_officer(session, info.context.actor, officer.id, agency_id, started_on, region_id=region_id, is_head=input.is_head)
        return officer.id

    return await _officer_mutation(info, act)


async def resolve_legal_qualification(info: strawberry.Info, input: RecordLegalQualificationInput) -> OfficerPayload:
    async def act(session, access):
        officer = await administered(session, access, decode_id(input.officer_id, "Officer", "officerId"))
        await staff.record_legal_qualification(session, info.context.actor, officer.id, input.qualified, input.reviewing_since)
        return officer.id

    return await _officer_mutation(info, act)


async def resolve_year(info: strawberry.Info, input: RecordOfficerYearInput) -> OfficerPayload:
    async def act(session, access):
        officer = await administered(session, access, decode_id(input.officer_id, "Officer", "officerId"))
        assessment = to_core(m.AssessmentResult, input.assessment)
        await staff.record_year(session, info.context.actor, officer.id, input.year, input.training_hours, assessment)
        return officer.id

    return await _officer_mutation(info, act)


async def resolve_retire(info: strawberry.Info, input: RetireOfficerInput) -> OfficerPayload:
    async def act(session, access):
        officer = await administered(session, access, decode_id(input.officer_id, "Officer", "officerId"))
        await staff.retire_officer(session, info.context.actor, officer.id, input.on, input.reason)
        return officer.id

    return await _officer_mutation(info, act)


@strawberry.type
class OfficerMutations:
    @strawberry.mutation(description="登记执法人员（人事（法制）管理员，限本机关及下级机关）")
    async def register_officer(self, info: strawberry.Info, input: RegisterOfficerInput) -> OfficerPayload:
        return await resolve_register(info, input)

    @strawberry.mutation(description="调整任职：调往其他机关或区域，或开始、结束负责人任期（轮岗规则据任职经历判断）")
    async def post_officer(self, info: strawberry.Info, input: PostOfficerInput) -> OfficerPayload:
        return await resolve_post(info, input)

    @strawberry.mutation(description="登记法律职业资格和从事法制审核的起始日期（行政处罚法第五十八条第二款）")
    async def record_legal_qualification(self, info: strawberry.Info, input: RecordLegalQualificationInput) -> OfficerPayload:
        return await resolve_legal_qualification(info, input)

    @strawberry.mutation(description="登记年度轮训学时和年度考核结果")
    async def record_officer_year(self, info: strawberry.Info, input: RecordOfficerYearInput) -> OfficerPayload:
        return await resolve_year(info, input)

    @strawberry.mutation(description="人员退出执法岗位（退休、调离等）；人员记录永不删除")
    async def retire_officer(self, info: strawberry.Info, input: RetireOfficerInput) -> OfficerPayload:
        return await resolve_retire(info, input)
