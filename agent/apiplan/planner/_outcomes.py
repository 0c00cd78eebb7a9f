"""Outcomes the status code does not tell: fields of a 2xx body that say failed or not yet, and
asynchronous completion (how the final outcome is learned, within which bounds).

Both read typed facts (``Facts.body_outcomes``, ``Facts.async_markers``) derived from the schemas
by ``sources._signals``; nothing here knows one API.
"""

from __future__ import annotations

from ..schemas import AsyncMarker, BodyOutcome, Completion, ErrorRow, Operation, Source
from ._common import PlanInput, grounding, quoted, row

POLL_FIRST_WAIT_SECONDS = 2.0
"""First status check of an asynchronous job: sooner rarely finds it done and spends rate limit."""
POLL_INTERVAL_CAP_SECONDS = 30.0
"""Longest wait between two status checks: a finished job is noticed within half a minute."""
POLL_MAX_WAIT_SECONDS = {
    "interactive": 30.0,
    "default": 600.0,
    "batch": 86_400.0,
    "alerting": 600.0,
}
"""How long a job is awaited before the client gives up and reports it as not finished: a user
waiting on a screen will not wait longer than half a minute; a batch job may take a day."""
VALUES_SHOWN = 8
"""Enum values listed in one row; the citation holds the rest."""
_OWN_FLAG_ROW = ("ok", "success")
"""Top-level `ok`/`success` booleans keep their own row (the error field's codes are listed there)."""


def outcomes_for(inp: PlanInput, op: Operation) -> list[BodyOutcome]:
    return [o for o in inp.facts.body_outcomes if o.operation == op.key]


def _values(values: list[str]) -> str:
    shown = ", ".join(values[:VALUES_SHOWN])
    return shown + (" …" if len(values) > VALUES_SHOWN else "")


def _row_for(op: Operation, o: BodyOutcome, log: list[str]) -> ErrorRow:
    where = "each item's " if o.per_item else ""
    if o.kind == "flag":
        status = f"{o.status} with {o.field}: false"
        action = (
            f"Check {where}`{o.field}` on every {o.status} before using it; false means the call "
            "did not do what was asked: raise ApiError (per item: report the item as failed). "
            f"Never treat HTTP {o.status} as success alone."
        )
    elif o.kind == "failed-items":
        status = f"{o.status} with {o.field}"
        action = (
            f"Partial success: the items in `{o.field}` were not accepted while the rest were. "
            "Report each failed item with its reason, resend only those after fixing them, and "
            "never resend the whole batch."
        )
    else:
        bad = f"{_values(o.failure_values)} means failed" if o.failure_values else ""
        wait = f"{_values(o.pending_values)} means not final yet" if o.pending_values else ""
        status = f"{o.status} with {o.field}: " + ", ".join(
            [*o.failure_values[:VALUES_SHOWN], *o.pending_values[:VALUES_SHOWN]]
        )
        action = (
            f"Read {where}`{o.field}` on every {o.status}: "
            + "; ".join(x for x in (bad, wait) if x)
            + ". A failed value raises ApiError (per item: that item is reported as failed); a "
            "pending value is not success: return it as pending and learn the final outcome."
        )
    return row(
        op.key,
        status,
        "error-in-body",
        action,
        False,
        list(dict.fromkeys([*log, o.field])),
        f"{op.key} reports its outcome inside the {o.status} body (`{o.field}`).",
        o.source,
    ).model_copy(update={"body_field": o.field})


def outcome_rows(inp: PlanInput, op: Operation, log: list[str]) -> list[ErrorRow]:
    """Error-map rows for outcome fields, except the top-level ok/success flag (its own row)."""
    rows: list[ErrorRow] = []
    for o in outcomes_for(inp, op):
        if o.kind == "flag" and o.field in _OWN_FLAG_ROW:
            continue
        rows.append(_row_for(op, o, log))
    return rows


def markers_for(inp: PlanInput, op: Operation) -> list[AsyncMarker]:
    return [m for m in inp.facts.async_markers if m.operation == op.key]


def _completion_due(markers: list[AsyncMarker]) -> bool:
    """A 202, a pending status, a callback or the docs' words make the outcome come later; a job
    id alone does not (many synchronous calls return an id)."""
    return any(m.kind in ("accepted", "pending-status", "callback", "text") for m in markers)


