"""The plug-in contract as a meta-test (DESIGN: "Every hook is documented in the plug-in guide and
has its own test; a meta-test fails when one is not" — Datasette's pattern). For each hook of
`core.hooks.Specs`: docs/plugin-hooks.md has a section whose signature block is the hookspec's
signature, some test is named after it (tests/test_hook_contract.py has one per hook), and the
plug-in manager calls it — nothing else in the core goes through `pm.hook`. The guide's Python
examples compile and run: each is executed, registered with pluggy against the specs, and its
hooks called (in a separate interpreter, so an example's ErrorCode enum stays out of this one)."""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from zhifa.core.hooks import Specs

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugin-hooks.md"
TEXT = GUIDE.read_text(encoding="utf-8")
HOOKS = sorted(name for name in vars(Specs) if name.startswith("zhifa_"))
SECTIONS = {m.group(1): m.group(0) for m in re.finditer(r"^## (zhifa_\w+)\(.*?(?=^## |\Z)", TEXT, re.S | re.M)}
BLOCKS = [
    (f"plugin-hooks.md:{TEXT[: m.start()].count(chr(10)) + 2}", m.group(1))
    for m in re.finditer(r"^```python\n(.*?)^```", TEXT, re.S | re.M)
]


def _signature(source: str) -> ast.FunctionDef | None:
    """The block as a documented signature: one `def zhifa_…(…) -> …:` whose body is `...`."""
    body = ast.parse(source).body
    if len(body) == 1 and isinstance(body[0], ast.FunctionDef) and body[0].name.startswith("zhifa_"):
        statements = body[0].body
        if len(statements) == 1 and isinstance(statements[0], ast.Expr) and getattr(statements[0].value, "value", None) is Ellipsis:
            return body[0]
    return None


EXAMPLES = [pytest.param(source, id=where) for where, source in BLOCKS if _signature(source) is None]


def _text(annotation: object) -> str | None:
    """An annotation as source text, normalised (core.hooks keeps them as strings)."""
    if annotation is inspect.Parameter.empty or annotation is None:
        return None
    source = annotation if isinstance(annotation, str) else ast.unparse(annotation)
    return ast.unparse(ast.parse(source, mode="eval"))


def test_the_guide_documents_exactly_the_hooks_of_the_specs():
    assert HOOKS, "no hooks found in core.hooks.Specs"
    assert sorted(SECTIONS) == HOOKS, "docs/plugin-hooks.md needs one `## zhifa_…(…)` section per hook, and none for a hook that is gone"


@pytest.mark.parametrize("hook", HOOKS)
def test_each_hooks_documented_signature_is_the_hookspecs(hook):
    section = SECTIONS.get(hook)
    assert section, f"docs/plugin-hooks.md has no section for {hook}"
    first = re.search(r"```python\n(.*?)```", section, re.S)
    documented = _signature(first.group(1)) if first else None
    assert documented is not None, f"the section of {hook} must open with its signature: def {hook}(self, …) -> …: ..."
    spec = inspect.signature(getattr(Specs, hook))
    args = documented.args
    assert not (args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg or args.defaults), f"{hook}: plain parameters only"
    assert documented.name == hook
    assert [(a.arg, _text(a.annotation)) for a in args.args] == [(p.name, _text(p.annotation)) for p in spec.parameters.values()]
    assert _text(documented.returns) == _text(spec.return_annotation)
    heading = section.splitlines()[0]
    assert heading == f"## {hook}({', '.join(p for p in spec.parameters if p != 'self')})"


def _test_names() -> set[str]:
    return {
        node.name
        for path in (ROOT / "tests").glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
    }


@pytest.mark.parametrize("hook", HOOKS)
def test_each_hook_has_a_test_named_after_it(hook):
    assert [name for name in _test_names() if hook in name], f"no test's name contains {hook}: add one to tests/test_hook_contract.py"


def test_the_core_calls_hooks_only_through_the_plugin_manager():
    manager = ROOT / "core" / "plugin_manager.py"
    source = manager.read_text(encoding="utf-8")
    assert [hook for hook in HOOKS if f'"{hook}"' not in source] == [], "a hook the plug-in manager never calls"
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("core", "schema", "plugins")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != manager and re.search(r"\.hook\.zhifa_|\bsubset_hook_caller\b|\._call_one\(|\.pm\.", path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "call hooks through PluginManager's methods, not pm.hook"


def test_the_readme_lists_every_hook_and_links_to_the_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The hooks") :].split("\n## ", 1)[0]
    assert "(docs/plugin-hooks.md)" in section
    assert [hook for hook in HOOKS if f"| `{hook}(" not in section] == []


@pytest.mark.parametrize("source", [pytest.param(s, id=w) for w, s in BLOCKS])
def test_every_python_block_of_the_guide_compiles(source):
    compile(source, str(GUIDE), "exec")


HARNESS = r"""
import asyncio, inspect, json, sys, types
import pluggy
from zhifa.core.hooks import PROJECT, CaseAction, CaseEvent, Specs

CASE = {"id": "c1", "case_number": "定综执罚〔2026〕1号", "domain": "forestry", "status": "proposed",
        "procedure": "general", "facts": {}, "fine_fen": 500000, "penalty_kinds": ["fine"]}
ARGS = {"settings": {}, "action": CaseAction("decide", CASE, {"fine_fen": 500000}),
        "event": CaseEvent("decide", "c1", CASE["case_number"], "ecology", {"fine_fen": 500000})}
problems = {}
for number, (where, source) in enumerate(json.load(sys.stdin)):
    try:
        module = sys.modules[f"guide_example_{number}"] = types.ModuleType(f"guide_example_{number}")
        module.__file__ = f"/nowhere/guide_example_{number}/__init__.py"
        exec(compile(source, where, "exec"), module.__dict__)
        plugin = module.plugin
        pm = pluggy.PluginManager(PROJECT)
        pm.add_hookspecs(Specs)
        pm.register(plugin)
        pm.check_pending()
        for hook in sorted((c.name for c in pm.get_hookcallers(plugin)), key=lambda h: h != "zhifa_configure"):
            caller = getattr(pm.hook, hook)
            for result in caller(**{name: ARGS[name] for name in caller.spec.argnames}):
                if inspect.isawaitable(result):
                    asyncio.run(result)
    except Exception as exc:
        problems[where] = f"{type(exc).__name__}: {exc}"
print(json.dumps(problems))
"""


@pytest.fixture(scope="module")
def example_problems() -> dict[str, str]:
    examples = [(p.id, p.values[0]) for p in EXAMPLES]
    done = subprocess.run([sys.executable, "-c", HARNESS], input=json.dumps(examples), capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_guide_has_an_example_per_hook():
    assert len(EXAMPLES) > len(HOOKS)
    for hook in HOOKS:
        assert re.search(rf"def {hook}\(", "".join(p.values[0] for p in EXAMPLES)), f"no example implements {hook}"


@pytest.mark.parametrize("source", EXAMPLES)
def test_every_example_of_the_guide_runs_as_a_plugin(example_problems, request, source):
    where = request.node.callspec.id
    assert where not in example_problems, example_problems.get(where)
