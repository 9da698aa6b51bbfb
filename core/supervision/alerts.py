"""Problem detection (问题预警): each alert rule is a pure function over plain data.

A rule has a stable code, a Chinese title and the source it comes from (`RULES`); it takes plain
dataclasses (loaded by `core.supervision.watch`) and returns `Alert`s naming the agency answerable
for the problem and the record it is about (a case, complaint, officer, entity, agency, inspection
or region), with the figures that triggered it in `details`. No session, no I/O, no clock: the day
(`as_of`) and the year are arguments.

Thresholds are named constants gathered in one frozen `AlertPolicy` (defaults from the sources);
a deployment builds its own policy instead of editing the rules.

Sources: APL = 《中华人民共和国行政处罚法》(2021); 000 = 绍兴市综合行政执法改革实施意见; 001 = 鞍山市
执法突出问题专项整治行动方案 (2022); 003 = 洛阳市行政执法协调监督工作体系试点方案 (2023); 004 = 灵溪镇
"一支队伍管执法"实施方案. (Numbers as in /work/shared/domain/sources.)
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import median
from typing import Any

from zhifa.core.access.viewer import descendants
from zhifa.core.cases.calendar import add_years
from zhifa.core.complaints import rules as complaint_rules
from zhifa.core.inspections import figures
from zhifa.core.labels import LabeledEnum
from zhifa.core.people.models import AgencyKind, CertificateStatus, OfficerRole, RegionLevel


class Severity(LabeledEnum):
    SERIOUS = "serious", "严重"
    WARNING = "warning", "一般"
    NOTICE = "notice", "提示"


@dataclass(frozen=True)
class AlertPolicy:
    # 同案异罚: a group (same item, same discretion tier) needs this many fined cases …
    disparity_min_group: int = 3
    # … and a case is flagged when its fine is ≥ factor × the group median or ≤ median / factor.
    disparity_factor: int = 2
    # 轮岗: 同一区域工作满 5 年或在负责人岗位工作满 3 年 (source 004).
    rotation_region_years: int = 5
    rotation_head_years: int = 3
    # 编制: front-line ≥ 85% of the county comprehensive enforcement department (source 000).
    front_line_percent: int = 85
    # 乡镇执法人员: key townships ≥ 8, others ≥ 3 (source 000).
    key_township_officers: int = 8
    township_officers: int = 3
    # APL Art. 42: at least two officers holding enforcement certificates.
    min_certified_officers: int = 2
    # Inspections per entity per year (core.inspections.figures; plans may set their own).
    inspection_yearly_ceiling: int = figures.DEFAULT_YEARLY_CEILING


DEFAULT_ALERT_POLICY = AlertPolicy()
SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    basis: str
    severity: Severity
    description: str
    thresholds: tuple[str, ...] = ()  # the AlertPolicy fields the rule reads
    distinct_by: str = ""  # the details key telling apart two alerts of the rule on one record


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.code: r for r in rules}


RULES: dict[str, Rule] = _rules(
    Rule("CASE_DEADLINE_OVERDUE", "案件办理环节逾期", "《中华人民共和国行政处罚法》第六十条等；鞍山方案（001）“案件久拖不决”",
         Severity.SERIOUS, "案件某一期限（立案决定、作出决定、送达、法制审核等）已过届满日且未完成；label 指明环节。",
         distinct_by="deadline"),
    Rule("PUBLICATION_OVERDUE", "处罚决定逾期未公开", "《中华人民共和国行政处罚法》第四十八条；国办发〔2018〕118号（期限由配置设定）",
         Severity.WARNING, "应公开的处罚决定已过公开期限仍无公示记录。"),
    Rule("COMPLAINT_OVERDUE", "投诉举报逾期未答复或未办结", "《市场监督管理投诉举报处理暂行办法》第十四条；鞍山方案（001）“一周内程序性答复、一个月内实体答复”",
         Severity.WARNING, "受理答复期限或办结期限已过且未完成（与投诉举报台账同一判定）。"),
    Rule("TOO_FEW_OFFICERS", "执法人员不足两名", "《中华人民共和国行政处罚法》第四十二条",
         Severity.SERIOUS, "立案后的案件（承办人员）或已实施的检查（检查人员）中，行为之日持有效执法证的人员少于两名。",
         ("min_certified_officers",)),
    Rule("AUXILIARY_ALONE", "辅助人员单独执法", "《中华人民共和国行政处罚法》第四十二条；鞍山方案（001）“依靠聘用的辅助人员代替行政执法人员执法”",
         Severity.SERIOUS, "执法行为的人员中有辅助人员，却没有一名持有效执法证的执法人员。"),
    Rule("DISPARATE_PENALTY", "同案异罚", "鞍山方案（001）“不严格执行行政裁量权基准，同案异罚、畸轻畸重”",
         Severity.WARNING,
         "统计规则：年度内已决定且罚款大于零的案件按（事项编码、裁量档次）分组；组内不少于 disparity_min_group 件时，"
         "罚款 ≥ 组中位数 × disparity_factor 或 ≤ 组中位数 ÷ disparity_factor 的案件预警。分组限于查看者管辖范围内的案件。",
         ("disparity_min_group", "disparity_factor")),
    Rule("DISCRETION_DEPARTURE", "偏离裁量基准（已说明理由）", "国办发〔2022〕27号（行政裁量权基准）；鞍山方案（001）",
         Severity.NOTICE, "决定罚款不在推荐区间内，但处理建议中说明了理由。"),
    Rule("DISCRETION_DEPARTURE_UNREASONED", "偏离裁量基准且未说明理由", "国办发〔2022〕27号（行政裁量权基准）；鞍山方案（001）",
         Severity.SERIOUS, "决定罚款不在推荐区间内，且没有记录偏离理由。"),
    Rule("NO_ENFORCEMENT_ACT", "年度无执法行为（须专项说明）", "洛阳方案（003）第10项“行政执法情况专项说明制度”",
         Severity.WARNING,
         "执法主体持有某领域事项（县级：执法领域；乡镇：赋权事项），年度内本机关及其下级机关在该领域没有作出行政处罚决定，且未提交专项说明。"
         "行政许可未建模，只以处罚决定计。", distinct_by="domain"),
    Rule("ROTATION_DUE", "执法人员应轮岗交流", "灵溪方案（004）“同一区域工作满5年或在负责人岗位工作满3年的，原则上应当进行交流”",
         Severity.NOTICE, "连续在同一区域任职满年限，或连续担任负责人满年限。", ("rotation_region_years", "rotation_head_years")),
    Rule("STAFFING_FRONT_LINE_BELOW_RATIO", "一线执法人员占比不足", "绍兴实施意见（000）“一线执法人员的编制一般不得少于编制总数的85%”",
         Severity.WARNING,
         "县级综合行政执法部门（综合行政执法局及其下属队伍）：一线 = 角色为执法人员且执法证有效的人员；编制总数 = 全部非辅助人员。",
         ("front_line_percent",)),
    Rule("TOWNSHIP_UNDERSTAFFED", "乡镇执法力量不足", "绍兴实施意见（000）“重点乡镇（街道）执法人员不得少于8人，一般乡镇（街道）不少于3人”",
         Severity.WARNING,
         "乡镇执法人员 = 驻该乡镇（街道）的乡镇综合行政执法队中执法证有效的非辅助人员。没有执法队的乡镇计为 0 人，由县综合行政执法局负责。",
         ("key_township_officers", "township_officers")),
    Rule("INSPECTION_CEILING_EXCEEDED", "对同一对象检查超过年度上限", "国办发〔2024〕54号（涉企行政检查频次上限；上限由配置设定）",
         Severity.WARNING, "年度内对同一行政相对人的检查（含已安排）次数超过上限；记在使次数超限的那次检查的机关名下。",
         ("inspection_yearly_ceiling",)),
)


@dataclass(frozen=True)
class Alert:
    code: str
    agency_id: uuid.UUID  # the agency answerable for it (decides who sees it)
    subject_kind: str  # the GraphQL type of the record: Case, Complaint, Officer, Entity, Agency, Inspection, Region
    subject_id: uuid.UUID
    details: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None  # None: the rule's own

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def level(self) -> Severity:
        return self.severity or self.rule.severity

    @property
    def key(self) -> tuple[int, str, str, str, str, str]:
        """The report's order, and a page's keyset: most severe first, then rule, agency, record."""
        return (SEVERITY_RANK[self.level], self.code, str(self.agency_id), self.subject_kind, str(self.subject_id),
                str(self.details.get(self.rule.distinct_by, "")) if self.rule.distinct_by else "")


def thresholds(rule: Rule, policy: AlertPolicy = DEFAULT_ALERT_POLICY) -> dict[str, int]:
    return {name: getattr(policy, name) for name in rule.thresholds}


# --- deadlines: cases, publication, complaints ---------------------------------------------------

PUBLICATION_KIND = "PUBLICATION"  # core.cases.deadlines.rules(): 处罚决定公开期限


@dataclass(frozen=True)
class DeadlineRow:
    case_id: uuid.UUID
    agency_id: uuid.UUID
    case_number: str
    kind: str
    label: str
    due_on: dt.date
    met_on: dt.date | None
    basis: str
    published_on: dt.date | None = None  # PUBLICATION only: the first publication of the decision


def case_deadlines_overdue(rows: Iterable[DeadlineRow], as_of: dt.date) -> list[Alert]:
    """CASE_DEADLINE_OVERDUE: a step past its last day and not met by `as_of` (the complaint
    ledger's `is_overdue`). The publication deadline is PUBLICATION_OVERDUE's, not counted here."""
    return [
        Alert("CASE_DEADLINE_OVERDUE", r.agency_id, "Case", r.case_id, _deadline_details(r, as_of))
        for r in rows
        if r.kind != PUBLICATION_KIND and complaint_rules.is_overdue(r.due_on, r.met_on, as_of)
    ]


def publication_overdue(rows: Iterable[DeadlineRow], as_of: dt.date) -> list[Alert]:
    """PUBLICATION_OVERDUE: the decision's publication deadline has passed and no publication
    existed by `as_of` (the first publication, or the deadline marked met, whichever is earlier)."""
    out = []
    for r in rows:
        if r.kind != PUBLICATION_KIND:
            continue
        met = min((d for d in (r.met_on, r.published_on) if d is not None), default=None)
        if complaint_rules.is_overdue(r.due_on, met, as_of):
            out.append(Alert("PUBLICATION_OVERDUE", r.agency_id, "Case", r.case_id, _deadline_details(r, as_of)))
    return out


def _deadline_details(r: DeadlineRow, as_of: dt.date) -> dict[str, Any]:
    return {"case_number": r.case_number, "deadline": r.kind, "label": r.label, "due_on": r.due_on.isoformat(),
            "days_overdue": (as_of - r.due_on).days, "basis": r.basis}


@dataclass(frozen=True)
class ComplaintRow:
    id: uuid.UUID
    agency_id: uuid.UUID
    number: str
    reply_due_on: dt.date
    replied_on: dt.date | None
    handling_due_on: dt.date
    resolved_on: dt.date | None


def complaints_overdue(rows: Iterable[ComplaintRow], as_of: dt.date) -> list[Alert]:
    """COMPLAINT_OVERDUE: `core.complaints.rules.is_overdue` on either deadline, as the ledger counts."""
    out = []
    for r in rows:
        late = [
            {"deadline": kind, "due_on": due.isoformat(), "days_overdue": (as_of - due).days}
            for kind, due, met in ((complaint_rules.REPLY, r.reply_due_on, r.replied_on), (complaint_rules.HANDLING, r.handling_due_on, r.resolved_on))
            if complaint_rules.is_overdue(due, met, as_of)
        ]
        if late:
            out.append(Alert("COMPLAINT_OVERDUE", r.agency_id, "Complaint", r.id, {"number": r.number, "overdue": late}))
    return out


# --- who acted: two certified officers, never auxiliary staff alone (APL Art. 42) ----------------


@dataclass(frozen=True)
class Staff:
    id: uuid.UUID
    agency_id: uuid.UUID
    role: OfficerRole
    status: CertificateStatus
    valid_from: dt.date | None
    valid_until: dt.date | None
    domains: frozenset[str] = frozenset()

    def certified_on(self, day: dt.date, domains: Iterable[str] = ()) -> bool:
        """Holds an enforcement certificate valid on `day` (status is today's: a suspended or
        revoked certificate counts nowhere) covering one of `domains` when they are given."""
        wanted = set(domains)
        return (
            self.role is not OfficerRole.AUXILIARY
            and self.status is CertificateStatus.VALID
            and self.valid_from is not None and self.valid_until is not None
            and self.valid_from <= day <= self.valid_until
            and (not wanted or bool(wanted & self.domains))
        )


@dataclass(frozen=True)
class Act:
    kind: str  # "Case" or "Inspection"
    id: uuid.UUID
    agency_id: uuid.UUID
    on: dt.date  # the day the act's certificates must be valid
    domains: tuple[str, ...]
    staff_ids: tuple[uuid.UUID, ...]
    label: str = ""  # case number, or the inspection's day


def acting_staff(acts: Iterable[Act], staff: Mapping[uuid.UUID, Staff], policy: AlertPolicy = DEFAULT_ALERT_POLICY) -> list[Alert]:
    """TOO_FEW_OFFICERS when fewer than two of the act's people hold a certificate valid on its day
    for its domain; AUXILIARY_ALONE instead when auxiliary staff acted with no certified officer."""
    out = []
    for act in acts:
        people = [staff[s] for s in act.staff_ids if s in staff]
        certified = [p for p in people if p.certified_on(act.on, act.domains)]
        auxiliary = [p for p in people if p.role is OfficerRole.AUXILIARY]
        details = {"label": act.label, "on": act.on.isoformat(), "people": len(people), "certified": len(certified),
                   "auxiliary": len(auxiliary), "domains": list(act.domains)}
        if auxiliary and not certified:
            out.append(Alert("AUXILIARY_ALONE", act.agency_id, act.kind, act.id, details))
        elif len(certified) < policy.min_certified_officers:
            out.append(Alert("TOO_FEW_OFFICERS", act.agency_id, act.kind, act.id, {**details, "required": policy.min_certified_officers}))
    return out


# --- decided fines: 同案异罚 and departures from the benchmark -----------------------------------


@dataclass(frozen=True)
class Decided:
    case_id: uuid.UUID
    agency_id: uuid.UUID
    case_number: str
    item_code: str
    decided_on: dt.date
    fine_fen: int | None
    discretion: Mapping[str, Any] | None  # Case.discretion: tier, recommended [min, max], departure_reasons

    @property
    def tier(self) -> str | None:
        return (self.discretion or {}).get("tier")


def _ratio(a: Fraction, b: Fraction) -> str:
    return f"{float(a / b):.2f}"


def disparate_penalty(cases: Iterable[Decided], policy: AlertPolicy = DEFAULT_ALERT_POLICY) -> list[Alert]:
    """DISPARATE_PENALTY (同案异罚, source 001), a stated statistical rule: decided cases with a fine
    above zero, grouped by (item code, discretion tier); a group of at least `disparity_min_group`
    cases has a median M (exact, the mean of the two middle fines when the count is even); a case is
    flagged when fine ≥ factor × M or fine ≤ M / factor (factor = `disparity_factor`, 2 by default:
    a fine double or half the usual one). Cases without a recorded tier are not grouped."""
    groups: dict[tuple[str, str], list[Decided]] = defaultdict(list)
    for c in cases:
        if c.fine_fen and c.fine_fen > 0 and c.tier:
            groups[(c.item_code, str(c.tier))].append(c)
    factor = Fraction(policy.disparity_factor)
    out = []
    for (item, tier), members in sorted(groups.items()):
        if len(members) < policy.disparity_min_group:
            continue
        mid = Fraction(median(Fraction(c.fine_fen) for c in members))
        agencies = sorted({str(c.agency_id) for c in members})
        for c in members:
            fine = Fraction(c.fine_fen)
            if fine >= factor * mid or fine * factor <= mid:
                out.append(Alert("DISPARATE_PENALTY", c.agency_id, "Case", c.case_id, {
                    "case_number": c.case_number, "item_code": item, "tier": tier, "n": len(members),
                    "median_fen": str(mid.numerator // mid.denominator) if mid.denominator == 1 else f"{float(mid):.1f}",
                    "fine_fen": c.fine_fen, "ratio": _ratio(fine, mid), "direction": "heavier" if fine > mid else "lighter",
                    "agencies": agencies, "factor": policy.disparity_factor,
                }))
    return out


def discretion_departure(cases: Iterable[Decided]) -> list[Alert]:
    """A decided fine outside Case.discretion["recommended"] = [min_fen, max_fen]: with stated
    departure reasons DISCRETION_DEPARTURE, without them DISCRETION_DEPARTURE_UNREASONED."""
    out = []
    for c in cases:
        rec = (c.discretion or {}).get("recommended")
        if not rec or len(rec) != 2:
            continue
        low, high = int(rec[0]), int(rec[1])
        fine = c.fine_fen or 0
        if low <= fine <= high:
            continue
        reasons = ((c.discretion or {}).get("departure_reasons") or "").strip()
        code = "DISCRETION_DEPARTURE" if reasons else "DISCRETION_DEPARTURE_UNREASONED"
        out.append(Alert(code, c.agency_id, "Case", c.case_id, {
            "case_number": c.case_number, "fine_fen": fine, "recommended": [low, high],
            "direction": "above" if fine > high else "below", "reasons_given": bool(reasons), "reasons": reasons or None,
        }))
    return out


# --- 专项说明: holding items of a domain, no penalty decision in a year ----------------------------


@dataclass(frozen=True)
class Holding:
    agency_id: uuid.UUID
    domain: str
    via: str  # "agency_domain" (county agencies) or "delegation" (township teams: delegated items)
    items: int = 0  # delegated items of the domain (townships)


def no_enforcement_act(
    holdings: Iterable[Holding],
    acted: set[tuple[uuid.UUID, str]],
    explained: set[tuple[uuid.UUID, str]],
    year: int,
    as_of: dt.date,
    parent_of: Mapping[uuid.UUID, uuid.UUID | None] | None = None,
) -> list[Alert]:
    """NO_ENFORCEMENT_ACT (source 003 item 10): an agency holding a domain made no penalty
    decision in it during `year` (up to `as_of`) — neither itself nor an agency below it (a county
    bureau acts through its professional teams) — and filed no special explanation for (agency,
    year, domain). Permits (行政许可) are not modelled, so only penalty decisions count."""
    acted = set(acted)
    for agency, domain in list(acted):
        parent = (parent_of or {}).get(agency)
        while parent is not None and (parent, domain) not in acted:
            acted.add((parent, domain))
            parent = (parent_of or {}).get(parent)
    out = []
    for h in sorted(holdings, key=lambda h: (str(h.agency_id), h.domain)):
        key = (h.agency_id, h.domain)
        if key in acted or key in explained:
            continue
        out.append(Alert("NO_ENFORCEMENT_ACT", h.agency_id, "Agency", h.agency_id, {
            "domain": h.domain, "year": year, "held_via": h.via, "delegated_items": h.items, "decisions": 0,
            "period_complete": as_of > dt.date(year, 12, 31), "counted_until": min(as_of, dt.date(year, 12, 31)).isoformat(),
            "permits": "行政许可未建模，仅统计行政处罚决定",
        }))
    return out


# --- rotation (source 004) ------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingRow:
    officer_id: uuid.UUID
    agency_id: uuid.UUID
    region_id: uuid.UUID
    is_head: bool
    started_on: dt.date
    ended_on: dt.date | None


def _run_start(history: list[PostingRow], same) -> dt.date:
    """The start of the run of adjacent postings, ending with the last one, that `same` accepts."""
    start = history[-1].started_on
    for p in reversed(history[:-1]):
        if not same(p):
            break
        start = p.started_on
    return start


def rotation_due(postings: Iterable[PostingRow], as_of: dt.date, policy: AlertPolicy = DEFAULT_ALERT_POLICY) -> list[Alert]:
    """ROTATION_DUE: an officer whose current posting (started by `as_of`, not ended before it)
    continues a run of adjacent postings in the same region for ≥ 5 years, or of head postings for
    ≥ 3 years. Adjacent = next in the officer's own history ordered by start; a posting in another
    region (or a non-head posting) breaks the run, a gap between postings does not."""
    by_officer: dict[uuid.UUID, list[PostingRow]] = defaultdict(list)
    for p in postings:
        if p.started_on <= as_of:
            by_officer[p.officer_id].append(p)
    out = []
    for officer, history in sorted(by_officer.items(), key=lambda kv: str(kv[0])):
        history.sort(key=lambda p: (p.started_on, p.ended_on or dt.date.max))
        current = history[-1]
        if current.ended_on is not None and current.ended_on < as_of:
            continue
        reasons = []
        region_since = _run_start(history, lambda p: p.region_id == current.region_id)
        if add_years(region_since, policy.rotation_region_years) <= as_of:
            reasons.append({"rule": "region", "since": region_since.isoformat(), "years": policy.rotation_region_years})
        if current.is_head:
            head_since = _run_start(history, lambda p: p.is_head)
            if add_years(head_since, policy.rotation_head_years) <= as_of:
                reasons.append({"rule": "head", "since": head_since.isoformat(), "years": policy.rotation_head_years})
        if reasons:
            out.append(Alert("ROTATION_DUE", current.agency_id, "Officer", officer,
                             {"region_id": str(current.region_id), "reasons": reasons}))
    return out


# --- staffing (source 000) ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    region_id: uuid.UUID
    kind: AgencyKind
    name: str = ""


@dataclass(frozen=True)
class RegionRow:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    level: RegionLevel
    key_township: bool
    name: str = ""


def front_line_ratio(agencies: Iterable[AgencyRow], staff: Iterable[Staff], as_of: dt.date, policy: AlertPolicy = DEFAULT_ALERT_POLICY) -> list[Alert]:
    """STAFFING_FRONT_LINE_BELOW_RATIO: for each county comprehensive enforcement bureau, its
    department is the bureau and every agency below it. Establishment (编制总数) = its non-auxiliary
    staff; front-line = those of role officer holding a certificate valid on `as_of`. Alert when
    front-line × 100 < establishment × 85."""
    agencies = list(agencies)
    members, front = Counter(), Counter()  # per agency
    for s in staff:
        if s.role is not OfficerRole.AUXILIARY:
            members[s.agency_id] += 1
            front[s.agency_id] += s.role is OfficerRole.OFFICER and s.certified_on(as_of)
    parent_of = {a.id: a.parent_id for a in agencies}
    out = []
    for bureau in agencies:
        if bureau.kind is not AgencyKind.COMPREHENSIVE_BUREAU:
            continue
        department = descendants([bureau.id], parent_of)
        establishment, front_line = sum(members[a] for a in department), sum(front[a] for a in department)
        if establishment and front_line * 100 < establishment * policy.front_line_percent:
            out.append(Alert("STAFFING_FRONT_LINE_BELOW_RATIO", bureau.id, "Agency", bureau.id, {
                "establishment": establishment, "front_line": front_line, "percent": f"{front_line * 100 / establishment:.1f}",
                "required_percent": policy.front_line_percent, "department_agencies": len(department),
            }))
    return out


def township_staffing(regions: Iterable[RegionRow], agencies: Iterable[AgencyRow], staff: Iterable[Staff], as_of: dt.date,
                      policy: AlertPolicy = DEFAULT_ALERT_POLICY) -> list[Alert]:
    """TOWNSHIP_UNDERSTAFFED: per township region, the certified (valid on `as_of`) non-auxiliary
    staff of the township teams seated there; at least 8 in a key township, 3 in any other. Charged
    to the township's team, or to the county comprehensive bureau of the parent region when the
    township has no team (then it has 0 officers)."""
    teams: dict[uuid.UUID, list[AgencyRow]] = defaultdict(list)  # by township region
    bureaus: dict[uuid.UUID, AgencyRow] = {}  # the first by region
    for agency in agencies:
        if agency.kind is AgencyKind.TOWNSHIP_TEAM:
            teams[agency.region_id].append(agency)
        elif agency.kind is AgencyKind.COMPREHENSIVE_BUREAU:
            bureaus.setdefault(agency.region_id, agency)
    certified = Counter(s.agency_id for s in staff if s.certified_on(as_of))
    out = []
    for region in regions:
        if region.level is not RegionLevel.TOWNSHIP:
            continue
        seated = sorted(teams[region.id], key=lambda a: a.name)
        count = sum(certified[t.id] for t in seated)
        required = policy.key_township_officers if region.key_township else policy.township_officers
        if count >= required:
            continue
        answerable = seated[0] if seated else bureaus.get(region.parent_id)
        if answerable is None:
            continue
        out.append(Alert("TOWNSHIP_UNDERSTAFFED", answerable.id, "Region", region.id, {
            "township": region.name, "key_township": region.key_township, "officers": count, "required": required,
            "teams": len(seated),
        }))
    return out


# --- inspection load -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    inspection_id: uuid.UUID
    entity_id: uuid.UUID
    agency_id: uuid.UUID
    on: dt.date  # inspected, or planned when not yet done


def inspection_ceiling(visits: Iterable[Visit], year: int, policy: AlertPolicy = DEFAULT_ALERT_POLICY) -> list[Alert]:
    """INSPECTION_CEILING_EXCEEDED: more inspections of one entity in the year than the ceiling
    (`core.inspections.figures.loads`, counting across all agencies as the draw does). Charged to
    the agency of the inspection that went over (the ceiling + 1-th by day)."""
    ordered = sorted(visits, key=lambda v: (v.on, str(v.inspection_id)))
    ceiling = policy.inspection_yearly_ceiling
    loads = figures.loads(((str(v.entity_id), str(v.agency_id)) for v in ordered), ceiling)
    by_entity: dict[str, list[Visit]] = defaultdict(list)
    for v in ordered:
        by_entity[str(v.entity_id)].append(v)
    out = []
    for entity, load in sorted(loads.items()):
        if load.count <= ceiling:
            continue
        over = by_entity[entity][ceiling]
        out.append(Alert("INSPECTION_CEILING_EXCEEDED", over.agency_id, "Entity", over.entity_id, {
            "year": year, "count": load.count, "ceiling": ceiling, "by_agency": dict(load.by_agency),
            "exceeded_on": over.on.isoformat(), "exceeding_inspection": str(over.inspection_id),
        }))
    return out
