"""Rule 1: everything a blueprint names must be in the facts, or sit in an assumption.

Structured fields are checked exactly (operation keys, field specs, statuses, idempotency
headers); the text of every evidenced claim is scanned for `backticked` names and
'METHOD /path' mentions, so that a field named only in prose is caught too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..schemas import Finding, Scope, walk_claims
from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, Deliverable, WorkingPlan
    from ._known import Known

_BACKTICK = re.compile(r"`([^`\n]{1,80})`")
_ENDPOINT = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(/[^\s`'\"),;]*)")
# Names we propose ourselves (modules, functions, exception classes) are code, not API facts.
_OURS = re.compile(r"(\.py|\(\))$|Error$|^test_|^\d+(\.\d+)?\s*s$|^\[redacted")


def _known_path(known: Known, path: str) -> bool:
    """A documented endpoint path (exact template, or the same path with other param names)."""
    path = path.rstrip(".:")
    if any(op.path == path for op in known.operations.values()):
        return True
    shape = re.sub(r"\{[^}]*\}", "{}", path)
    return any(re.sub(r"\{[^}]*\}", "{}", op.path) == shape for op in known.operations.values())


class _Flags:
    def __init__(self) -> None:
        self.out: list[Finding] = []

    def __call__(self, where: str, what: str) -> None:
        self.out.append(
            finding(
                "undocumented-field",
                "high",
                f"{what} is not in the documents",
                "remove it, or move it into an assumption with its reason",
                where,
            )
        )


def _scope(scope: Scope, known: Known, flag: _Flags, at: str) -> None:
    for i, choice in enumerate(scope.selection):
        if choice.key not in known.operations:
            flag(f"{at}selection[{i}]", f"operation {choice.key!r}")
    for i, ep in enumerate(scope.endpoints):
        where = f"{at}endpoints[{i}]"
        op = known.operations.get(ep.operation)
        if op is None:
            flag(where, f"operation {ep.operation!r}")
            continue
        for j, spec in enumerate(ep.request + ep.response):
            if spec.assumption:
                continue
            is_req = j < len(ep.request)
            ok = (
                any(p.name == spec.name for p in op.parameters)
                or any(p.name == spec.name for p in known.facts.global_parameters)
                if spec.location in ("path", "query", "header", "cookie")
                else any(h.name == spec.name for r in op.responses for h in r.headers)
                if spec.location == "response-header"
                else known.op_has_field(op.key, spec.name, request=is_req)
            )
            if not ok:
                side = "request" if is_req else "response"
                flag(
                    f"{where}.{side}[{j if is_req else j - len(ep.request)}]",
                    f"{side} {spec.location} {spec.name!r} of {op.key}",
                )
        for status in ep.success_statuses + ep.error_statuses:
            if status not in known.statuses[op.key]:
                flag(where, f"status {status} of {op.key}")


def _plan(plan: WorkingPlan, known: Known, flag: _Flags, at: str) -> None:
    for i, policy in enumerate(plan.retry_policies):
        op = known.operations.get(policy.operation)
        if op is None:
            flag(f"{at}retry_policies[{i}]", f"operation {policy.operation!r}")
        elif policy.idempotency_key and not any(
            p.name.lower() == policy.idempotency_key.lower() for p in op.parameters
        ):
            flag(
                f"{at}retry_policies[{i}].idempotency_key",
                f"header {policy.idempotency_key!r} of {op.key}",
            )


def _deliverable(d: Deliverable, known: Known, flag: _Flags, at: str) -> None:
    for i, row in enumerate(d.error_map):
        if row.operation == "*":
            continue
        if row.operation not in known.operations:
            flag(f"{at}error_map[{i}]", f"operation {row.operation!r}")
        elif (
            re.fullmatch(r"\d{3}|[1-5]XX|default", row.status)
            and row.evidence
            and row.status not in known.statuses[row.operation]
        ):
            flag(f"{at}error_map[{i}]", f"status {row.status} of {row.operation}")


def _texts(model: BaseModel, known: Known, flag: _Flags, at: str) -> None:
    cited = known.cited_places()
    for where, c in walk_claims(model, at.rstrip(".")):
        if c.assumption:
            continue
        for s in c.evidence:
            place = (s.document, s.pointer) if s.pointer is not None else (s.document, s.line)
            if place not in cited and s.document not in known.code_files:
                flag(where, f"the cited source {s.cite()}")
        for m in _BACKTICK.finditer(c.text):
            token = m.group(1).strip()
            if _OURS.search(token) or known.has_name(token):
                continue
            if known.facts.field_at(known.all_fields(), token) is not None:
                continue
            flag(where, f"`{token}` (named in the text)")
        for m in _ENDPOINT.finditer(c.text):
            if not _known_path(known, m.group(2)):
                flag(where, f"endpoint {m.group(1)} {m.group(2)} (named in the text)")


def check_phase(model: BaseModel, known: Known) -> list[Finding]:
    """Rule 1 on one phase's output (what an LLM phase is re-asked against)."""
    # Here, not at the top: a check of documents alone never loads the plan's models.
    from ..schemas import Deliverable, WorkingPlan

    flag = _Flags()
    if isinstance(model, Scope):
        _scope(model, known, flag, "scope.")
    elif isinstance(model, WorkingPlan):
        _plan(model, known, flag, "plan.")
    elif isinstance(model, Deliverable):
        _deliverable(model, known, flag, "deliverable.")
    name = (
        "scope."
        if isinstance(model, Scope)
        else "plan."
        if isinstance(model, WorkingPlan)
        else "deliverable."
        if isinstance(model, Deliverable)
        else ""
    )
    _texts(model, known, flag, name)
    return flag.out


def check_undocumented(bp: Blueprint, known: Known) -> list[Finding]:
    return (
        check_phase(bp.scope, known)
        + check_phase(bp.plan, known)
        + check_phase(bp.deliverable, known)
    )
