"""Library reads go through the bounded reader: a FIFO, a device or an oversized file named as a
document or a golden case gives a one-line error (or is skipped), never a hang or a huge read."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

import apiplan
from apiplan.exceptions import UsageError

from .conftest import EXAMPLES

T = TypeVar("T")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _within(seconds: float, fn: Callable[[], T]) -> T:
    """fn's result or exception, failing the test (not hanging it) when it blocks."""
    out: list[T] = []
    raised: list[BaseException] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:
            raised.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "blocked: read a FIFO without the bounded reader"
    if raised:
        raise raised[0]
    return out[0]


@needs_fifo
def test_docs_secret_scan_reports_a_document_swapped_for_a_fifo(tmp_path: Path) -> None:
    from apiplan.validators import check_docs

    doc = tmp_path / "spec.yaml"
    shutil.copy(EXAMPLES / "parcelbox-openapi.yaml", doc)
    facts = apiplan.load_facts([doc])
    doc.unlink()
    os.mkfifo(doc)  # no writer: a plain open() would wait for one forever
    findings = _within(10, lambda: check_docs(facts))
    assert isinstance(findings, list)
    about = [f for f in findings if f.rule == "secret-exposure" and str(doc) in f.location]
    assert len(about) == 1 and "was not scanned" in about[0].message  # never blocks, never silent


@needs_fifo
def test_a_golden_case_that_is_a_fifo_is_refused_in_one_line(tmp_path: Path) -> None:
    from apiplan._eval_cases import load_case

    case = tmp_path / "case.yaml"
    os.mkfifo(case)
    with pytest.raises(UsageError) as info:
        _within(10, lambda: load_case(case))
    assert "cannot read golden case" in str(info.value) and "\n" not in str(info.value)


def test_an_oversized_golden_case_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apiplan import _constants
    from apiplan._eval_cases import load_case

    monkeypatch.setattr(_constants, "MAX_DOCUMENT_BYTES", 64)
    case = tmp_path / "case.yaml"
    case.write_text("goal: list pets\ndocs: [spec.yaml]\nexpect: {}\n" + "# padding\n" * 20)
    with pytest.raises(UsageError, match="limit per document"):
        load_case(case)
