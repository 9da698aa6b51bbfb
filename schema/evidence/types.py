"""Evidence over HTTP and GraphQL.

HTTP (outside GraphQL, because a body-camera video is far over the app's 1 MB body limit):
- `POST /evidence`: multipart/form-data with the text fields first and the file part (`file`)
  last. The fields are checked (case in the viewer's jurisdiction, kind, times, collectors) as
  soon as the file part begins, before a byte is stored; the file then streams to the
  content-addressed store, hashed on the way, and is attached to the case in one transaction
  (evidence, custody "uploaded", case timeline "evidence_added", audit record).
- `GET /evidence/{id}/content`: the file; each download is a custody step ("viewed").
- `POST /evidence/{id}/verify`: recompute the SHA-256 and record the check in the custody chain.
They require a bearer token of a staff role (downloads and checks: staff or supervisors) and, like
/graphql, the CSRF header on POST. Refusals by those guards have the same shape as /graphql's
(`{"errors": [{"message", "extensions": {"code"}}]}`); business-rule errors come back as
`{"evidence": null, "errors": [{"field", "code", "message"}]}` with a 4xx status.

GraphQL: the `Evidence` type, a case's evidence, and recording custody steps by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
import strawberry
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from zhifa.core.access.viewer import STAFF, Role, Viewer
from zhifa.core.cases.models import Case as CaseRow
from zhifa.core.cases.models import CaseStatus
from zhifa.core.db import transaction
from zhifa.core.entities.crypto import DataKey
from zhifa.core.errors import UserError as RuleError
from zhifa.core.errors import UserErrors, raise_if_any
from zhifa.core.evidence import service
from zhifa.core.evidence.models import CustodyAction as CoreCustodyAction
from zhifa.core.evidence.models import CustodyEvent as CustodyRow
from zhifa.core.evidence.models import Evidence as EvidenceRow
from zhifa.core.evidence.models import EvidenceKind as CoreEvidenceKind
from zhifa.core.evidence.store import EvidenceStore, too_large
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.auth import TokenVerifier
from zhifa.schema.kit.connections import decode_id, planner
from zhifa.schema.kit.enums import from_core, graphql_enum, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.kit.guards import (
    BodyLimit,
    authenticate,
    csrf_problem,
    rate_limited,
    refuse,
)
from zhifa.schema.kit.relay import Node, global_id, parse_global_id

log = logging.getLogger("zhifa")

evidence_table, custody_table, cases = EvidenceRow.__table__, CustodyRow.__table__, CaseRow.__table__

UPLOAD_PATH = "/evidence"
FORM_ALLOWANCE = 256 * 1024  # the text fields and the multipart framing around the file
MAX_FIELD_BYTES = 16 * 1024
MAX_FIELDS = 40
FIELDS = {
    "caseId", "kind", "title", "collectedAt", "collectedBy", "deviceId", "location", "notes",
    "recordingStartedAt", "recordingEndedAt", "interruptionNotes",
}  # fmt: skip
READERS = STAFF | {Role.SUPERVISOR}
STATUS = {
    "CASE_NOT_FOUND": 404,
    "EVIDENCE_NOT_FOUND": 404,
    "EVIDENCE_FILE_MISSING": 404,
    "FORBIDDEN": 403,
    "EVIDENCE_DUPLICATE": 409,
    "CONFLICT": 409,
    "EVIDENCE_TOO_LARGE": 413,
    "EVIDENCE_TYPE_NOT_ALLOWED": 415,
}


# GraphQL.

EvidenceKind = graphql_enum(CoreEvidenceKind, "EvidenceKind", "证据种类（行政处罚法第四十六条）")
CustodyAction = graphql_enum(CoreCustodyAction, "CustodyAction", "证据保管链上的操作")


@strawberry.type(description="证据保管链上的一步：谁在何时对证据做了什么")
class CustodyEvent:
    seq: int
    action: CustodyAction
    actor: str
    at: dt.datetime
    note: str
    data: JSON


@strawberry.type(description="证据（行政处罚法第四十六条）：按 SHA-256 存证的文件、来源和保管链")
class Evidence(Node):
    case_id: strawberry.ID
    kind: EvidenceKind
    title: str
    sha256: str = strawberry.field(description="文件内容的 SHA-256（十六进制），存证与校验的依据")
    size: int = strawberry.field(description="文件字节数")
    media_type: str = strawberry.field(description="按文件内容识别的类型（不采信上传方声明的类型）")
    original_filename: str
    collected_at: dt.datetime | None = strawberry.field(description="采集（提取）时间")
    collected_by: list[strawberry.ID] = strawberry.field(description="采集人员（Officer ID）")
    device_id: str | None = strawberry.field(description="录制或采集设备编号（如执法记录仪）")
    location: str = strawberry.field(description="采集地点")
    notes: str
    recording_started_at: dt.datetime | None = strawberry.field(description="录制开始时间（音视频）")
    recording_ended_at: dt.datetime | None = strawberry.field(description="录制结束时间（音视频）")
    interruption_notes: str = strawberry.field(description="录制中断的情况和原因")
    uploaded_by: str
    created_at: dt.datetime
    sealed: bool = strawberry.field(description="是否处于封存状态")
    content_url: str = strawberry.field(description="下载地址（GET，须带 Bearer 令牌；每次下载记入保管链）")
    custody: list[CustodyEvent] = strawberry.field(description="保管链，按顺序")


def _custody(r) -> CustodyEvent:
    return CustodyEvent(seq=r.seq, action=from_core(CustodyAction, CoreCustodyAction(r.action)), actor=r.actor, at=r.at, note=r.note, data=r.data)


def _evidence(r, custody: list[Any]) -> Evidence:
    gid = global_id("Evidence", r.id)
    seal_steps = [c for c in custody if CoreCustodyAction(c.action) in (CoreCustodyAction.SEALED, CoreCustodyAction.UNSEALED)]
    return Evidence(
        id=gid,
        case_id=global_id("Case", r.case_id),
        kind=from_core(EvidenceKind, CoreEvidenceKind(r.kind)),
        title=r.title,
        sha256=r.sha256,
        size=r.size,
        media_type=r.media_type,
        original_filename=r.original_filename,
        collected_at=r.collected_at,
        collected_by=[global_id("Officer", uuid.UUID(o)) for o in r.collected_by],
        device_id=r.device_id,
        location=r.location,
        notes=r.notes,
        recording_started_at=r.recording_started_at,
        recording_ended_at=r.recording_ended_at,
        interruption_notes=r.interruption_notes,
        uploaded_by=r.uploaded_by,
        created_at=r.created_at,
        sealed=bool(seal_steps) and CoreCustodyAction(seal_steps[-1].action) is CoreCustodyAction.SEALED,
        content_url=f"{UPLOAD_PATH}/{gid}/content",
        custody=[_custody(c) for c in custody],
    )


async def load_evidence(session: AsyncSession, access: Access, where: Iterable[sa.ColumnElement[bool]]) -> list[Evidence]:
    """Evidence on cases inside the viewer's jurisdiction, with its custody chain (two statements)."""
    stmt = (
        sa.select(evidence_table)
        .join(cases, cases.c.id == evidence_table.c.case_id)
        .where(*where, *access.where("Case", cases))
        .order_by(evidence_table.c.created_at, evidence_table.c.id)
    )
    rows = (await session.execute(stmt)).all()
    if not rows:
        return []
    steps = await session.execute(
        sa.select(custody_table).where(custody_table.c.evidence_id.in_([r.id for r in rows])).order_by(custody_table.c.seq)
    )
    grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for step in steps:
        grouped[step.evidence_id].append(step)
    return [_evidence(r, grouped[r.id]) for r in rows]


