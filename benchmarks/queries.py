"""What is measured: each benchmark query as zhifa's GraphQL, its hand-written SQL floor for the
same rows, and PostGraphile's GraphQL where PostGraphile can express it.

Every entry can name the rows it returned (`rows` for zhifa's answer, the floor's own result, and
`pg_rows` for PostGraphile's), so the benchmark checks that all sides read the same rows before it
times anything. Floors run in the benchmark's process on the same driver as the server.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from zhifa.core.models import Case
from zhifa.schema.kit.relay import global_id

from benchmarks.dataset import Subjects

PAGE = 50


@dataclass(frozen=True)
class PostGraphileQuery:
    document: str
    variables: Callable[[Subjects, int], dict[str, Any]]
    rows: Callable[[dict], Any]


@dataclass(frozen=True)
class Query:
    name: str
    what: str
    viewer: str  # officer, supervisor or public
    document: str
    variables: Callable[[Subjects, int], dict[str, Any]]
    rows: Callable[[dict], Any]
    floor: Callable[[Any, Subjects, int], Awaitable[Any]]  # (connection, subjects, request number) -> rows
    floor_reads: str
    postgraphile: PostGraphileQuery | None = None
    same_rows_required: bool = True  # False: the floor reads only part of what the answer computes
    writes: bool = False


def _dialect(s: Subjects, postgresql: str, sqlite: str) -> sa.TextClause:
    return sa.text(postgresql if s.database == "postgresql" else sqlite)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# --- case list ------------------------------------------------------------------------------------

LIST = f"""query($agency: ID!, $after: String) {{ cases(first: {PAGE}, after: $after, filter: {{agencyId: $agency}}) {{
  edges {{ node {{ id caseNumber status violationDate entity {{ name creditCode }} item {{ code name }} agency {{ name }}
  officers {{ name certificateNumber }} }} }} }} }}"""
PG_LIST = f"""query($agency: UUID!, $after: Cursor) {{ allCases(first: {PAGE}, after: $after, condition: {{agencyId: $agency}},
  orderBy: [REGISTERED_AT_DESC, ROW_ID_DESC]) {{ nodes {{ id caseNumber status violationDate entityByEntityId {{ name creditCode }}
  catalogItemVersionByItemVersionId {{ code name }} agencyByAgencyId {{ name }}
  caseOfficersByCaseId {{ nodes {{ officerByOfficerId {{ name certificateNumber }} }} }} }} }} }}"""
LIST_FLOOR_PG = """
SELECT json_agg(json_build_object('number', p.case_number, 'status', p.status, 'date', p.violation_date, 'entity', e.name,
  'code', e.credit_code, 'item', i.code, 'itemName', i.name, 'agency', a.name,
  'officers', (SELECT json_agg(json_build_object('name', o.name, 'cert', o.certificate_number) ORDER BY co.position)
               FROM case_officers co JOIN officers o ON o.id = co.officer_id WHERE co.case_id = p.id AND co.role = 'handler'))
  ORDER BY p.registered_at DESC, p.id DESC)
FROM (SELECT * FROM cases c WHERE c.agency_id = :agency {keyset} ORDER BY c.registered_at DESC, c.id DESC LIMIT :page) p
JOIN entities e ON e.id = p.entity_id JOIN catalog_item_versions i ON i.id = p.item_version_id JOIN agencies a ON a.id = p.agency_id"""
LIST_FLOOR_SQLITE = """
SELECT json_group_array(json_object('number', p.case_number, 'status', p.status, 'date', p.violation_date, 'entity', e.name,
  'code', e.credit_code, 'item', i.code, 'itemName', i.name, 'agency', a.name,
  'officers', (SELECT json_group_array(json_object('name', o.name, 'cert', o.certificate_number))
               FROM case_officers co JOIN officers o ON o.id = co.officer_id WHERE co.case_id = p.id AND co.role = 'handler')))
