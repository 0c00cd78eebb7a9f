"""The value that makes a repeat safe: derived deterministically, answered on repeat, reconciled.

Read from the facts' idempotency evidence (an idempotency header or a dedup field of the request
body, found by ``sources._signals``): the plan says how to derive the value from the caller's
data, what a repeat answers (a 409 that says the item exists is "already done"), and which
documented operation looks an item up by that value; where none exists it says so.
"""

from __future__ import annotations

import re

from ..schemas import DedupPlan, IdempotencyEvidence, Operation, SchemaField, Source
from ..sources import norm
from ._common import PlanInput, grounding, idempotency_for, plain, quoted

_REPEAT_ANSWER = re.compile(r"duplicat|already|exists|conflict|repeat|same", re.I)
"""Words in a 409 (or 200) description that say a repeat was recognised."""
DESCRIPTION_SHOWN_CHARS = 120
"""A quoted response description is cut here: the citation holds the rest."""


def _dedup_evidence(inp: PlanInput, op: Operation) -> IdempotencyEvidence | None:
    ev = idempotency_for(inp.facts, op)
    header = next((i for i in ev if i.kind == "header"), None)
    return header or next((i for i in ev if i.kind == "field"), None)


def _field(inp: PlanInput, op: Operation, path: str) -> SchemaField | None:
    return inp.facts.field_at(inp.facts.body_fields(op.request_body), path)


def _derive(field: SchemaField | None, name: str, op: Operation) -> str:
    shape = "a SHA-256 hex digest"
    if field is not None and field.type and "string" not in field.type and "integer" in field.type:
        shape = "an integer (the first 15 hex digits of a SHA-256, read as a number)"
    limit = ""
    if field is not None and field.constraints.get("maxLength"):
        limit = f", cut to its documented maxLength {field.constraints['maxLength']}"
    if field is not None and field.constraints.get("pattern"):
        limit += ", matching its documented pattern"
    return (
        f"Derive `{name}` deterministically: {shape} of the stable key of the caller's item (for "
        f"example the source record's id and the action, '{op.key}'){limit}. Store it with the job "
        "and never generate it per attempt, so that a retry or a re-run of the job sends the same "
        "value."
    )


def _on_repeat(op: Operation) -> tuple[str, Source | None]:
    conflict = next((r for r in op.responses if r.status == "409"), None)
    if conflict is not None:
        desc = quoted(plain(conflict.description or ""))[:DESCRIPTION_SHOWN_CHARS]
        said = f" ('{desc}')" if desc else ""
        recognised = bool(_REPEAT_ANSWER.search(desc))
        return (
            f"A repeat answers 409{said}: "
            + (
                "treat it as already done (read the existing item), not as a failure."
                if recognised
                else "it may mean the value was used before: treat it as already done when the "
                "request was a retry of the same item, as a conflict otherwise."
            ),
            conflict.source,
        )
    return (
        "apiplan found no documented answer to a repeat: expect the original result, log it, and "
        "ask the API owner whether a repeat answers 2xx or an error.",
        None,
    )


def _lookup(inp: PlanInput, name: str) -> Operation | None:
    """A documented GET that filters or addresses items by the dedup value."""
    wanted = norm(name.rsplit(".", 1)[-1])
    for op in inp.facts.operations:
        if op.method != "GET":
            continue
        if any(norm(p.name) == wanted for p in op.parameters if p.location in ("query", "path")):
            return op
    return None


def _switches(inp: PlanInput, op: Operation, name: str) -> str:
    """Booleans named after the dedup field ('enforce_nonce' for 'nonce') that turn it on."""
    leaf = norm(name.rsplit(".", 1)[-1])
    found = [
        f.path
        for f in inp.facts.body_fields(op.request_body)
        if f.type == "boolean" and leaf in norm(f.path) and norm(f.path) != leaf
    ]
    return "".join(f", with `{p}` set to true" for p in found[:2])


def dedup_plan(inp: PlanInput, op: Operation) -> DedupPlan | None:
    """The dedup plan of ``op``, or None when the docs hold no value that makes a repeat safe."""
    ev = _dedup_evidence(inp, op)
    if ev is None:
        return None
    location = "header" if ev.kind == "header" else "body"
    field = _field(inp, op, ev.detail) if location == "body" else None
    derive = _derive(field, ev.detail, op)
    on_repeat, repeat_src = _on_repeat(op)
    lookup = _lookup(inp, ev.detail)
    reconcile = (
        f"After an unknown outcome, look the item up with {lookup.key} by this value."
        if lookup is not None
        else f"apiplan found no operation that looks an item up by `{ev.detail}`: after an unknown "
        "outcome, resend with the same value (the API deduplicates it) instead of a lookup."
    )
    basis = (
        " (apiplan reads this from the field's name; confirm the API deduplicates on it)"
        if ev.basis == "name"
        else ""
    )
    text = (
        f"{op.key}: `{ev.detail}` ({location}) makes a repeat safe{basis}. Always send it"
        + _switches(inp, op, ev.detail)
        + ". "
        f"{derive} {on_repeat} {reconcile}"
    )
    return DedupPlan(
        text=text,
        field=ev.detail,
        location=location,
        required=ev.required,
        derive=derive,
        on_repeat=on_repeat,
        reconcile_operation=lookup.key if lookup is not None else None,
        **grounding(ev.source, repeat_src, lookup.source if lookup else None),
    )


__all__ = ["dedup_plan"]