async def resolve_case_evidence(info: strawberry.Info, case_id: strawberry.ID | uuid.UUID) -> list[Evidence]:
    """A case's evidence in upload order; empty when the case is not the viewer's to see. Every
    case a request asks about is loaded in one batch (two statements, whatever the page size)."""
    key = case_id if isinstance(case_id, uuid.UUID) else decode_id(case_id, "Case", "caseId")
    loaders = info.context.loaders
    if "evidence" not in loaders:

        async def batch(keys: list[uuid.UUID]) -> list[list[Evidence]]:
            async with planner(info) as plan:
                found = await load_evidence(plan.session, plan.access, [evidence_table.c.case_id.in_(keys)])
            by_case: dict[uuid.UUID, list[Evidence]] = defaultdict(list)
            for item in found:
                by_case[parse_global_id(item.case_id)[1]].append(item)
            return [by_case[k] for k in keys]

        loaders["evidence"] = DataLoader(batch)
    return await loaders["evidence"].load(key)


@strawberry.input(description="登记证据保管操作：移交、封存、启封、退还（上传、查阅和校验由系统自动记录）")
class RecordCustodyInput:
    evidence_id: strawberry.ID
    action: CustodyAction
    note: str = strawberry.field(default="", description="说明；移交、退还须写明接收人或去向")