FROM (SELECT * FROM cases c WHERE c.agency_id = :agency {keyset} ORDER BY c.registered_at DESC, c.id DESC LIMIT :page) p
JOIN entities e ON e.id = p.entity_id JOIN catalog_item_versions i ON i.id = p.item_version_id JOIN agencies a ON a.id = p.agency_id"""
KEYSET = "AND (c.registered_at, c.id) < (:at, :id)"


def _list_floor(deep: bool):
    async def floor(conn, s: Subjects, _i: int) -> list[str]:
        keyset = KEYSET if deep else ""
        params = {"agency": s.bound(s.agency), "page": PAGE, **(s.cursors["floor"] if deep else {})}
        text = _dialect(s, LIST_FLOOR_PG.format(keyset=keyset), LIST_FLOOR_SQLITE.format(keyset=keyset))
        return [row["number"] for row in _json((await conn.execute(text, params)).scalar()) or []]

    return floor


def _list_variables(deep: bool, key: str):
    def variables(s: Subjects, _i: int) -> dict[str, Any]:
        agency = global_id("Agency", s.agency) if key == "zhifa" else str(s.agency)
        return {"agency": agency, "after": s.cursors[key] if deep else None}

    return variables


def _case_list(deep: bool) -> Query:
    return Query(
        name="case_list_deep" if deep else "case_list_first",
        what=f"a team officer's {PAGE} cases with entity, item, agency, officers" + (", a page deep in the keyset" if deep else ", first page"),
        viewer="officer",
        document=LIST,
        variables=_list_variables(deep, "zhifa"),
        rows=lambda data: [e["node"]["caseNumber"] for e in data["cases"]["edges"]],
        floor=_list_floor(deep),
        floor_reads="one SQL statement building the page's JSON",
        postgraphile=PostGraphileQuery(PG_LIST, _list_variables(deep, "postgraphile"), lambda data: [n["caseNumber"] for n in data["allCases"]["nodes"]]),
    )


WALK = """query($agency: ID!, $first: Int!, $after: String) { cases(first: $first, after: $after, filter: {agencyId: $agency}) { pageInfo { endCursor } } }"""
PG_WALK = """query($agency: UUID!, $first: Int!, $after: Cursor) { allCases(first: $first, after: $after, condition: {agencyId: $agency},
  orderBy: [REGISTERED_AT_DESC, ROW_ID_DESC]) { pageInfo { endCursor } } }"""


async def deep_cursors(zhifa, postgraphile, conn, s: Subjects, depth: int) -> None:
    """Cursors `depth` rows into the team's list: zhifa's and PostGraphile's by paging through their
    own APIs (up to 100 a page), the floor's as the keyset of the row before."""
    s.cursors["zhifa"] = await _walk(zhifa, WALK, "cases", global_id("Agency", s.agency), s.token("officer"), depth)
    if postgraphile is not None:
        s.cursors["postgraphile"] = await _walk(postgraphile, PG_WALK, "allCases", str(s.agency), None, depth)
    row = (await conn.execute(sa.text(
        "SELECT registered_at, id FROM cases WHERE agency_id = :agency ORDER BY registered_at DESC, id DESC LIMIT 1 OFFSET :skip"
    ), {"agency": s.bound(s.agency), "skip": depth - 1})).one()
    s.cursors["floor"] = {"at": row.registered_at, "id": row.id}


async def _walk(client, document: str, key: str, agency: str, token: str | None, rows: int) -> str | None:
    after = None
    for start in range(0, rows, 100):
        data, _ = await client(document, {"agency": agency, "first": min(100, rows - start), "after": after}, token)
        after = data[key]["pageInfo"]["endCursor"]
    return after


# --- case detail ----------------------------------------------------------------------------------

DETAIL = """query($number: String!) { case(caseNumber: $number) { caseNumber status violationDate entity { name } agency { name }
  officers { name } timeline { seq kind at actor data } deadlines { kind label dueOn metOn } } }"""
