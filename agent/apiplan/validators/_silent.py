"""Rule 5: no documented error without an action; errors in 200 bodies are inspected;
undocumented statuses are mapped to something."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, BodyOutcome, ErrorRow, Finding
    from ._known import Known


def check_plan_silent_failures(bp: Blueprint, known: Known) -> list[Finding]:
    out: list[Finding] = []
    rows = bp.deliverable.error_map
    for choice in bp.scope.selection:
        op = known.operations.get(choice.key)
        if op is None:
            continue
        mapped = {r.status for r in rows if r.operation == op.key and r.action.strip()}
        for resp in [*op.responses, *known.facts.api_responses]:
            if resp.status.startswith(("1", "2", "3")):
                continue
            if resp.status not in mapped:
                out.append(
                    finding(
                        "silent-failure",
                        "high",
                        f"{op.key}: documented {resp.status} has no action",
                        "add an error-map row with a class and an action",
                        "deliverable.error_map",
                        resp.source,
                    )
                )
        for resp in op.responses:
            fields = known.facts.body_fields(resp.body)
            flag = next(
                (f for f in fields if f.path in ("ok", "success") and f.type == "boolean"), None
            )
            if flag and not any(
                r.operation == op.key and r.error_class == "error-in-body" for r in rows
            ):
                out.append(
                    finding(
                        "silent-failure",
                        "high",
                        f"{op.key} reports errors inside a {resp.status} body (`{flag.path}`) and the plan does not check it",
                        f"check `{flag.path}` on every response before using it",
                        "deliverable.error_map",
                        flag.source,
                    )
                )
                break
    out += _body_outcomes(bp, known) + _completions(bp, known)
    if bp.scope.selection and not any(r.error_class == "undocumented" for r in rows):
        out.append(
            finding(
                "silent-failure",
                "medium",
                "statuses the docs do not list are mapped to nothing",
                "add a row for undocumented statuses: log, count, raise",
                "deliverable.error_map",
            )
        )
    return out


_DUE = ("accepted", "pending-status", "callback", "text")
"""Async markers that make the outcome come later (a job id alone does not)."""


def _covers(r: ErrorRow, o: BodyOutcome) -> bool:
    return (
        r.operation == o.operation
        and r.error_class == "error-in-body"
        and (r.body_field == o.field or o.field in r.status)
    )


def _body_outcomes(bp: Blueprint, known: Known) -> list[Finding]:
    """A 2xx whose body can say failed (or a 4xx that lists failed items) needs its own row."""
    selected = {c.key for c in bp.scope.selection}
    rows = bp.deliverable.error_map
    out: list[Finding] = []
    for o in known.facts.body_outcomes:
        if o.operation not in selected or any(_covers(r, o) for r in rows):
            continue
        if o.kind == "enum" and not o.failure_values:
            continue  # pending-only statuses are the completion's business
        out.append(
            finding(
                "silent-failure",
                "high",
                f"{o.operation}: a {o.status} can carry a failure in `{o.field}` and the plan "
                "treats the status as success",
                f"add an error-map row for `{o.field}` (class error-in-body) and a test for it",
                "deliverable.error_map",
                o.source,
            )
        )
    return out


def _completions(bp: Blueprint, known: Known) -> list[Finding]:
    """An operation that finishes later must say how its final outcome is learned."""
    done = {c.operation for c in bp.plan.completions}
    out: list[Finding] = []
    for choice in bp.scope.selection:
        marker = next(
            (m for m in known.facts.async_markers if m.operation == choice.key and m.kind in _DUE),
            None,
        )
        if marker is not None and choice.key not in done:
            out.append(
                finding(
                    "silent-failure",
                    "high",
                    f"{choice.key} finishes later ({marker.kind}: {marker.detail[:80]}) and the "
                    "plan does not say how its final outcome is learned",
                    "add a completion: the operation polled (with bounds) or the callback, and "
                    "what the caller sees until then",
                    "plan.completions",
                    marker.source,
                )
            )
    return out
