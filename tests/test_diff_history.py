"""`apiplan diff` on real version pairs of public specs, against the breaking changes listed by
reading each diff (the facts live in benchmarks/diff.py; the specs are read from a local mirror
of their repositories and never stored here). Skipped when no mirror is present."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "_diff_benchmark", ROOT / "benchmarks" / "diff.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
# The small specs only: the PagerDuty REST and Discord pairs take seconds each (run the benchmark).
FAST = [p for p in BENCH.PAIRS if "REST" not in p.path and "discord" not in p.repo]


@pytest.mark.parametrize("pair", FAST, ids=lambda p: f"{p.repo}:{p.old}-{p.new}")
def test_every_true_breaking_change_and_no_false_alarm(pair: Any) -> None:
    git_dir = BENCH._mirror(pair.repo)
    if git_dir is None:
        pytest.skip(f"no mirror of {pair.repo}")
    s = BENCH.score(pair, git_dir)
    assert s.missed == [] and s.false_positives == []
    assert s.found == s.of == len(pair.truth)


def test_findings_are_read_back_as_facts() -> None:
    from apiplan.schemas import Finding

    def f(location: str, message: str) -> Finding:
        return Finding(
            rule="schema-drift", severity="high", message=message, fix="x", location=location
        )

    assert BENCH.fact_of(f("GET /a", "GET /a was removed")) == ("GET /a", "removed", "")
    got = BENCH.fact_of(f("POST /a", "POST /a: new required request field `b.c`"))
    assert got == ("POST /a", "new-required-field", "b.c")
    got = BENCH.fact_of(f("GET /a", "GET /a: response field `x[].y` (200) was removed"))
    assert got == ("GET /a", "response-field-removed", "x[].y")
