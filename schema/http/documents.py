"""GET /cases/{case id}/documents/{type}.docx — a case's documents, for whoever may read the case."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.documents import DocumentType
from zhifa.core.documents.error_codes import DocumentErrorCode
from zhifa.core.errors import UserError
from zhifa.schema.kit.guards import admit, refuse
from zhifa.schema.kit.planner import Planner
from zhifa.schema.kit.relay import parse_global_id

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_document_endpoint(sessions, verifier, access_for, rate_limit_per_minute: int = 0):
    from zhifa.core.cases.paperwork import case_document

    async def document(request: Request) -> Response:
        viewer, problem = await admit(request, verifier, sessions, rate_limit_per_minute)
        if problem:
            return problem
        parsed = parse_global_id(request.path_params["case_id"])
        try:
            doc_type = DocumentType(request.path_params["doc_type"])
        except ValueError:
            return refuse(404, DocumentErrorCode.DOCUMENT_TYPE_UNKNOWN, "文书类型：" + "、".join(t.value for t in DocumentType))
        access = access_for(viewer)
        if parsed is None or parsed[0] != "Case" or not access.readable("Case"):
            return refuse(404, CaseErrorCode.CASE_NOT_FOUND, "案件不存在或无权查看")
        async with sessions() as session:
            await access.prepare(session)
            if not await Planner(session, access).exists("Case", parsed[1]):
                return refuse(404, CaseErrorCode.CASE_NOT_FOUND, "案件不存在或无权查看")
            try:
                number, body = await case_document(session, parsed[1], doc_type, access.key, viewer.sees_personal_data)
            except UserError as exc:
                return refuse(409, exc.code, exc.message)
        filename = quote(f"{number}{doc_type.label}.docx")
        return Response(body, media_type=DOCX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"})

    return document
