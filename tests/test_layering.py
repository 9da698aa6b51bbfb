"""The layering contracts in .importlinter hold (core stands alone; CLI and HTTP over the root,
the root over the domain packages, the domains over the kit; domains independent apart from the
listed edges). import-linter reads the installed packages, so this is the real import graph."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    done = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "3 kept, 0 broken" in done.stdout
