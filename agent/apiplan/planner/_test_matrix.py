"""The deliverable's test matrix: a test per error-map row, each operation's policy edge cases
(throttling, deadlines, schema drift) and the tests of how an asynchronous outcome is learned.
"""

from __future__ import annotations

from ..schemas import ErrorRow, Operation, RetryPolicy, TestCase, WorkingPlan
from ._common import (
    PlanInput,
    body_fields,
    effectively_required,
    grounded_like,
    grounding,
    method_name,
    response_header,
    snake_key,
    success_responses,
)
from ._plan import mock_for


def test_matrix(
    inp: PlanInput, rows: list[ErrorRow], policies: dict[str, RetryPolicy], plan: WorkingPlan
) -> list[TestCase]:
    mock = mock_for(plan.stack)
    tests: list[TestCase] = []
    for r in rows:
        op = inp.facts.operation(r.operation) if r.operation != "*" else None
        name = f"test_{method_name(op) if op else 'any_operation'}_{_slug(r.status)}"
        expect = ("Retried within the policy; then: " if r.retry else "Not retried. ") + r.action
        src = r.evidence[0] if r.evidence else None
        scenario = _SCENARIOS.get(r.status, f"The server answers {r.status}.")
        fixture = f"{mock}" + (
            f" answering {r.status} with a body built from {src.cite()}"
            if src and src.pointer
            else ""
        )
        tests.append(
            TestCase(
                name=name,
                operation=r.operation if r.operation != "*" else None,
                scenario=scenario,
                expect=expect,
                fixture=fixture,
                text=f"Covers error-map row {r.operation} {r.status}.",
                **grounded_like(r),
            )
        )
    for op in inp.operations:
        p = policies[op.key]
        m = method_name(op)
        ra = response_header(op, r"^retry-after$")
        ra_src = ra[1] if ra else None
        throttling = next((r for r in op.responses if r.status == "429"), None)
        t_src = throttling.source if throttling else None
        extra = [
            (
                f"test_{m}_429_with_retry_after",
                "429 with Retry-After: 2, then 2xx.",
                "Waits 2 s (fake clock), retries once, returns the result.",
                ra_src or t_src,
            ),
            (
                f"test_{m}_429_without_retry_after",
                "429 without Retry-After, then 2xx.",
                f"Waits a jittered backoff ≤ {p.backoff_cap_seconds:g} s, retries, returns the result.",
                t_src,
            ),
            (
                f"test_{m}_retry_after_above_ceiling",
                f"429 with Retry-After: {int(p.retry_after_ceiling_seconds * 10)}.",
                f"Does not wait beyond {p.retry_after_ceiling_seconds:g} s: raises RateLimitedError with the advised wait.",
                ra_src or t_src,
            ),
            (
                f"test_{m}_read_timeout",
                "The server accepts the request and never answers.",
                (
                    f"Read timeout after {p.timeouts.read_seconds:g} s; retried within the policy."
                    if p.idempotent
                    else f"Read timeout after {p.timeouts.read_seconds:g} s; NOT resent (non-idempotent); raises OutcomeUnknownError."
                ),
                None,
            ),
            (
                f"test_{m}_extra_response_field",
                "2xx body with one field the docs do not define.",
                "Succeeds; the unknown field is logged once and counted.",
                None,
            ),
            (
                f"test_{m}_missing_required_field",
                "2xx body without a field the docs mark required.",
                "Raises SchemaDriftError naming the field; counted.",
                None,
            ),
            (
                f"test_{m}_deadline",
                "Every attempt fails slowly.",
                f"Gives up by the {p.timeouts.total_deadline_seconds:g} s deadline with the last error.",
                None,
            ),
        ]
        nothing_required = not _required_response_fields(inp, op)
        for name, scenario, expect, src in extra:
            if name.endswith("_read_timeout"):
                continue  # the error map's timeout row or a goal test already covers it
            if name.endswith("_missing_required_field") and nothing_required:
                continue  # the docs mark no response field required: nothing to check
            if "429" in scenario or "Retry-After" in scenario:
                # Throttling is tested even where undocumented, but then says so.
                ground = grounding(
                    src,
                    assume=f"{op.key} documents no 429; throttling is tested because it can happen anyway",
                )
            else:
                ground = grounding(op.source)
            tests.append(
                TestCase(
                    name=name,
                    operation=op.key,
                    scenario=scenario,
                    expect=expect,
                    fixture=f"{mock} and a fake clock",
                    text=f"Edge case of {op.key}'s retry and validation policy.",
                    **ground,
                )
            )
    return tests


def _required_response_fields(inp: PlanInput, op: Operation) -> list[str]:
    """Paths of the fields the docs mark required in the first documented 2xx body."""
    ok = success_responses(op)
    return [f.path for f in effectively_required(body_fields(inp.facts, ok[0]))] if ok else []


_SCENARIOS = {
    "timeout": "The connection is refused or times out; separately, the server accepts the request and never answers.",
    "malformed body": "2xx with a truncated JSON body, and one with an unexpected media type.",
    "any status not listed": "The server answers a status the docs do not list (e.g. 418, then 599).",
    "any non-2xx": "The server answers 400, then 500, with a plain-text body.",
}


def _slug(status: str) -> str:
    s = status.lower().replace(" ", "_").replace(":", "")
    return "".join(c for c in s if c.isalnum() or c == "_")[:40]


def completion_tests(plan: WorkingPlan) -> list[TestCase]:
    """Per asynchronous operation: pending is not done, and the wait is bounded."""
    mock = mock_for(plan.stack)
    out: list[TestCase] = []
    for c in plan.completions:
        m = snake_key(c.operation)
        via = (
            f"{c.poll_operation} answers pending twice, then final"
            if c.poll_operation
            else f"the outcome arrives through {c.callback}"
            if c.callback
            else "nothing documented reports the final outcome"
        )
        bound = f"{c.max_wait_seconds:g} s" if c.max_wait_seconds else "the deadline"
        ground = grounded_like(c)
        out.append(
            TestCase(
                name=f"test_{m}_pending_is_not_done",
                operation=c.operation,
                scenario=f"{c.operation} is accepted; {via}.",
                expect="The caller sees pending until the final outcome, then the final outcome; "
                "a failed final outcome raises.",
                fixture=f"{mock} and a fake clock",
                text=f"Covers how the outcome of {c.operation} is learned.",
                **ground,
            )
        )
        out.append(
            TestCase(
                name=f"test_{m}_completion_gives_up",
                operation=c.operation,
                scenario=f"{c.operation} is accepted and never finishes.",
                expect=f"The client stops waiting after {bound} and reports the job as not finished.",
                fixture=f"{mock} and a fake clock",
                text=f"The wait for {c.operation} is bounded.",
                **ground,
            )
        )
    return out


__all__ = ["completion_tests", "test_matrix"]
