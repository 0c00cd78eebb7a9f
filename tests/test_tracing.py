"""Tracing: nothing without configuration; with it, redacted spans and eval scores (against a
stand-in langfuse module, so no network)."""

from __future__ import annotations

import sys
import types
from typing import Any, ClassVar

import pytest

import apiplan
from apiplan._tracing import NoTracer, make_tracer

from .conftest import EXAMPLES, ROOT


class _Recorder:
    calls: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, **kw: Any) -> None:
        _Recorder.calls.append(("client", kw))

    def trace(self, **kw: Any) -> Any:
        _Recorder.calls.append(("trace", kw))

        class Trace:
            def span(self, **kw: Any) -> Any:
                _Recorder.calls.append(("span", kw))

                class Span:
                    def end(self, **kw: Any) -> None:
                        _Recorder.calls.append(("span.end", kw))

                return Span()

            def score(self, **kw: Any) -> None:
                _Recorder.calls.append(("score", kw))

        return Trace()

    def create_dataset(self, **kw: Any) -> None:
        _Recorder.calls.append(("dataset", kw))

    def create_dataset_item(self, **kw: Any) -> Any:
        _Recorder.calls.append(("item", kw))

        class Item:
            def link(self, trace: Any, run: str) -> None:
                _Recorder.calls.append(("link", run))

        return Item()

    def flush(self) -> None:
        _Recorder.calls.append(("flush", None))


@pytest.fixture
def fake_langfuse(monkeypatch: pytest.MonkeyPatch) -> type[_Recorder]:
    module = types.ModuleType("langfuse")
    module.Langfuse = _Recorder  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "langfuse", module)
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-test")
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-test-not-real")
    _Recorder.calls = []
    return _Recorder


def test_no_configuration_no_tracer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langfuse", None)  # importing it would fail loudly
    assert isinstance(make_tracer("x", {}), NoTracer)


def test_spans_are_redacted_and_flush_is_bounded(fake_langfuse: type[_Recorder]) -> None:
    tracer = make_tracer("apiplan.plan", {"goal": "use key sk_live_9aZ8bY7cX6dW5eV4fU3gT2hS"})
    span = tracer.span("scope", prompt="Authorization: Bearer Qw3Er5Ty7Ui9Op1As3Df5Gh7")
    span.end(output="ok")
    tracer.close()
    sent = repr(fake_langfuse.calls)
    assert "9aZ8bY7cX6dW5eV4fU3gT2hS" not in sent and "Qw3Er5Ty7Ui9Op1As3Df5Gh7" not in sent
    assert "[redacted:" in sent and ("flush", None) in fake_langfuse.calls


def test_eval_records_a_dataset_run_with_scores(
    fake_langfuse: type[_Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    from apiplan._eval import run_eval

    monkeypatch.chdir(ROOT)
    # The invented example case: it needs no corpus, so this runs without ../shared too.
    report = run_eval([ROOT / "examples" / "golden" / "parcelbox-label.yaml"])
    names = [kw["name"] for kind, kw in fake_langfuse.calls if kind == "score"]
    assert {"score", "selection_recall", "error_coverage", "invented", "leaks"} <= set(names)
    assert any(
        kind == "item" and kw["dataset_name"] == "apiplan-golden"
        for kind, kw in fake_langfuse.calls
    )
    assert any(kind == "link" for kind, _ in fake_langfuse.calls)
    assert report.cases[0].ok


def test_plan_with_llm_is_traced_offline_is_not(fake_langfuse: type[_Recorder]) -> None:
    apiplan.plan([EXAMPLES / "parcelbox-openapi.yaml"], goal="track a parcel")
    assert fake_langfuse.calls == []
