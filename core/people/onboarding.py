"""Bulk onboarding (批量建档) from the people workbook (core/people/workbook.py), and its export.

Import writes every row through the people services (create_agency, register_officer,
issue_certificate), so a file meets exactly the API's validation; a service's UserError is
reported on its row, and on the column its field names. Every row is tried (the services check
before they write, so a refused row leaves nothing behind for the rows after it) and the whole
import is one transaction: committed when no row is bad, rolled back otherwise. No savepoints:
on SQLite a savepoint opened before any write would be the outermost transaction, and releasing
it would commit.

Rows are found by agency name, ID number and certificate number. A stored record that reads the
same is left alone, so importing a file twice changes nothing; one that differs is a
WORKBOOK_CONFLICT naming the column, never an overwrite: a transfer, a rename or a change to a
certificate is a decision with its own record, made through the API.

Export writes the agencies, the serving officers and their certificates as the same rows, so that
export -> import changes nothing. An officer without an ID number or retired is left out: the
first cannot be found again on import, the second would come back as serving.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from zhifa.core.entities.crypto import DataKey
from zhifa.core.errors import UserError, UserErrors
from zhifa.core.people.agencies import NewAgency, agency_by_name, create_agency
from zhifa.core.people.certificates import (
    NewCertificate,
    certificate_by_number,
    issue_certificate,
)
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.core.people.models import (
    Agency,
    AgencyDomain,
    Certificate,
    CertificateDomain,
    Officer,
    Posting,
    Region,
)
from zhifa.core.people.staff import NewOfficer, officer_by_id_number, register_officer
from zhifa.core.people.workbook import (
    AGENCIES,
    OFFICERS,
    SHEET_OF,
    AgencyRow,
    Book,
    CertificateRow,
    OfficerRow,
    Problems,
    RowError,
    cells,
    row_key,
)

# A service's field (GraphQL input name) -> the column it is about, where the names differ.
FIELD_COLUMNS = {
    "regionId": "region", "parentId": "parent", "agencyId": "agency", "officerId": "id_number",
    "shortName": "short_name", "idNumber": "id_number", "externalIdentity": "external_identity",
    "postedOn": "posted_on", "issuingAuthority": "issuing_authority", "validFrom": "valid_from",
    "validUntil": "valid_until",
}


@dataclass
class ImportReport:
    created: Counter[str]  # sheet title -> rows created
    unchanged: int  # rows already stored exactly so
    errors: list[RowError]

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


async def import_book(sessions: async_sessionmaker[AsyncSession], actor: str, key: DataKey, book: Book) -> ImportReport:
    """Import `book` in one transaction: committed only when neither the file nor any row is bad."""
    async with sessions() as session:
        transaction = await session.begin()
        try:
            importer = _Importer(session, actor, key, book)
            await importer.run()
        except BaseException:
            await transaction.rollback()
            raise
        errors = Problems([*book.errors, *importer.problems]).sorted()
        await (transaction.rollback() if errors else transaction.commit())
    return ImportReport(importer.created, importer.unchanged, errors)


class _Importer:
    def __init__(self, session: AsyncSession, actor: str, key: DataKey, book: Book):
        self.session, self.actor, self.key, self.book = session, actor, key, book
        self.stored = Stored(session, key)
        self.problems = Problems()
        self.created: Counter[str] = Counter()
        self.unchanged = 0
        self.skipped = set(book.flawed)  # (sheet, key) of rows not imported: their dependents are not checked

    async def run(self) -> None:
        for row in _parents_first(self.book.agencies):
            await self._agency(row)
        for row in self.book.officers:
            await self._officer(row)
        for row in self.book.certificates:
            await self._certificate(row)

    async def _agency(self, row: AgencyRow) -> None:
        if (AGENCIES, row.parent) in self.skipped:
            self.skipped.add((AGENCIES, row.name))
            return
        existing = await agency_by_name(self.session, row.name)
        if existing is not None:
            return self._compare(row, await self.stored.agency(existing))
        region_id = await self.session.scalar(sa.select(Region.id).where(Region.code == row.region))
        if region_id is None:
            return self._refuse(row, "region", PeopleErrorCode.REGION_NOT_FOUND, f"没有代码为“{row.region}”的行政区划")
        parent = await agency_by_name(self.session, row.parent) if row.parent else None
        if row.parent and parent is None:
            cycle = any(a.name == row.parent for a in self.book.agencies)
            where = "沿上级关系追溯又回到本机构（上级关系成环），无法建立" if cycle else "未登记，也不在本表中"
            return self._refuse(row, "parent", PeopleErrorCode.AGENCY_NOT_FOUND, f"上级机构“{row.parent}”{where}")
        new = NewAgency(row.name, row.short_name, row.kind, region_id, parent.id if parent else None, row.domains)
        await self._create(row, lambda: create_agency(self.session, self.actor, new))

    async def _officer(self, row: OfficerRow) -> None:
        if (AGENCIES, row.agency) in self.skipped:
            self.skipped.add((OFFICERS, row.id_number))
            return
        existing = await officer_by_id_number(self.session, self.key, row.id_number)
        if existing is not None:
            # A blank 任职日期 means "today" for a new officer; for a stored one it asks nothing.
            return self._compare(row, await self.stored.officer(existing), () if row.posted_on else ("posted_on",))
        agency = await agency_by_name(self.session, row.agency)
        if agency is None:
            return self._refuse(row, "agency", PeopleErrorCode.AGENCY_NOT_FOUND, f"所属机构“{row.agency}”未登记，也不在“{AGENCIES.title}”表中")
        new = NewOfficer(agency.id, row.name, row.role, row.id_number, row.external_identity, row.posted_on)
        await self._create(row, lambda: register_officer(self.session, self.actor, new, self.key))

    async def _certificate(self, row: CertificateRow) -> None:
        if (OFFICERS, row.id_number) in self.skipped:
            return
        existing = await certificate_by_number(self.session, row.number)
        if existing is not None:
            return self._compare(row, await self.stored.certificate(existing))
        holder = await officer_by_id_number(self.session, self.key, row.id_number)
        if holder is None:
            return self._refuse(row, "id_number", PeopleErrorCode.OFFICER_NOT_FOUND, f"持证人（公民身份号码 {row.id_number}）未登记，也不在“{OFFICERS.title}”表中")
        new = NewCertificate(holder.id, row.number, row.issuing_authority, row.domains, row.valid_from, row.valid_until)
        await self._create(row, lambda: issue_certificate(self.session, self.actor, new))

    async def _create(self, row: Any, write: Callable[[], Awaitable[Any]]) -> None:
        try:
            await write()
        except (UserError, UserErrors) as refused:
            sheet = SHEET_OF[type(row)]
            for error in refused.errors if isinstance(refused, UserErrors) else [refused]:
                column = FIELD_COLUMNS.get(error.field or "", error.field)
                self.problems.add(sheet, row.row, column if sheet.column(column or "") else None, error.message, error.code)
            self.skipped.add((sheet, row_key(row)))
            return
        self.created[SHEET_OF[type(row)].title] += 1

    def _refuse(self, row: Any, column: str, code: str, message: str) -> None:
        sheet = SHEET_OF[type(row)]
        self.problems.add(sheet, row.row, column, message, code)
        self.skipped.add((sheet, row_key(row)))

    def _compare(self, row: Any, stored: Any, ignore: tuple[str, ...] = ()) -> None:
        sheet, mine, theirs = SHEET_OF[type(row)], cells(row), cells(stored)
        differing = [f.name for f in fields(row) if f.compare and f.name not in ignore and getattr(row, f.name) != getattr(stored, f.name)]
        for name in differing:
            self.problems.add(
                sheet, row.row, name,
                f"与已登记的记录不一致：已登记为“{_shown(theirs[name])}”，本行为“{_shown(mine[name])}”；导入不覆盖已登记的记录，变更请通过相应的管理操作办理",
                PeopleErrorCode.WORKBOOK_CONFLICT,
            )
        self.unchanged += not differing


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "（空）"
    return "、".join(value) if isinstance(value, list) else str(value)


def _parents_first(rows: list[AgencyRow]) -> list[AgencyRow]:
    """Rows whose parent is in the file come after it; rows in a cycle keep their place at the end."""
    names = {r.name for r in rows}
    ordered, placed, pending = [], set(), list(rows)
    while pending:
        ready = [r for r in pending if r.parent is None or r.parent not in names or r.parent in placed]
        if not ready:
            return ordered + pending
        ordered += ready
        placed |= {r.name for r in ready}
        pending = [r for r in pending if r.name not in placed]
    return ordered


# --- the stored records as rows ----------------------------------------------------------------


class Stored:
    """Stored records read as workbook rows: what export writes and what import compares with."""

    def __init__(self, session: AsyncSession, key: DataKey):
        self.session, self.key = session, key

    async def agency(self, agency: Agency) -> AgencyRow:
        region = await self.session.scalar(sa.select(Region.code).where(Region.id == agency.region_id))
        parent = await self.agency_name(agency.parent_id) if agency.parent_id else None
        domains = await self.session.scalars(sa.select(AgencyDomain.domain_code).where(AgencyDomain.agency_id == agency.id))
        return AgencyRow(agency.name, agency.short_name, agency.kind, region, parent, tuple(sorted(domains)))

    async def officer(self, officer: Officer) -> OfficerRow:
        posted_on = await self.session.scalar(
            sa.select(Posting.started_on)
            .where(Posting.officer_id == officer.id, Posting.agency_id == officer.agency_id, Posting.ended_on.is_(None))
            .order_by(Posting.started_on.desc())
            .limit(1)
        )
        return OfficerRow(officer.name, self.id_number(officer), officer.role, await self.agency_name(officer.agency_id), officer.external_identity, posted_on)

    async def agency_name(self, agency_id: uuid.UUID) -> str:
        # The identity map answers again for an agency already loaded (all of them, on export).
        return (await self.session.get(Agency, agency_id)).name

    async def certificate(self, certificate: Certificate) -> CertificateRow:
        holder = await self.session.get(Officer, certificate.officer_id)
        domains = await self.session.scalars(sa.select(CertificateDomain.domain_code).where(CertificateDomain.certificate_id == certificate.id))
        return CertificateRow(
            certificate.number, self.id_number(holder), certificate.issuing_authority, tuple(sorted(domains)),
            certificate.valid_from, certificate.valid_until,
        )

    def id_number(self, officer: Officer) -> str:
        return self.key.decrypt(officer.id_number_cipher) if officer.id_number_cipher else ""


async def export_book(session: AsyncSession, key: DataKey) -> tuple[Book, int]:
    """The open agencies (parents first), their serving officers with an ID number and those
    officers' certificates; and how many officers were left out."""
    stored = Stored(session, key)
    agencies = (await session.scalars(sa.select(Agency).where(Agency.closed_on.is_(None)).order_by(Agency.name))).all()
    book = Book(agencies=_parents_first([await stored.agency(a) for a in agencies]))
    position = {row.name: n for n, row in enumerate(book.agencies)}
    serving = (await session.scalars(
        sa.select(Officer).where(Officer.retired_on.is_(None), Officer.agency_id.in_([a.id for a in agencies]))
    )).all()
    kept = [o for o in serving if o.id_number_cipher]
    book.officers = sorted([await stored.officer(o) for o in kept], key=lambda r: (position[r.agency], r.name, r.id_number))
    certificates = (await session.scalars(sa.select(Certificate).where(Certificate.officer_id.in_([o.id for o in kept])))).all()
    rows = [await stored.certificate(c) for c in certificates]
    order = {r.id_number: n for n, r in enumerate(book.officers)}
    book.certificates = sorted(rows, key=lambda r: (order[r.id_number], r.valid_from, r.number))
    total = await session.scalar(sa.select(sa.func.count()).select_from(Officer))
    return book, total - len(kept)
