"""Typed error codes: every code is declared once, in an ErrorCode enum with a Chinese description;
an undeclared one cannot leave; and the suite raises every declared code (the last test)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest
import strawberry
from graphql import GraphQLError

from conftest import DESELECTED, SEEN_CODES, Api, asgi_request, settings_for
from zhifa.core.cases.error_codes import CaseErrorCode
from zhifa.core.errors import DOMAINS, CommonErrorCode, ErrorCode, UserError, all_code_enums, declared_codes
from zhifa.core.hooks import GraphQLContribution
from zhifa.core.plugin_manager import BUILTIN, PluginError, PluginManager, PluginsConfig
from zhifa.schema.http.app import create_app
from zhifa.schema.kit.errors import UserError as PayloadError
from zhifa.schema.kit.errors import run_mutation

HAN = re.compile(r"[\u4e00-\u9fff]")
CSRF = {"x-zhifa-csrf": "1"}
TESTS = Path(__file__).parent.resolve()


def test_an_undeclared_code_is_refused():
    with pytest.raises(ValueError, match="NO_SUCH_RULE"):
        UserError("NO_SUCH_RULE", "没有这条规则")


def test_a_member_or_its_declared_value_is_kept_as_the_plain_code():
    for code in (CaseErrorCode.TRANSITION_NOT_ALLOWED, "TRANSITION_NOT_ALLOWED"):
        error = UserError(code, "不能立案", "action")
        assert type(error.code) is str and error.code == "TRANSITION_NOT_ALLOWED"
        assert str(error) == "TRANSITION_NOT_ALLOWED: 不能立案"


def test_every_code_has_a_chinese_description():
    codes = declared_codes()
    assert len(codes) > 250 and codes["FORBIDDEN"] == (CommonErrorCode.FORBIDDEN.description, "CommonErrorCode")
    assert [f"{enum}.{code}" for code, (description, enum) in codes.items() if not HAN.search(description)] == []


def test_a_code_declared_twice_or_under_another_name_is_refused():
    probe = """
        from zhifa.core.errors import ErrorCode, declared_codes

        class Again(ErrorCode):
            FORBIDDEN = "FORBIDDEN", "重复声明"

        try:
            declared_codes()
        except ValueError as exc:
            print(exc)
        del Again
        import gc; gc.collect()

        class Renamed(ErrorCode):
            SHOWN = "HIDDEN", "名称与代码不一致"

        try:
            declared_codes()
        except ValueError as exc:
            print(exc)
    """
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(probe)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert "FORBIDDEN is declared by both" in first and "CommonErrorCode" in first and "Again" in first
    assert "Renamed.SHOWN must be written SHOWN" in second


def test_each_core_domain_declares_one_enum_and_plugins_list_theirs(plugins):
    enums = all_code_enums()
    assert enums[0] is CommonErrorCode and [e.__module__ for e in enums[1:]] == [f"zhifa.core.{d}.error_codes" for d in DOMAINS]
    listed = plugins.error_code_enums()
    assert {e.__name__ for e in listed} == {"MarketErrorCode", "EcologyErrorCode", "TransportErrorCode"}
    defined = {e for e in _subclasses(ErrorCode) if e.__module__.startswith("zhifa.plugins.")}
    assert defined <= set(listed), "a built-in plug-in's enum is missing from its GraphQLContribution.error_codes"


def test_a_plugin_listing_something_else_as_its_error_codes_is_refused(plugins, monkeypatch):
    monkeypatch.setattr(plugins, "graphql_contributions", lambda: [("forestry", GraphQLContribution(error_codes=[str]))])
    with pytest.raises(PluginError, match="forestry.*ErrorCode"):
        plugins.error_code_enums()


async def test_a_method_graphql_does_not_take_is_refused_with_a_code(app):
    status, body = await asgi_request(app, "HEAD", "/graphql", CSRF)  # the route admits HEAD with GET; GraphQL takes only GET and POST
    assert status == 405 and json.loads(body)["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


@strawberry.type
class StepPayload:
    done: bool
    errors: list[PayloadError]


@strawberry.type
class UncodedMutation:
    @strawberry.mutation(description="插件的一步，其校验抛出未带代码的 GraphQLError")
    async def uncoded_step(self, info: strawberry.Info) -> StepPayload:
        async def work(session):
            raise GraphQLError("插件的校验没有给出代码")

        done, errors = await run_mutation(info, work)
        return StepPayload(done=bool(done), errors=errors)


class UncodedPlugins(PluginManager):
    def graphql_contributions(self):
        return [*super().graphql_contributions(), ("uncoded", GraphQLContribution(mutation=[UncodedMutation]))]


async def test_a_plugin_mutation_error_without_a_code_still_leaves_with_one(db, database_url, demo_tokens):
    plugins = UncodedPlugins(PluginsConfig(tuple(BUILTIN))).load()
    app = create_app(settings_for(database_url), plugins)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zhifa.test") as client:
        result = await Api(client, demo_tokens["bureau_officer"])("mutation { uncodedStep { done errors { code message } } }")
    assert result["uncodedStep"] == {"done": False, "errors": [{"code": "INVALID", "message": "插件的校验没有给出代码"}]}


def test_user_error_code_is_an_enum_of_every_declared_code_core_and_plugins(plugins):
    """Typed clients switch on UserError.code: the SDL gives it as the ErrorCode enum, with the
    core's codes and the loaded plug-ins' codes, each with its Chinese description; a plug-in that
    is not loaded adds none."""
    from zhifa.plugins.ecology.error_codes import EcologyErrorCode
    from zhifa.schema.build import build_schema

    graph = build_schema(plugins)._schema
    assert str(graph.type_map["UserError"].fields["code"].type) == "ErrorCode!"
    values = graph.type_map["ErrorCode"].values
    assert set(values) == {m.value for e in (*all_code_enums(), *plugins.error_code_enums()) for m in e}
    assert values["LIMIT_ZERO"].description == EcologyErrorCode.LIMIT_ZERO.description and HAN.search(values["FORBIDDEN"].description)
    without_ecology = build_schema(PluginManager(PluginsConfig(tuple(n for n in BUILTIN if n != "ecology"))).load())._schema
    assert "LIMIT_ZERO" not in without_ecology.type_map["ErrorCode"].values and "FORBIDDEN" in without_ecology.type_map["ErrorCode"].values


def test_every_declared_code_is_raised_by_a_test(request, plugins):
    """Run last (tests/conftest.py): a declared code no test raises is either untested or dead."""
    partial = partial_run(request.config)
    if partial:
        pytest.skip(f"only part of the suite ran ({partial}): whether every code is raised is judged on a whole run")
    undeclared = sorted(code for code, enum in SEEN_CODES.items() if enum is None)
    assert not undeclared, "codes that left without being declared in an ErrorCode enum: " + ", ".join(undeclared)
    enums = (*all_code_enums(), *plugins.error_code_enums())
    never = [f"{enum.__name__}.{code}" for enum in enums for code in enum.__members__ if code not in SEEN_CODES]
    assert not never, f"{len(never)} declared code(s) no test raises (test them, or remove the dead ones):\n" + "\n".join(never)


def partial_run(config: pytest.Config) -> str | None:
    """Why this run is not the whole suite; None when it is."""
    here = config.invocation_params.dir
    if any("::" in arg or (here / arg).resolve() != TESTS for arg in config.args):
        return "selected " + " ".join(config.args)
    for option in ("keyword", "markexpr", "deselect", "ignore", "ignore_glob", "lf"):
        if getattr(config.option, option, None):
            return f"--{option}"
    if DESELECTED:
        return f"{len(DESELECTED)} test(s) deselected"
    return None


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(c) for c in found))
