"""Evidence and the full-process record: uploads over HTTP into the content-addressed store, the
custody chain, the case timeline and the audit chain, on the real app."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
import strawberry

from zhifa.core.audit.models import AuditRecord
from zhifa.core.audit.service import verify as verify_audit
from zhifa.core.cases.models import Case, CaseEvent, CaseStatus
from zhifa.core.errors import UserError as RuleError
from zhifa.core.evidence import service
from zhifa.core.evidence.models import CustodyAction, CustodyEvent, Evidence, EvidenceKind
from zhifa.core.evidence.store import DOCX, JPEG, MB, MP4, PDF, TEXT_GB18030, TEXT_UTF8, EvidenceStore
from zhifa.core.people.models import Agency, AgencyKind, Officer
from zhifa.schema.api import KINDS
from zhifa.schema.kit.access import Access
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.auth import TokenVerifier
from zhifa.schema.kit.context import Context
from zhifa.schema.evidence.api import EvidenceMutations, EvidenceQueries
from zhifa.schema.kit.relay import global_id, parse_global_id
from conftest import settings_for

CSRF = {"x-zhifa-csrf": "1"}
MAX = 3 * MB  # the store's limit in these tests

# A real 2x2 baseline JPEG.
JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c39"
    "33383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb0043011112121815182f1a1a2f634238426363636363"
    "636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363636363ffc000110800020002"
    "03012200021101031101ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b510000201030302040305"
    "0504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a"
    "3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2"
    "a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffc4"
    "001f0100030101010101010101010000000000000102030405060708090a0bffc400b51100020102040403040705040400010277000102031104"
    "052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a4344454647"
    "48494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4"
    "b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c03010002110311003f00c7"
    "a28a2b84fa83ffd9"
)


def minimal_pdf(text: str = "Site inspection record") -> bytes:
    """A valid one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def mp4(size: int, seed: int = 0) -> bytes:
    """An ISO base media file header (ftyp isom) followed by `size` bytes in all."""
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    body = hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1)
    return (head + body)[:size]


