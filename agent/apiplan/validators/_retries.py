"""Rule 4: retries are capped, deadline-bound, Retry-After-capped, and only where safe."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, Finding
    from ._known import Known

_AMBIGUOUS = re.compile(r"read timeout|connection reset|^5\d\d|^500", re.I)
_NEVER_RETRY_4XX = re.compile(r"^4(?!08|25|29)\d\d\b")


def check_plan_retries(bp: Blueprint, known: Known) -> list[Finding]:
    out: list[Finding] = []
    for i, p in enumerate(bp.plan.retry_policies):
        where = f"plan.retry_policies[{i}]"
        op = known.operations.get(p.operation)
        src = op.source if op else None
        if p.max_attempts > 6:
            out.append(
                finding(
                    "unbounded-retry",
                    "medium",
                    f"{p.operation}: {p.max_attempts} attempts",
                    "cap attempts at 3-5; more rarely helps and multiplies load",
                    where,
                    src,
                )
            )
        if not p.timeouts.total_deadline_seconds:
            out.append(
                finding(
                    "unbounded-retry",
                    "high",
                    f"{p.operation}: retries without a total deadline",
                    "bound the whole policy by a deadline",
                    where,
                    src,
                )
            )
        if p.honour_retry_after and not p.retry_after_ceiling_seconds:
            out.append(
                finding(
                    "unbounded-retry",
                    "high",
                    f"{p.operation}: Retry-After honoured without a ceiling",
                    "cap the wait and give up beyond it",
                    where,
                    src,
                )
            )
        if p.retry_after_ceiling_seconds > p.timeouts.total_deadline_seconds:
            out.append(
                finding(
                    "unbounded-retry",
                    "low",
                    f"{p.operation}: Retry-After ceiling exceeds the deadline",
                    "keep the ceiling under the deadline",
                    where,
                    src,
                )
            )
        if not p.idempotent and not p.idempotency_key:
            # Retries the docs themselves advise are followed (and flagged in the text), not findings.
            bad = [r for r in p.retry_on if _AMBIGUOUS.search(r) and "the docs say retry" not in r]
            if bad:
                out.append(
                    finding(
                        "unbounded-retry",
                        "high",
                        f"{p.operation} is not idempotent yet retries {bad[0]!r}, which may duplicate it",
                        "retry only failures where the request was not acted on, or use an idempotency key",
                        where,
                        src,
                    )
                )
        for r in p.retry_on:
            if _NEVER_RETRY_4XX.match(r.strip()):
                out.append(
                    finding(
                        "unbounded-retry",
                        "high",
                        f"{p.operation} retries {r.split()[0]}, a client error",
                        "do not retry 4xx other than 408, 425 and 429",
                        where,
                        src,
                    )
                )
    return out
