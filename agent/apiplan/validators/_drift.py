"""Rule 6 (plan side): the plan says how responses are validated and what happens to unknown
or missing fields."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, Finding
    from ._known import Known

_UNKNOWN = re.compile(r"unknown field", re.I)
_MISSING = re.compile(r"missing required|required field", re.I)


def check_plan_schema_drift(bp: Blueprint, known: Known) -> list[Finding]:
    out: list[Finding] = []
    for choice in bp.scope.selection:
        op = known.operations.get(choice.key)
        if op is None or not any(r.status.startswith("2") and r.body for r in op.responses):
            continue
        items = [
            v for v in bp.plan.validation if op.key in v.topic and v.topic.startswith("response")
        ]
        if not items:
            out.append(
                finding(
                    "schema-drift",
                    "medium",
                    f"{op.key}: the plan does not say how responses are validated",
                    "parse responses into models; say what happens to unknown and missing fields",
                    "plan.validation",
                    op.source,
                )
            )
            continue
        text = " ".join(i.text for i in items)
        if not _UNKNOWN.search(text) or not _MISSING.search(text):
            out.append(
                finding(
                    "schema-drift",
                    "medium",
                    f"{op.key}: the plan does not say what happens to unknown or missing fields",
                    "log and count unknown fields; raise on missing required ones",
                    "plan.validation",
                    op.source,
                )
            )
    return out