def docx(macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode." * 4


# Fixtures.


@pytest.fixture
def store(tmp_path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence", max_bytes=MAX)


@pytest.fixture
async def evidence_app(demo, database_url, plugins, store, monkeypatch):
    """The real app, with its evidence routes and upload-aware body limit, on the test's store."""
    monkeypatch.setenv("ZHIFA_EVIDENCE_DIR", str(store.root))
    monkeypatch.setenv("ZHIFA_EVIDENCE_MAX_BYTES", str(store.max_bytes))
    settings = settings_for(database_url)
    application = create_app(settings, plugins)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(evidence_app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=evidence_app), base_url="http://zhifa.test") as client:
        yield client


@pytest.fixture
async def county_cases(demo) -> list[Case]:
    """Open cases of the county bureau and its professional teams (not of a township team)."""
    async with demo() as session:
        stmt = (
            sa.select(Case)
            .join(Agency, Agency.id == Case.agency_id)
            .where(Agency.kind != AgencyKind.TOWNSHIP_TEAM, Case.status != CaseStatus.CLOSED)
            .order_by(Case.case_number)
        )
        return list((await session.execute(stmt)).scalars())


def auth(token: str, csrf: bool = True) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", **(CSRF if csrf else {})}


async def upload(http, token, case: Case | str, content: bytes, filename="photo.jpg", kind="DOCUMENTARY", title="现场照片", csrf=True, **fields):
    case_id = case if isinstance(case, str) else global_id("Case", case.id)
    data = {"caseId": case_id, "kind": kind, "title": title, **fields}
    return await http.post("/evidence", data=data, files={"file": (filename, content, "image/jpeg")}, headers=auth(token, csrf))


def stored_files(store: EvidenceStore) -> list[str]:
    folder = store.root / "sha256"
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def leftovers(store: EvidenceStore) -> list[str]:
    folder = store.root / "incoming"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def timeline(http, token, case: Case) -> list[dict]:
    query = "query($id: ID!) { case(id: $id) { timeline { seq kind actor data } } }"
    response = await http.post("/graphql", json={"query": query, "variables": {"id": global_id("Case", case.id)}}, headers=auth(token))
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.json()["data"]["case"]["timeline"]


# The store.


def test_store_decides_the_type_by_content_not_by_name(store):
    assert store.put([JPEG_BYTES]).media_type == JPEG
    assert store.put([minimal_pdf()]).media_type == PDF
    assert store.put([mp4(5000)]).media_type == MP4
    assert store.put([docx()]).media_type == DOCX
    assert store.put(["现场笔录：当事人在场。\n".encode()]).media_type == TEXT_UTF8
    assert store.put(["询问笔录".encode("gb18030")]).media_type == TEXT_GB18030
    for refused in (EXE, b"\x7fELF\x02\x01\x01" + b"\x00" * 60, docx(macros=True), b"PK\x03\x04 not a zip", b"#!/bin/sh\nrm -rf /\n", b"<html><script>x()</script></html>", b"\x00\x01\x02binary"):
        with pytest.raises(RuleError) as raised:
            store.put([refused])
        assert raised.value.code == "EVIDENCE_TYPE_NOT_ALLOWED", refused[:10]
    with pytest.raises(RuleError, match="EVIDENCE_EMPTY"):
        store.put([])
    incoming = store.incoming()
    with pytest.raises(RuleError, match="EVIDENCE_TYPE_NOT_ALLOWED"):
        incoming.write(EXE)  # refused on its first bytes, before the rest is received
    assert incoming.done and leftovers(store) == []
    assert len(stored_files(store)) == 6  # the six accepted files, nothing else


async def test_store_takes_an_async_stream(store):
    pdf = minimal_pdf()

    async def chunks():
        for start in range(0, len(pdf), 100):
            yield pdf[start : start + 100]

    stored = await store.put_stream(chunks())
    assert (stored.media_type, stored.size, stored.sha256) == (PDF, len(pdf), hashlib.sha256(pdf).hexdigest())


def test_store_is_content_addressed_and_keeps_one_copy(store):
    first = store.put([JPEG_BYTES[:100], JPEG_BYTES[100:]])
    again = store.put([JPEG_BYTES])
    digest = hashlib.sha256(JPEG_BYTES).hexdigest()
    assert (first.sha256, first.size, first.duplicate) == (digest, len(JPEG_BYTES), False)
    assert (again.sha256, again.duplicate) == (digest, True)
    assert store.path(digest) == store.root / "sha256" / digest[:2] / digest[2:4] / digest
    assert stored_files(store) == [digest]
    with store.open(digest) as f:
        assert f.read() == JPEG_BYTES
    assert store.verify(digest)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


def test_store_aborts_over_the_limit_and_leaves_nothing(tmp_path):
    small = EvidenceStore(tmp_path, max_bytes=10_000, type_limits={JPEG: 1_000, MP4: 10_000})
    with pytest.raises(RuleError, match="EVIDENCE_TOO_LARGE"):
        small.put([mp4(6_000), mp4(6_000, seed=1)])
    with pytest.raises(RuleError, match="EVIDENCE_TOO_LARGE"):  # a photo over the photo limit, found as it arrives
        small.put([JPEG_BYTES, JPEG_BYTES])
    with pytest.raises(RuleError, match="EVIDENCE_TYPE_NOT_ALLOWED"):  # text is not among this store's types
        small.put([b"plain words " * 10])
    assert stored_files(small) == [] and leftovers(small) == []


# Uploads over HTTP.


async def test_upload_photo_and_pdf_writes_custody_timeline_and_audit(http, demo, demo_tokens, county_cases, store):
    case = county_cases[0]
    token = demo_tokens["bureau_officer"]
    officer = TokenVerifier(settings_for("sqlite://")).viewer(f"Bearer {token}")
    pdf = minimal_pdf()

    photo = await upload(http, token, case, JPEG_BYTES, "现场照片.jpg", kind="AUDIO_VISUAL", title="现场照片", location="定海区解放路 12 号", collectedAt="2026-03-01T09:30:00+08:00", deviceId="DSJ-0031")
    record = await upload(http, token, case, pdf, "record.pdf", kind="INSPECTION_RECORD", title="现场检查笔录")
    assert photo.status_code == 201, photo.text
    assert record.status_code == 201, record.text
    body = photo.json()
    assert body["errors"] == []
    assert body["evidence"]["sha256"] == hashlib.sha256(JPEG_BYTES).hexdigest()
    assert body["evidence"]["size"] == len(JPEG_BYTES)
    assert body["evidence"]["mediaType"] == JPEG and body["evidence"]["kind"] == "AUDIO_VISUAL"
    assert record.json()["evidence"]["mediaType"] == PDF
    assert record.json()["evidence"]["sha256"] == hashlib.sha256(pdf).hexdigest()

    # On disk, byte for byte, under its hash.
    for content in (JPEG_BYTES, pdf):
        digest = hashlib.sha256(content).hexdigest()
        assert store.path(digest).read_bytes() == content and store.verify(digest)
    assert leftovers(store) == []

    async with demo() as session:
        row = await session.get(Evidence, parse_global_id(body["evidence"]["id"])[1])
        steps = (await session.execute(sa.select(CustodyEvent).where(CustodyEvent.evidence_id == row.id))).scalars().all()
        audits = (await session.execute(sa.select(AuditRecord).where(AuditRecord.action == "evidence.added"))).scalars().all()
        checked, broken = await verify_audit(session)
    assert row.kind is EvidenceKind.AUDIO_VISUAL and row.original_filename == "现场照片.jpg"
    assert row.device_id == "DSJ-0031" and row.location == "定海区解放路 12 号" and row.collected_at.isoformat() == "2026-03-01T01:30:00+00:00"
    assert [(s.seq, s.action, s.actor) for s in steps] == [(1, CustodyAction.UPLOADED, officer.subject)]
    assert {a.object_id for a in audits} >= {row.id}
    assert broken is None and checked >= 2

    events = await timeline(http, token, case)
    added = [e for e in events if e["kind"] == "evidence_added"]
    assert [e["data"]["title"] for e in added] == ["现场照片", "现场检查笔录"]
    assert all(e["actor"] == officer.subject for e in added)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


async def test_the_same_file_twice_on_one_case_is_a_duplicate_on_another_case_allowed(http, demo_tokens, county_cases, store):
    token = demo_tokens["bureau_officer"]
    first = await upload(http, token, county_cases[0], JPEG_BYTES)
    again = await upload(http, token, county_cases[0], JPEG_BYTES, "renamed.jpg", title="同一张照片")
    elsewhere = await upload(http, token, county_cases[1], JPEG_BYTES)
    assert first.status_code == 201 and elsewhere.status_code == 201
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "EVIDENCE_DUPLICATE" and again.json()["evidence"] is None
    assert stored_files(store) == [hashlib.sha256(JPEG_BYTES).hexdigest()]  # one copy for both cases


async def test_an_executable_is_refused_whatever_it_claims_to_be(http, demo_tokens, county_cases, store):
    response = await upload(http, demo_tokens["bureau_officer"], county_cases[0], EXE, "photo.jpg")
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "EVIDENCE_TYPE_NOT_ALLOWED"
    assert stored_files(store) == [] and leftovers(store) == []


async def test_over_the_limit_is_refused_and_nothing_is_left_on_disk(http, demo_tokens, county_cases, store):
    token, case = demo_tokens["bureau_officer"], county_cases[0]
    declared = await upload(http, token, case, mp4(MAX + 400 * 1024), "clip.mp4", kind="AUDIO_VISUAL")
    assert declared.status_code == 413 and declared.json()["errors"][0]["code"] == "EVIDENCE_TOO_LARGE"

    # Without a declared length the limit holds as the bytes stream in.
    boundary = "zhifa-test-boundary"
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("caseId", global_id("Case", case.id)), ("kind", "AUDIO_VISUAL"), ("title", "执法记录仪视频"))
    )
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    video = mp4(MAX + MB, seed=2)

    async def body():
        yield head.encode()
        for start in range(0, len(video), 256 * 1024):
            yield video[start : start + 256 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**auth(token), "content-type": f"multipart/form-data; boundary={boundary}"}
    streamed = await http.post("/evidence", content=body(), headers=headers)
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["errors"][0]["code"] == "EVIDENCE_TOO_LARGE"
    assert stored_files(store) == [] and leftovers(store) == []