PG_DETAIL = """query($number: String!) { caseByCaseNumber(caseNumber: $number) { caseNumber status violationDate
  entityByEntityId { name } agencyByAgencyId { name } caseOfficersByCaseId { nodes { officerByOfficerId { name } } }
  caseEventsByCaseId(orderBy: SEQ_ASC) { nodes { seq kind at actor data } } caseDeadlinesByCaseId { nodes { kind label dueOn metOn } } } }"""
DETAIL_FLOOR_PG = """
SELECT json_build_object('number', c.case_number, 'status', c.status, 'date', c.violation_date, 'entity', e.name, 'agency', a.name,
  'officers', (SELECT json_agg(o.name ORDER BY co.position) FROM case_officers co JOIN officers o ON o.id = co.officer_id
               WHERE co.case_id = c.id AND co.role = 'handler'),
  'timeline', (SELECT json_agg(json_build_object('seq', v.seq, 'kind', v.kind, 'at', v.at, 'actor', v.actor, 'data', v.data) ORDER BY v.seq)
               FROM case_events v WHERE v.case_id = c.id),
  'deadlines', (SELECT json_agg(json_build_object('kind', d.kind, 'label', d.label, 'dueOn', d.due_on, 'metOn', d.met_on) ORDER BY d.due_on, d.kind)
                FROM case_deadlines d WHERE d.case_id = c.id))
FROM cases c JOIN entities e ON e.id = c.entity_id JOIN agencies a ON a.id = c.agency_id WHERE c.case_number = :number"""
DETAIL_FLOOR_SQLITE = """
SELECT json_object('number', c.case_number, 'status', c.status, 'date', c.violation_date, 'entity', e.name, 'agency', a.name,
  'officers', (SELECT json_group_array(name) FROM (SELECT o.name FROM case_officers co JOIN officers o ON o.id = co.officer_id
               WHERE co.case_id = c.id AND co.role = 'handler' ORDER BY co.position)),
  'timeline', (SELECT json_group_array(json_object('seq', seq, 'kind', kind, 'at', at, 'actor', actor, 'data', json(data)))
               FROM (SELECT * FROM case_events v WHERE v.case_id = c.id ORDER BY v.seq)),
  'deadlines', (SELECT json_group_array(json_object('kind', kind, 'label', label, 'dueOn', due_on, 'metOn', met_on))
                FROM (SELECT * FROM case_deadlines d WHERE d.case_id = c.id ORDER BY d.due_on, d.kind)))
FROM cases c JOIN entities e ON e.id = c.entity_id JOIN agencies a ON a.id = c.agency_id WHERE c.case_number = :number"""


def _number(s: Subjects, i: int) -> dict[str, Any]:
    return {"number": s.case_numbers[i % len(s.case_numbers)]}


def _detail_rows(case: dict, timeline: list, deadlines: list) -> tuple:
    return case["caseNumber"], [e["seq"] for e in timeline], sorted(d["kind"] for d in deadlines)


async def _detail_floor(conn, s: Subjects, i: int) -> tuple:
    found = _json((await conn.execute(_dialect(s, DETAIL_FLOOR_PG, DETAIL_FLOOR_SQLITE), _number(s, i))).scalar())
    return found["number"], [e["seq"] for e in found["timeline"] or []], sorted(d["kind"] for d in found["deadlines"] or [])


CASE_DETAIL = Query(
    name="case_detail",
    what="one case with entity, agency, officers, timeline and deadlines (the team's first page in turn)",
    viewer="officer",
    document=DETAIL,
    variables=_number,
    rows=lambda data: _detail_rows(data["case"], data["case"]["timeline"], data["case"]["deadlines"]),
    floor=_detail_floor,
    floor_reads="one SQL statement building the case's JSON",
    postgraphile=PostGraphileQuery(
        PG_DETAIL, _number,
        lambda data: _detail_rows(c := data["caseByCaseNumber"], c["caseEventsByCaseId"]["nodes"], c["caseDeadlinesByCaseId"]["nodes"]),
    ),
)


# --- discretion -----------------------------------------------------------------------------------

