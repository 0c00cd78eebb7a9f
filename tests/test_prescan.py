"""The scans a console check runs in a child process: the same positions and secret findings
as the parent's own scans, no secret value on the pipe, and the parent scanning by itself
whenever the child fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apiplan.cli._app import main
from apiplan.sources import JsonPositions
from apiplan.validators import Prescan, _prescan

# Invented values, built in pieces so that no credential-shaped literal sits in the source.
_KEY = "sk_live_" + "Zq8Lw3Rt6Yp1Xc4Vb7Nm2Kd"
_OTHER = "sk_live_" + "Ab9Cd8Ef7Gh6Ij5Kl4Mn3Op"


def _spec(tmp_path: Path, operations: int = 400) -> Path:
    """An invented OpenAPI spec, about 100 KB per 400 operations, with two keys in examples."""
    paths = {
        f"/widgets{i}": {
            "get": {
                "summary": f"Read widget {i}",
                "responses": {"200": {"description": "The widget, with its fields listed."}},
            }
        }
        for i in range(operations)
    }
    paths["/keys"] = {
        "get": {
            "description": f"Authenticate with `Authorization: Bearer {_KEY}` (a live key).",
            "responses": {"200": {"description": f"Rotated; the old one was {_OTHER}."}},
        }
    }
    spec = {"openapi": "3.0.3", "info": {"title": "Widgets (invented)", "version": "1"}}
    path = tmp_path / "widgets.json"
    path.write_text(json.dumps({**spec, "paths": paths}, indent=2), encoding="utf-8")
    return path


_PROBE = Path(__file__).with_name("prescan_probe.py")


@pytest.mark.parametrize(
    "scenario", ["same", "lines", "two", "pipe", "failing", "failing_positions", "deadline"]
)
def test_forked_scan(tmp_path: Path, scenario: str) -> None:
    """same: the child finds what the parent would (positions, secrets); lines: facts cite
    the same lines from the child's positions, of one document or two; pipe: no secret value
    crosses the pipe;
    failing, failing_positions: a failing child leaves the scans to the parent; deadline: a
    child past the deadline is stopped and reaped (each in a fresh interpreter)."""
    spec = _spec(tmp_path)
    run = subprocess.run(
        [sys.executable, str(_PROBE), scenario, str(spec), _KEY, _OTHER],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    if run.stdout.startswith("SKIP"):
        pytest.skip(run.stdout.strip())
    assert run.stdout.strip() == "OK", run.stdout + run.stderr


def _no_fork() -> int:
    raise AssertionError("forked where it must not")


def test_documents_under_or_over_the_sizes_do_not_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = _spec(tmp_path)
    size = spec.stat().st_size
    monkeypatch.setattr(_prescan, "_may_fork", lambda: True)  # whatever this machine is
    monkeypatch.setattr(_prescan.os, "fork", _no_fork)
    assert Prescan.start([str(spec)], min_bytes=size + 1) is None  # too little to gain
    monkeypatch.setattr(_prescan, "PRESCAN_MAX_BYTES", size - 1)
    assert Prescan.start([str(spec)], min_bytes=0) is None  # a second copy would weigh
    assert Prescan.start([]) is None


@pytest.mark.parametrize("command", ["check", "facts"])
def test_the_console_run_forks_and_prints_what_the_in_process_run_prints(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    spec = _spec(tmp_path, operations=1200)  # over PRESCAN_MIN_BYTES
    assert spec.stat().st_size >= _prescan.PRESCAN_MIN_BYTES
    # The console run, with a probe that counts the parent's own scans of the document.
    probe = (
        "import os, sys, runpy\n"
        "from apiplan.sources import _document\n"
        "from apiplan.validators import _docs_rules, _prescan\n"
        "sys.stderr.write(f'MAY-FORK {_prescan._may_fork()}\\n')\n"
        "parent = os.getpid()\n"
        "def counted(real, what):\n"
        "    def run(*args):\n"
        "        if os.getpid() == parent:\n"
        "            sys.stderr.write(f'PARENT-{what}\\n')\n"
        "        return real(*args)\n"
        "    return run\n"
        "_docs_rules.document_secrets = counted(_docs_rules.document_secrets, 'SECRETS')\n"
        "_document.scan_json_positions = counted(_document.scan_json_positions, 'POSITIONS')\n"
        "sys.argv = ['apiplan', sys.argv[2], sys.argv[1], '-f', 'json']\n"
        "runpy.run_module('apiplan', run_name='__main__')\n"
    )
    console = subprocess.run(
        [sys.executable, "-c", probe, str(spec), command],
        capture_output=True,
        text=True,
        timeout=120,
    )

    monkeypatch.setattr(_prescan.os, "fork", _no_fork)  # main(argv) runs inside a program
    with pytest.raises(SystemExit):
        main([command, str(spec), "-f", "json"])
    in_process = capsys.readouterr().out
    assert console.stdout == in_process
    assert ('"secret-exposure"' if command == "check" else '"line": ') in in_process
    assert "MAY-FORK" in console.stderr
    if "MAY-FORK True" in console.stderr:  # the child's positions and findings were used
        assert "PARENT-" not in console.stderr, console.stderr


@pytest.mark.parametrize(
    "frame",
    [
        b"not json\n",
        b'[["a.json", "00", "i", 1, 0]]\n' + b"\0" * 8,  # a list of documents, not one
        b'["a.json", "00", "i", 2, 0]\n' + b"\0" * 12,  # arrays shorter than their count
        b'["a.json", "00", "i", 1, 5]\n' + b"\0" * 8,  # root past the arrays
        b'["a.json", "00", "Z", 1, 0]\n' + b"\0" * 8,  # not an array type code
        b'["a.json", "00", "i", -1, -1]\n',  # a negative count
        b'["a.json", "00", "i", 1, 0]\n' + b"\0" * 9,  # bytes left over
    ],
)
def test_a_positions_frame_not_of_our_shape_is_refused(frame: bytes) -> None:
    assert _prescan._positions(frame) is None


def test_a_positions_frame_reads_back() -> None:
    from array import array

    flat, kids = array("i", [2, 0, 7]), array("i", [-1, -1, -1])
    frame = b'["a.json", "ab", "i", 3, 0]\n' + flat.tobytes() + kids.tobytes()
    assert _prescan._positions(frame) == ("a.json", ("ab", (flat, kids, 0)))


def test_lines_cited_from_positions_scanned_elsewhere_are_the_same(tmp_path: Path) -> None:
    # Without a fork: positions given by name and SHA-256, missing, or of another text.
    from apiplan.render import to_json
    from apiplan.sources import load_facts, scan_file_positions

    spec = _spec(tmp_path, operations=40)
    expected = to_json(load_facts([spec]))
    scanned = scan_file_positions(str(spec))
    assert scanned is not None
    sha, positions = scanned
    asked: list[tuple[str, str]] = []

    def given(path: str, digest: str) -> JsonPositions | None:
        asked.append((path, digest))
        return positions if digest == sha else None

    assert to_json(load_facts([spec], positions=given)) == expected
    assert asked == [(str(spec), sha)]
    assert to_json(load_facts([spec], positions=lambda path, digest: None)) == expected
    assert expected.count('"line": ') > 40  # a line for every operation and more
