"""Scenarios of the forked document scans, each run by ``test_prescan`` in a fresh interpreter.

A test process may hold threads other tests left (local servers, abandoned LLM calls), and the
scan never forks then; a fresh interpreter has none. Prints ``OK`` when the scenario holds,
``SKIP <why>`` when this machine does not fork for the scan; fails with an assertion otherwise.

    python tests/prescan_probe.py SCENARIO SPEC
"""

from __future__ import annotations

import sys
import time

from apiplan.render import to_json
from apiplan.sources import documents_reused, load_facts, scan_file_positions
from apiplan.validators import Prescan, _prescan, check
from apiplan.validators._docs_rules import document_secrets


def _started(*paths: str) -> Prescan:
    prescan = Prescan.start(paths, min_bytes=0)
    if prescan is None:
        print("SKIP this machine does not fork for the scan (one core, or not Linux)")
        sys.exit(0)
    return prescan


def same(spec: str) -> None:
    expected = document_secrets(spec)
    assert len(expected) == 2, expected  # both invented keys, told apart
    scanned = scan_file_positions(spec)
    assert scanned is not None
    sha, positions = scanned
    with _started(spec) as prescan:
        assert prescan.positions(spec, "0" * 64) is None  # another text: scanned here
        assert prescan.positions(spec, sha) == positions
        assert prescan(spec) == expected
        assert prescan("elsewhere.json") is None  # not scanned there: the rule scans it


def lines(spec: str) -> None:
    expected = to_json(load_facts([spec]))
    with _started(spec) as prescan:
        facts = load_facts([spec], positions=prescan.positions)
    assert to_json(facts) == expected  # every line cited from the child's positions


def pipe(spec: str, keys: list[str]) -> None:
    seen: list[bytes] = []
    real_read = _prescan.os.read

    def read(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        seen.append(chunk)
        return chunk

    _prescan.os.read = read  # type: ignore[assignment]
    with _started(spec) as prescan:
        assert prescan(spec)
    answer = b"".join(seen)
    assert answer.count(b"secret-exposure") == 2, answer[:200]  # these bytes are the answer
    assert not any(k.encode() in answer for k in keys)


def two(spec: str) -> None:
    other = spec.replace(".json", "-two.json")
    with open(spec, encoding="utf-8") as f:
        text = f.read().replace("Widgets (invented)", "Other widgets (invented)")
    with open(other, "w", encoding="utf-8") as f:
        f.write(text.replace('"/widgets', '"/other'))
    expected = to_json(load_facts([spec, other]))
    with _started(spec, other) as prescan:
        facts = load_facts([spec, other], positions=prescan.positions)
        assert prescan(other) == document_secrets(other)
    assert to_json(facts) == expected  # each document's lines from its own frame


def failing(spec: str) -> None:
    def broken(path: str) -> list[object]:
        raise RuntimeError("a bug in the child")

    expected = to_json(load_facts([spec]))
    _prescan.document_secrets = broken  # type: ignore[assignment]
    with _started(spec) as prescan:
        with documents_reused():
            facts = load_facts([spec], positions=prescan.positions)
        assert prescan(spec) is None
        findings = check(facts, scanned=prescan).findings
    assert to_json(facts) == expected  # the positions came before the failure
    assert sum(f.rule == "secret-exposure" for f in findings) == 2  # scanned by the parent


def failing_positions(spec: str) -> None:
    def broken(path: str) -> None:
        raise RuntimeError("a bug in the child")

    expected = to_json(load_facts([spec]))
    _prescan.scan_file_positions = broken  # type: ignore[assignment]
    with _started(spec) as prescan:
        facts = load_facts([spec], positions=prescan.positions)
        assert prescan(spec) is None
    assert to_json(facts) == expected  # scanned by the parent


def deadline(spec: str) -> None:
    def stuck(path: str) -> list[object]:
        time.sleep(60)
        return []

    _prescan.document_secrets = stuck  # type: ignore[assignment]
    _prescan.PRESCAN_DEADLINE_SECONDS = 0.5  # type: ignore[misc]
    started = time.monotonic()
    with _started(spec) as prescan:
        pid = prescan._pid
        assert prescan(spec) is None
    assert time.monotonic() - started < 30
    assert pid is not None
    try:
        _prescan.os.waitpid(pid, 0)
    except ChildProcessError:
        return  # killed and reaped: no zombie left behind
    raise AssertionError("the child was not reaped")


if __name__ == "__main__":
    scenario, spec, *keys = sys.argv[1:]
    if scenario == "pipe":
        pipe(spec, keys)
    else:
        scenarios = {
            "same": same,
            "lines": lines,
            "two": two,
            "failing": failing,
            "failing_positions": failing_positions,
            "deadline": deadline,
        }
        scenarios[scenario](spec)
    print("OK")
