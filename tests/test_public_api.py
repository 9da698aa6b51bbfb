"""The public helpers a plug-in may import (`zhifa.core.hooks.PUBLIC_API`): each exists, each is
documented in docs/plugin-hooks.md, and the built-in plug-ins, the example plug-in and the
scaffold's template import nothing else from zhifa."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from zhifa.core.hooks import PUBLIC_API
from zhifa.core.scaffold import plugin_files
from zhifa.schema import public

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "plugin-hooks.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `(zhifa\.[\w.]+)` \| `(\w+)` \| (.+) \|$", re.M)


def test_every_public_name_exists_and_schema_public_exports_exactly_its_list():
    for module, names in PUBLIC_API.items():
        loaded = importlib.import_module(module)
        assert [n for n in names if not hasattr(loaded, n)] == [], module
    assert sorted(public.__all__) == sorted(PUBLIC_API["zhifa.schema.public"])


def test_every_public_name_is_documented_and_nothing_else_is():
    documented = {(m, n) for m, n, what in ROW.findall(DOC) if what.strip()}
    declared = {(m, n) for m, names in PUBLIC_API.items() for n in names}
    assert declared - documented == set(), "undocumented public helpers"
    assert documented - declared == set(), "documented but not declared public"


def _imports(source: str) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("zhifa"):
            found += [(node.module, a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "*") for a in node.names if a.name.startswith("zhifa")]
    return found


def _sources() -> list[tuple[str, str]]:
    files = [*(ROOT / "plugins").rglob("*.py"), *(ROOT / "examples").rglob("*.py")]
    own = [(str(f.relative_to(ROOT)), f.read_text(encoding="utf-8")) for f in files]
    scaffold = [(f"scaffold:{name}", text) for name, text in plugin_files("sample", "示例").items() if name.endswith(".py")]
    return own + scaffold


def test_plugins_import_only_public_helpers():
    outside = {
        where: bad
        for where, source in _sources()
        if (bad := [f"{m}.{n}" for m, n in _imports(source) if not m.startswith("zhifa.plugins.") and n not in PUBLIC_API.get(m, ())])
    }
    assert outside == {}, f"plug-ins import what they may not: {outside}"


def test_the_check_catches_a_private_import():
    assert _imports("from zhifa.schema.kit.planner import Planner\n") == [("zhifa.schema.kit.planner", "Planner")]
    assert "Planner" not in PUBLIC_API.get("zhifa.schema.kit.planner", ())
