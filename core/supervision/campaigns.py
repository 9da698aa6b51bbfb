"""Rectification campaigns (集中整治) and their problem lists / rectification ledgers (问题清单 /
整改台账), following the four dated stages of source 001 (rules in core.supervision.rectification).
Each act writes its audit record in the caller's transaction; the caller decides who may act."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.access.viewer import descendants
from zhifa.core.audit.service import record
from zhifa.core.errors import CommonErrorCode, UserError
from zhifa.core.people.models import Agency, Region
from zhifa.core.supervision import rectification as rules
from zhifa.core.supervision.error_codes import SupervisionErrorCode
from zhifa.core.supervision.letters import load_versioned
from zhifa.core.supervision.models import Problem, ProblemStatus as P, RectificationCampaign, SupervisionLetter


def stages_of(campaign: RectificationCampaign) -> rules.Stages:
    return rules.Stages(campaign.starts_on, campaign.self_assessment_until, campaign.rectification_until,
                        campaign.pre_assessment_until, campaign.final_assessment_until)


async def create(
    session: AsyncSession, actor: str, organiser_agency_id: uuid.UUID, name: str, year: int, stages: rules.Stages
) -> RectificationCampaign:
    name = rules.required_text(name, CommonErrorCode.NAME_REQUIRED, "请填写整治活动名称", "name", limit=200)
    rules.check_stages(stages)
    if not 2000 <= year <= 2100:
        raise UserError(SupervisionErrorCode.YEAR_INVALID, "年度不正确", "year")
    campaign = RectificationCampaign(
        name=name, year=year, organiser_agency_id=organiser_agency_id, starts_on=stages.starts_on,
        self_assessment_until=stages.self_assessment_until, rectification_until=stages.rectification_until,
        pre_assessment_until=stages.pre_assessment_until, final_assessment_until=stages.final_assessment_until, actor=actor,
    )
    session.add(campaign)
    await session.flush()
    await record(session, actor=actor, action="campaign.created", object_type="RectificationCampaign", object_id=campaign.id,
                 after={"name": name, "year": year, **{s.value: until.isoformat() for s, until in stages.ends()}})
    return campaign


@dataclass(frozen=True)
class NewProblem:
    campaign_id: uuid.UUID
    agency_id: uuid.UUID
    category: str
    description: str
    found_on: dt.date
    due_on: dt.date
    self_assessed: bool  # listed by the agency itself (自评自改) rather than by the supervisor
    alert: rules.AlertRef | None = None
    letter_id: uuid.UUID | None = None


async def add_problem(session: AsyncSession, actor: str, new: NewProblem, *, today: dt.date) -> Problem:
    """列入问题清单: a line for an agency in the campaign's area, in the stage it was found."""
    campaign = await session.get(RectificationCampaign, new.campaign_id)
    if campaign is None:
        raise UserError(SupervisionErrorCode.CAMPAIGN_NOT_FOUND, "整治活动不存在", "campaignId")
    category = rules.check_category(new.category)
    description = rules.required_text(new.description, SupervisionErrorCode.DESCRIPTION_REQUIRED, "请填写问题的具体表现", "description")
    stage = rules.new_problem_stage(stages_of(campaign), new.found_on, new.due_on, today, self_assessed=new.self_assessed)
    if not await in_area(session, campaign.organiser_agency_id, new.agency_id):
        raise UserError(SupervisionErrorCode.AGENCY_NOT_IN_CAMPAIGN, "该单位不在本次整治活动的范围内（组织机关所辖区域以外）", "agencyId")
    source: dict = {}
    if new.alert is not None:
        source = rules.check_alert_refs([new.alert])[0]
        source = {"alert": source["code"], "subject": source["subject"]}
    if new.letter_id is not None:
        letter = await session.get(SupervisionLetter, new.letter_id)
        if letter is None or letter.agency_id != new.agency_id:
            raise UserError(SupervisionErrorCode.LETTER_NOT_FOUND, "监督函不存在或不是下达给该单位的", "letterId")
        source["letter"] = letter.number
    problem = Problem(
        campaign_id=campaign.id, letter_id=new.letter_id, agency_id=new.agency_id, stage=stage, category=category,
        description=description, source=source, found_on=new.found_on, due_on=new.due_on, status=P.OPEN,
    )
    session.add(problem)
    await session.flush()
    await _audit(session, actor, "problem.listed", problem, None, detail="自评" if new.self_assessed else "")
    return problem


