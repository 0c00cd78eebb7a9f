"""Contract parts built on a `$ref` apiplan could not read (refused or broken).

The facts carry an ``unresolved-ref`` warning and the contract simply lacks the body, parameter
or response the ref stood for; without this rule the risk check would call such a blueprint
clean.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, Facts, FactWarning, Finding, Operation

_REF_WARNINGS = ("unresolved-ref",)
MAX_LINK_HOPS = 8
"""Levels of linked component schemas followed from an operation's bodies."""

_PART = (
    (re.compile(r"/requestBody(?:/|$)"), "its request body"),
    (re.compile(r"/responses/([^/]+)/headers(?:/|$)"), "a header of the {0} response"),
    (re.compile(r"/responses/([^/]+)(?:/|$)"), "the {0} response"),
    (re.compile(r"/parameters(?:/|$)"), "a parameter"),
)


def _part(pointer: str) -> str:
    for rx, text in _PART:
        m = rx.search(pointer)
        if m:
            return text.format(*m.groups())
    return "a schema it uses"


def _linked_schemas(op: Operation, facts: Facts) -> set[str]:
    """Keys of the component schemas an operation's bodies reach ('document#pointer')."""
    bodies = [op.request_body, *(r.body for r in op.responses)]
    todo = [ref for b in bodies if b is not None for ref in b.refs]
    todo += [ref for b in bodies if b is not None for f in b.fields for ref in f.refs]
    seen: set[str] = set()
    for _ in range(MAX_LINK_HOPS):
        nxt: list[str] = []
        for ref in todo:
            if ref in seen:
                continue
            seen.add(ref)
            schema = facts.schemas.get(ref)
            if schema is not None:
                nxt += schema.refs + [r for f in schema.fields for r in f.refs]
        if not nxt:
            break
        todo = nxt
    return seen


def _under(w: FactWarning, document: str, pointer: str) -> bool:
    src = w.source
    if src is None or src.pointer is None or src.document != document:
        return False
    return src.pointer == pointer or src.pointer.startswith(pointer.rstrip("/") + "/")


def check_contract_refs(bp: Blueprint, facts: Facts) -> list[Finding]:
    """A finding per selected operation whose contract lost a part to an unreadable `$ref`."""
    warnings = [w for w in facts.warnings if w.code in _REF_WARNINGS and w.source is not None]
    if not warnings:
        return []
    out: list[Finding] = []
    for ep in bp.scope.endpoints:
        op = facts.operation(ep.operation)
        if op is None or op.source.pointer is None:
            continue
        places = [(op.source.document, op.source.pointer)]
        for key in _linked_schemas(op, facts):
            document, _, pointer = key.partition("#")
            places.append((document, pointer))
        for w in warnings:
            if not any(_under(w, d, p) for d, p in places):
                continue
            assert w.source is not None and w.source.pointer is not None
            out.append(
                finding(
                    "schema-drift",
                    "high",
                    f"the contract of {op.key} is built on a $ref apiplan could not read "
                    f"({w.message}): {_part(w.source.pointer)} is missing or incomplete",
                    "fix the $ref in the docs (or give the file it names inside the docs' "
                    "folder) and plan again; until then, do not trust that part of the contract",
                    w.source.cite(),
                    w.source,
                )
            )
    return out