DISCRETION_ITEM = "JZ001"
DISCRETION_FACTS = {"construction_cost": "1234567.89", "correctable": True, "corrected_on_time": True}
DISCRETION = """query($code: String!, $facts: JSON!) { discretion(itemCode: $code, facts: $facts, partyKind: LEGAL_PERSON) {
  itemCode itemVersion tierCode tierName outcome statutoryFine { min max } tierFine { min max } recommendedFine { min max }
  otherPenalties { code name } factors { code name effect } reasons hearingRight legalReviewRequired trace } }"""


async def _discretion_floor(conn, s: Subjects, _i: int) -> tuple:
    """The core's own recommend_for: the item version in force read in one statement, then the pure rule."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from zhifa.core.catalog.discretion import HearingThresholds
    from zhifa.core.catalog.service import recommend_for

    async with AsyncSession(bind=conn) as session:
        version, rec = await recommend_for(session, DISCRETION_ITEM, dt.date.today(), DISCRETION_FACTS, "legal_person", HearingThresholds())
    return version.code, rec.tier.code


DISCRETION_QUERY = Query(
    name="discretion",
    what=f"the discretion recommendation for {DISCRETION_ITEM} (facts of a construction case, legal person)",
    viewer="officer",
    document=DISCRETION,
    variables=lambda s, i: {"code": DISCRETION_ITEM, "facts": DISCRETION_FACTS},
    rows=lambda data: (data["discretion"]["itemCode"], data["discretion"]["tierCode"]),
    floor=_discretion_floor,
    floor_reads="core.catalog.service.recommend_for in-process: the versions of the item in one SQL statement, then the pure rule",
)


# --- joint visit plan -----------------------------------------------------------------------------

JOINT = """query($entity: ID!) { jointVisitPlan(entityId: $entity) { entity { name } leadAgency { name } checklistCodes
  sourcePointCount pointCount separateVisits visitsAvoided inspectorIds shortfall { domain missing }
  domains { domain agency { name } checklistCodes inspectorIds points { code domain itemCode } } } }"""
JOINT_FLOOR = """
SELECT o.id, o.name, a.name AS agency FROM officers o JOIN agencies a ON a.id = o.agency_id
JOIN certificates c ON c.officer_id = o.id JOIN certificate_domains cd ON cd.certificate_id = c.id
WHERE a.region_id IN (SELECT region_id FROM agencies WHERE id IN :agencies) AND o.status = 'valid'
  AND c.valid_from <= :today AND c.valid_until >= :today"""


async def _joint_floor(conn, s: Subjects, _i: int) -> int:
    rows = (await conn.execute(
        sa.text(JOINT_FLOOR).bindparams(sa.bindparam("agencies", expanding=True)),
        {"agencies": [s.bound(a) for a in s.county_agencies], "today": dt.date.today()},
    )).all()
    return len(rows)


JOINT_VISIT = Query(
    name="joint_visit_plan",
    what="the joint visit plan for the team's busiest entity (checklists merged, agencies and inspectors chosen)",
    viewer="officer",
    document=JOINT,
    variables=lambda s, i: {"entity": global_id("Entity", s.entity)},
    rows=lambda data: data["jointVisitPlan"]["pointCount"],
    floor=_joint_floor,
    floor_reads="one SQL statement for the county's certified officers (the plan's largest read); not the plan itself",
    same_rows_required=False,
)


# --- supervision: alerts and ledger for a county-year ---------------------------------------------

ALERTS = """query($year: Int!) { supervisionAlerts(year: $year, first: 100) { total counts { code count }
  alerts { code title severity agencyName subjectKind subjectId details } } }"""
ALERTS_FLOOR = """
SELECT d.case_id, c.agency_id, c.case_number, d.kind, d.label, d.due_on, d.met_on, d.basis FROM case_deadlines d
JOIN cases c ON c.id = d.case_id WHERE d.due_on < :today AND (d.met_on IS NULL OR d.met_on > :today) AND c.agency_id IN :agencies"""


async def _alerts_floor(conn, s: Subjects, _i: int) -> int:
    stmt = sa.text(ALERTS_FLOOR).bindparams(sa.bindparam("agencies", expanding=True))
    return len((await conn.execute(stmt, {"today": dt.date.today(), "agencies": [s.bound(a) for a in s.county_agencies]})).all())


SUPERVISION_ALERTS = Query(
    name="supervision_alerts",
    what="a county supervisor's alerts for the county-year (counts and the first 100)",
    viewer="supervisor",
    document=ALERTS,
    variables=lambda s, i: {"year": s.year},
    rows=lambda data: data["supervisionAlerts"]["total"],
    floor=_alerts_floor,
    floor_reads="one SQL statement for the county's overdue deadlines (one rule of eight)",
    same_rows_required=False,
)

LEDGER = """query($year: Int!) { responsibilityLedger(year: $year) { from to rows { agencyId agencyName rank composite cases
  simpleProcedure generalProcedure notFiled transferred closed closureRate fineDecisions executed published reviewed
  complaintsReceived complaintsOnTime hearings reconsiderations lawsuits } total { cases closed } } }"""
LEDGER_FLOOR = """
SELECT c.agency_id, count(*) AS cases, sum(CASE WHEN c.procedure = 'simple' THEN 1 ELSE 0 END) AS simple,
  sum(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END) AS closed
