"""Bearer tokens (issue #4 item 1): "Bearer JWTs (pyjwt): HS256 with a configured secret for
development, RS256/ES256 with a configured public key or JWKS file for production; expiry,
not-before and audience checked." Every refusal is a 401 UNAUTHENTICATED with a Chinese reason and
a WWW-Authenticate header, never a 500; the tokens `zhifa token issue` prints are accepted.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from typer.testing import CliRunner

from conftest import SECRET, settings_for
from zhifa.core.access.viewer import Role
from zhifa.core.config import Settings
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.auth import AuthError, TokenVerifier, issue_token
from zhifa.schema.cli import app as cli

CASES = {"query": "{ cases(first: 1) { totalCount } }"}
DEV_SECRET = Settings().jwt_secret_or_dev()


@asynccontextmanager
async def serve(settings: Settings, plugins):
    application = create_app(settings, plugins)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://zhifa.test") as client:
            yield client


async def ask(client: httpx.AsyncClient, authorization: str | None) -> httpx.Response:
    headers = {"authorization": authorization} if authorization is not None else {}
    return await client.post("/graphql", json=CASES, headers=headers)


def refused(response: httpx.Response, reason: str = "") -> bool:
    """401, UNAUTHENTICATED, the Bearer challenge, and (if given) the reason in the message."""
    if response.status_code != 401 or "bearer" not in response.headers.get("www-authenticate", "").lower():
        return False
    error = response.json()["errors"][0]
    return error["extensions"]["code"] == "UNAUTHENTICATED" and reason in error["message"]


def total(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return response.json()["data"]["cases"]["totalCount"]


@pytest.fixture
def officer_claims(demo_tokens) -> dict:
    """The bureau officer's claims (sub, roles, agency), to be signed in other ways."""
    claims = jwt.decode(demo_tokens["bureau_officer"], options={"verify_signature": False})
    return {k: claims[k] for k in ("sub", "roles", "agency", "aud")}


def signed(claims: dict, key, algorithm: str, *, lifetime: dt.timedelta = dt.timedelta(hours=1), **header) -> str:
    now = dt.datetime.now(dt.UTC)
    return jwt.encode({"iat": now, "nbf": now, "exp": now + lifetime, **claims}, key, algorithm=algorithm, headers=header or None)


def hs256_by_hand(claims: dict, secret: str) -> str:
    """HS256 signed by hand: pyjwt itself refuses to use a PEM key as an HMAC secret."""
    def part(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    exp = int((dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).timestamp())
    signing_input = part(b'{"alg":"HS256","typ":"JWT"}') + b"." + part(json.dumps({**claims, "exp": exp}).encode())
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + part(signature)).decode()


# --- HS256 (development) -------------------------------------------------------------------------


async def test_hs256_token_with_the_configured_secret_is_accepted(client, demo_tokens):
    assert total(await ask(client, f"Bearer {demo_tokens['bureau_officer']}")) == 60
    assert total(await ask(client, f"bearer {demo_tokens['bureau_officer']}")) == 60  # scheme is case-insensitive


async def test_no_header_is_the_public_not_an_error(client):
    response = await ask(client, None)
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # cases are not public