async def test_a_video_over_the_app_body_limit_streams_in_while_graphql_keeps_its_limit(http, demo_tokens, county_cases, store):
    video = mp4(int(1.5 * MB), seed=3)
    response = await upload(
        http, demo_tokens["bureau_officer"], county_cases[0], video, "DSJ_20260301_093000.mp4", kind="AUDIO_VISUAL", title="执法记录仪视频",
        deviceId="DSJ-0031", recordingStartedAt="2026-03-01T09:30:00+08:00", recordingEndedAt="2026-03-01T09:41:10+08:00",
        interruptionNotes="09:35 电量不足更换电池，中断约 40 秒，重新开始录制时已口头说明",
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["evidence"]["mediaType"] == MP4
    assert store.path(hashlib.sha256(video).hexdigest()).stat().st_size == len(video)
    graphql = await http.post("/graphql", content=b"{" + b" " * (2 * MB) + b"}", headers={**auth(demo_tokens["bureau_officer"]), "content-type": "application/json"})
    assert graphql.status_code == 413


async def test_a_case_outside_the_viewers_jurisdiction_is_refused_before_storing(http, demo_tokens, county_cases, store):
    response = await upload(http, demo_tokens["township_officer"], county_cases[0], JPEG_BYTES)
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "CASE_NOT_FOUND"
    assert stored_files(store) == [] and leftovers(store) == []


async def test_guards_csrf_token_and_role(http, demo_tokens, county_cases, store):
    case = county_cases[0]
    no_csrf = await upload(http, demo_tokens["bureau_officer"], case, JPEG_BYTES, csrf=False)
    assert no_csrf.status_code == 403 and no_csrf.json()["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    anonymous = await http.post("/evidence", data={"caseId": global_id("Case", case.id)}, files={"file": ("a.jpg", JPEG_BYTES)}, headers=CSRF)
    assert anonymous.status_code == 401
    bad_token = await upload(http, "not-a-token", case, JPEG_BYTES)
    assert bad_token.status_code == 401
    supervisor = await upload(http, demo_tokens["supervisor"], case, JPEG_BYTES)  # reads, does not handle cases
    assert supervisor.status_code == 403 and supervisor.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    json_body = await http.post("/evidence", json={"caseId": "x"}, headers=auth(demo_tokens["bureau_officer"]))
    assert json_body.status_code == 415
    assert stored_files(store) == []


async def test_the_form_is_checked_before_the_file_is_stored(http, demo, demo_tokens, county_cases, store):
    token, case = demo_tokens["bureau_officer"], county_cases[0]

    async def codes(response) -> list[str]:
        assert 400 <= response.status_code < 500, response.text
        return sorted(e["code"] for e in response.json()["errors"])

    assert await codes(await http.post("/evidence", data={"title": "x"}, files={"file": ("a.jpg", JPEG_BYTES)}, headers=auth(token))) == [
        "EVIDENCE_KIND_INVALID",
        "FIELD_REQUIRED",
    ]
    assert await codes(await upload(http, token, case, JPEG_BYTES, kind="RUMOUR", title=" ", collectedAt="2026-03-01T09:30:00")) == [
        "DATETIME_NEEDS_ZONE",
        "EVIDENCE_KIND_INVALID",
        "EVIDENCE_TITLE_REQUIRED",
    ]
    assert await codes(await upload(http, token, case, JPEG_BYTES, recordingStartedAt="2026-03-01T10:00:00+08:00", recordingEndedAt="2026-03-01T09:00:00+08:00")) == [
        "RECORDING_PERIOD_INVALID"
    ]
    assert await codes(await upload(http, token, case, JPEG_BYTES, colour="red")) == ["FORM_FIELD_UNKNOWN"]
    async with demo() as session:
        township_officer = await session.scalar(sa.select(Officer.id).join(Agency).where(Agency.kind == AgencyKind.TOWNSHIP_TEAM).limit(1))
    assert await codes(await upload(http, token, case, JPEG_BYTES, collectedBy=global_id("Officer", township_officer))) == ["OFFICER_NOT_IN_AGENCY"]
    # The file must come last: a field after it is refused.
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'.encode()
        + JPEG_BYTES
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="caseId"\r\n\r\n{global_id("Case", case.id)}\r\n--{boundary}--\r\n'.encode()
    )
    late = await http.post("/evidence", content=body, headers={**auth(token), "content-type": f"multipart/form-data; boundary={boundary}"})
    assert await codes(late) == ["FORM_FIELD_AFTER_FILE"]
    assert stored_files(store) == [] and leftovers(store) == []


def multipart(*parts: tuple[str, str | None, bytes], boundary: str = "b0undary", end: bool = True) -> tuple[bytes, dict[str, str]]:
    """A hand-made multipart/form-data body from (name, filename, content) parts."""
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{f"; filename={chr(34)}{filename}{chr(34)}" if filename else ""}\r\n\r\n'.encode()
        + content + b"\r\n"
        for name, filename, content in parts
    )
    return body + (f"--{boundary}--\r\n".encode() if end else b""), {"content-type": f"multipart/form-data; boundary={boundary}"}


