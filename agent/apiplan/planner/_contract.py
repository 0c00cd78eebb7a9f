"""The whole request contract: nested required fields behind schema links, their constraints,
documented size limits, content type, required headers and server variables.

A body field that links to a component schema (``payload`` -> ``Payload``, ``lines[]`` ->
``Line``) is expanded one link deep so that its required members, with their limits, are part of
the contract the engineer reads; the facts keep the schema itself.
"""

from __future__ import annotations

from ..schemas import Claim, Operation, SchemaField
from ._common import PlanInput, claim, quoted

NESTED_LINK_DEPTH = 2
"""Links followed from a top-level field: ``lines[].tax.rate`` is still a contract a person reads;
deeper than that the facts list it."""
NESTED_FIELDS_LISTED = 40
"""Nested required fields listed per operation: a body with more is reviewed in `apiplan facts`."""
_CONSTRAINT_SKIP = ("default",)
"""A default is not a limit."""


def _member(parent: SchemaField, child: SchemaField) -> SchemaField:
    array = (parent.type or "").startswith("array")
    head = parent.path.removesuffix("[]") + ("[]" if array else "")
    return child.model_copy(
        update={"path": f"{head}.{child.path}", "required": parent.required and child.required}
    )


def nested_required(inp: PlanInput, fields: list[SchemaField]) -> list[tuple[SchemaField, str]]:
    """Required members of linked objects and arrays of objects, with the parent they need.

    Returns (field with its full path, parent path) pairs; ``required`` on the field is true only
    when every parent is required too.
    """
    out: list[tuple[SchemaField, str]] = []
    seen: set[str] = set()
    frontier = [f for f in fields if f.refs and "." not in f.path.removeprefix("[].")]
    for _ in range(NESTED_LINK_DEPTH):
        nxt: list[SchemaField] = []
        for parent in frontier:
            for ref in parent.refs:
                schema = inp.facts.schemas.get(ref)
                if schema is None:
                    continue
                for child in schema.fields:
                    if not child.required or "." in child.path or child.read_only:
                        continue
                    member = _member(parent, child)
                    if member.path in seen:
                        continue  # the same member of two variants (oneOf) is listed once
                    seen.add(member.path)
                    out.append((member, parent.path))
                    if member.refs:
                        nxt.append(member)
        frontier = nxt
    return out[:NESTED_FIELDS_LISTED]


def constraint_text(f: SchemaField) -> str:
    bits = [f"{k} {v}" for k, v in f.constraints.items() if k not in _CONSTRAINT_SKIP]
    if f.enum:
        bits.append("one of " + ", ".join(f.enum[:10]) + (" …" if len(f.enum) > 10 else ""))
    if f.format:
        bits.append(f"format {f.format}")
    return ", ".join(bits)


def nested_limits(inp: PlanInput, op: Operation) -> list[Claim]:
    """Constraints of the nested required fields (maxLength, enums, formats, ...)."""
    out: list[Claim] = []
    for f, parent in nested_required(inp, inp.facts.body_fields(op.request_body)):
        shown = constraint_text(f)
        if shown:
            when = "" if f.required else f" (when {parent} is sent)"
            out.append(claim(f"{f.path}{when}: {shown}", f.source))
    return out


def size_limit_claims(inp: PlanInput, op: Operation) -> list[Claim]:
    return [
        claim(f"Size limit{f' of {s.field}' if s.field else ''}: {quoted(s.detail)}", s.source)
        for s in inp.facts.size_limits
        if s.operation in (op.key, None)
    ]


def contract_claims(inp: PlanInput, op: Operation) -> list[Claim]:
    """Content type, required headers and server variables every request of ``op`` carries."""
    out: list[Claim] = []
    body = op.request_body
    if body is not None and body.content_types:
        kinds = ", ".join(body.content_types[:4])
        form = any("form" in c for c in body.content_types) and not any(
            "json" in c for c in body.content_types
        )
        note = " (form-encoded, not JSON)" if form else ""
        out.append(claim(f"Send the body as {kinds}{note}.", body.source))
    headers = [
        p for p in [*op.parameters, *inp.facts.global_parameters]
        if p.location == "header" and p.required
    ]  # fmt: skip
    if headers:
        names = ", ".join(f"`{p.name}`" for p in headers)
        out.append(claim(f"Required headers on every call: {names}.", *(p.source for p in headers)))
    for server in [*op.servers, *inp.facts.servers]:
        for name, var in server.variables.items():
            allowed = f"one of {', '.join(var.enum[:10])}" if var.enum else "any value"
            default = f", default {var.default}" if var.default else ""
            out.append(
                claim(
                    f"Server variable {{{name}}} in {server.url}: {allowed}{default}; set it from "
                    "configuration.",
                    server.source,
                )
            )
    return out


__all__ = ["contract_claims", "nested_limits", "nested_required", "size_limit_claims"]
