"""Transfers (移送), pure rules: to the agency that has jurisdiction (APL Art. 22–25; 浙江省综合行政执法条例
Art. 9 for townships), and to public security when a crime is suspected (行刑衔接, APL Art. 27;
行政执法机关移送涉嫌犯罪案件的规定, "the transfer regulation" below).

- The receiver must enforce the case's domain, sit at or above the place of the case, and — a
  township team — hold the item by a delegation in force on the day of the transfer.
- A transfer to public security is approved by the agency's principal head within 3 days of the
  team's written report (regulation Art. 5); the approval day and whether it kept the 3 days are
  recorded, because a late approval is a breach to be seen (Art. 16), never a reason not to transfer.
- The police's answer is theirs: it carries the number of their written notice (立案 / 不予立案通知书,
  Art. 8). Once they file, the case stays with them: the agency takes no further step and imposes
  no penalty in place of the criminal case (Art. 11–12); a case they send back (Art. 8, 13) returns.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.errors import UserError

REGULATION = "《行政执法机关移送涉嫌犯罪案件的规定》"
PUBLIC_SECURITY = "public_security"
APPROVAL_DAYS = 3  # regulation Art. 5 para 2: calendar days (the regulation has no working-day rule)


@dataclass(frozen=True)
class Receiver:
    """The agency a case is sent to, as the rules ask about it."""

    name: str
    region_id: uuid.UUID
    domains: frozenset[str]
    township: bool
    delegated: frozenset[str]  # a township's items delegated on the day of the transfer


def region_and_above(region_id: uuid.UUID, parent_of: Mapping[uuid.UUID, uuid.UUID | None]) -> frozenset[uuid.UUID]:
    found: set[uuid.UUID] = set()
    current: uuid.UUID | None = region_id
    while current is not None and current not in found:
        found.add(current)
        current = parent_of.get(current)
    return frozenset(found)


def receiver_problems(receiver: Receiver, domain: str, item_code: str, place: frozenset[uuid.UUID]) -> list[UserError]:
    """Why `receiver` cannot take the case over: `place` is the case's region and every region above it."""
    problems = []
    if domain not in receiver.domains:
        problems.append(UserError(CaseErrorCode.TRANSFER_RECEIVER_NOT_COMPETENT, f"{receiver.name}不承担该执法领域的职责，不能接收移送", "agencyId"))
    if receiver.region_id not in place:
        problems.append(UserError(CaseErrorCode.TRANSFER_RECEIVER_NOT_COMPETENT, f"{receiver.name}的管辖区域不包括案件所在地（行政处罚法第二十二条）", "agencyId"))
    if receiver.township and item_code not in receiver.delegated:
        problems.append(UserError(CaseErrorCode.ITEM_NOT_DELEGATED, f"该事项未交由{receiver.name}行使，不能移送其办理（行政处罚法第二十四条）", "agencyId"))
    return problems


def criminal_approval(reported_on: dt.date | None, approved_on: dt.date) -> dict[str, str | bool]:
    """The head's approval of a transfer to public security, timed against the team's report (Art. 5)."""
    if reported_on is None:
        raise UserError(CaseErrorCode.CRIMINAL_TRANSFER_REPORT_REQUIRED, f"请填写专案组移送涉嫌犯罪案件书面报告的日期（{REGULATION}第五条）", "reportedOn")
    if reported_on > approved_on:
        raise UserError(CaseErrorCode.CRIMINAL_TRANSFER_REPORT_REQUIRED, "书面报告的日期不能晚于负责人批准移送之日", "reportedOn")
    due = reported_on + dt.timedelta(days=APPROVAL_DAYS)
    return {"reported_on": reported_on.isoformat(), "approval_due_on": due.isoformat(), "approved_in_time": approved_on <= due}


def police_answer(accepted: bool, notice_number: str | None) -> dict[str, str | bool]:
    """What the police decided, in their notice's words (Art. 8): filed, or not filed and sent back."""
    number = (notice_number or "").strip()
    if not number:
        raise UserError(CaseErrorCode.POLICE_NOTICE_REQUIRED, f"请填写公安机关{'立案' if accepted else '不予立案'}通知书的文号（{REGULATION}第八条）", "noticeNumber")
    return {"accepted": accepted, "answered_by": PUBLIC_SECURITY, "notice_number": number}


def with_police(transfer: Mapping | None, answers: Sequence[Mapping]) -> bool:
    """The case is with public security: sent there and, after the sending, filed by the police."""
    if transfer is None or transfer.get("target") != PUBLIC_SECURITY or not answers:
        return False
    return bool(answers[-1].get("accepted"))


def held_by_police() -> UserError:
    return UserError(
        CaseErrorCode.CASE_WITH_PUBLIC_SECURITY,
        f"公安机关已立案，案件由公安机关办理：行政执法机关不得以行政处罚代替移送，已作出的处罚决定继续执行（{REGULATION}第十一条、第十二条）",
        "caseId",
    )
