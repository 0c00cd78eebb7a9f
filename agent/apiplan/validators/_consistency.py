"""Rule plan-consistency: the retry table, the error-map rows and the tests state one policy.

Three disagreements are caught: an operation marked safe to repeat whose server-error row still
hedges ("retry only if safe"); a read timeout retried by the policy but "not resent" in a test (or
the reverse); a test of a required response field where the contract marks none required.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, Finding, RetryPolicy, TestCase
    from ._known import Known

_HEDGE = re.compile(r"retry only if (the operation is )?safe", re.I)
_READ_TIMEOUT = re.compile(r"read timeout", re.I)
_NOT_RESENT = re.compile(r"\bnot resen[dt]\b|\bdo not resend\b", re.I)
_RESENT = re.compile(r"\bretried within the policy\b", re.I)
_REQUIRED_FIELD_TEST = "_missing_required_field"


def check_plan_consistency(bp: Blueprint, known: Known) -> list[Finding]:
    tests = bp.plan.tests + bp.deliverable.test_matrix
    out: list[Finding] = []
    for p in bp.plan.retry_policies:
        op = known.operations.get(p.operation)
        src = op.source if op else None
        out += [
            finding("plan-consistency", "medium", msg, fix, where, src)
            for msg, fix, where in _hedged_rows(bp, p) + _timeout_tests(p, tests)
        ]
    out += _required_field_tests(bp, tests, known)
    return out


def _hedged_rows(bp: Blueprint, p: RetryPolicy) -> list[tuple[str, str, str]]:
    """A safe operation's error row that leaves the retry decision open."""
    if not (p.idempotent or p.idempotency_key):
        return []
    return [
        (
            f"{p.operation} is marked safe to repeat, but its {r.status} row says "
            f"{hedge.group(0)!r}",
            "state the decision the retry policy already took (retried within the policy)",
            f"deliverable.error_map[{i}]",
        )
        for i, r in enumerate(bp.deliverable.error_map)
        if r.operation == p.operation and (hedge := _HEDGE.search(r.action))
    ]


def _timeout_tests(p: RetryPolicy, tests: list[TestCase]) -> list[tuple[str, str, str]]:
    """A read timeout retried in the policy and 'not resent' in a test, or the reverse."""
    retried = any(_READ_TIMEOUT.search(r) for r in p.retry_on)
    out: list[tuple[str, str, str]] = []
    for t in tests:
        if t.operation != p.operation or "timeout" not in t.name:
            continue
        said = f"{t.scenario} {t.expect}"
        if retried and _NOT_RESENT.search(t.expect) and _READ_TIMEOUT.search(said):
            out.append(
                (
                    f"{p.operation}: the retry policy retries a read timeout, but {t.name} expects it not resent",
                    "make the test and the policy agree (a read timeout on a call that is not safe to repeat is not resent)",
                    f"test {t.name}",
                )
            )
        elif not retried and _RESENT.search(t.expect) and not _NOT_RESENT.search(t.expect):
            out.append(
                (
                    f"{p.operation}: {t.name} expects the timeout retried, but the retry policy does not retry a read timeout",
                    "make the test and the policy agree",
                    f"test {t.name}",
                )
            )
    return out


def _required_field_tests(bp: Blueprint, tests: list[TestCase], known: Known) -> list[Finding]:
    """A missing-required-field test where the contract marks no response field required."""
    none_required = {
        ep.operation
        for ep in bp.scope.endpoints
        if ep.response and not ep.omitted_fields and not any(f.required for f in ep.response)
    }
    out: list[Finding] = []
    for t in tests:
        if t.operation in none_required and t.name.endswith(_REQUIRED_FIELD_TEST):
            op = known.operations.get(t.operation)
            out.append(
                finding(
                    "plan-consistency",
                    "low",
                    f"{t.name} tests a required response field, but the contract of {t.operation} marks none required",
                    "drop the test, or name the field the docs mark required",
                    f"test {t.name}",
                    op.source if op else None,
                )
            )
    return out