async def test_expired_token_is_401(client, officer_claims):
    """Issue #4 item 1: expiry checked."""
    expired = issue_token(SECRET, subject=officer_claims["sub"], roles=["officer"], agency=officer_claims["agency"], lifetime=dt.timedelta(seconds=-30), not_before=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert refused(await ask(client, f"Bearer {expired}"), "令牌已过期")


async def test_token_not_yet_valid_is_401(client, officer_claims):
    """Issue #4 item 1: not-before checked."""
    early = issue_token(SECRET, subject=officer_claims["sub"], roles=["officer"], agency=officer_claims["agency"], not_before=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert refused(await ask(client, f"Bearer {early}"), "尚未生效")


async def test_token_for_another_audience_is_401(client, officer_claims):
    """Issue #4 item 1: audience checked."""
    other = issue_token(SECRET, subject=officer_claims["sub"], roles=["officer"], agency=officer_claims["agency"], audience="another-system")
    assert refused(await ask(client, f"Bearer {other}"), "受众")


async def test_token_signed_with_another_secret_is_401(client, officer_claims):
    forged = issue_token("not-the-configured-secret-but-32-bytes-long", subject=officer_claims["sub"], roles=["officer"], agency=officer_claims["agency"])
    assert refused(await ask(client, f"Bearer {forged}"), "签名")


@pytest.mark.parametrize("drop", ["exp", "sub", "aud"])
async def test_token_without_a_required_claim_is_401(client, officer_claims, drop):
    claims = {k: v for k, v in {**officer_claims, "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)}.items() if k != drop}
    assert refused(await ask(client, f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"), drop)


async def test_unsigned_token_is_401(client, officer_claims):
    unsigned = signed(officer_claims, None, "none")
    assert refused(await ask(client, f"Bearer {unsigned}"))


@pytest.mark.parametrize(
    "authorization", ["Basic x", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Token abc", "Bearer a.b.c", "Bearer not-a-jwt", "Bearer ...."]
)
async def test_malformed_authorization_header_is_401(client, authorization):
    assert refused(await ask(client, authorization))


# --- Claims --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"roles": ["superuser"]},
        {"roles": ["officer", "root"]},
        {"roles": "officer"},  # a string, not a list
        {"roles": [["officer"]]},
        {"agency": "not-a-uuid"},
        {"agency": 42},
        {"agency": ["0190d3f0-0000-7000-8000-000000000000"]},
        {"sub": "officer:not-a-uuid"},
        {"sub": "officer:"},
        {"regions": "330000"},
        {"scopes": {"read:cases": True}},
    ],
    ids=lambda c: json.dumps(c, ensure_ascii=False),
)
async def test_claims_that_name_no_real_role_or_identity_are_401(client, officer_claims, change):
    """Unknown roles are refused, not ignored; a malformed agency or officer id in a validly
    signed token was a 500 (uuid.UUID on an int, on "officer:not-a-uuid") and is now a 401."""
    token = signed({**officer_claims, **change}, SECRET, "HS256")
    assert refused(await ask(client, f"Bearer {token}"))


# --- RS256 / ES256 (production) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys():
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "rsa_other": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        "ec_other": ec.generate_private_key(ec.SECP256R1()),
    }


@pytest.fixture
def pem_file(tmp_path, keys) -> Path:
    path = tmp_path / "jwt-public.pem"
    path.write_bytes(keys["rsa"].public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return path


@pytest.fixture
def jwks_file(tmp_path, keys) -> Path:
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(keys["ec"].public_key(), as_dict=True)
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**jwk, "alg": "ES256", "use": "sig", "kid": "zhifa-1"}]}))
    return path


async def test_rs256_with_a_public_key_file_is_accepted_and_another_key_refused(db, database_url, plugins, officer_claims, keys, pem_file):
    """Issue #4 item 1: RS256 with a configured public key (PEM) for production."""
    settings = settings_for(database_url, production=True, jwt_public_key_file=pem_file)
    async with serve(settings, plugins) as client:
        assert total(await ask(client, f"Bearer {signed(officer_claims, keys['rsa'], 'RS256')}")) == 60
        assert refused(await ask(client, f"Bearer {signed(officer_claims, keys['rsa_other'], 'RS256')}"), "签名")
        expired = signed(officer_claims, keys["rsa"], "RS256", lifetime=dt.timedelta(seconds=-5))
        assert refused(await ask(client, f"Bearer {expired}"), "令牌已过期")
        # An ES256 token against an RSA key: pyjwt raises InvalidKeyError, which once escaped as a 500.
        assert refused(await ask(client, f"Bearer {signed(officer_claims, keys['ec'], 'ES256')}"))


async def test_es256_with_a_jwks_file_is_accepted_and_another_key_refused(db, database_url, plugins, officer_claims, keys, jwks_file):
    """Issue #4 item 1: ES256 through a JWKS file."""
    settings = settings_for(database_url, production=True, jwt_jwks_file=jwks_file)
    async with serve(settings, plugins) as client:
        assert total(await ask(client, f"Bearer {signed(officer_claims, keys['ec'], 'ES256', kid='zhifa-1')}")) == 60
        assert refused(await ask(client, f"Bearer {signed(officer_claims, keys['ec_other'], 'ES256', kid='zhifa-1')}"), "签名")
        assert refused(await ask(client, f"Bearer {signed(officer_claims, keys['rsa'], 'RS256')}"))
        wrong_audience = signed({**officer_claims, "aud": "elsewhere"}, keys["ec"], "ES256")
        assert refused(await ask(client, f"Bearer {wrong_audience}"), "受众")


async def test_production_without_a_secret_refuses_every_hs256_token(db, database_url, plugins, officer_claims, keys, pem_file):
    """Production has no development fallback secret: an HS256 token, whether signed with the
    old secret, the fallback one or the public key's own text (algorithm confusion), is refused."""
    settings = dataclasses.replace(settings_for(database_url, production=True, jwt_public_key_file=pem_file), jwt_secret=None)
    assert settings.jwt_secret_or_dev() is None
    assert TokenVerifier(settings_for(database_url)).viewer(f"Bearer {hs256_by_hand(officer_claims, SECRET)}")  # well formed
    async with serve(settings, plugins) as client:
        for secret in (SECRET, DEV_SECRET, pem_file.read_text()):
            assert refused(await ask(client, f"Bearer {hs256_by_hand(officer_claims, secret)}"))
        assert total(await ask(client, f"Bearer {signed(officer_claims, keys['rsa'], 'RS256')}")) == 60


