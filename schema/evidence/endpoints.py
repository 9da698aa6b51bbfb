"""Evidence files over HTTP: upload, download and verification, outside GraphQL."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from zhifa.core.access.viewer import STAFF, Role, Viewer
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.db import transaction
from zhifa.core.entities.crypto import DataKey
from zhifa.core.errors import CommonErrorCode, UserErrors, raise_if_any
from zhifa.core.errors import UserError as RuleError
from zhifa.core.evidence import service
from zhifa.core.evidence.error_codes import EvidenceErrorCode
from zhifa.core.evidence.models import CustodyAction as CoreCustodyAction
from zhifa.core.evidence.models import Evidence as EvidenceRow
from zhifa.core.evidence.models import EvidenceKind as CoreEvidenceKind
from zhifa.core.evidence.store import EvidenceStore, too_large
from zhifa.schema.evidence.form import UploadForm
from zhifa.schema.evidence.types import (
    UPLOAD_PATH,
    cases,
    visible_case,
    visible_evidence,
)
from zhifa.schema.kit.access import Access
from zhifa.schema.kit.auth import TokenVerifier
from zhifa.schema.kit.guards import (
    BodyLimit,
    authenticate,
    csrf_problem,
    rate_limited,
    refuse,
)
from zhifa.schema.kit.relay import global_id, parse_global_id

log = logging.getLogger("zhifa")

FORM_ALLOWANCE = 256 * 1024  # the text fields and the multipart framing around the file
READERS = STAFF | {Role.SUPERVISOR}
STATUS = {
    CaseErrorCode.CASE_NOT_FOUND: 404,
    EvidenceErrorCode.EVIDENCE_NOT_FOUND: 404,
    EvidenceErrorCode.EVIDENCE_FILE_MISSING: 404,
    CommonErrorCode.FORBIDDEN: 403,
    EvidenceErrorCode.EVIDENCE_DUPLICATE: 409,
    CommonErrorCode.CONFLICT: 409,
    EvidenceErrorCode.EVIDENCE_TOO_LARGE: 413,
    EvidenceErrorCode.EVIDENCE_TYPE_NOT_ALLOWED: 415,
}


def upload_limit(store: EvidenceStore) -> int:
    """The largest request body POST /evidence accepts: the largest file plus the form around it."""
    return store.max_bytes + FORM_ALLOWANCE


class UploadAwareBodyLimit:
    """The app-wide body limit (`kit.guards.BodyLimit`) for every request except the evidence upload, which streams to disk under its own, larger limit (`upload_limit(store)`). The
    endpoint enforces that limit itself, with its own error; this is the backstop, a little above."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int, upload_path: str = UPLOAD_PATH):
        self.default, self.upload = BodyLimit(app, max_bytes), BodyLimit(app, upload_max_bytes + FORM_ALLOWANCE)
        self.upload_path = upload_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        upload = scope["type"] == "http" and scope.get("path") == self.upload_path
        await (self.upload if upload else self.default)(scope, receive, send)


class EvidenceEndpoints:
    """The HTTP side of evidence (a body-camera video is far over the app's 1 MB body limit):

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
    """

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
            return None, refuse(401, CommonErrorCode.UNAUTHENTICATED, "请先登录（需要 Bearer 令牌）", {"WWW-Authenticate": 'Bearer realm="zhifa"'})
        if not viewer.has(*roles):
            return None, refuse(403, CommonErrorCode.FORBIDDEN, "只有执法机关工作人员可以执行此操作")
        if problem := await rate_limited(request, viewer.subject, self.sessions, self.per_minute):
            return None, problem
        return viewer, None

    async def upload(self, request: Request) -> Response:
        viewer, problem = await self._guard(request, STAFF)
        if problem:
            return problem
        content_type, options = parse_options_header(request.headers.get("content-type"))
        if content_type != b"multipart/form-data" or not options.get(b"boundary"):
            return refuse(415, CommonErrorCode.UNSUPPORTED_MEDIA_TYPE, "请以 multipart/form-data 上传：先填写字段，文件（字段名 file）放在最后")
        limit = upload_limit(self.store)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return _failed([too_large(self.store.max_bytes)])
        access = self.access_for(viewer)
        form = UploadForm(options[b"boundary"])
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
                raise RuleError(EvidenceErrorCode.EVIDENCE_FILE_REQUIRED, "请附上证据文件（字段名 file，放在最后）", "file")
            if not form.file_done:
                raise RuleError(EvidenceErrorCode.FORM_INVALID, "上传的内容不完整", "file")
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
            return _failed([RuleError(EvidenceErrorCode.FORM_INVALID, "multipart/form-data 格式错误", None)])
        except ClientDisconnect:
            return Response(status_code=400)
        finally:
            if incoming is not None and not incoming.done:
                incoming.abort()
        return _payload(_evidence_json(evidence), status=201)

    async def _prepare(self, access: Access, form: UploadForm) -> tuple[uuid.UUID, service.EvidenceMeta]:
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
                    errors.append(RuleError(EvidenceErrorCode.CASE_CLOSED, "案件已结案归档，不能再添加证据", "caseId"))
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
                    raise RuleError(EvidenceErrorCode.EVIDENCE_FILE_MISSING, "证据文件缺失，请联系系统管理员", None)
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


def _one(fields: dict[str, list[str]], name: str) -> str:
    values = fields.get(name) or [""]
    return values[-1]


def _many(fields: dict[str, list[str]], name: str) -> list[str]:
    return [p.strip() for v in fields.get(name, []) for p in v.split(",") if p.strip()]


def _parse_id(value: str, type_name: str, field: str, errors: list[RuleError]) -> uuid.UUID | None:
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        errors.append(RuleError(CommonErrorCode.ID_INVALID, f"{field} 不是有效的 {type_name} ID", field))
        return None
    return parsed[1]


def _id(fields, name: str, type_name: str, errors: list[RuleError], *, required: bool) -> uuid.UUID | None:
    value = _one(fields, name)
    if not value:
        if required:
            errors.append(RuleError(EvidenceErrorCode.FIELD_REQUIRED, f"缺少字段 {name}", name))
        return None
    return _parse_id(value, type_name, name, errors)


def _kind(value: str, errors: list[RuleError]) -> CoreEvidenceKind | None:
    for kind in CoreEvidenceKind:
        if value in (kind.name, kind.value, kind.label):
            return kind
    choices = "、".join(f"{k.name}（{k.label}）" for k in CoreEvidenceKind)
    errors.append(RuleError(EvidenceErrorCode.EVIDENCE_KIND_INVALID, f"证据种类应为：{choices}", "kind"))
    return None


def _time(fields, name: str, errors: list[RuleError]) -> dt.datetime | None:
    value = _one(fields, name)
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        errors.append(RuleError(EvidenceErrorCode.DATETIME_INVALID, f"{name} 应为 ISO 8601 时间，如 2026-05-01T09:30:00+08:00", name))
        return None
    if moment.tzinfo is None:
        errors.append(RuleError(EvidenceErrorCode.DATETIME_NEEDS_ZONE, f"{name} 须带时区，如 2026-05-01T09:30:00+08:00", name))
        return None
    return moment


def _path_id(request: Request) -> uuid.UUID:
    parsed = parse_global_id(request.path_params["id"])
    if parsed is None or parsed[0] != "Evidence":
        raise RuleError(EvidenceErrorCode.EVIDENCE_NOT_FOUND, "证据不存在或不在本机关管辖范围内", "evidenceId")
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
