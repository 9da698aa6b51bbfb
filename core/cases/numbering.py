"""Case and document numbers: `{agency short name}{type}〔{year}〕{serial}号`, gap-free (REFERENCE §5.4).

An agency may set its own patterns (`Agency.case_pattern`, `Agency.document_pattern`) over the
placeholders {short} (its short name), {type} (the number's type code: 案, 罚决, ...), {year} and
{serial}. GB/T 9704-2012 (发文字号) fixes the tail: the full year in 〔〕, then the serial without 第 or
zero padding, then 号; so a pattern only varies the 代字 before `〔{year}〕{serial}号`.

Numbers come from a counter row incremented inside the caller's transaction: the row lock makes
concurrent allocations queue, and a rolled-back transaction gives its number back, so the
sequence has no gaps and no duplicates across any number of processes.
"""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from zhifa.core.cases.models import NumberSequence

NUMBER_PATTERN = re.compile(r"^(?P<prefix>.+?)〔(?P<year>\d{4})〕第?(?P<serial>\d+)号$")
NUMBER_TAIL = "〔{year}〕{serial}号"
DEFAULT_CASE_PATTERN = "{short}{type}" + NUMBER_TAIL  # 定综执案〔2026〕3号
DEFAULT_DOCUMENT_PATTERN = "{short}{type}字" + NUMBER_TAIL  # 定综执罚决字〔2026〕12号 (字: the customary 代字 marker)
MAX_PATTERN = 60
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def format_number(prefix: str, year: int, serial: int) -> str:
    """GB/T 9704: year in 〔〕, serial without 第 and without zero padding."""
    return f"{prefix}〔{year}〕{serial}号"


def pattern_problem(pattern: str, needs_type: bool) -> str | None:
    """Why `pattern` cannot number an agency's cases (needs_type False) or documents (True), or None.

    {short} keeps two agencies' numbers apart; {type} keeps a document type's sequence apart from
    another's (each type counts from 1 every year)."""
    if len(pattern) > MAX_PATTERN:
        return f"编号格式不能超过 {MAX_PATTERN} 个字符"
    if not pattern.endswith(NUMBER_TAIL):
        return "编号格式须以“〔{year}〕{serial}号”结尾：年份用六角括号括入，序号不加“第”字（GB/T 9704-2012 关于发文字号的规定）"
    prefix = pattern.removesuffix(NUMBER_TAIL)
    stray = _PLACEHOLDER.sub("", prefix)
    if set(_PLACEHOLDER.findall(prefix)) - {"short", "type"} or "{" in stray or "}" in stray:
        return "编号格式只能使用 {short}（机关简称）、{type}（编号类别）、{year}（年份）、{serial}（序号）四个占位符"
    required = ("{short}", "{type}") if needs_type else ("{short}",)
    if missing := [p for p in required if p not in prefix]:
        return f"编号格式须含 {'、'.join(missing)}，以免不同机关或不同文书的编号重复"
    return None


def prefix_for(pattern: str, short_name: str, type_code: str) -> str:
    """The 代字 a pattern gives before 〔year〕: 定综执 + 罚决 under the default → 定综执罚决字."""
    return pattern.removesuffix(NUMBER_TAIL).replace("{short}", short_name).replace("{type}", type_code)


def number_for(pattern: str, short_name: str, type_code: str, year: int, serial: int) -> str:
    return format_number(prefix_for(pattern, short_name, type_code), year, serial)


def normalise_number(text: str) -> str:
    """Accept the 第X号 and zero-padded forms printed on many forms; return the standard one."""
    match = NUMBER_PATTERN.match(text.strip())
    if not match:
        return text.strip()
    return format_number(match["prefix"], int(match["year"]), int(match["serial"]))


async def allocate(session: AsyncSession, agency_id: uuid.UUID, doc_type: str, year: int) -> int:
    """The next serial, gap-free: one upsert that locks the sequence row until the transaction ends
    (a rolled-back step gives its number back)."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(NumberSequence)
        .values(agency_id=agency_id, doc_type=doc_type, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[NumberSequence.agency_id, NumberSequence.doc_type, NumberSequence.year],
            set_={"last_value": NumberSequence.last_value + 1},
        )
        .returning(NumberSequence.last_value)
    )
    return (await session.execute(stmt)).scalar_one()
