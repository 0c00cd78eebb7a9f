"""Bounded time on hostile and oversized input: the figures the tests once asserted on the clock.

Tests check what happens (a one-line error, the operation found); how long it takes depends on
the machine and its load, so it is measured here, each case against the bound it must stay
under:

- a 40,000-section prose page read in full (bound 30 s);
- a 1 MB one-line prose page read in its beginning (10 s);
- a sentence repeated 3,000 times on a page, kept as one fact with every source (20 s);
- a client file with 5,000 calls read (8 s; 35 s when each call looked at the whole scope);
- every hostile document of the tests (alias bombs, deep nesting, binary, ...) refused (5 s);
- a long YAML string aliased thousands of times refused (5 s);
- a 50 MiB file refused before it is read (1 s).

The inputs are the tests' own (invented) ones, imported from ``tests/``.

    python benchmarks/bounded.py
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_hostile_inputs import HOSTILE_DOCUMENTS, _aliased_string_spec  # noqa: E402
from tests.test_ingest_traps import HOSTILE  # noqa: E402

from apiplan import DocumentError, load_facts  # noqa: E402
from apiplan.sources._code import read_code  # noqa: E402

_SECTION = "## Section\n\nSome text about `GET /items` and limits of 10 requests per second.\n\n"


def seconds(fn: Callable[[], object]) -> float:
    """Wall time of ``fn``; a DocumentError is the expected outcome of a hostile case."""
    start = time.perf_counter()
    with contextlib.suppress(DocumentError):
        fn()
    return time.perf_counter() - start


def cases(tmp: Path) -> list[tuple[str, float, Callable[[], object]]]:
    """(name, bound in seconds, what to time)."""
    out: list[tuple[str, float, Callable[[], object]]] = []
    page = tmp / "big.md"
    page.write_text(_SECTION * 40_000, encoding="utf-8")
    out.append(("prose page, 40,000 sections", 30.0, lambda: load_facts([page])))
    words = "GET /api/v1/x rate limit 100 requests per minute following endpoint: all endpoints "
    oneline = tmp / "oneline.md"
    oneline.write_text("# T\n\n" + words * (1_000_000 // len(words)) + "\n", encoding="utf-8")
    out.append(("prose page, one 1 MB line", 10.0, lambda: load_facts([oneline])))
    sentence = "Requests are rate limited to 100 requests per minute per account."
    repeat = tmp / "repeat.md"
    repeat.write_text(
        "# Limits\n\n" + "\n\n".join([sentence] * 3000) + "\n\n## GET /v1/items\n\nItems.\n",
        encoding="utf-8",
    )
    out.append(("prose sentence repeated 3,000 times", 20.0, lambda: load_facts([repeat])))
    calls = ["import requests", "", "def sync():"]
    for i in range(5000):
        calls += [
            f"    r = requests.get('https://api.example/{i}', timeout=5)",
            "    r.raise_for_status()",
        ]
    code = tmp / "many.py"
    code.write_text("\n".join(calls) + "\n", encoding="utf-8")
    out.append(("client code, 5,000 calls", 8.0, lambda: read_code([code])))
    for name, (content, _) in sorted(HOSTILE.items()):
        path = tmp / (name + (".json" if name.endswith("json") else ".yaml"))
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        out.append((f"hostile {name}", 5.0, lambda path=path: load_facts([path])))
    for name, (file_name, content, _) in sorted(HOSTILE_DOCUMENTS.items()):
        if "\x00" in file_name:
            continue  # a name no file can have: nothing is read
        path = tmp / name / file_name
        path.parent.mkdir()
        path.write_bytes(content)
        out.append((f"hostile {name}", 5.0, lambda path=path: load_facts([path])))
    aliased = tmp / "aliased.yaml"
    aliased.write_text(_aliased_string_spec(3 * 1024 * 1024, 6000), encoding="utf-8")
    out.append(("long string aliased 6,000 times", 5.0, lambda: load_facts([aliased])))
    huge = tmp / "huge.json"
    with huge.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    out.append(("50 MiB file refused", 1.0, lambda: load_facts([huge])))
    return out


def main() -> None:
    over = 0
    print(f"{'case':45} {'seconds':>8} {'bound':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, bound, fn in cases(Path(tmp)):
            took = seconds(fn)
            over += took > bound
            print(f"{name:45} {took:8.2f} {bound:6.0f}{'  OVER' if took > bound else ''}")
    print(f"{over} over their bound")


if __name__ == "__main__":
    main()
