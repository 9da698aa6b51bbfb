"""Enforcement certificates (执法证) as records: issuing one, and suspending, reinstating or
revoking it from a day, with the decision and the reason (issue 12 point 3). The case guards read
the certificate in force on the day of each act (APL Art. 42: enforcement by officers holding
enforcement qualification; Art. 55: the certificate is shown to the party), so an act after a
suspension's day, or after the certificate expired, is refused with CERTIFICATE_INVALID.
Authorisation as for officers (schema/people/officers.py); the rules are core.people.certificates'."""

from __future__ import annotations

import datetime as dt

import strawberry
from zhifa.core.errors import UserError as RuleError
from zhifa.core.people import certificates as service
from zhifa.core.people import models as m
from zhifa.core.people.error_codes import PeopleErrorCode
from zhifa.schema.kit.connections import decode_id, one
from zhifa.schema.kit.enums import CertificateStatus, to_core
from zhifa.schema.kit.errors import UserError, run_mutation
from zhifa.schema.people.officers import administered
from zhifa.schema.people.types import CERTIFICATE, Certificate


@strawberry.input(description="核发执法证")
class IssueCertificateInput:
    officer_id: strawberry.ID
    number: str = strawberry.field(description="执法证号（全省唯一）")
    issuing_authority: str = strawberry.field(description="发证机关")
    domains: list[str] = strawberry.field(description="证件覆盖的执法领域代码")
    valid_from: dt.date
    valid_until: dt.date
    decision: str = strawberry.field(default="", description="发证决定文号")


@strawberry.input(description="变更执法证状态：暂扣（SUSPENDED）、恢复（VALID）、注销或吊销（REVOKED）")
class ChangeCertificateStatusInput:
    certificate_id: strawberry.ID
    status: CertificateStatus = strawberry.field(description="新状态；EXPIRED 由有效期计算，不能设定")
    effective_on: dt.date = strawberry.field(description="自该日起生效：此前已实施的执法行为不受影响")
    decision: str = strawberry.field(description="决定文号")
    reason: str


@strawberry.type(description="执法证管理操作的结果")
class CertificatePayload:
    certificate: Certificate | None
    errors: list[UserError]


async def resolve_issue(info: strawberry.Info, input: IssueCertificateInput) -> CertificatePayload:
    async def work(session):
        officer = await administered(session, info.context.access, decode_id(input.officer_id, "Officer", "officerId"))
        new = service.NewCertificate(
            officer_id=officer.id,
            number=input.number,
            issuing_authority=input.issuing_authority,
            domains=tuple(input.domains),
            valid_from=input.valid_from,
            valid_until=input.valid_until,
            decision=input.decision,
        )
        return (await service.issue_certificate(session, info.context.actor, new)).id

    key, errors = await run_mutation(info, work)
    return CertificatePayload(certificate=await one(info, CERTIFICATE, key, "certificate") if key else None, errors=errors)


async def resolve_change_status(info: strawberry.Info, input: ChangeCertificateStatusInput) -> CertificatePayload:
    async def work(session):
        certificate_id = decode_id(input.certificate_id, "Certificate", "certificateId")
        certificate = await session.get(m.Certificate, certificate_id)
        if certificate is None:
            raise RuleError(PeopleErrorCode.CERTIFICATE_NOT_FOUND, "执法证不存在", "certificateId")
        await administered(session, info.context.access, certificate.officer_id)
        status = to_core(m.CertificateStatus, input.status)
        await service.change_certificate_status(session, info.context.actor, certificate.id, status, input.effective_on, input.decision, input.reason)
        return certificate.id

    key, errors = await run_mutation(info, work)
    return CertificatePayload(certificate=await one(info, CERTIFICATE, key, "certificate") if key else None, errors=errors)


@strawberry.type
class CertificateMutations:
    @strawberry.mutation(description="核发执法证（人事（法制）管理员，限本机关及下级机关人员）")
    async def issue_certificate(self, info: strawberry.Info, input: IssueCertificateInput) -> CertificatePayload:
        return await resolve_issue(info, input)

    @strawberry.mutation(description="暂扣、恢复、注销或吊销执法证（自生效日起；记录决定文号和理由）")
    async def change_certificate_status(self, info: strawberry.Info, input: ChangeCertificateStatusInput) -> CertificatePayload:
        return await resolve_change_status(info, input)
