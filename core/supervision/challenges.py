"""Reconsiderations (行政复议) and lawsuits (行政诉讼) against a case's decision, and how they ended:
the inputs of the responsibility ledger's "lost" figures (core.supervision.ledger).

- A challenge is recorded only against a case that has a decision (decided, served, executing or
  closed), filed on or after the decision day and not in the future; the body (复议机关 or court)
  is named.
- Its outcome is recorded once: not "pending", decided on or after the filing day, not in the
  future. A second outcome is refused (a later instance is a new challenge, e.g. a lawsuit after
  the reconsideration). The update is conditional on the row still being pending, so two racing
  writers cannot both win.

Who may record (agency head or legal reviewer of the case's agency, or a supervisor over it) is
decided in the schema from the viewer; the rules here are pure checks plus one service each.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.audit.service import record
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.cases.models import Case, CaseStatus
from zhifa.core.cases.workflow import append_event
from zhifa.core.errors import CommonErrorCode, UserError, raise_if_any
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.models import ChallengeKind, ChallengeOutcome, LegalChallenge

DECIDED = frozenset({CaseStatus.DECIDED, CaseStatus.SERVED, CaseStatus.EXECUTING, CaseStatus.CLOSED})


@dataclass(frozen=True)
class NewChallenge:
    case_id: uuid.UUID
    kind: ChallengeKind
    body: str
    filed_on: dt.date


def filing_errors(status: CaseStatus, decided_on: dt.date | None, body: str, filed_on: dt.date, today: dt.date) -> list[UserError]:
    """Why a challenge cannot be recorded against a case in this state (empty: it can)."""
    errors = []
    if status not in DECIDED or decided_on is None:
        errors.append(UserError(CaseErrorCode.CASE_NOT_DECIDED, "案件尚未作出处罚决定，不能登记行政复议或行政诉讼", "caseId"))
    elif filed_on < decided_on:
        errors.append(UserError(SupervisionErrorCode.FILED_BEFORE_DECISION, f"申请或起诉日期早于决定日期 {decided_on.isoformat()}", "filedOn"))
    if filed_on > today:
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "申请或起诉日期不能晚于今天", "filedOn"))
    if not body.strip():
        errors.append(UserError(SupervisionErrorCode.BODY_REQUIRED, "请填写复议机关或受理法院", "body"))
    return errors


def outcome_errors(current: ChallengeOutcome, filed_on: dt.date, outcome: ChallengeOutcome, decided_on: dt.date, today: dt.date) -> list[UserError]:
    """Why this outcome cannot be recorded (empty: it can)."""
    if current is not ChallengeOutcome.PENDING:
        return [UserError(SupervisionErrorCode.OUTCOME_ALREADY_RECORDED, f"该复议或诉讼已有结果（{current.label}），不能再次登记", "challengeId")]
    errors = []
    if outcome is ChallengeOutcome.PENDING:
        errors.append(UserError(CommonErrorCode.OUTCOME_INVALID, "请选择审理结果（“审理中”不是结果）", "outcome"))
    if decided_on < filed_on:
        errors.append(UserError(SupervisionErrorCode.DECIDED_BEFORE_FILED, f"结果日期早于申请或起诉日期 {filed_on.isoformat()}", "decidedOn"))
    if decided_on > today:
        errors.append(UserError(CommonErrorCode.DATE_IN_FUTURE, "结果日期不能晚于今天", "decidedOn"))
    return errors


async def record_challenge(session: AsyncSession, actor: str, new: NewChallenge, today: dt.date) -> LegalChallenge:
    case = await session.get(Case, new.case_id)
    if case is None:
        raise UserError(CaseErrorCode.CASE_NOT_FOUND, "案件不存在", "caseId")
    raise_if_any(filing_errors(case.status, case.decided_on, new.body, new.filed_on, today))
    challenge = LegalChallenge(case_id=case.id, kind=new.kind, body=new.body.strip(), filed_on=new.filed_on,
                               outcome=ChallengeOutcome.PENDING, decided_on=None, actor=actor)
    session.add(challenge)
    await session.flush()
    # on the case's own timeline too: the file stays whole, and the surcharge pauses (APL Art. 73)
    await append_event(session, case.id, "challenge_filed", actor, {
        "on": new.filed_on.isoformat(), "challenge": str(challenge.id), "kind": new.kind.value, "body": challenge.body})
    await record(session, actor=actor, action="challenge.filed", object_type="LegalChallenge", object_id=challenge.id,
                 after={"case": str(case.id), "kind": new.kind.value, "body": challenge.body, "filed_on": new.filed_on.isoformat()})
    return challenge


async def record_outcome(session: AsyncSession, actor: str, challenge_id: uuid.UUID, outcome: ChallengeOutcome, decided_on: dt.date,
                         today: dt.date) -> LegalChallenge:
    challenge = await session.get(LegalChallenge, challenge_id)
    if challenge is None:
        raise UserError(SupervisionErrorCode.CHALLENGE_NOT_FOUND, "复议或诉讼记录不存在", "challengeId")
    raise_if_any(outcome_errors(challenge.outcome, challenge.filed_on, outcome, decided_on, today))
    done = await session.execute(
        sa.update(LegalChallenge)
        .where(LegalChallenge.id == challenge_id, LegalChallenge.outcome == ChallengeOutcome.PENDING)
        .values(outcome=outcome, decided_on=decided_on)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # another writer recorded it in between
        raise UserError(SupervisionErrorCode.OUTCOME_ALREADY_RECORDED, "该复议或诉讼已有结果，不能再次登记", "challengeId")
    await session.refresh(challenge)
    await append_event(session, challenge.case_id, "challenge_decided", actor, {
        "on": decided_on.isoformat(), "challenge": str(challenge.id), "kind": challenge.kind.value, "outcome": outcome.value})
    await record(session, actor=actor, action="challenge.decided", object_type="LegalChallenge", object_id=challenge.id,
                 before={"outcome": ChallengeOutcome.PENDING.value},
                 after={"outcome": outcome.value, "decided_on": decided_on.isoformat()})
    return challenge
