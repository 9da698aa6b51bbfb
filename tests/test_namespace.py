"""One import namespace: zhifa installs only `zhifa.*`, so a deployment's other packages cannot
collide with its folders (the PyPI package `schema` is installed beside it by the test extras on
purpose), and a plug-in written against the old top-level names gets a clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zhifa.core.plugin_manager import PluginError, PluginManager, PluginsConfig
from conftest import pip_installed

PROBE = """
import importlib.util, schema, zhifa.schema.http.app, zhifa.core.hooks
assert hasattr(schema, "Schema") and "site-packages" in schema.__file__, schema.__file__  # PyPI's package
assert schema.Schema(int).validate(3) == 3
for old in ("core", "plugins", "migrations"):
    assert importlib.util.find_spec(old) is None, old
print("ok", zhifa.schema.http.app.__file__)
"""


def test_the_pypi_package_named_schema_lives_beside_zhifa(tmp_path):
    """Run from a neutral folder: the current directory must not stand in for an installed package."""
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ") and done.stdout.strip().endswith(str(Path("schema") / "http" / "app.py"))


def test_the_zhifa_command_runs_beside_it(tmp_path):
    done = subprocess.run([str(Path(sys.executable).parent / "zhifa"), "plugins", "list"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "market" in done.stdout and "ecology" in done.stdout


def test_a_plugin_on_the_old_import_path_is_told_the_new_one(tmp_path):
    project = tmp_path / "old-style"
    (project / "old_style").mkdir(parents=True)
    (project / "old_style" / "__init__.py").write_text("from core.hooks import hookimpl\nplugin = object()\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "old-style"\nversion = "1.0"\n'
        '[project.entry-points."zhifa.plugins"]\nold = "old_style:plugin"\n'
        '[tool.setuptools]\npackages = ["old_style"]\n'
    )
    with pip_installed(tmp_path / "site", [project], ("old_style",)):
        with pytest.raises(PluginError) as refused:
            PluginManager(PluginsConfig(("old",))).load()
    message = str(refused.value)
    assert "插件 old" in message and "No module named 'core'" in message and "`from zhifa.core.…`" in message