async def test_the_upload_itself_must_be_one_whole_file_after_sane_fields(http, demo, demo_tokens, county_cases, store):
    token, case = demo_tokens["bureau_officer"], county_cases[0]
    fields = [("caseId", None, global_id("Case", case.id).encode()), ("kind", None, b"DOCUMENTARY"), ("title", None, "现场照片".encode())]

    async def codes(body_and_headers) -> list[str]:
        body, headers = body_and_headers
        response = await http.post("/evidence", content=body, headers={**auth(token), **headers})
        assert 400 <= response.status_code < 500, response.text
        return sorted(e["code"] for e in response.json()["errors"])

    assert await codes(multipart(*fields)) == ["EVIDENCE_FILE_REQUIRED"]
    assert await codes(multipart(*fields, ("file", "a.jpg", JPEG_BYTES), ("file", "b.jpg", JPEG_BYTES))) == ["FORM_ONE_FILE"]
    assert await codes(multipart(*fields, ("file", "a.jpg", JPEG_BYTES), end=False)) == ["FORM_INVALID"]  # cut off before its end
    assert await codes(multipart(*fields, ("notes", None, "注".encode() * 6000), ("file", "a.jpg", JPEG_BYTES))) == ["EVIDENCE_FIELD_TOO_LONG"]
    officer = global_id("Officer", (await an_officer_of(demo, case)))
    later = "2999-01-01T09:00:00+08:00"
    refused = await upload(http, token, case, JPEG_BYTES, title="题" * 201, collectedAt="昨天上午", recordingStartedAt=later, collectedBy=",".join([officer] * 11))
    assert sorted(e["code"] for e in refused.json()["errors"]) == ["COLLECTORS_TOO_MANY", "DATETIME_INVALID", "EVIDENCE_FIELD_TOO_LONG", "EVIDENCE_TIME_IN_FUTURE"]
    assert stored_files(store) == [] and leftovers(store) == []


