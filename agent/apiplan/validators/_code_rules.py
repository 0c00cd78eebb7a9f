"""The rules applied to existing client code (observations from ``sources._code``).

Each function is the code half of one rule; the blueprint half lives in the rule's own module.
"""

from __future__ import annotations

from ..schemas import CodeFile, Facts, Finding, LogStatement, Operation, Source
from ._code_ops import bodiless_success, operations_for, sensitive_response_fields
from ._finding import finding

# Fields named in one message; the rest are counted.
_NAMED = 5


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


def code_secrets(files: list[CodeFile], facts: Facts | None = None) -> list[Finding]:
    """Hard-coded credentials, and logs that write credentials or bodies. A logged body
    matters when the documented body of the call can hold a credential or personal data;
    otherwise the file's body logs are one grouped, low note."""
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
        bodies: list[LogStatement] = []
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
                bodies.append(log)
        out += _body_logs(f, bodies, facts)
    return out


def _body_logs(f: CodeFile, logs: list[LogStatement], facts: Facts | None) -> list[Finding]:
    if not logs:
        return []
    logs = sorted(logs, key=lambda log: log.source.line or 0)
    ops = _file_operations(f, facts)
    fields = sensitive_response_fields(facts, ops) if facts is not None else []
    if fields:
        named = ", ".join(f"`{p}`" for p in fields[:_NAMED]) + (
            f" and {len(fields) - _NAMED} more" if len(fields) > _NAMED else ""
        )
        keys = ", ".join(o.key for o in ops[:3]) + (" ..." if len(ops) > 3 else "")
        return [
            finding(
                "secret-exposure",
                "medium",
                f"{log.call} writes a response or request body, and the documented body of "
                f"{keys} holds credentials or personal data ({named})",
                "log the status and an id only, or a redacted excerpt without those fields",
                _where(f, log.source.line),
                log.source,
            )
            for log in logs
        ]
    lines = ", ".join(str(log.source.line) for log in logs if log.source.line)
    if ops:
        why = "the documented bodies of its calls hold no credential or personal data"
    elif facts is not None and facts.operations:
        why = "its calls match no documented operation, so what the body holds is unknown"
    else:
        why = "give the spec to tell whether they can hold credentials or personal data"
    first = logs[0]
    count = f"{len(logs)} log calls write" if len(logs) > 1 else f"{first.call} writes"
    return [
        finding(
            "secret-exposure",
            "low",
            f"{count} a response or request body (line {lines}); {why}",
            "log a truncated excerpt; redact it if the API may put personal data in it",
            _where(f, first.source.line),
            first.source,
        )
    ]


def _file_operations(f: CodeFile, facts: Facts | None) -> list[Operation]:
    """The documented operations the file's calls stand for."""
    if facts is None or not facts.operations:
        return []
    found: dict[str, Operation] = {}
    for c in f.calls:
        for op in operations_for(c.method, c.url, facts.operations):
            found[op.key] = op
    return list(found.values())


def code_empty_bodies(files: list[CodeFile], facts: Facts | None = None) -> list[Finding]:
    """A response body parsed as JSON where it can be empty: the parse raises on a success."""
    out: list[Finding] = []
    ops = facts.operations if facts is not None else []
    for f in files:
        for p in f.parses:
            if p.guarded:
                continue
            what = f"`{'json.loads' if p.how == 'json.loads' else p.response + '.json()'}`"
            where = _where(f, p.source.line)
            if p.accepts_empty:
                out.append(
                    finding(
                        "silent-failure",
                        "high",
                        f"{what} parses the body of `{p.response}` after the code accepts "
                        f"{' and '.join(p.accepts_empty)} as success, which has no body: the "
                        "parse raises on a call that succeeded",
                        "parse only when the body is not empty (check the status or the content "
                        "first) and treat a bodiless success as success",
                        where,
                        p.source,
                    )
                )
                continue
            for op in operations_for(p.method, p.url, ops):
                status = bodiless_success(op)
                if status is None:
                    continue
                out.append(
                    finding(
                        "silent-failure",
                        "medium",
                        f"{what} parses the body of `{p.response}`, and {op.key} documents a "
                        f"{status} without a body: the parse raises on that success",
                        f"check for {status} (or an empty body) before parsing",
                        where,
                        p.source,
                    )
                )
                break
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
