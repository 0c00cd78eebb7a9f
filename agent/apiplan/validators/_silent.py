"""Rule 5: no documented error without an action; errors in 200 bodies are inspected;
undocumented statuses are mapped to something."""

from __future__ import annotations

from ..schemas import Blueprint, Finding
from ._finding import finding
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