@strawberry.type(description="登记证据保管操作的结果")
class RecordCustodyPayload:
    evidence: Evidence | None
    errors: list[UserError]


async def record_custody(info: strawberry.Info, input: RecordCustodyInput) -> RecordCustodyPayload:
    async def work(session: AsyncSession) -> uuid.UUID:
        access = info.context.access
        access.require_staff()
        key = decode_id(input.evidence_id, "Evidence", "evidenceId")
        await visible_evidence(session, access, key)
        await service.custody(session, info.context.actor, key, to_core(CoreCustodyAction, input.action), input.note)
        return key

    key, errors = await run_mutation(info, work)
    evidence = None
    if key is not None:
        async with planner(info) as plan:
            found = await load_evidence(plan.session, plan.access, [evidence_table.c.id == key])
        evidence = found[0] if found else None
    return RecordCustodyPayload(evidence=evidence, errors=errors)


@strawberry.type
class EvidenceQueries:
    """Root query fields, mixed into schema.query.Query."""

    @strawberry.field(description="案件的证据（按上传顺序，含保管链）；案件不在管辖范围内时为空")
    async def case_evidence(self, info: strawberry.Info, case_id: strawberry.ID) -> list[Evidence]:
        return await resolve_case_evidence(info, case_id)


@strawberry.type
class EvidenceMutations:
    """Root mutation fields, mixed into schema.query.Mutation. Uploads go to POST /evidence."""

    @strawberry.mutation(description="登记证据保管操作：移交、封存、启封、退还（上传、查阅、校验由系统自动记录）")
    async def record_custody(self, info: strawberry.Info, input: RecordCustodyInput) -> RecordCustodyPayload:
        return await record_custody(info, input)


async def visible_case(session: AsyncSession, access: Access, case_id: uuid.UUID) -> CaseStatus:
    stmt = sa.select(cases.c.status).where(cases.c.id == case_id, *access.where("Case", cases))
    status = await session.scalar(stmt)
    if status is None:
        raise RuleError("CASE_NOT_FOUND", "案件不存在或不在本机关管辖范围内", "caseId")
    return CaseStatus(status)


