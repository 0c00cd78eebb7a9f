"""The type checker runs on the package with the project's own configuration and finds nothing.

pyright's settings live in pyproject.toml ([tool.pyright]): standard mode on agent/apiplan,
unneeded ``type: ignore`` comments reported as errors, strict mode on the typed-through packages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow  # 20-60 s: pyright reads the package and its dependencies


def test_pyright_finds_no_error_in_the_package() -> None:
    pytest.importorskip("pyright", reason="pyright comes with the dev extras")
    if shutil.which("node") is None:
        # The wrapper would download Node.js instead, and tests never touch the network.
        pytest.skip("pyright needs Node.js, which is not installed here")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYRIGHT_PYTHON_IGNORE_WARNINGS"] = "1"  # no look-up of the newest version on PyPI
    result = subprocess.run(
        # The project's own settings, named: a pyrightconfig.json in a parent folder would win.
        [
            sys.executable,
            "-m",
            "pyright",
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "--project",
            str(ROOT / "pyproject.toml"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    shown = [
        f"{os.path.relpath(d['file'], ROOT)}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in errors
    ]
    assert not shown, "\n".join(shown)
    assert report["summary"]["filesAnalyzed"] >= 60, report[
        "summary"
    ]  # the package, not a stray folder
