"""Evidence in the root: a case's evidence and its custody (files travel over HTTP, endpoints.py)."""

from __future__ import annotations

import strawberry
from zhifa.schema.evidence import mutations
from zhifa.schema.evidence import types as evidence

NODES = KINDS = TYPES = ()


@strawberry.type
class EvidenceQueries:
    @strawberry.field(description="案件的证据（按上传顺序，含保管链）；案件不在管辖范围内时为空")
    async def case_evidence(self, info: strawberry.Info, case_id: strawberry.ID) -> list[evidence.Evidence]:
        return await evidence.resolve_case_evidence(info, case_id)


@strawberry.type
class EvidenceMutations:
    """Uploads go to POST /evidence (endpoints.py)."""

    @strawberry.mutation(description="登记证据保管操作：移交、封存、启封、退还（上传、查阅、校验由系统自动记录）")
    async def record_custody(self, info: strawberry.Info, input: mutations.RecordCustodyInput) -> mutations.RecordCustodyPayload:
        return await mutations.resolve_record_custody(info, input)