FROM cases c WHERE c.agency_id IN :agencies AND c.registered_at >= :start AND c.registered_at < :end GROUP BY c.agency_id"""


async def _ledger_floor(conn, s: Subjects, _i: int) -> int:
    stmt = sa.text(LEDGER_FLOOR).bindparams(sa.bindparam("agencies", expanding=True))
    start, end = dt.datetime(s.year, 1, 1), dt.datetime(s.year + 1, 1, 1)
    rows = (await conn.execute(stmt, {"agencies": [s.bound(a) for a in s.county_agencies], "start": start, "end": end})).all()
    return sum(r.cases for r in rows)


RESPONSIBILITY_LEDGER = Query(
    name="responsibility_ledger",
    what="a county supervisor's responsibility ledger for the county-year (a row per agency, and the total)",
    viewer="supervisor",
    document=LEDGER,
    variables=lambda s, i: {"year": s.year},
    rows=lambda data: data["responsibilityLedger"]["total"]["cases"],
    floor=_ledger_floor,
    floor_reads="one SQL statement counting the county-year's cases per agency (3 of the ledger's 20 columns)",
    same_rows_required=False,
)


# --- public decision search -----------------------------------------------------------------------

SEARCH = """query($q: String!) { publicDecisions(first: 20, filter: {search: $q}) { edges { node { decisionNumber partyName
  partyKind itemName penalty fine agencyName decidedOn publishedOn } } } }"""
SEARCH_FLOOR = """
SELECT p.decision_number FROM publications p
WHERE p.status = 'published' AND (p.party_name {like} :q OR p.decision_number {like} :q OR p.item_name {like} :q)
ORDER BY p.published_on DESC, p.id DESC LIMIT 20"""


async def _search_floor(conn, s: Subjects, _i: int) -> list[str]:
    text = _dialect(s, SEARCH_FLOOR.format(like="ILIKE"), SEARCH_FLOOR.format(like="LIKE"))
    query = sa.text(text.text.replace(
        "SELECT p.decision_number", "SELECT p.decision_number, p.party_name, p.party_kind, p.item_name, p.penalty, p.fine_fen, p.agency_name, p.decided_on, p.published_on"))
    return [r.decision_number for r in await conn.execute(query, {"q": f"%{s.search}%"})]


PUBLIC_SEARCH = Query(
    name="public_decision_search",
    what="the public lookup: 20 published decisions matching a term, newest first (no token)",
    viewer="public",
    document=SEARCH,
    variables=lambda s, i: {"q": s.search},
    rows=lambda data: [e["node"]["decisionNumber"] for e in data["publicDecisions"]["edges"]],
    floor=_search_floor,
    floor_reads="one SQL statement for the same 20 rows",
)


# --- registerCase ---------------------------------------------------------------------------------

REGISTER = """mutation($input: RegisterCaseInput!) { registerCase(input: $input) { case { id caseNumber status } errors { code field message } } }"""


def _register_input(s: Subjects, i: int) -> dict[str, Any]:
    r = s.register
    return {"input": {
        "entityId": global_id("Entity", r["entities"][i % len(r["entities"])]), "agencyId": global_id("Agency", s.agency),
        "itemCode": r["item_code"], "violationDate": r["violation_date"].isoformat(),
        "officerIds": [global_id("Officer", o) for o in r["officers"]], "description": f"基准测试登记 {uuid.uuid4().hex[:12]}",
        "facts": r["facts"],
    }}


def _register_rows(data: dict) -> str:
    payload = data["registerCase"]
    if payload["errors"]:
        raise RuntimeError(f"registerCase refused: {payload['errors']}")  # reported in its cell; the run goes on
    return payload["case"]["status"]


COPIED = [c.name for c in Case.__table__.columns if c.name not in {"id", "case_number", "entity_id", "registered_at", "updated_at", "description"}]


async def _register_floor(conn, s: Subjects, i: int) -> str:
    """The rows a registration writes — the number sequence, the case (its values copied from the
    template case), its officers and its first event — in one transaction, rolled back so that the
    loaded data set keeps its invariants."""
    r, now, key = s.register, dt.datetime.now(dt.UTC).replace(tzinfo=None), uuid.uuid4()
    params = {"id": s.bound(key), "template": s.bound(r["template"]), "agency": s.bound(s.agency), "now": now,
              "entity": s.bound(r["entities"][i % len(r["entities"])]), "year": now.year, "description": "基准测试登记"}
    transaction = await conn.begin()
    try:
        serial = (await conn.execute(sa.text(
            "UPDATE number_sequences SET last_value = last_value + 1 WHERE agency_id = :agency AND year = :year "
            "AND doc_type = (SELECT doc_type FROM number_sequences WHERE agency_id = :agency AND year = :year LIMIT 1) RETURNING last_value"
        ), params)).scalar()
        params["number"] = f"bench-{key.hex}-{serial}"
        columns = ", ".join(COPIED)
        await conn.execute(sa.text(
            f"INSERT INTO cases (id, case_number, entity_id, registered_at, updated_at, description, {columns}) "
            f"SELECT :id, :number, :entity, :now, :now, :description, {columns} FROM cases WHERE id = :template"), params)
        await conn.execute(sa.text(
            "INSERT INTO case_officers (case_id, officer_id, position, role) SELECT :id, officer_id, position, role FROM case_officers WHERE case_id = :template"), params)
        await conn.execute(sa.text(
            "INSERT INTO case_events (id, case_id, seq, kind, at, actor, data) SELECT :id, :id, seq, kind, :now, actor, data "
            "FROM case_events WHERE case_id = :template AND seq = 1"), params)
        status = (await conn.execute(sa.text("SELECT status FROM cases WHERE id = :id"), params)).scalar_one()
    finally:
        await transaction.rollback()
    return status


REGISTER_CASE = Query(
    name="register_case",
    what="registerCase by a team officer, a distinct entity and description each time (the cases are counted afterwards)",
    viewer="officer",
    document=REGISTER,
    variables=_register_input,
    rows=_register_rows,
    floor=_register_floor,
    floor_reads="the same rows written by hand (sequence, case, officers, first event) in one transaction, rolled back",
    same_rows_required=False,
    writes=True,
)


QUERIES: dict[str, Query] = {q.name: q for q in (
    _case_list(deep=False), _case_list(deep=True), CASE_DETAIL, DISCRETION_QUERY, JOINT_VISIT,
    SUPERVISION_ALERTS, RESPONSIBILITY_LEDGER, PUBLIC_SEARCH, REGISTER_CASE,
)}
