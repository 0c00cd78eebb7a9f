"""The goal's core guarantees as the first tests of the matrix: each says in one line the one
thing it asserts, derived from the plan's repeat safety, reconciliation and completion parts."""

from __future__ import annotations

from ..schemas import DedupPlan, RetryPolicy, TestCase, WorkingPlan
from ._common import Grounding, PlanInput, grounding, method_name, snake_key
from ._plan import mock_for


def _ground(p: RetryPolicy, *extra: DedupPlan | None) -> Grounding:
    evidence = [s for c in extra if c is not None for s in c.evidence] or list(p.evidence)
    return grounding(*evidence[:3], assume="test design")


def _key_reuse(p: RetryPolicy, m: str, mock: str) -> TestCase | None:
    if not p.idempotency_key or not any("read timeout" in r for r in p.retry_on):
        return None
    key = p.idempotency_key
    return TestCase(
        name=f"test_{m}_timeout_retry_reuses_{_ident(key)}",
        operation=p.operation,
        scenario="The first attempt times out after the server acted; the retry is answered 2xx.",
        expect=f"Both attempts carry the same `{key}` value.",
        fixture=f"{mock} recording request headers",
        text=f"A retry after a timeout reuses the same `{key}`, so the server acts once.",
        **_ground(p, p.dedup),
    )


def _rerun(p: RetryPolicy, m: str, mock: str) -> TestCase | None:
    d = p.dedup
    if d is None or d.location == "header":
        return None
    return TestCase(
        name=f"test_{m}_rerun_sends_the_same_{_ident(d.field)}",
        operation=p.operation,
        scenario="The same job runs twice over the same input items.",
        expect=f"Each item carries the same `{d.field}` value in both runs.",
        fixture=f"{mock} recording request bodies",
        text=f"Re-running the job creates no duplicates: `{d.field}` is derived, never generated per run.",
        **_ground(p, d),
    )


def _lookup_first(p: RetryPolicy, m: str, mock: str) -> TestCase | None:
    d = p.dedup
    if d is None or not d.reconcile_operation or p.idempotent:
        return None
    return TestCase(
        name=f"test_{m}_unknown_outcome_is_looked_up_first",
        operation=p.operation,
        scenario=f"{p.operation} answers 5xx; {d.reconcile_operation} then finds the item.",
        expect=f"{d.reconcile_operation} is called by `{d.field}` and nothing is resent.",
        fixture=f"{mock} counting requests per operation",
        text=f"A call whose outcome is unknown is looked up by `{d.field}` before anything is resent.",
        **_ground(p, d),
    )


def _sent_once(p: RetryPolicy, m: str, mock: str) -> TestCase | None:
    if p.idempotent or not any("read timeout" in r for r in p.never_retry):
        return None
    return TestCase(
        name=f"test_{m}_unknown_outcome_sends_once",
        operation=p.operation,
        scenario="The server accepts the request and never answers.",
        expect="Exactly one request reaches the server.",
        fixture=f"{mock} counting requests",
        text=f"{p.operation} is not safe to repeat, so an unknown outcome never becomes a duplicate.",
        **_ground(p),
    )


def _ident(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


def goal_tests(inp: PlanInput, plan: WorkingPlan) -> list[TestCase]:
    """The guarantees the goal rests on, first: one request per logical action, no duplicates on
    re-run, a lookup before a resend."""
    mock = mock_for(plan.stack)
    out: list[TestCase] = []
    for p in plan.retry_policies:
        op = inp.facts.operation(p.operation)
        m = method_name(op) if op else snake_key(p.operation)
        for make in (_key_reuse, _rerun, _lookup_first, _sent_once):
            if (t := make(p, m, mock)) is not None:
                out.append(t)
    return out