async def visible_evidence(session: AsyncSession, access: Access, evidence_id: uuid.UUID) -> Any:
    stmt = (
        sa.select(evidence_table)
        .join(cases, cases.c.id == evidence_table.c.case_id)
        .where(evidence_table.c.id == evidence_id, *access.where("Case", cases))
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        raise RuleError("EVIDENCE_NOT_FOUND", "证据不存在或不在本机关管辖范围内", "evidenceId")
    return row


# HTTP.


def upload_limit(store: EvidenceStore) -> int:
    """The largest request body POST /evidence accepts: the largest file plus the form around it."""
    return store.max_bytes + FORM_ALLOWANCE


class UploadAwareBodyLimit:
    """The app-wide body limit (schema.guards.BodyLimit) for every request except the evidence
    upload, which streams to disk under its own, larger limit (`upload_limit(store)`). The
    endpoint enforces that limit itself, with its own error; this is the backstop, a little above."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int, upload_path: str = UPLOAD_PATH):
        self.default, self.upload = BodyLimit(app, max_bytes), BodyLimit(app, upload_max_bytes + FORM_ALLOWANCE)
        self.upload_path = upload_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and scope.get("path") == self.upload_path
        await (self.upload if upload else self.default)(scope, receive, send)


class EvidenceEndpoints:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        verifier: TokenVerifier,
        access_for: Callable[[Viewer], Access],
        store: EvidenceStore | None = None,
        *,
        rate_limit_per_minute: int = 0,
    ):
        self.sessions, self.verifier, self.access_for = sessions, verifier, access_for
        self.store = store or EvidenceStore.from_env()
        self.per_minute = rate_limit_per_minute

    def routes(self) -> list[Route]:
        return [
            Route(UPLOAD_PATH, self.upload, methods=["POST"]),
            Route(UPLOAD_PATH + "/{id}/content", self.download, methods=["GET"]),
            Route(UPLOAD_PATH + "/{id}/verify", self.verify, methods=["POST"]),
        ]

    async def _guard(self, request: Request, roles: set[Role]) -> tuple[Viewer | None, Response | None]:
        if problem := csrf_problem(request):
            return None, problem
        viewer, problem = await authenticate(request, self.verifier)
        if problem:
            return None, problem
        if viewer.is_public:
            return None, refuse(401, "UNAUTHENTICATED", "请先登录（需要 Bearer 令牌）", {"WWW-Authenticate": 'Bearer realm="zhifa"'})
        if not viewer.has(*roles):
            return None, refuse(403, "FORBIDDEN", "只有执法机关工作人员可以执行此操作")
        if problem := await rate_limited(request, viewer.subject, self.sessions, self.per_minute):
            return None, problem
        return viewer, None

    async def upload(self, request: Request) -> Response:
        viewer, problem = await self._guard(request, STAFF)
        if problem:
            return problem
        content_type, options = parse_options_header(request.headers.get("content-type"))
        if content_type != b"multipart/form-data" or not options.get(b"boundary"):
            return refuse(415, "UNSUPPORTED_MEDIA_TYPE", "请以 multipart/form-data 上传：先填写字段，文件（字段名 file）放在最后")
        limit = upload_limit(self.store)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _failed([too_large(self.store.max_bytes)])
        access = self.access_for(viewer)
        form = _Form(options[b"boundary"])
        incoming, target, received = None, None, 0
        try:
            async for chunk in request.stream():
                received += len(chunk)
                if received > limit:
                    raise too_large(self.store.max_bytes)
                form.write(chunk)
                if form.file_started and target is None:
                    target = await self._prepare(access, form)  # before a byte of the file is stored
                    incoming = self.store.incoming()
                if form.pending:
                    data = b"".join(form.pending)
                    form.pending.clear()
                    await anyio.to_thread.run_sync(incoming.write, data)
            form.finalize()
            if target is None:
                raise RuleError("EVIDENCE_FILE_REQUIRED", "请附上证据文件（字段名 file，放在最后）", "file")
            if not form.file_done:
                raise RuleError("FORM_INVALID", "上传的内容不完整", "file")
            stored = await anyio.to_thread.run_sync(incoming.finish)
            case_id, meta = target
            async with transaction(self.sessions) as session:
                await access.prepare(session)
                await visible_case(session, access, case_id)
                evidence = await service.attach(session, viewer.subject, case_id, stored, meta)
        except RuleError as exc:
            return _failed([exc])
        except UserErrors as exc:
            return _failed(exc.errors)
        except FormParserError:
            return _failed([RuleError("FORM_INVALID", "multipart/form-data 格式错误", None)])
        except ClientDisconnect:
            return Response(status_code=400)
        finally:
            if incoming is not None and not incoming.done:
                incoming.abort()
        return _payload(_evidence_json(evidence), status=201)

    async def _prepare(self, access: Access, form: _Form) -> tuple[uuid.UUID, service.EvidenceMeta]:
        """The fields sent before the file, checked before the file is stored."""
        fields, errors = form.before_file or {}, []
        case_id = _id(fields, "caseId", "Case", errors, required=True)
        kind = _kind(_one(fields, "kind"), errors)
        collectors = [_parse_id(v, "Officer", "collectedBy", errors) for v in _many(fields, "collectedBy")]
        meta = service.EvidenceMeta(
            kind=kind or CoreEvidenceKind.DOCUMENTARY,
            title=_one(fields, "title"),
            original_filename=form.file_name,
            collected_at=_time(fields, "collectedAt", errors),
            collected_by=[c for c in collectors if c is not None],
            device_id=_one(fields, "deviceId") or None,
            location=_one(fields, "location"),
            notes=_one(fields, "notes"),
            recording_started_at=_time(fields, "recordingStartedAt", errors),
            recording_ended_at=_time(fields, "recordingEndedAt", errors),
            interruption_notes=_one(fields, "interruptionNotes"),
        )
        errors += meta.problems()
        if case_id is not None:
            async with self.sessions() as session:
                await access.prepare(session)
                status = await visible_case(session, access, case_id)
                if status in service.CLOSED:
                    errors.append(RuleError("CASE_CLOSED", "案件已结案归档，不能再添加证据", "caseId"))
                agency_id = await session.scalar(sa.select(cases.c.agency_id).where(cases.c.id == case_id))
                await service.check_collectors(session, meta.collected_by, agency_id, errors)
        raise_if_any(errors)
        return case_id, meta

    async def download(self, request: Request) -> Response:
        viewer, problem = await self._guard(request, READERS)
        if problem:
            return problem
        access = self.access_for(viewer)
        try:
            key = _path_id(request)
            async with transaction(self.sessions) as session:
                await access.prepare(session)
                row = await visible_evidence(session, access, key)
                if not self.store.exists(row.sha256):
                    log.error("evidence file missing: %s (evidence %s)", row.sha256, row.id)
                    raise RuleError("EVIDENCE_FILE_MISSING", "证据文件缺失，请联系系统管理员", None)
                if _reads_from_the_start(request.headers.get("range")):  # not every seek of a video player
                    await service.custody(session, viewer.subject, key, CoreCustodyAction.VIEWED, manual=False)
        except RuleError as exc:
            return _failed([exc])
        return FileResponse(
            self.store.path(row.sha256),
            media_type=row.media_type,
            filename=row.original_filename or row.sha256,
            headers={
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox",
                "Cache-Control": "private, no-store",
                "ETag": f'"{row.sha256}"',
                "X-Content-SHA256": row.sha256,
            },
        )

    async def verify(self, request: Request) -> Response:
        viewer, problem = await self._guard(request, READERS)
        if problem:
            return problem
        access = self.access_for(viewer)
        try:
            key = _path_id(request)
            async with transaction(self.sessions) as session:
                await access.prepare(session)
                await visible_evidence(session, access, key)
                evidence, intact = await service.verify(session, self.store, viewer.subject, key)
        except RuleError as exc:
            return _failed([exc])
        if not intact:
            log.error("evidence file altered or missing: %s (evidence %s)", evidence.sha256, evidence.id)
        return _payload(_evidence_json(evidence), intact=intact)


def make_upload_endpoint(sessions, verifier: TokenVerifier, key: DataKey, store: EvidenceStore | None = None, *, rate_limit_per_minute: int = 0):
    """The `POST /evidence` endpoint alone."""
    return EvidenceEndpoints(sessions, verifier, key, store, rate_limit_per_minute=rate_limit_per_minute).upload


def evidence_routes(sessions, verifier: TokenVerifier, access_for, store: EvidenceStore | None = None, *, rate_limit_per_minute: int = 0) -> list[Route]:
    """Upload, download and verify, to add to the app's routes."""
    return EvidenceEndpoints(sessions, verifier, access_for, store, rate_limit_per_minute=rate_limit_per_minute).routes()


class _Form:
    """A streaming multipart/form-data reader: text fields are kept (small, bounded), the file
    part's bytes are handed out in `pending` as they arrive, never gathered."""

    def __init__(self, boundary: bytes):
        self.fields: dict[str, list[str]] = defaultdict(list)
        self.before_file: dict[str, list[str]] | None = None
        self.file_name, self.file_started, self.file_done = "", False, False
        self.pending: list[bytes] = []
        self._headers: dict[bytes, bytes] = {}
        self._header_name = self._header_value = b""
        self._name, self._is_file, self._buffer, self._count = "", False, bytearray(), 0
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_part,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
            },
        )

    def write(self, chunk: bytes) -> None:
        self.parser.write(chunk)

    def finalize(self) -> None:
        self.parser.finalize()

    def _part_begin(self) -> None:
        self._headers, self._name, self._is_file, self._buffer = {}, "", False, bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            if name != "file":
                raise RuleError("FORM_FIELD_UNKNOWN", f"文件字段应名为 file（收到 {name}）", name or None)
            if self.file_started:
                raise RuleError("FORM_ONE_FILE", "每次只能上传一个文件", "file")
            self.file_started, self._is_file = True, True
            self.file_name = _basename(options[b"filename"].decode("utf-8", "replace"))
            self.before_file = {k: list(v) for k, v in self.fields.items()}
            return
        if name not in FIELDS:
            raise RuleError("FORM_FIELD_UNKNOWN", f"未知的字段 {name!r}", name or None)
        if self.file_started:
            raise RuleError("FORM_FIELD_AFTER_FILE", "文件须放在最后：其他字段应在文件之前发送", name)
        self._count += 1
        if self._count > MAX_FIELDS:
            raise RuleError("FORM_INVALID", f"字段过多（最多 {MAX_FIELDS} 个）", None)
        self._name = name

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            self.pending.append(bytes(data[start:end]))
            return
        if len(self._buffer) + end - start > MAX_FIELD_BYTES:
            raise RuleError("EVIDENCE_FIELD_TOO_LONG", f"字段 {self._name} 过长", self._name)
        self._buffer += data[start:end]

    def _part_end(self) -> None:
        if self._is_file:
            self.file_done = True
            return
        try:
            self.fields[self._name].append(self._buffer.decode("utf-8").strip())
        except UnicodeDecodeError:
            raise RuleError("FORM_INVALID", f"字段 {self._name} 应为 UTF-8 文本", self._name) from None