def _poll_operation(inp: PlanInput, op: Operation) -> Operation | None:
    wf = inp.workflow
    if wf is not None:
        mine = next((s for s in wf.steps if s.operation == op.key), None)
        for s in wf.steps:
            if s.role == "completion" and mine is not None and s.order > mine.order:
                found = inp.facts.operation(s.operation)
                if found is not None:
                    return found
    # Otherwise the GET of the item the call creates (one id deeper; the path's file suffix
    # kept, as in '/Messages.json' -> '/Messages/{Sid}.json'), then the same path.
    base, dot, suffix = op.path.rstrip("/").rpartition("/")[2].partition(".")
    stem = op.path.rstrip("/")[: len(op.path.rstrip("/")) - len(dot + suffix)]
    gets = [c for c in inp.facts.operations if c.method == "GET" and not c.deprecated]
    for cand in gets:
        rest = cand.path.removeprefix(stem + "/")
        if cand.path != rest and rest.startswith("{") and rest.count("/") == 0 and base:
            return cand
    return next((c for c in gets if c.path == op.path), None)


def _shown(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"


def completion(inp: PlanInput, op: Operation) -> Completion | None:
    """How the final outcome of ``op`` is learned, or None when its answer is the outcome."""
    markers = markers_for(inp, op)
    if not _completion_due(markers):
        return None
    why = "; ".join(f"{m.kind}: {quoted(m.detail)}" for m in markers[:3])
    sources: list[Source | None] = [m.source for m in markers[:4]]
    pending = next((o for o in outcomes_for(inp, op) if o.pending_values), None)
    until = (
        f"until then the caller gets the item as pending (`{pending.field}` "
        f"{_values(pending.pending_values)}), never as done"
        if pending
        else "until then the caller gets the job as accepted, not done: nothing downstream may "
        "treat it as finished"
    )
    callback = next((m for m in markers if m.kind == "callback"), None)
    webhook = inp.facts.webhooks[0] if inp.facts.webhooks else None
    poll = _poll_operation(inp, op)
    limit = POLL_MAX_WAIT_SECONDS[inp.use]
    if poll is not None:
        text = (
            f"{op.key} finishes later ({why}). Learn the outcome by polling {poll.key}: first check "
            f"after {POLL_FIRST_WAIT_SECONDS:g} s, then the wait doubles up to "
            f"{POLL_INTERVAL_CAP_SECONDS:g} s (or the documented Retry-After), and polling stops "
            f"after {_shown(limit)} with the job reported as not finished; {until}."
        )
        if callback is not None:
            text += f" The request can also name a callback URL in `{callback.detail}`."
        return Completion(
            text=text, operation=op.key, mechanism="poll", poll_operation=poll.key,
            first_wait_seconds=POLL_FIRST_WAIT_SECONDS,
            interval_cap_seconds=POLL_INTERVAL_CAP_SECONDS, max_wait_seconds=limit,
            callback=callback.detail if callback else None, until_then=until,
            **grounding(*sources, poll.source),
        )  # fmt: skip
    if callback is not None or webhook is not None:
        # The request's callback field, else the webhook (one of them is there).
        target = callback.detail if callback is not None else webhook.name if webhook else ""
        via = f"the callback URL in `{target}`" if callback else f"the `{target}` webhook"
        text = (
            f"{op.key} finishes later ({why}). apiplan found no operation to poll; the outcome "
            f"arrives through {via}. apiplan found no documented way to authenticate it: accept "
            "only HTTPS, verify any signature the API owner documents, and match it to the job by "
            f"its id; if it has not arrived after {_shown(limit)}, report the job as not "
            f"finished; {until}."
        )
        mech = "callback" if callback else "webhook"
        return Completion(
            text=text, operation=op.key, mechanism=mech, max_wait_seconds=limit,
            callback=target, until_then=until,
            **grounding(*sources, webhook.source if webhook and not callback else None),
        )  # fmt: skip
    text = (
        f"{op.key} finishes later ({why}). apiplan found no operation or callback that reports the "
        f"final outcome: ask the API owner how it is learned; {until}."
    )
    return Completion(
        text=text, operation=op.key, mechanism="unknown", until_then=until,
        **grounding(*sources),
    )  # fmt: skip


__all__ = ["completion", "outcome_rows", "outcomes_for"]
