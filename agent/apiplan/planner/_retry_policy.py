"""One operation's retry policy: what is retried, what never is, and the three bounds.

Safe to repeat means an idempotent method or documented idempotency (a key header or field);
the documented statuses, the docs' own retry advice and the time budget (``_budget``) decide the
rest, and a workflow's polling step adds its polling bounds. Every decision cites its evidence.
"""

from __future__ import annotations

from .._constants import BACKOFF_BASE_SECONDS, TRANSIENT_STATUSES
from ..schemas import Operation, RetryPolicy, Source, Timeouts
from ._budget import Budget, fit_budget
from ._common import (
    PlanInput,
    advice_for,
    grounding,
    idempotency_for,
    is_idempotent_method,
    response_header,
)
from ._dedup import dedup_plan
from ._outcomes import (
    POLL_FIRST_WAIT_SECONDS,
    POLL_INTERVAL_CAP_SECONDS,
    POLL_MAX_WAIT_SECONDS,
)


def _covers(documented: set[str], status: str) -> bool:
    return status in documented or f"{status[0]}XX" in documented


def _polling(inp: PlanInput, op: Operation) -> tuple[str, list[Source]]:
    """Bounds of polling, when the workflow uses ``op`` to learn an asynchronous outcome."""
    wf = inp.workflow
    step = (
        next((s for s in wf.steps if s.operation == op.key and s.role == "completion"), None)
        if wf
        else None
    )
    if step is None:
        return "", []
    limit = POLL_MAX_WAIT_SECONDS[inp.use]
    shown = (
        f"{limit / 3600:g} h"
        if limit >= 3600
        else f"{limit / 60:g} min"
        if limit >= 60
        else f"{limit:g} s"
    )
    text = (
        f" Polled as workflow step {step.order}: first check after {POLL_FIRST_WAIT_SECONDS:g} s, then "
        f"the wait doubles up to {POLL_INTERVAL_CAP_SECONDS:g} s between checks (or the documented "
        f"Retry-After), and polling stops after {shown} with the job reported as not finished; each "
        "check is one call under the bounds above."
    )
    return text, list(step.evidence[:2])


def _bounds_text(b: Budget, retry_after: tuple[str, Source] | None) -> str:
    """Attempts, waits and bounds in one sentence, then the reasoning in one line."""
    ra = (
        f"honour `{retry_after[0]}` (seconds or HTTP-date) up to {b.retry_after_ceiling:g} s, give up beyond"
        if retry_after
        else f"honour Retry-After if it appears (not documented here) up to {b.retry_after_ceiling:g} s"
    )
    fits = (
        f"fits the {b.deadline:g} s deadline"
        if b.worst <= b.deadline
        else f"exceeds the {b.deadline:g} s deadline, which ends the policy first: one attempt "
        "alone needs that long"
    )
    return (
        f"Up to {b.attempts} attempts, exponential backoff {BACKOFF_BASE_SECONDS:g} s doubling to "
        f"{b.backoff_cap:g} s with full jitter; {ra}. Bounds: connect {b.connect:g} s, read "
        f"{b.read:g} s per attempt, total deadline {b.deadline:g} s. Worst case {b.worst:g} s "
        f"{fits}. Why: {b.reason}."
    )


def retry_policy(inp: PlanInput, op: Operation) -> RetryPolicy:
    """Retry only what is safe, always with three bounds, from this operation's evidence."""
    facts = inp.facts
    documented = {r.status for r in op.responses}
    by_status = {r.status: r for r in op.responses}
    idem_ev = idempotency_for(facts, op)
    key_header = next((i.detail for i in idem_ev if i.kind == "header"), None)
    key_field = next((i.detail for i in idem_ev if i.kind == "field"), None)
    method_safe = is_idempotent_method(op)
    safe = method_safe or bool(idem_ev)
    retry_after = response_header(op, r"^retry-after$")
    sources: list[Source | None] = [op.source]
    retry_on: list[str] = ["connection error before the request was sent"]
    never: list[str] = []
    for status in (*TRANSIENT_STATUSES, "500"):
        advice = advice_for(facts, op, status)
        if status == "500" and not (_covers(documented, "500") or advice):
            continue
        doc_note = (
            "documented"
            if _covers(documented, status)
            else "not documented; standard transient status"
        )
        if advice is not None and advice.retry is False:
            never.append(f"{status} (the docs say not to retry)")
            sources.append(advice.source)
        elif advice is not None and advice.retry:
            caveat = "" if safe else "; without an idempotency key a duplicate is possible"
            retry_on.append(f"{status} ({doc_note}; the docs say retry{caveat})")
            sources.append(advice.source)
        elif safe or status == "429":
            why = "" if safe else ", the API refused the request before acting on it"
            retry_on.append(f"{status} ({doc_note}{why})")
        else:
            never.append(f"{status} (the request may have been acted on; reconcile instead)")
        if status in by_status:
            sources.append(by_status[status].source)
    network = advice_for(facts, op, "network")
    if safe or (network is not None and network.retry):
        retry_on.append(
            "read timeout or connection reset"
            + (" (the docs say retry network errors)" if network and network.retry else "")
        )
        if network is not None:
            sources.append(network.source)
    else:
        never.append("read timeout after sending (outcome unknown: reconcile, do not resend)")
    for r in op.responses:
        if r.status.startswith("4") and r.status not in ("408", "429") and r.status != "4XX":
            never.append(f"{r.status} (client error: retrying sends the same mistake)")
            sources.append(r.source)
    budget = fit_budget(inp, op, safe=safe)
    sources += budget.sources
    if retry_after:
        sources.append(retry_after[1])
    sources += [i.source for i in idem_ev]
    if method_safe:
        basis = f"{op.method} is idempotent (RFC 9110 §9.2.2)"
    elif key_header:
        basis = f"{op.method} is made safe to repeat with the documented `{key_header}` header: generate one key per logical operation, persist it with the job, reuse it on every retry"
    elif key_field:
        basis = f"{op.method} is made safe to repeat with the body field `{key_field}`: set it once per logical event, persist it, and send the same value on every retry"
    elif idem_ev:
        basis = f"the docs describe idempotent retries for {op.method}: {idem_ev[0].detail}"
    else:
        basis = f"{op.method} is not idempotent and the docs give no idempotency key, so only failures where the request was certainly not acted on are retried"
    text = f"{op.key}: {basis}. {_bounds_text(budget, retry_after)}"
    polling, poll_sources = _polling(inp, op)
    text += polling
    sources += poll_sources
    dedup = dedup_plan(inp, op)
    return RetryPolicy(
        text=text,
        operation=op.key,
        idempotent=safe,
        idempotency_key=key_header,
        retry_on=retry_on,
        never_retry=never,
        max_attempts=budget.attempts,
        backoff_base_seconds=BACKOFF_BASE_SECONDS,
        backoff_cap_seconds=budget.backoff_cap,
        jitter="full",
        honour_retry_after=True,
        retry_after_ceiling_seconds=budget.retry_after_ceiling,
        timeouts=Timeouts(
            connect_seconds=budget.connect,
            read_seconds=budget.read,
            total_deadline_seconds=budget.deadline,
        ),
        worst_case_seconds=budget.worst,
        budget_reason=budget.reason,
        dedup=dedup,
        **grounding(*sources),
    )


__all__ = ["retry_policy"]
