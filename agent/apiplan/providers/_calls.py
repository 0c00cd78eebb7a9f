"""One model call under its bounds, and what its failure means.

The call runs in a daemon thread (a call abandoned at the deadline never delays the exit); a 429
or 5xx is resent after its Retry-After (capped), anything else is not; a failure is told in a few
words a user can act on, with the validation errors instructor kept, credentials redacted.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

from .._secrets import redact

T = TypeVar("T")

# The longest Retry-After honoured, and the wait when a 429/5xx names none.
_RETRY_AFTER_CAP_SECONDS = 30.0
_RETRY_BASE_SECONDS = 0.5


class PhaseDeadline(Exception):
    """The phase's wall-clock deadline passed (the worker thread is abandoned; its socket times out)."""


def run_in_daemon(fn: Callable[[], T], *, name: str) -> concurrent.futures.Future[T]:
    """Run ``fn`` in a daemon thread: a call abandoned at the deadline never delays the exit
    (a pool's worker thread is joined at interpreter exit, however long its socket waits)."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            result = fn()
        except BaseException as exc:  # handed to the caller, who re-raises it, through the future
            future.set_exception(exc)
            return
        future.set_result(result)

    threading.Thread(target=work, name=name, daemon=True).start()
    return future


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes (instructor wraps the SDK's error in its own)."""
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out and len(out) < 8:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def _status_of(exc: BaseException) -> int | None:
    for e in _chain(exc):
        status = getattr(e, "status_code", None)
        if isinstance(status, int):
            return status
    return None


def retry_wait(exc: BaseException, attempt: int) -> float | None:
    """Seconds to wait before resending after a 429 or 5xx (Retry-After when given, capped);
    None for anything else: a timeout, a refused connection or an invalid answer is not resent."""
    status = _status_of(exc)
    if status is None or not (status == 429 or status >= 500):
        return None
    for e in _chain(exc):
        response = getattr(e, "response", None)
        headers = getattr(response, "headers", None)
        value = headers.get("retry-after") if headers is not None else None
        if value:
            with contextlib.suppress(ValueError):
                return min(max(float(value), 0.0), _RETRY_AFTER_CAP_SECONDS)
    return float(min(_RETRY_BASE_SECONDS * 2**attempt, _RETRY_AFTER_CAP_SECONDS))


def failure_reason(exc: BaseException, max_reasks: int) -> str:
    """Why a phase failed, in a few words a user can act on."""
    if isinstance(exc, PhaseDeadline):
        return "deadline"
    names = {type(e).__name__ for e in _chain(exc)}
    if "IncompleteOutputException" in names:
        return "cut off at the length limit"
    if names & {"APITimeoutError", "ReadTimeout", "TimeoutException", "ConnectTimeout"}:
        return "connection: timed out"
    if names & {"APIConnectionError", "ConnectError", "RemoteProtocolError"}:
        return "connection: no answer from the server"
    status = _status_of(exc)
    if status is not None:
        return f"HTTP {status}"
    if getattr(exc, "failed_attempts", None):
        return f"invalid after {max_reasks} re-asks"
    return type(exc).__name__


def errors_of(exc: BaseException) -> list[str]:
    """The last validation errors (instructor keeps them) or the transport error, one line each."""
    out: list[str] = []
    # instructor's retry error keeps each failed attempt (an object with ``exception``).
    failed: list[object] = getattr(exc, "failed_attempts", None) or []
    for attempt in failed[-3:]:
        e = getattr(attempt, "exception", None)
        if e is not None:
            out.append(" ".join(str(e).split())[:400])
    if not out:
        text = " ".join(str(exc).split())[:400] or type(exc).__name__
        out.append(f"{type(exc).__name__}: {text}")
    return [redact(e) for e in out]
