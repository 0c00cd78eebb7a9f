"""The console command ends as soon as its output is flushed (no interpreter teardown); called
in-process with arguments, ``main`` still ends in an ordinary ``SystemExit``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apiplan.cli import main

from .conftest import EXAMPLES

SPEC = EXAMPLES / "parcelbox-openapi.yaml"


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apiplan", *args], capture_output=True, text=True, timeout=120
    )


def test_the_console_command_flushes_everything_and_keeps_its_exit_status(
    tmp_path: Path,
) -> None:
    done = _console("facts", str(SPEC))
    assert done.returncode == 0
    assert json.loads(done.stdout)["kind"] == "apiplan.facts"  # complete, not cut short
    code = tmp_path / "client.py"
    code.write_text(
        "import requests\n\ndef get(url):\n    return requests.get(url, timeout=None)\n",
        encoding="utf-8",
    )
    done = _console("check", "--code", str(code), "--fail-on", "medium", "-f", "json")
    assert done.returncode == 1 and json.loads(done.stdout)["findings"]
    done = _console("check", str(tmp_path / "missing.yaml"))
    assert done.returncode == 2 and done.stderr.startswith("apiplan: error: ")
    assert "Traceback" not in done.stderr


def test_main_with_arguments_raises_system_exit_in_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["facts", str(SPEC)])
    assert exc.value.code == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "apiplan.facts"


def test_a_profiled_console_run_still_writes_its_profile(tmp_path: Path) -> None:
    out = tmp_path / "run.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "apiplan", "facts", str(SPEC)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["kind"] == "apiplan.facts"
    assert out.stat().st_size > 0  # the profiler got to write after the program ended
