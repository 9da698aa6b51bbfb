"""Bearer tokens (JWT) to viewers. HS256 with a shared secret in development; RS256/ES256 with a
public key or a JWKS file in production. Expiry, not-before and audience are always checked.

Claims: `sub` ("officer:<uuid>" or "service:<name>"), `roles` (see core.access.viewer.Role),
`agency` (the agency's uuid, for staff and supervisors), `regions` (division codes, service
accounts), `scopes` (read scopes, service accounts), `exp`, `nbf`, `aud`.

Any other `sub` is the provincial identity provider's subject: `external_viewer` maps it to the
officer whose external identity it is (his id and agency from the record; his recorded role when
the token names none), refusing an unknown subject, a retired officer and a different `agency`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from typing import Any

import jwt
from sqlalchemy.ext.asyncio import AsyncSession
from zhifa.core.access.viewer import PUBLIC, Role, Viewer
from zhifa.core.config import Settings
from zhifa.core.people.staff import OWN_SUBJECTS, officer_by_external_identity

ASYMMETRIC = ["RS256", "ES256"]
MAX_LIFETIME = dt.timedelta(days=30)


class AuthError(Exception):
    """A token that was sent but cannot be trusted: the request is refused (401)."""


class TokenVerifier:
    def __init__(self, settings: Settings):
        self.audience = settings.jwt_audience
        self.keys: list[tuple[Any, list[str]]] = []
        if settings.jwt_public_key_file:
            self.keys.append((settings.jwt_public_key_file.read_text(), ASYMMETRIC))
        if settings.jwt_jwks_file:
            jwks = jwt.PyJWKSet.from_dict(json.loads(settings.jwt_jwks_file.read_text()))
            self.keys += [(k.key, [k.algorithm_name]) for k in jwks.keys]
        if secret := settings.jwt_secret_or_dev():
            self.keys.append((secret, ["HS256"]))

    def viewer(self, authorization: str | None) -> Viewer:
        if not authorization:
            return PUBLIC
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthError("Authorization 头应为 “Bearer <令牌>”")
        return viewer_from_claims(self._decode(token.strip()))

    def _decode(self, token: str) -> dict[str, Any]:
        problem: str | None = None
        for key, algorithms in self.keys:
            try:
                return jwt.decode(
                    token, key, algorithms=algorithms, audience=self.audience, options={"require": ["exp", "sub", "aud"]}
                )
            except jwt.InvalidSignatureError:
                problem = "令牌签名无效"  # try the next key
            except (jwt.InvalidAlgorithmError, jwt.InvalidKeyError):
                # Not this key's algorithm, or its type (an ES256 token against an RSA key): next key.
                problem = problem or "令牌的签名算法不被接受"
            except jwt.ExpiredSignatureError:
                raise AuthError("令牌已过期") from None
            except jwt.ImmatureSignatureError:
                raise AuthError("令牌尚未生效") from None
            except jwt.InvalidAudienceError:
                raise AuthError("令牌的受众（aud）不是本系统") from None
            except jwt.MissingRequiredClaimError as exc:
                raise AuthError(f"令牌缺少必需的声明 {exc.claim}") from None
            except jwt.DecodeError:
                raise AuthError("令牌格式无效") from None
            except jwt.PyJWTError:
                problem = problem or "令牌无效"
        raise AuthError(problem or "令牌无效：未配置验证密钥")


def viewer_from_claims(claims: dict[str, Any]) -> Viewer:
    roles, regions, scopes = claims.get("roles", []), claims.get("regions", []), claims.get("scopes", [])
    if not all(isinstance(v, list) for v in (roles, regions, scopes)):
        raise AuthError("令牌中的 roles、regions 和 scopes 应为列表")
    subject = str(claims["sub"])
    try:
        viewer_roles = frozenset(Role(r) for r in roles)
        agency = _uuid(claims["agency"]) if claims.get("agency") else None
        officer = _uuid(subject.split(":", 1)[1]) if subject.startswith("officer:") else None
    except (ValueError, TypeError):
        raise AuthError("令牌中的角色、机关或人员标识无效") from None
    return Viewer(subject, viewer_roles, agency, officer, tuple(map(str, regions)), frozenset(map(str, scopes)))


def is_external(viewer: Viewer) -> bool:
    return not viewer.subject.startswith(OWN_SUBJECTS)


async def external_viewer(session: AsyncSession, viewer: Viewer) -> Viewer:
    """The viewer of an identity provider's subject, as the officer recorded under it (one query)."""
    officer = await officer_by_external_identity(session, viewer.subject)
    if officer is None:
        raise AuthError("令牌主体（sub）未登记为任何人员的统一身份认证标识")
    if officer.retired_on is not None:
        raise AuthError(f"该人员已于 {officer.retired_on.isoformat()} 退休或离岗，令牌不再有效")
    if viewer.agency_id is not None and viewer.agency_id != officer.agency_id:
        raise AuthError("令牌中的机关（agency）与该人员登记的所属机关不一致")
    roles = viewer.roles or frozenset({Role(officer.role.value)})
    return dataclasses.replace(viewer, roles=roles, agency_id=officer.agency_id, officer_id=officer.id)


def _uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise TypeError(value)
    return uuid.UUID(value)


def issue_token(
    secret: str,
    *,
    subject: str,
    roles: list[str],
    agency: str | None = None,
    regions: list[str] | None = None,
    scopes: list[str] | None = None,
    audience: str = "zhifa",
    lifetime: dt.timedelta = dt.timedelta(hours=8),
    not_before: dt.datetime | None = None,
) -> str:
    """Mint an HS256 development token (production tokens come from the identity provider)."""
    if lifetime > MAX_LIFETIME:
        raise ValueError("令牌有效期不能超过 30 天")
    now = dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {"sub": subject, "roles": roles, "aud": audience, "iat": now, "exp": now + lifetime}
    claims["nbf"] = not_before or now
    if agency:
        claims["agency"] = agency
    if regions:
        claims["regions"] = regions
    if scopes:
        claims["scopes"] = scopes
    return jwt.encode(claims, secret, algorithm="HS256")
