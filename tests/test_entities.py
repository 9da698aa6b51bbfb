"""Identifier checks (GB 32100-2015 unified social credit code, GB 11643-1999 resident ID,
REFERENCE §5) and registering entities through GraphQL."""

import pytest
import sqlalchemy as sa

from zhifa.core.audit.models import AuditRecord
from zhifa.core.entities.identifiers import check_credit_code, check_id_number
from zhifa.core.errors import UserError

CREATE = """mutation($input: CreateEntityInput!) { createEntity(input: $input) {
  entity { id name creditCode idNumber identifierOverride region { name } } errors { field code message } } }"""


@pytest.mark.parametrize("code", ["91110000600037341L", "91330902MA2A0T0K8U".replace("U", "U")])
def test_valid_credit_codes_pass_the_gb32100_check(code):
    if code == "91330902MA2A0T0K8U":
        from stdnum.cn import uscc

        code = code[:17] + uscc.calc_check_digit(code[:17])
    assert check_credit_code(code).value == code


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91110000600037341X", "CREDIT_CODE_CHECKSUM"),
        ("9111000060003734", "CREDIT_CODE_INVALID"),
        ("91110000600037341I", "CREDIT_CODE_INVALID"),  # I, O, S, V, Z are not in the alphabet
        ("", "CREDIT_CODE_INVALID"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_code(code, error):
    with pytest.raises(UserError) as caught:
        check_credit_code(code)
    assert caught.value.code == error


def test_checksum_failure_may_be_overridden_but_is_flagged():
    checked = check_credit_code("91110000600037341X", allow_checksum_override=True)
    assert checked.checksum_failed
    with pytest.raises(UserError):  # an override never excuses a malformed code
        check_credit_code("9111000060003734", allow_checksum_override=True)


def test_resident_id_numbers_check_date_and_check_digit():
    assert check_id_number("11010519491231002x").value == "11010519491231002X"
    for bad, code in (("110105194912310021", "ID_NUMBER_CHECKSUM"), ("110105194913310021", "ID_NUMBER_INVALID")):
        with pytest.raises(UserError) as caught:
            check_id_number(bad)
        assert caught.value.code == code


async def _region(api):
    return (await api("{ regions(filter: {level: TOWNSHIP}, first: 1) { edges { node { id } } } }"))["regions"]["edges"][0]["node"]["id"]


async def test_create_legal_person_and_refuse_duplicate(api, demo):
    region = await _region(api)
    entry = {"kind": "LEGAL_PERSON", "name": " 舟山市测试有限公司 ", "address": "定海区人民北路1号", "regionId": region, "creditCode": "91110000600037341l"}
    first = (await api(CREATE, {"input": entry}))["createEntity"]
    assert first["errors"] == []
    assert first["entity"]["creditCode"] == "91110000600037341L" and first["entity"]["name"] == "舟山市测试有限公司"
    assert first["entity"]["region"]["name"]
    again = (await api(CREATE, {"input": entry}))["createEntity"]
    assert again["entity"] is None and again["errors"][0]["code"] == "ENTITY_DUPLICATE"


async def test_checksum_override_is_recorded_in_the_audit(api, demo):
    region = await _region(api)
    entry = {"kind": "LEGAL_PERSON", "name": "例外公司", "address": "某地", "regionId": region, "creditCode": "91110000600037341X"}
    refused = (await api(CREATE, {"input": entry}))["createEntity"]
    assert refused["errors"][0] == {"field": "creditCode", "code": "CREDIT_CODE_CHECKSUM", "message": refused["errors"][0]["message"]}
    accepted = (await api(CREATE, {"input": {**entry, "confirmIdentifierOverride": True}}))["createEntity"]
    assert accepted["errors"] == [] and accepted["entity"]["identifierOverride"] is True
    async with demo() as session:
        details = (await session.execute(sa.select(AuditRecord.detail).where(AuditRecord.action == "entity.created"))).scalars().all()
    assert any("确认例外" in d for d in details)


async def test_natural_person_needs_an_id_number_shown_in_clear_to_officers_only(api, demo, demo_tokens):
    region = await _region(api)
    base = {"kind": "NATURAL_PERSON", "name": "张三", "address": "某地", "regionId": region}
    missing = (await api(CREATE, {"input": base}))["createEntity"]
    assert [e["code"] for e in missing["errors"]] == ["IDENTIFIER_REQUIRED"]
    wrong_kind = (await api(CREATE, {"input": {**base, "creditCode": "91110000600037341L", "idNumber": "11010519491231002X"}}))["createEntity"]
    assert "IDENTIFIER_KIND_MISMATCH" in [e["code"] for e in wrong_kind["errors"]]
    made = (await api(CREATE, {"input": {**base, "idNumber": "11010519491231002X"}}))["createEntity"]
    assert made["entity"]["idNumber"] == "11010519491231002X"
    auxiliary = api.as_(demo_tokens["township_auxiliary"])
    seen = await auxiliary("query($id: ID!) { node(id: $id) { ... on Entity { idNumber } } }", {"id": made["entity"]["id"]})
    assert seen["node"] is None or seen["node"]["idNumber"] == "110105********002X"


async def test_every_bad_field_is_reported_at_once(api, demo):
    bad = {"kind": "LEGAL_PERSON", "name": "", "address": "", "regionId": await _region(api), "creditCode": "X", "phone": "12"}
    errors = (await api(CREATE, {"input": bad}))["createEntity"]["errors"]
    assert {e["code"] for e in errors} == {"NAME_INVALID", "ADDRESS_INVALID", "PHONE_INVALID", "CREDIT_CODE_INVALID"}
    assert all(e["message"] for e in errors)


async def test_a_region_outside_the_jurisdiction_or_unknown_is_refused_alike(api, demo):
    """No difference between "does not exist" and "not yours": nothing is learnt by guessing IDs."""
    unknown = "UmVnaW9uOjAxYTIwMDBmLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA=="
    entry = {"kind": "LEGAL_PERSON", "name": "某公司", "address": "某地", "regionId": unknown, "creditCode": "91110000600037341L"}
    errors = (await api(CREATE, {"input": entry}))["createEntity"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("FORBIDDEN", "regionId")]


async def test_demo_identifiers_pass_their_checks(demo):
    """The demo county must look like real registry data: every code passes GB 32100 / GB 11643."""
    from conftest import KEY

    from zhifa.core.entities.models import Entity

    async with demo() as session:
        rows = (await session.execute(sa.select(Entity))).scalars().all()
    assert rows
    for row in rows:
        if row.credit_code:
            check_credit_code(row.credit_code)
        else:
            check_id_number(KEY.decrypt(row.id_number_cipher))
