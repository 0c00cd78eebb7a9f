"""Rule 2: every call path has connect and read timeouts and a total deadline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, Finding
    from ._known import Known


def check_plan_timeouts(bp: Blueprint, known: Known) -> list[Finding]:
    out: list[Finding] = []
    policies = {p.operation: (i, p) for i, p in enumerate(bp.plan.retry_policies)}
    for choice in bp.scope.selection:
        if choice.key not in policies:
            op = known.operations.get(choice.key)
            out.append(
                finding(
                    "missing-timeout",
                    "high",
                    f"{choice.key} has no retry policy and so no timeouts",
                    "add a policy with connect, read and total bounds",
                    "plan.retry_policies",
                    op.source if op else None,
                )
            )
            continue
        i, p = policies[choice.key]
        t = p.timeouts
        where = f"plan.retry_policies[{i}].timeouts"
        for name, value in (
            ("connect", t.connect_seconds),
            ("read", t.read_seconds),
            ("total deadline", t.total_deadline_seconds),
        ):
            if not value or value <= 0:
                out.append(
                    finding(
                        "missing-timeout",
                        "high",
                        f"{p.operation}: no {name} timeout",
                        f"set a finite {name} timeout",
                        where,
                    )
                )
        if (
            t.total_deadline_seconds
            and t.total_deadline_seconds < t.connect_seconds + t.read_seconds
        ):
            out.append(
                finding(
                    "missing-timeout",
                    "low",
                    f"{p.operation}: the deadline ({t.total_deadline_seconds:g} s) is shorter than one attempt",
                    "shorten the read timeout or lengthen the deadline",
                    where,
                )
            )
    return out
