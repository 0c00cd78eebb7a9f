"""Tracing to langfuse, only when its environment variables are set; otherwise nothing at all
(no import, no network). Everything sent is redacted first; flushing is bounded in time."""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any

from pydantic import BaseModel

from ._constants import TRACE_FLUSH_SECONDS
from ._secrets import redact
from ._text import strip_controls


class NoTracer:
    """The default: records nothing."""

    enabled = False

    def span(self, name: str, **data: Any) -> _NoSpan:
        return _NoSpan()

    def score(self, name: str, value: float) -> None:
        return None

    def link_dataset(
        self, dataset: str, item_id: str, case_input: dict[str, Any], run_name: str
    ) -> None:
        return None

    def close(self) -> None:
        return None


class _NoSpan:
    def end(self, **data: Any) -> None:
        return None


def _clean(value: Any) -> Any:
    """What a trace may hold: strings redacted (keys too), containers walked, models dumped."""
    if isinstance(value, str):
        return redact(strip_controls(value))
    if isinstance(value, dict):
        return {_clean(k) if isinstance(k, str) else k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    if isinstance(value, BaseModel):
        return _clean(value.model_dump(mode="json"))
    return value


class LangfuseTracer:
    """One trace per blueprint, one span per phase (v2 and v3 SDKs)."""

    enabled = True

    def __init__(self, name: str, metadata: dict[str, Any]) -> None:
        # The optional extra apiplan[langfuse]: not installed where the types are checked.
        from langfuse import Langfuse  # pyright: ignore[reportMissingImports]

        self._client = Langfuse(timeout=int(TRACE_FLUSH_SECONDS))
        self._trace = None
        if hasattr(self._client, "trace"):  # v2
            self._trace = self._client.trace(name=name, metadata=_clean(metadata))

    def span(self, name: str, **data: Any) -> Any:
        if self._trace is not None:
            return _V2Span(self._trace.span(name=name, input=_clean(data)))
        if hasattr(self._client, "start_span"):  # v3
            return _V3Span(self._client.start_span(name=name, input=_clean(data)))
        return _NoSpan()

    def score(self, name: str, value: float) -> None:
        """A numeric score on this trace (eval metrics)."""
        if self._trace is not None and hasattr(self._trace, "score"):
            self._trace.score(name=name, value=value)
        elif hasattr(self._client, "create_score"):
            self._client.create_score(name=name, value=value)

    def link_dataset(
        self, dataset: str, item_id: str, case_input: dict[str, Any], run_name: str
    ) -> None:
        """Record this trace as a run of a dataset item (created when missing)."""
        client = self._client
        if not hasattr(client, "create_dataset_item") or self._trace is None:
            return
        # An existing dataset makes langfuse answer with an error: that is the expected case.
        with contextlib.suppress(Exception):
            client.create_dataset(name=dataset)
        item = client.create_dataset_item(
            dataset_name=dataset, id=item_id, input=_clean(case_input)
        )
        if hasattr(item, "link"):
            item.link(self._trace, run_name)

    def close(self) -> None:
        # flush() may block on the network: give it a bounded time in a daemon thread.
        t = threading.Thread(target=self._client.flush, daemon=True)
        t.start()
        t.join(TRACE_FLUSH_SECONDS)


class _V2Span:
    def __init__(self, span: Any) -> None:
        self._span = span

    def end(self, **data: Any) -> None:
        self._span.end(
            output=_clean(data.get("output")),
            metadata=_clean({k: v for k, v in data.items() if k != "output"}),
        )


class _V3Span:
    def __init__(self, span: Any) -> None:
        self._span = span

    def end(self, **data: Any) -> None:
        self._span.update(
            output=_clean(data.get("output")),
            metadata=_clean({k: v for k, v in data.items() if k != "output"}),
        )
        self._span.end()


def make_tracer(name: str, metadata: dict[str, Any]) -> NoTracer | LangfuseTracer:
    """A langfuse tracer when LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are set, else a no-op."""
    if not (os.environ.get("LANGFUSE_PUBLIC_KEY") and os.environ.get("LANGFUSE_SECRET_KEY")):
        return NoTracer()
    try:
        return LangfuseTracer(name, metadata)
    except ImportError:
        from .exceptions import UsageError

        raise UsageError(
            "LANGFUSE_* is set but langfuse is not installed: pip install 'apiplan[langfuse]'"
        ) from None
