"""The rules applied to existing client code (observations from ``sources._code``).

Each function is the code half of one rule; the blueprint half lives in the rule's own module.
"""

from __future__ import annotations

from ..schemas import CodeFile, Finding, Source
from ._finding import finding


def _where(f: CodeFile, line: int | None) -> str:
    return f"{f.path}:{line}" if line else f.path


def code_timeouts(files: list[CodeFile]) -> list[Finding]:
    out: list[Finding] = []
    for f in files:
        for c in f.calls:
            what = f"{c.library}{'.' + c.method.lower() if c.method else ''} call"
            if c.timeout == "missing":
                out.append(
                    finding(
                        "missing-timeout",
                        "high",
                        f"{what} has no timeout: it can wait forever",
                        "pass timeout=(connect, read), e.g. timeout=(3.05, 15)",
                        _where(f, c.source.line),
                        c.source,
                    )
                )
            elif c.timeout == "none":
                out.append(
                    finding(
                        "missing-timeout",
                        "high",
                        f"{what} passes timeout=None: it can wait forever",
                        "pass a finite timeout",
                        _where(f, c.source.line),
                        c.source,
                    )
                )
            elif c.timeout == "parameter":
                out.append(
                    finding(
                        "missing-timeout",
                        "medium",
                        f"{what} takes its timeout ({c.timeout_value}) from a caller or setting that defaults to None",
                        "default the timeout to a finite value instead of None",
                        _where(f, c.source.line),
                        c.source,
                    )
                )
    return out


def code_secrets(files: list[CodeFile]) -> list[Finding]:
    out: list[Finding] = []
    for f in files:
        for s in f.secrets:
            name = f" in `{s.name}`" if s.name else ""
            out.append(
                finding(
                    "secret-exposure",
                    "high",
                    f"hard-coded {s.kind}{name} ({s.masked})",
                    "read it from the environment or a secret store; rotate the exposed value",
                    _where(f, s.source.line),
                    s.source,
                )
            )
        for log in f.logs:
            if "token" in log.carries or "headers" in log.carries:
                out.append(
                    finding(
                        "secret-exposure",
                        "high",
                        f"{log.call} writes {', '.join(log.carries)} (may carry credentials)",
                        "log only redacted fields; never headers or tokens",
                        _where(f, log.source.line),
                        log.source,
                    )
                )
            elif "body" in log.carries:
                out.append(
                    finding(
                        "secret-exposure",
                        "low",
                        f"{log.call} writes a response or request body",
                        "log a redacted, truncated excerpt instead",
                        _where(f, log.source.line),
                        log.source,
                    )
                )
    return out


def code_retries(files: list[CodeFile]) -> list[Finding]:
    out: list[Finding] = []
    for f in files:
        for r in f.retries:
            where = _where(f, r.source.line)
            if not r.capped and not r.deadline:
                out.append(
                    finding(
                        "unbounded-retry",
                        "high",
                        f"retry {r.kind} has no attempt cap and no deadline"
                        + (f" (retries {', '.join(r.statuses)})" if r.statuses else ""),
                        "cap attempts (3-5) and bound the total time",
                        where,
                        r.source,
                    )
                )
            if r.honours_retry_after and not r.retry_after_ceiling:
                out.append(
                    finding(
                        "unbounded-retry",
                        "medium",
                        "sleeps for whatever Retry-After/retry_after says, with no ceiling",
                        "cap the wait (e.g. 60 s) and give up beyond it",
                        where,
                        r.source,
                    )
                )
            if any(s.startswith("5") for s in r.statuses) and not r.methods_checked:
                out.append(
                    finding(
                        "unbounded-retry",
                        "medium",
                        "retries 5xx without checking that the request is safe to repeat",
                        "retry 5xx only for idempotent methods or with an idempotency key",
                        where,
                        r.source,
                    )
                )
    return out


def code_unread(files: list[CodeFile]) -> list[Finding]:
    """A file the reader could not (fully) read: a gate must not pass what it did not check."""
    return [
        finding(
            "silent-failure",
            "high",
            f"could not check this file: {warning}",
            "fix the file so that it parses (or split it), then run the check again",
            f.path,
            Source(document=f.path),
        )
        for f in files
        for warning in f.warnings
    ]


def code_fall_throughs(files: list[CodeFile]) -> list[Finding]:
    """Retry loops that end their function on an unexpected status: the caller gets None."""
    return [
        finding(
            "silent-failure",
            "high",
            f"`{ft.function}` returns None when its retry loop (`while {ft.loop_test}`) ends on "
            "a status it does not handle: the caller gets no response and no error",
            "after the loop, raise an error that names the last status (or return the last "
            "response so that the caller checks it)",
            _where(f, ft.source.line),
            ft.source,
        )
        for f in files
        for ft in f.fall_throughs
    ]


def code_silent_failures(files: list[CodeFile]) -> list[Finding]:
    """Swallowed exceptions, unchecked statuses, and files that could not be read at all."""
    out: list[Finding] = code_unread(files) + code_fall_throughs(files)
    for f in files:
        for h in f.handlers:
            if h.swallowed:
                out.append(
                    finding(
                        "silent-failure",
                        "high" if h.bare else "medium",
                        "exception swallowed"
                        + (" by a bare/broad except with pass" if h.bare else ""),
                        "log it with context and re-raise, or handle the specific error",
                        _where(f, h.source.line),
                        h.source,
                    )
                )
        for c in f.calls:
            if c.json_unchecked:
                out.append(
                    finding(
                        "silent-failure",
                        "medium",
                        "`.json()` is read from a response whose status was not checked",
                        "call raise_for_status() (or check the status) before parsing",
                        _where(f, c.source.line),
                        c.source,
                    )
                )
            elif not c.status_checked and c.library not in ("curl",):
                out.append(
                    finding(
                        "silent-failure",
                        "medium",
                        "the response status is never checked",
                        "check the status (raise_for_status) and map errors",
                        _where(f, c.source.line),
                        c.source,
                    )
                )
    return out