def _basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def _one(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[-1]


def _many(fields: dict[str, list[str]], name: str) -> list[str]:
    return [p.strip() for v in fields.get(name, []) for p in v.split(",") if p.strip()]


def _parse_id(value: str, type_name: str, field: str, errors: list[RuleError]) -> uuid.UUID | None:
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        errors.append(RuleError("ID_INVALID", f"{field} 不是有效的 {type_name} ID", field))
        return None
    return parsed[1]


def _id(fields, name: str, type_name: str, errors: list[RuleError], *, required: bool) -> uuid.UUID | None:
    value = _one(fields, name)
    if not value:
        if required:
            errors.append(RuleError("FIELD_REQUIRED", f"缺少字段 {name}", name))
        return None
    return _parse_id(value, type_name, name, errors)


def _kind(value: str, errors: list[RuleError]) -> CoreEvidenceKind | None:
    for kind in CoreEvidenceKind:
        if value in (kind.name, kind.value, kind.label):
            return kind
    choices = "、".join(f"{k.name}（{k.label}）" for k in CoreEvidenceKind)
    errors.append(RuleError("EVIDENCE_KIND_INVALID", f"证据种类应为：{choices}", "kind"))
    return None


def _time(fields, name: str, errors: list[RuleError]) -> dt.datetime | None:
    value = _one(fields, name)
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        errors.append(RuleError("DATETIME_INVALID", f"{name} 应为 ISO 8601 时间，如 2026-05-01T09:30:00+08:00", name))
        return None
    if moment.tzinfo is None:
        errors.append(RuleError("DATETIME_NEEDS_ZONE", f"{name} 须带时区，如 2026-05-01T09:30:00+08:00", name))
        return None
    return moment


def _path_id(request: Request) -> uuid.UUID:
    parsed = parse_global_id(request.path_params["id"])
    if parsed is None or parsed[0] != "Evidence":
        raise RuleError("EVIDENCE_NOT_FOUND", "证据不存在或不在本机关管辖范围内", "evidenceId")
    return parsed[1]


def _reads_from_the_start(range_header: str | None) -> bool:
    """A download, or a range request that includes the first byte (or cannot be read as ranges)."""
    if not range_header:
        return True
    starts = [part.split("-", 1)[0].strip() for part in range_header.partition("=")[2].split(",")]
    return any(not start.isdigit() or int(start) == 0 for start in starts)


def _evidence_json(e: EvidenceRow) -> dict[str, Any]:
    return {
        "id": global_id("Evidence", e.id),
        "caseId": global_id("Case", e.case_id),
        "kind": e.kind.name,
        "title": e.title,
        "sha256": e.sha256,
        "size": e.size,
        "mediaType": e.media_type,
        "originalFilename": e.original_filename,
        "createdAt": e.created_at.isoformat(),
    }


def _payload(evidence: dict[str, Any] | None, errors: Iterable[RuleError] = (), status: int = 200, **extra: Any) -> JSONResponse:
    body = {"evidence": evidence, **extra, "errors": [{"field": e.field, "code": e.code, "message": e.message} for e in errors]}
    return JSONResponse(body, status_code=status)


def _failed(errors: list[RuleError]) -> JSONResponse:
    return _payload(None, errors, STATUS.get(errors[0].code, 400))
