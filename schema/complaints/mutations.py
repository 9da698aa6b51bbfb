"""The acts on a complaint, from registration to closing (不解决不销号)."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry
from zhifa.core.access.viewer import Role
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.clock import legal_today
from zhifa.core.complaints import models as m
from zhifa.core.complaints import rules, service
from zhifa.core.complaints.error_codes import ComplaintErrorCode
from zhifa.core.complaints.policy import DEFAULT_COMPLAINT_POLICY
from zhifa.core.entities.error_codes import EntityErrorCode
from zhifa.core.errors import CommonErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.inspections.error_codes import InspectionErrorCode
from zhifa.core.models import Agency as AgencyRow
from zhifa.schema.complaints.types import (
    COMPLAINT,
    ComplaintChannel,
    ComplaintKind,
    ComplaintPayload,
    Satisfaction,
)
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.enums import to_core
from zhifa.schema.kit.errors import run_mutation
from zhifa.schema.kit.planner import Planner


@strawberry.input(description="登记投诉举报")
class RegisterComplaintInput:
    kind: ComplaintKind
    channel: ComplaintChannel
    agency_id: strawberry.ID = strawberry.field(description="接收登记的机关（交办前即承办机关）")
    content: str = strawberry.field(description="反映的事实和请求")
    subject_name: str = strawberry.field(default="", description="被投诉举报对象名称（姓名）；选了已登记的相对人时可不填")
    subject_address: str = ""
    subject_entity_id: strawberry.ID | None = None
    domain: str | None = strawberry.field(default=None, description="涉及的执法领域代码")
    external_number: str | None = strawberry.field(default=None, description="来源编号（12345 热线件必填工单号）")
    received_at: dt.datetime | None = strawberry.field(default=None, description="收到时间（须带时区），默认现在")
    complainant_name: str | None = strawberry.field(default=None, description="投诉举报人姓名（加密保存）")
    complainant_phone: str | None = strawberry.field(default=None, description="联系电话（加密保存）")
    complainant_id_number: str | None = strawberry.field(default=None, description="公民身份号码（加密保存）")
    confidential: bool = strawberry.field(default=False, description="投诉举报人要求身份仅对承办人公开")
    handler_id: strawberry.ID | None = strawberry.field(default=None, description="承办人；默认登记人（本机关执法人员登记时）")


@strawberry.input(description="交办投诉举报（有处理权限的机关）")
class AssignComplaintInput:
    complaint_id: strawberry.ID
    agency_id: strawberry.ID
    handler_id: strawberry.ID | None = strawberry.field(default=None, description="承办人（须为承办机关人员）")
    note: str = ""
    on: dt.date | None = strawberry.field(default=None, description="交办日期，默认今天")
    version: int | None = None


@strawberry.input(description="受理答复（程序性答复）")
class ReplyComplaintInput:
    complaint_id: strawberry.ID
    accepted: bool = strawberry.field(description="true：受理；false：不予受理（须说明理由，并即告办结）")
    text: str
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="办结（实质性办理结果）")
class ResolveComplaintInput:
    complaint_id: strawberry.ID
    result: str
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="回访并记录满意度")
class ComplaintFeedbackInput:
    complaint_id: strawberry.ID
    satisfaction: Satisfaction
    comment: str = strawberry.field(default="", description="不满意的须记录理由")
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="销号")
class CloseComplaintInput:
    complaint_id: strawberry.ID
    head_review: str | None = strawberry.field(
        default=None, description="不满意件（重办次数已用完）由负责人填写审核意见：诉求已依法处理的理由"
    )
    on: dt.date | None = None
    version: int | None = None


@strawberry.input(description="关联案件或检查（二选一）")
class LinkComplaintInput:
    complaint_id: strawberry.ID
    case_id: strawberry.ID | None = None
    inspection_id: strawberry.ID | None = None
    on: dt.date | None = None
    version: int | None = None


def _in_reach(access: Access, agency_id: uuid.UUID) -> bool:
    agencies = access.reach.agencies if access.reach else frozenset()
    return agencies is None or agency_id in agencies


async def _visible(session, access: Access, complaint_id: uuid.UUID) -> m.Complaint:
    if not access.readable("Complaint") or not await Planner(session, access).exists(COMPLAINT, complaint_id):
        raise RuleError(ComplaintErrorCode.COMPLAINT_NOT_FOUND, "投诉举报不存在或不在本机关管辖范围内", "complaintId")
    return await session.get(m.Complaint, complaint_id)


async def _payload(info: strawberry.Info, work) -> ComplaintPayload:
    key, errors = await run_mutation(info, work)
    complaint = await one(info, COMPLAINT, key, "complaint") if key else None
    return ComplaintPayload(complaint=complaint, errors=errors)


async def resolve_register(info: strawberry.Info, input: RegisterComplaintInput) -> ComplaintPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()
        agency_id = decode_id(input.agency_id, "Agency", "agencyId")
        if not _in_reach(access, agency_id):
            raise RuleError(CommonErrorCode.FORBIDDEN, "只能以本机关或所属下级机关的名义登记", "agencyId")
        subject = decode_id(input.subject_entity_id, "Entity", "subjectEntityId")
        if subject is not None and not await Planner(session, access).exists("Entity", subject):
            raise RuleError(EntityErrorCode.ENTITY_NOT_FOUND, "被投诉举报的行政相对人不存在或不在本机关管辖范围内", "subjectEntityId")
        viewer = access.viewer
        handler = decode_id(input.handler_id, "Officer", "handlerId")
        if handler is None and viewer.officer_id and viewer.agency_id == agency_id and viewer.has(*rules.HANDLING_ROLES):
            handler = viewer.officer_id
        new = service.NewComplaint(
            kind=to_core(m.ComplaintKind, input.kind),
            channel=to_core(m.ComplaintChannel, input.channel),
            agency_id=agency_id,
            received_at=input.received_at or dt.datetime.now(dt.UTC),
            content=input.content,
            subject_name=input.subject_name,
            subject_address=input.subject_address,
            subject_entity_id=subject,
            domain_code=input.domain,
            external_number=input.external_number,
            complainant_name=input.complainant_name,
            complainant_phone=input.complainant_phone,
            complainant_id_number=input.complainant_id_number,
            confidential=input.confidential,
            handler_id=handler,
        )
        return (await service.register(session, info.context.actor, new, access.key, today=legal_today(),
                                       policy=DEFAULT_COMPLAINT_POLICY, calendar=info.context.calendar)).id

    return await _payload(info, work)


async def resolve_assign(info: strawberry.Info, input: AssignComplaintInput) -> ComplaintPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()
        complaint = await _visible(session, access, decode_id(input.complaint_id, "Complaint", "complaintId"))
        if not _in_reach(access, complaint.agency_id):
            raise RuleError(CommonErrorCode.FORBIDDEN, "只有承办机关或其上级机关可以交办", "complaintId")
        target = decode_id(input.agency_id, "Agency", "agencyId")
        own = await session.get(AgencyRow, access.viewer.agency_id) if access.viewer.agency_id else None
        upward = own is not None and own.parent_id == target  # 报请上级机关处理（投诉举报办法第十二条第三款）
        if not (_in_reach(access, target) or upward):
            raise RuleError(CommonErrorCode.FORBIDDEN, "只能交办给本机关、所属下级机关，或报请直接上级机关处理", "agencyId")
        return (await service.assign(
            session, info.context.actor, complaint.id, target, input.on or legal_today(), today=legal_today(),
            handler_id=decode_id(input.handler_id, "Officer", "handlerId"), note=input.note, version=input.version,
            policy=DEFAULT_COMPLAINT_POLICY, calendar=info.context.calendar,
        )).id

    return await _payload(info, work)


async def _as_handler(session, info: strawberry.Info, complaint_gid: strawberry.ID) -> m.Complaint:
    access = info.context.access
    complaint = await _visible(session, access, decode_id(complaint_gid, "Complaint", "complaintId"))
    access.require_enforcer_of(complaint.agency_id)
    return complaint


async def resolve_reply(info: strawberry.Info, input: ReplyComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        return (await service.reply(session, info.context.actor, complaint.id, input.accepted, input.text,
                                    input.on or legal_today(), today=legal_today(), version=input.version)).id

    return await _payload(info, work)


async def resolve_resolve(info: strawberry.Info, input: ResolveComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        return (await service.resolve(session, info.context.actor, complaint.id, input.result,
                                      input.on or legal_today(), today=legal_today(), version=input.version)).id

    return await _payload(info, work)


async def resolve_feedback(info: strawberry.Info, input: ComplaintFeedbackInput) -> ComplaintPayload:
    async def work(session):
        access = info.context.access
        access.require_staff()  # 回访 is desk work: auxiliary staff may record it
        complaint = await _visible(session, access, decode_id(input.complaint_id, "Complaint", "complaintId"))
        if not _in_reach(access, complaint.agency_id):
            raise RuleError(CommonErrorCode.FORBIDDEN, "只有承办机关或其上级机关可以回访", "complaintId")
        return (await service.record_feedback(
            session, info.context.actor, complaint.id, to_core(m.Satisfaction, input.satisfaction), input.comment,
            input.on or legal_today(), today=legal_today(), version=input.version,
            policy=DEFAULT_COMPLAINT_POLICY, calendar=info.context.calendar,
        )).id

    return await _payload(info, work)


async def resolve_close(info: strawberry.Info, input: CloseComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        return (await service.close(
            session, info.context.actor, complaint.id, input.on or legal_today(), today=legal_today(),
            viewer_is_head=info.context.access.viewer.has(Role.AGENCY_HEAD), head_review=input.head_review, version=input.version,
        )).id

    return await _payload(info, work)


async def resolve_link(info: strawberry.Info, input: LinkComplaintInput) -> ComplaintPayload:
    async def work(session):
        complaint = await _as_handler(session, info, input.complaint_id)
        if (input.case_id is None) == (input.inspection_id is None):
            raise RuleError(ComplaintErrorCode.LINK_TARGET_REQUIRED, "请指定关联的案件或检查（二选一）", "caseId")
        if input.case_id is not None:
            kind, target = "case", decode_id(input.case_id, "Case", "caseId")
            if not await Planner(session, info.context.access).exists("Case", target):
                raise RuleError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在或不在本机关管辖范围内", "caseId")
        else:
            kind, target = "inspection", decode_id(input.inspection_id, "Inspection", "inspectionId")
            if not await Planner(session, info.context.access).exists("Inspection", target):
                raise RuleError(InspectionErrorCode.INSPECTION_NOT_FOUND, "检查不存在或不在本机关管辖范围内", "inspectionId")
        return (await service.link(session, info.context.actor, complaint.id, kind, target,
                                   input.on or legal_today(), today=legal_today(), version=input.version)).id

    return await _payload(info, work)
