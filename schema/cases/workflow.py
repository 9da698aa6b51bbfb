"""The procedure in GraphQL: one mutation per step, all through core.cases.workflow.perform."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
import strawberry
from strawberry.scalars import JSON
from zhifa.core.access.viewer import Role
from zhifa.core.cases import workflow
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.models import Case as CaseRow
from zhifa.core.errors import CommonErrorCode
from zhifa.core.errors import UserError as RuleError
from zhifa.core.hooks import CaseEvent
from zhifa.schema.cases.types import CASE, Case
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.planner import Planner
from zhifa.schema.kit.scalars import Money


@strawberry.type(description="办案步骤的结果：成功时为案件的最新状态（含新版本号），否则为错误")
class CaseStepPayload:
    case: Case | None
    errors: list[UserError]


@strawberry.input(description="办案步骤的共同字段")
class CaseStepInput:
    case_id: strawberry.ID
    version: int = strawberry.field(description="客户端看到的案件版本号；已被他人修改时返回 VERSION_CONFLICT")
    on: dt.date | None = strawberry.field(default=None, description="办理日期，默认今天，不能晚于今天")


@strawberry.input(description="附理由的办案步骤")
class ReasonedStepInput(CaseStepInput):
    reason: str


@strawberry.input(description="提出处理意见（处理审批）")
class ProposePenaltyInput(CaseStepInput):
    facts: JSON | None = strawberry.field(default=None, description="补充或更正的案件事实")
    proposed_fine: Money | None = strawberry.field(default=None, description="拟处罚款；省略则取裁量基准推荐幅度的下限")
    reasons: str | None = strawberry.field(default=None, description="偏离裁量基准时必须说明的理由（将提交法制审核）")


@strawberry.input(description="当事人明确放弃陈述、申辩和听证（行政处罚法第六十二条）")
class WaiveRightsInput(CaseStepInput):
    statement: str


@strawberry.input(description="举行听证")
class HoldHearingInput(CaseStepInput):
    chair_id: strawberry.ID | None = strawberry.field(default=None, description="听证主持人（非本案调查人员）")
    notified_on: dt.date | None = strawberry.field(default=None, description="听证通知（时间、地点）送达之日，须在听证七个工作日前")
    waived: bool = strawberry.field(default=False, description="当事人无正当理由缺席或中途退出，视为放弃听证")
    record: str = ""


@strawberry.input(description="法制审核意见（审核人即当前登录的法制审核员）")
class LegalReviewInput(CaseStepInput):
    passed: bool
    opinion: str


@strawberry.input(description="集体讨论")
class CollectiveDiscussionInput(CaseStepInput):
    conclusion: str
    participants: list[str]


@strawberry.input(description="作出行政处罚决定")
class DecidePenaltyInput(CaseStepInput):
    fine: Money | None = strawberry.field(default=None, description="简易程序当场处罚的罚款；一般程序取处理意见")


@strawberry.input(description="作出不予行政处罚决定")
class DecideNoPenaltyInput(CaseStepInput):
    ground: str = strawberry.field(description="理由，如首违不罚、轻微不罚（行政处罚法第三十三条）、事实不清（第四十条）")


@strawberry.input(description="送达处罚决定书")
class ServeDecisionInput(CaseStepInput):
    method: str = strawberry.field(default="直接送达", description="直接送达、留置送达、邮寄送达、电子送达（须当事人同意）、公告送达")


@strawberry.input(description="登记缴款")
class RecordPaymentInput(CaseStepInput):
    amount: Money
    receipt: str = ""


@strawberry.input(description="一期缴款")
class InstalmentInput:
    due_on: dt.date
    amount: Money


@strawberry.input(description="批准暂缓或分期缴纳罚款（行政处罚法第六十六条第二款；批准日即办理日期）")
class PaymentPlanInput(CaseStepInput):
    applied_on: dt.date = strawberry.field(description="当事人书面申请之日")
    reason: str = strawberry.field(description="当事人确有经济困难的情况")
    instalments: list[InstalmentInput] = strawberry.field(description="一期即为暂缓缴纳，多期为分期缴纳；合计须等于尚欠罚款")


@strawberry.input(description="申请人民法院强制执行（行政强制法第五十三条）")
class CourtApplicationInput(CaseStepInput):
    court: str


@strawberry.input(description="减免加处罚款（行政强制法第四十二条第一款；负责人批准，批准日即办理日期；须部署配置允许）")
class RemitSurchargeInput(CaseStepInput):
    amount: Money | None = strawberry.field(default=None, description="减免金额；省略则免除截至办理日期尚欠的全部加处罚款")
    agreement: str = strawberry.field(description="与当事人达成的执行协议（文号或内容）")
    remedy: str = strawberry.field(description="当事人采取的补救措施")


@strawberry.input(description="依法终结执行")
class EndExecutionInput(CaseStepInput):
    ended_by: str = strawberry.field(description="court_concluded / terminated / suspended_three_years / decision_revoked")
    suspended_on: dt.date | None = None
    reason: str


@strawberry.input(description="延长作出决定的期限（经批准）")
class ExtendDeadlineInput(CaseStepInput):
    days: int
    reason: str
    approved_by: str = strawberry.field(description="批准人或集体讨论记录")


@strawberry.enum(description="移送对象")
class TransferTarget(enum.Enum):
    AGENCY = strawberry.enum_value("agency", description="有管辖权的执法主体（如乡镇移送县级）")
    PUBLIC_SECURITY = strawberry.enum_value("public_security", description="公安机关（涉嫌犯罪，行刑衔接）")


@strawberry.input(description="移送案件；移送公安机关的，由本机关正职负责人或者主持工作的负责人批准（办理日期即批准之日）")
class TransferCaseInput(CaseStepInput):
    target: TransferTarget
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="接收的执法主体：须承担该领域职责、管辖案件所在地，乡镇须已获交办该事项")
    reason: str
    reported_on: dt.date | None = strawberry.field(
        default=None, description="移送公安机关时必填：专案组移送涉嫌犯罪案件书面报告的日期，负责人应在三日内批准（行政执法机关移送涉嫌犯罪案件的规定第五条）"
    )


@strawberry.input(description="接收或退回移送的案件；移送公安机关的，登记公安机关的书面答复")
class AnswerTransferInput(CaseStepInput):
    accepted: bool = strawberry.field(description="true：接收方接收（公安机关：决定立案，案件由公安机关办理），案卷随案移交；false：退回移送方（说明理由）")
    reason: str
    notice_number: str | None = strawberry.field(default=None, description="公安机关立案或者不予立案通知书的文号（移送公安机关时必填）")
    officer_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="接收的执法主体指定的本机关承办人员（接收时必填）")


# Who may perform which step, beyond being an enforcer of the case's agency.
ROLE_FOR = {"review": Role.LEGAL_REVIEWER, "discuss": Role.AGENCY_HEAD, "payment_plan": Role.AGENCY_HEAD, "remit_surcharge": Role.AGENCY_HEAD}
STAFF_RECORDS = {"payment"}


async def step(info: strawberry.Info, action: str, common: CaseStepInput, data: dict[str, Any]) -> CaseStepPayload:
    access = info.context.access

    async def work(session):
        case_id = decode_id(common.case_id, "Case", "caseId")
        # The case locked if the viewer may see it: the step's own load then finds it locked already.
        case = await session.scalar(Planner(session, access).scoped(CASE, sa.select(CaseRow).where(CaseRow.id == case_id).with_for_update()))
        if case is None:
            raise RuleError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在或不在本机关管辖范围内", "caseId")
        await _authorize(session, access, action, case, data)
        if action == "review":
            data["reviewer_id"] = access.viewer.officer_id
        done = await workflow.perform(
            session,
            info.context.actor,
            workflow.Step(case_id, action, common.version, common.on, data),
            info.context.plugins.case_checks,
            policy=info.context.policy,
            calendar=info.context.calendar,
        )
        return CaseEvent(kind=action, case_id=str(done.id), case_number=done.case_number, domain=done.domain_code, data=_plain(data))

    event, errors = await run_mutation(info, work)
    if event is None:
        return CaseStepPayload(case=None, errors=errors)
    await info.context.plugins.case_event(event)  # after the commit: integrations see only what stands
    return CaseStepPayload(case=await one(info, CASE, uuid.UUID(event.case_id), "case"), errors=[])


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain_value(v) for k, v in data.items()}


def _plain_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    return str(value) if isinstance(value, uuid.UUID) else value.isoformat() if isinstance(value, dt.date) else value


async def _authorize(session, access, action: str, case: CaseRow, data: dict[str, Any]) -> None:
    if action in ROLE_FOR:
        if not access.viewer.has(ROLE_FOR[action]):
            raise RuleError(CommonErrorCode.FORBIDDEN, f"此步骤须由{ROLE_FOR[action].label}办理")
        return
    if action in STAFF_RECORDS:
        access.require_staff()
        return
    if action == "accept_return":
        sent = await workflow.last_transfer(session, case.id)
        if sent and sent.get("target") == "public_security" and access.viewer.has(Role.PUBLIC_SECURITY):
            return  # the police's own system answers (its regions were checked when the case was found)
        receiver = uuid.UUID(sent["to_agency_id"]) if sent and sent.get("to_agency_id") else case.agency_id
        access.require_enforcer_of(receiver)
        return
    if action == "transfer" and data.get("target") == "public_security":
        access.require_enforcer_of(case.agency_id)
        if not access.viewer.has(Role.AGENCY_HEAD):
            raise RuleError(CaseErrorCode.CRIMINAL_TRANSFER_NOT_APPROVED, "移送涉嫌犯罪案件须由本机关正职负责人或者主持工作的负责人批准", "target")
        data["approved_by"] = access.viewer.officer_id
        return
    access.require_enforcer_of(case.agency_id)


@strawberry.type
class WorkflowMutations:
    """One mutation per step of the procedure (行政处罚法第五十一条至第七十三条)."""

    @strawberry.mutation(description="立案（一般程序）")
    async def file_case(self, info: strawberry.Info, input: CaseStepInput) -> CaseStepPayload:
        return await step(info, "file", input, {})

    @strawberry.mutation(description="不予立案")
    async def decline_filing(self, info: strawberry.Info, input: ReasonedStepInput) -> CaseStepPayload:
        return await step(info, "decline_filing", input, {"reason": input.reason})

    @strawberry.mutation(description="开始调查取证")
    async def start_investigation(self, info: strawberry.Info, input: CaseStepInput) -> CaseStepPayload:
        return await step(info, "start_investigation", input, {})

    @strawberry.mutation(description="补充调查（处理意见退回调查）")
    async def reinvestigate(self, info: strawberry.Info, input: CaseStepInput) -> CaseStepPayload:
        return await step(info, "reinvestigate", input, {})

    @strawberry.mutation(description="提出处理意见：按裁量基准给出推荐并审查拟处罚款")
    async def propose_penalty(self, info: strawberry.Info, input: ProposePenaltyInput) -> CaseStepPayload:
        data = {"facts": input.facts if isinstance(input.facts, dict) else None, "fine_fen": input.proposed_fine, "reasons": input.reasons}
        return await step(info, "propose", input, data)

    @strawberry.mutation(description="送达行政处罚事先告知书（告知陈述、申辩、听证权利）")
    async def send_prior_notice(self, info: strawberry.Info, input: CaseStepInput) -> CaseStepPayload:
        return await step(info, "notify", input, {})

    @strawberry.mutation(description="登记当事人明确放弃陈述、申辩和听证")
    async def waive_rights(self, info: strawberry.Info, input: WaiveRightsInput) -> CaseStepPayload:
        return await step(info, "waive_rights", input, {"statement": input.statement})

    @strawberry.mutation(description="登记当事人的听证申请")
    async def request_hearing(self, info: strawberry.Info, input: CaseStepInput) -> CaseStepPayload:
        return await step(info, "request_hearing", input, {})

    @strawberry.mutation(description="举行听证（或登记视为放弃）")
    async def hold_hearing(self, info: strawberry.Info, input: HoldHearingInput) -> CaseStepPayload:
        chair = decode_id(input.chair_id, "Officer", "chairId") if input.chair_id else None
        data = {"chair_id": chair, "notified_on": input.notified_on, "waived": input.waived, "record": input.record}
        return await step(info, "hold_hearing", input, data)

    @strawberry.mutation(description="法制审核（法制审核员）")
    async def record_legal_review(self, info: strawberry.Info, input: LegalReviewInput) -> CaseStepPayload:
        return await step(info, "review", input, {"passed": input.passed, "opinion": input.opinion})

    @strawberry.mutation(description="法制审核不通过，退回修改处理意见")
    async def revise_proposal(self, info: strawberry.Info, input: ReasonedStepInput) -> CaseStepPayload:
        return await step(info, "revise", input, {"reason": input.reason})

    @strawberry.mutation(description="集体讨论（负责人）")
    async def record_collective_discussion(self, info: strawberry.Info, input: CollectiveDiscussionInput) -> CaseStepPayload:
        return await step(info, "discuss", input, {"conclusion": input.conclusion, "participants": input.participants})

    @strawberry.mutation(description="作出行政处罚决定（编号：机关简称+罚决字〔年〕序号号）")
    async def decide_penalty(self, info: strawberry.Info, input: DecidePenaltyInput) -> CaseStepPayload:
        return await step(info, "decide", input, {"fine_fen": input.fine})

    @strawberry.mutation(description="作出不予行政处罚决定")
    async def decide_no_penalty(self, info: strawberry.Info, input: DecideNoPenaltyInput) -> CaseStepPayload:
        return await step(info, "decide_no_penalty", input, {"ground": input.ground})

    @strawberry.mutation(description="送达处罚决定书")
    async def serve_decision(self, info: strawberry.Info, input: ServeDecisionInput) -> CaseStepPayload:
        return await step(info, "serve", input, {"method": input.method})

    @strawberry.mutation(description="进入执行")
    async def start_execution(self, info: strawberry.Info, input: CaseStepInput) -> CaseStepPayload:
        return await step(info, "execute", input, {})

    @strawberry.mutation(description="登记缴款（罚款及加处罚款）")
    async def record_payment(self, info: strawberry.Info, input: RecordPaymentInput) -> CaseStepPayload:
        return await step(info, "payment", input, {"amount_fen": input.amount, "receipt": input.receipt})

    @strawberry.mutation(description="批准暂缓或分期缴纳罚款（负责人）；加处罚款自计划届满之次日起计算")
    async def approve_payment_plan(self, info: strawberry.Info, input: PaymentPlanInput) -> CaseStepPayload:
        data = {
            "applied_on": input.applied_on,
            "reason": input.reason,
            "instalments": [{"due_on": i.due_on.isoformat(), "amount_fen": i.amount} for i in input.instalments],
        }
        return await step(info, "payment_plan", input, data)

    @strawberry.mutation(description="登记申请人民法院强制执行；法院的结果以“依法终结执行”登记")
    async def apply_court_enforcement(self, info: strawberry.Info, input: CourtApplicationInput) -> CaseStepPayload:
        return await step(info, "court_application", input, {"court": input.court})

    @strawberry.mutation(description="减免加处罚款（负责人）：执行协议中当事人采取补救措施的，可以减免（行政强制法第四十二条第一款）")
    async def remit_surcharge(self, info: strawberry.Info, input: RemitSurchargeInput) -> CaseStepPayload:
        data = {"amount_fen": input.amount, "agreement": input.agreement, "remedy": input.remedy}
        return await step(info, "remit_surcharge", input, data)

    @strawberry.mutation(description="依法终结执行（法院强制执行完毕、终结执行等）")
    async def end_execution(self, info: strawberry.Info, input: EndExecutionInput) -> CaseStepPayload:
        data = {"ended_by": input.ended_by, "suspended_on": input.suspended_on.isoformat() if input.suspended_on else None, "reason": input.reason}
        return await step(info, "end_execution", input, data)

    @strawberry.mutation(description="中止案件（听证、检测鉴定、公告等期间不计入办案期限）")
    async def suspend_case(self, info: strawberry.Info, input: ReasonedStepInput) -> CaseStepPayload:
        return await step(info, "suspend", input, {"reason": input.reason})

    @strawberry.mutation(description="恢复中止的案件")
    async def resume_case(self, info: strawberry.Info, input: ReasonedStepInput) -> CaseStepPayload:
        return await step(info, "resume", input, {"reason": input.reason})

    @strawberry.mutation(description="经批准延长作出决定的期限")
    async def extend_decision_deadline(self, info: strawberry.Info, input: ExtendDeadlineInput) -> CaseStepPayload:
        return await step(info, "extend", input, {"days": input.days, "reason": input.reason, "approved_by": input.approved_by})

    @strawberry.mutation(description="结案（执行完毕或依法终结）")
    async def close_case(self, info: strawberry.Info, input: CaseStepInput) -> CaseStepPayload:
        return await step(info, "close", input, {})

    @strawberry.mutation(description="移送：有管辖权的执法主体，或涉嫌犯罪移送公安机关")
    async def transfer_case(self, info: strawberry.Info, input: TransferCaseInput) -> CaseStepPayload:
        agency = decode_id(input.agency_id, "Agency", "agencyId") if input.agency_id else None
        data = {"target": input.target.value, "agency_id": agency, "reason": input.reason, "reported_on": input.reported_on}
        return await step(info, "transfer", input, data)

    @strawberry.mutation(description="接收（案卷随案移交）或退回移送的案件")
    async def answer_transfer(self, info: strawberry.Info, input: AnswerTransferInput) -> CaseStepPayload:
        officers = [decode_id(o, "Officer", "officerIds") for o in input.officer_ids or []]
        data = {"accepted": input.accepted, "reason": input.reason, "notice_number": input.notice_number, "officer_ids": officers}
        return await step(info, "accept_return", input, data)
