"""Lint and format are part of the test run, so CI enforces them with the README's command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> str:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is a dev dependency and must be installed")
    return found


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(args: list[str]) -> None:
    # The whole tree: what is not ours to lint (evals/seeded) is excluded in pyproject.toml.
    result = subprocess.run(
        [_ruff(), *args, "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_our_own_code_passes_our_own_risk_check() -> None:
    """Practise what we preach: apiplan's rules find nothing in apiplan."""
    import apiplan
    from apiplan.validators import check

    files = sorted((ROOT / "agent" / "apiplan").rglob("*.py"))
    findings = check(apiplan.load_facts([], code=files), docs=False).findings
    assert findings == [], [f"{f.location}: {f.message}" for f in findings]