async def an_officer_of(demo, case: Case):
    async with demo() as session:
        return await session.scalar(sa.select(Officer.id).where(Officer.agency_id == case.agency_id).limit(1))


async def test_a_file_gone_from_the_store_is_reported_not_served(http, demo_tokens, county_cases, store):
    token = demo_tokens["bureau_officer"]
    evidence = (await upload(http, token, county_cases[0], JPEG_BYTES)).json()["evidence"]
    path = store.path(evidence["sha256"])
    path.chmod(0o644)
    path.unlink()
    response = await http.get(f"/evidence/{evidence['id']}/content", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "EVIDENCE_FILE_MISSING"


async def test_a_closed_case_takes_no_more_evidence(http, demo, demo_tokens, store):
    async with demo() as session:
        closed = await session.scalar(
            sa.select(Case).join(Agency, Agency.id == Case.agency_id).where(Case.status == CaseStatus.CLOSED, Agency.kind != AgencyKind.TOWNSHIP_TEAM).limit(1)
        )
    if closed is None:
        pytest.skip("the demo county has no closed case")
    response = await upload(http, demo_tokens["bureau_officer"], closed, JPEG_BYTES)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "CASE_CLOSED"


async def test_verify_detects_tampering_on_disk_and_records_the_check(http, demo, demo_tokens, county_cases, store):
    token, case = demo_tokens["bureau_officer"], county_cases[0]
    pdf = minimal_pdf("Inquiry record")
    evidence = (await upload(http, token, case, pdf, "inquiry.pdf", kind="PARTY_STATEMENT", title="询问笔录")).json()["evidence"]
    digest = evidence["sha256"]

    intact = await http.post(f"/evidence/{evidence['id']}/verify", headers=auth(token))
    assert intact.status_code == 200 and intact.json()["intact"] is True

    path = store.path(digest)
    path.chmod(0o644)
    path.write_bytes(pdf.replace(b"Inquiry", b"Inqu1ry"))
    assert hashlib.sha256(path.read_bytes()).hexdigest() != digest
    assert not store.verify(digest)
    altered = await http.post(f"/evidence/{evidence['id']}/verify", headers=auth(token))
    assert altered.status_code == 200 and altered.json()["intact"] is False

    async with demo() as session:
        steps = (await session.execute(sa.select(CustodyEvent).where(CustodyEvent.evidence_id == parse_global_id(evidence["id"])[1]).order_by(CustodyEvent.seq))).scalars().all()
    assert [(s.action, s.data.get("intact")) for s in steps] == [(CustodyAction.UPLOADED, None), (CustodyAction.VERIFIED, True), (CustodyAction.VERIFIED, False)]
    kinds = [e["kind"] for e in await timeline(http, token, case)]
    assert kinds[-3:] == ["evidence_added", "evidence_verified", "evidence_verified"]


async def test_download_is_a_custody_step(http, demo, demo_tokens, county_cases, store):
    token, case = demo_tokens["bureau_officer"], county_cases[0]
    evidence = (await upload(http, token, case, JPEG_BYTES, "照片.jpg")).json()["evidence"]
    response = await http.get(f"/evidence/{evidence['id']}/content", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.content == JPEG_BYTES
    assert response.headers["content-type"] == JPEG and response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-content-sha256"] == hashlib.sha256(JPEG_BYTES).hexdigest()
    assert "attachment" in response.headers["content-disposition"]
    seek = await http.get(f"/evidence/{evidence['id']}/content", headers={"authorization": f"Bearer {token}", "range": "bytes=100-199"})
    assert seek.status_code == 206 and seek.content == JPEG_BYTES[100:200]  # a player's seek is not another viewing
    supervisor = await http.get(f"/evidence/{evidence['id']}/content", headers={"authorization": f"Bearer {demo_tokens['supervisor']}"})
    assert supervisor.status_code == 200  # the justice bureau supervises the county's cases
    outsider = await http.get(f"/evidence/{evidence['id']}/content", headers={"authorization": f"Bearer {demo_tokens['township_officer']}"})
    assert outsider.status_code == 404
    provincial = await http.get(f"/evidence/{evidence['id']}/content", headers={"authorization": f"Bearer {demo_tokens['provincial']}"})
    assert provincial.status_code == 403
    async with demo() as session:
        steps = (await session.execute(sa.select(CustodyEvent.action, CustodyEvent.actor).where(CustodyEvent.evidence_id == parse_global_id(evidence["id"])[1]).order_by(CustodyEvent.seq))).all()
    assert [s.action for s in steps] == [CustodyAction.UPLOADED, CustodyAction.VIEWED, CustodyAction.VIEWED]
    assert steps[2].actor.startswith("officer:") and steps[2].actor != steps[1].actor


# GraphQL.


SCHEMA = strawberry.Schema(query=EvidenceQueries, mutation=EvidenceMutations)  # as mixed into Query and Mutation
EVIDENCE_FIELDS = "id kind title sha256 size mediaType sealed contentUrl collectedBy custody { seq action actor note data }"


@pytest.fixture
def graphql(evidence_app, database_url, plugins):
    settings = settings_for(database_url)
    verifier = TokenVerifier(settings)

    extra = {}
    if "calendar" in Context.__dataclass_fields__:  # the working calendar, where the context carries one
        from zhifa.core.cases.calendar import load_calendar

        extra["calendar"] = load_calendar(settings.holidays_file)

    async def run(token: str, query: str, **variables):
        viewer = verifier.viewer(f"Bearer {token}")
        access = Access(viewer, evidence_app.state.key, KINDS)
        context = Context(sessions=evidence_app.state.sessions, plugins=plugins, settings=settings, access=access, **extra)
        result = await SCHEMA.execute(query, variable_values=variables, context_value=context)
        assert result.errors is None, result.errors
        return result.data

    return run


async def test_case_evidence_and_custody_steps_in_graphql(http, graphql, demo_tokens, county_cases):
    token, case = demo_tokens["bureau_officer"], county_cases[0]
    case_id = global_id("Case", case.id)
    await upload(http, token, case, JPEG_BYTES, "a.jpg")
    uploaded = (await upload(http, token, case, minimal_pdf(), "b.pdf", kind="EXPERT_OPINION", title="鉴定意见书")).json()["evidence"]

    listed = await graphql(token, f"query($c: ID!) {{ caseEvidence(caseId: $c) {{ {EVIDENCE_FIELDS} }} }}", c=case_id)
    items = listed["caseEvidence"]
    assert [e["title"] for e in items] == ["现场照片", "鉴定意见书"]
    assert items[1]["kind"] == "EXPERT_OPINION" and items[1]["mediaType"] == PDF and items[1]["sealed"] is False
    assert items[1]["contentUrl"] == f"/evidence/{uploaded['id']}/content"
    assert [c["action"] for c in items[1]["custody"]] == ["UPLOADED"]

    mutate = "mutation($i: RecordCustodyInput!) { recordCustody(input: $i) { evidence { sealed custody { seq action note } } errors { code field } } }"

    async def step(action: str, note: str = "", who: str = token):
        return (await graphql(who, mutate, i={"evidenceId": uploaded["id"], "action": action, "note": note}))["recordCustody"]

    sealed = await step("SEALED", "封存于证据保管室 3 号柜")
    assert sealed["errors"] == [] and sealed["evidence"]["sealed"] is True
    assert (await step("SEALED"))["errors"] == [{"code": "EVIDENCE_ALREADY_SEALED", "field": "action"}]
    assert (await step("TRANSFERRED"))["errors"] == [{"code": "CUSTODY_NOTE_REQUIRED", "field": "note"}]
    assert (await step("UPLOADED"))["errors"] == [{"code": "CUSTODY_ACTION_NOT_MANUAL", "field": "action"}]
    moved = await step("TRANSFERRED", "移交法制审核科 王某")
    assert [(c["seq"], c["action"]) for c in moved["evidence"]["custody"]] == [(1, "UPLOADED"), (2, "SEALED"), (3, "TRANSFERRED")]
    assert (await step("UNSEALED"))["evidence"]["sealed"] is False
    assert (await step("UNSEALED"))["errors"] == [{"code": "EVIDENCE_NOT_SEALED", "field": "action"}]

    # Outside the jurisdiction: nothing to see, nothing to record.
    assert (await graphql(demo_tokens["township_officer"], "query($c: ID!) { caseEvidence(caseId: $c) { id } }", c=case_id))["caseEvidence"] == []
    assert (await step("SEALED", who=demo_tokens["township_officer"]))["errors"] == [{"code": "EVIDENCE_NOT_FOUND", "field": "evidenceId"}]
    assert (await step("SEALED", who=demo_tokens["supervisor"]))["errors"] == [{"code": "FORBIDDEN", "field": None}]

    kinds = [e["kind"] for e in await timeline(http, token, case)]
    assert kinds[-5:] == ["evidence_added", "evidence_added", "evidence_sealed", "evidence_transferred", "evidence_unsealed"]


# The database and concurrency.


async def test_the_database_refuses_rewriting_custody_or_the_evidence_file(http, demo, demo_tokens, county_cases):
    await upload(http, demo_tokens["bureau_officer"], county_cases[0], JPEG_BYTES)
    for statement in (
        "UPDATE evidence_custody_events SET note = 'rewritten'",
        "UPDATE evidence SET sha256 = '" + "0" * 64 + "'",
        "UPDATE evidence SET case_id = (SELECT id FROM cases WHERE id <> evidence.case_id LIMIT 1)",
    ):
        async with demo() as session:
            with pytest.raises(sa.exc.DBAPIError):
                async with session.begin():
                    await session.execute(sa.text(statement))
    async with demo() as session, session.begin():
        await session.execute(sa.text("UPDATE evidence SET notes = '补充说明'"))  # descriptive fields may be corrected


async def test_concurrent_steps_number_the_timeline_and_custody_without_gaps(demo, demo_tokens, county_cases, store):
    case = county_cases[0]
    actor = "officer:test"
    files = [store.put([mp4(2000 + i, seed=i)]) for i in range(6)]

    async def attach(stored):
        async with demo() as session, session.begin():
            return (await service.attach(session, actor, case.id, stored, service.EvidenceMeta(kind=EvidenceKind.ELECTRONIC, title=f"视频 {stored.size}"))).id

    ids = await asyncio.gather(*(attach(s) for s in files))

    async def seal(evidence_id, action):
        async with demo() as session, session.begin():
            await service.custody(session, actor, evidence_id, action, "并发")

    await asyncio.gather(*(seal(ids[0], CustodyAction.TRANSFERRED) for _ in range(4)))
    async with demo() as session:
        seqs = (await session.execute(sa.select(CaseEvent.seq).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq))).scalars().all()
        custody = (await session.execute(sa.select(CustodyEvent.seq).where(CustodyEvent.evidence_id == ids[0]).order_by(CustodyEvent.seq))).scalars().all()
        checked, broken = await verify_audit(session)
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 11
    assert custody == [1, 2, 3, 4, 5]
    assert broken is None


async def test_a_timeline_number_lost_to_other_writers_every_time_is_a_conflict(demo, county_cases, monkeypatch):
    """Each writer numbers the next step max(seq) + 1 and retries when a concurrent one took it;
    after SEQ_ATTEMPTS losses it gives up with CONFLICT rather than loop or overwrite."""
    case = county_cases[0]
    async with demo() as session:
        taken = await session.scalar(sa.select(sa.func.max(CaseEvent.seq)).where(CaseEvent.case_id == case.id))
        read = session.scalar

        async def stale(statement, *args, **kwargs):  # as seen by a writer that always reads just before another one commits
            return taken - 1 if "max" in str(statement) else await read(statement, *args, **kwargs)

        monkeypatch.setattr(session, "scalar", stale)
        with pytest.raises(RuleError) as refused:
            await service.append_case_event(session, case.id, "evidence_added", "officer:test", {}, dt.datetime.now(dt.UTC))
    assert refused.value.code == "CONFLICT"


def test_storage_folder_and_limit_come_from_the_environment(tmp_path):
    store = EvidenceStore.from_env({"ZHIFA_EVIDENCE_DIR": str(tmp_path / "ev"), "ZHIFA_EVIDENCE_MAX_BYTES": "1000"})
    assert store.root == tmp_path / "ev" and store.max_bytes == 1000 and store.limit_for(MP4) == 1000
    assert EvidenceStore.from_env({}).root.as_posix() == "var/evidence"
    with pytest.raises(ValueError):
        EvidenceStore(tmp_path, max_bytes=2**31)