async def rectify(
    session: AsyncSession, actor: str, problem_id: uuid.UUID, measure: str, on: dt.date, *, today: dt.date, version: int | None = None
) -> Problem:
    """整改: the agency records its measure and the day it was done."""
    measure = rules.required_text(measure, SupervisionErrorCode.MEASURE_REQUIRED, "请填写整改措施", "measure")

    def apply(problem: Problem) -> str:
        rules.check_act_day(on, problem.found_on, today)
        problem.measure, problem.rectified_on = measure, on
        return ""

    return await _act(session, actor, problem_id, "rectify", version, apply)


async def close(
    session: AsyncSession, actor: str, problem_id: uuid.UUID, on: dt.date, *, today: dt.date, version: int | None = None
) -> Problem:
    """销号: the supervisor verified the rectification (only a rectified line, with its measure)."""

    def apply(problem: Problem) -> str:
        if not (problem.measure or "").strip() or problem.rectified_on is None:
            raise UserError(SupervisionErrorCode.MEASURE_REQUIRED, "没有整改措施的问题不能销号", "problemId")
        rules.check_act_day(on, problem.rectified_on, today)
        problem.verified_on, problem.verified_by = on, actor
        return ""

    return await _act(session, actor, problem_id, "close", version, apply)


async def return_(
    session: AsyncSession, actor: str, problem_id: uuid.UUID, reasons: str, on: dt.date, *, today: dt.date,
    due_on: dt.date | None = None, version: int | None = None,
) -> Problem:
    """退回 (整改不到位): the line is open again; the measure stays for the agency to improve."""
    reasons = rules.required_text(reasons, SupervisionErrorCode.REASONS_REQUIRED, "请写明整改不到位的具体情形", "reasons")
    if due_on is not None and due_on <= on:
        raise UserError(SupervisionErrorCode.DUE_NOT_AFTER_RETURN, "新的整改期限须晚于退回日期", "dueOn")

    def apply(problem: Problem) -> str:
        rules.check_act_day(on, problem.rectified_on or problem.found_on, today)
        problem.rectified_on, problem.due_on, problem.returned_reasons = None, due_on or problem.due_on, reasons
        return reasons

    return await _act(session, actor, problem_id, "return", version, apply)


AUDIT_ACTIONS = {"rectify": "problem.rectified", "close": "problem.closed", "return": "problem.returned"}


async def _act(
    session: AsyncSession, actor: str, problem_id: uuid.UUID, action: str, version: int | None, apply: Callable[[Problem], str]
) -> Problem:
    """One step of a line's cycle: allowed from its status, applied (`apply` checks the day), audited."""
    problem = await load(session, problem_id, version)
    after = rules.problem_transition(problem.status, action)
    before = _state(problem)
    detail = apply(problem)
    problem.status = after
    await session.flush()
    await _audit(session, actor, AUDIT_ACTIONS[action], problem, before, detail)
    return problem


async def in_area(session: AsyncSession, organiser_id: uuid.UUID, agency_id: uuid.UUID) -> bool:
    """Whether the agency's region lies at or below the organiser's region."""
    organiser, agency = await session.get(Agency, organiser_id), await session.get(Agency, agency_id)
    if organiser is None or agency is None:
        return False
    parents = {r.id: r.parent_id for r in await session.execute(sa.select(Region.id, Region.parent_id))}
    return agency.region_id in descendants([organiser.region_id], parents)


async def load(session: AsyncSession, problem_id: uuid.UUID, version: int | None = None) -> Problem:
    return await load_versioned(session, Problem, problem_id, version, SupervisionErrorCode.PROBLEM_NOT_FOUND, "问题", "problemId")


def _state(p: Problem) -> dict:
    return {
        "agency": str(p.agency_id), "status": p.status.value, "stage": p.stage.value if p.stage else None,
        "due_on": p.due_on.isoformat(), "rectified_on": p.rectified_on.isoformat() if p.rectified_on else None,
        "verified_on": p.verified_on.isoformat() if p.verified_on else None, "version": p.version,
    }


async def _audit(session: AsyncSession, actor: str, action: str, problem: Problem, before: dict | None, detail: str = "") -> None:
    await record(session, actor=actor, action=action, object_type="Problem", object_id=problem.id,
                 before=before, after=_state(problem), detail=detail)