async def test_development_without_a_secret_uses_the_fallback_that_production_refuses(db, database_url, plugins, officer_claims):
    development = dataclasses.replace(settings_for(database_url), jwt_secret=None)
    token = signed(officer_claims, DEV_SECRET, "HS256")
    async with serve(development, plugins) as client:
        assert total(await ask(client, f"Bearer {token}")) == 60
    assert dataclasses.replace(development, production=True).jwt_secret_or_dev() is None


def test_issue_token_refuses_a_lifetime_over_30_days():
    with pytest.raises(ValueError):
        issue_token(SECRET, subject="service:x", roles=["provincial"], lifetime=dt.timedelta(days=31))


def test_verifier_without_any_key_refuses_tokens_and_admits_the_public(tmp_path):
    verifier = TokenVerifier(Settings(production=True))
    assert verifier.viewer(None).is_public
    with pytest.raises(AuthError):
        verifier.viewer("Bearer " + issue_token(SECRET, subject="service:x", roles=["provincial"]))


# --- zhifa token issue ---------------------------------------------------------------------------


def test_cli_issues_an_officer_token_the_verifier_accepts_with_the_right_viewer():
    """`zhifa token issue` (schema/cli.py) signs with ZHIFA_JWT_SECRET; the verifier of an app
    configured with that secret turns it back into the same officer."""
    officer, agency = uuid.uuid4(), uuid.uuid4()
    result = CliRunner().invoke(
        cli, ["token", "issue", "--subject", f"officer:{officer}", "--role", "officer", "--role", "legal_reviewer", "--agency", str(agency), "--hours", "2"],
        env={"ZHIFA_JWT_SECRET": SECRET, "ZHIFA_MODE": "development", "ZHIFA_JWT_AUDIENCE": "zhifa"},
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    viewer = TokenVerifier(Settings(jwt_secret=SECRET)).viewer(f"Bearer {token}")
    assert viewer.subject == f"officer:{officer}"
    assert viewer.roles == {Role.OFFICER, Role.LEGAL_REVIEWER}
    assert (viewer.agency_id, viewer.officer_id) == (agency, officer)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="zhifa")
    assert dt.timedelta(hours=1, minutes=59) < dt.datetime.fromtimestamp(claims["exp"], dt.UTC) - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=2)
    with pytest.raises(AuthError, match="签名"):
        TokenVerifier(Settings(jwt_secret="some-other-secret-of-32-bytes-or-more")).viewer(f"Bearer {token}")


def test_cli_issues_a_service_account_token_with_regions_and_scopes():
    result = CliRunner().invoke(
        cli, ["token", "issue", "--subject", "service:province", "--role", "provincial", "--region", "330000", "--scope", "read:cases"],
        env={"ZHIFA_JWT_SECRET": SECRET, "ZHIFA_MODE": "development", "ZHIFA_JWT_AUDIENCE": "zhifa"},
    )
    assert result.exit_code == 0, result.output
    viewer = TokenVerifier(Settings(jwt_secret=SECRET)).viewer(f"Bearer {result.output.strip()}")
    assert (viewer.roles, viewer.region_codes, viewer.scopes) == ({Role.PROVINCIAL}, ("330000",), {"read:cases"})


async def test_cli_token_works_against_the_running_app(client, officer_claims):
    result = CliRunner().invoke(
        cli, ["token", "issue", "--subject", officer_claims["sub"], "--role", "officer", "--agency", officer_claims["agency"]],
        env={"ZHIFA_JWT_SECRET": SECRET, "ZHIFA_MODE": "development", "ZHIFA_JWT_AUDIENCE": "zhifa"},
    )
    assert result.exit_code == 0, result.output
    assert total(await ask(client, f"Bearer {result.output.strip()}")) == 60


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--role", "superuser"], {"ZHIFA_JWT_SECRET": SECRET}),
        (["--role", "officer"], {"ZHIFA_MODE": "production", "ZHIFA_JWT_SECRET": ""}),
    ],
    ids=["unknown-role", "production-without-secret"],
)
def test_cli_refuses_unknown_roles_and_production_without_a_secret(args, env):
    result = CliRunner().invoke(cli, ["token", "issue", "--subject", "service:x", *args], env={"ZHIFA_MODE": "development", **env})
    assert result.exit_code == 2
    assert not result.output.strip().startswith("ey")  # no token printed
