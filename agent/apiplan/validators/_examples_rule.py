"""Documented response examples that their own schema rejects.

A strict response validator built from the schema would reject what the docs show (a 200 example
without a required field, an error code outside the error enum). The client cannot fix the spec,
so it must be lenient exactly there and know why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from ..exceptions import ApiplanError
from ..schemas import Facts, Finding, Operation, Response, SchemaField, Source
from ..sources import StructuredDocument, _pointer, parse_document
from ._finding import finding

# $ref chains in examples are short; a longer one is a loop.
_MAX_REF_HOPS = 8
# A contradiction repeated across operations is one finding; its fix names the first few.
_NAMED_OPERATIONS = 3
# Problems of one example are one finding; the message names the first few.
_NAMED_PROBLEMS = 3


class _Docs:
    """Parsed documents, each read once and only when an example is looked up in it."""

    def __init__(self) -> None:
        self._cache: dict[str, StructuredDocument | None] = {}

    def get(self, path: str) -> StructuredDocument | None:
        if path not in self._cache:
            try:
                self._cache[path] = parse_document(Path(path), path)
            except (ApiplanError, OSError, ValueError):
                self._cache[path] = None
        return self._cache[path]


def _obj(value: object) -> dict[str, Any] | None:
    """A JSON object of the document, typed as one; None for anything else."""
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


def _deref(doc: StructuredDocument, value: Any) -> Any:
    for _ in range(_MAX_REF_HOPS):
        obj = _obj(value)
        ref = obj.get("$ref") if obj is not None else None
        if not isinstance(ref, str):
            return value
        if not ref.startswith("#"):
            return None
        try:
            value = doc.resolve(ref[1:])
        except (KeyError, IndexError, ValueError, TypeError):
            return None
    return None


def _examples(doc: StructuredDocument, pointer: str) -> list[tuple[str, Any]]:
    """(pointer, value) of each example documented under a response."""
    try:
        resp = _obj(_deref(doc, doc.resolve(pointer)))
    except (KeyError, IndexError, ValueError, TypeError):
        return []
    if resp is None:
        return []
    out: list[tuple[str, Any]] = []
    swagger = _obj(resp.get("examples"))
    if swagger is not None and "content" not in resp:
        out += [(_pointer.join(pointer, "examples", k), v) for k, v in swagger.items()]
    content = _obj(resp.get("content")) or {}
    for media, value in content.items():
        body = _obj(value)
        if body is None:
            continue
        at = _pointer.join(pointer, "content", media)
        if "example" in body:
            out.append((_pointer.join(at, "example"), _deref(doc, body["example"])))
        named = _obj(body.get("examples")) or {}
        for name, given in named.items():
            ex = _obj(_deref(doc, given))
            if ex is not None and "value" in ex:
                out.append((_pointer.join(at, "examples", name), ex["value"]))
    return [(p, v) for p, v in out if isinstance(v, dict)]


def _as_enum_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _problems(example: dict[str, Any], fields: list[SchemaField]) -> list[str]:
    """What the example does that the schema forbids: missing required fields, stray enums."""
    out: list[str] = []
    for f in fields:
        parts = f.path.split(".")
        if any(p.endswith("[]") or p == "*" for p in parts):
            continue  # array items and map values: examples rarely show all of them
        parent: dict[str, Any] | None = example
        for p in parts[:-1]:
            parent = _obj(parent.get(p)) if parent is not None else None
        if parent is None:
            continue
        name = parts[-1]
        if name not in parent:
            if f.required and not f.write_only:
                out.append(f"required field `{f.path}` is missing")
            continue
        value = parent[name]
        text = _as_enum_text(value)
        if f.enum and text is not None and text not in f.enum:
            out.append(f"`{f.path}` is {text!r}, not one of the documented values")
    return out


_Hit = tuple[Operation, Response, Source]


def _contradictions(
    facts: Facts, docs: _Docs, op: Operation, r: Response
) -> list[tuple[str, Source]]:
    """(problem, where the example is) for each example of one response."""
    if r.body is None or r.source.pointer is None:
        return []
    doc = docs.get(r.source.document)
    if doc is None:
        return []
    fields = facts.body_fields(r.body)
    out: list[tuple[str, Source]] = []
    for pointer, example in _examples(doc, r.source.pointer):
        problems = _problems(example, fields)
        if problems:
            src = Source(document=doc.display, pointer=pointer, line=doc.line_of(pointer))
            out.append((_joined(problems), src))
    return out


def _joined(problems: list[str]) -> str:
    shown = "; ".join(problems[:_NAMED_PROBLEMS])
    extra = len(problems) - _NAMED_PROBLEMS
    return shown + (f"; and {extra} more" if extra > 0 else "")


def _grouped(problem: str, status: str, hits: list[_Hit]) -> Finding:
    """One finding per contradiction, however many operations repeat the same example."""
    op, _, src = hits[0]
    keys = sorted({h[0].key for h in hits})
    where = op.key if len(keys) == 1 else f"{len(keys)} operations (first: {op.key})"
    shown = ", ".join(keys[:_NAMED_OPERATIONS])
    return finding(
        "schema-drift",
        "medium",
        f"the documented {status} example of {where} contradicts its own schema: {problem}",
        f"a strict response validator would reject what the docs show: for {status} of "
        f"{shown}{' and the rest' if len(keys) > _NAMED_OPERATIONS else ''}, accept and log "
        "this deviation instead of failing the call",
        src.cite(),
        src,
    )


def examples_against_schema(facts: Facts, ops: list[Operation]) -> list[Finding]:
    """Every documented response example of ``ops`` checked against its response schema."""
    docs = _Docs()
    groups: dict[tuple[str, str], list[_Hit]] = {}
    for op in ops:
        for r in op.responses:
            for problem, src in _contradictions(facts, docs, op, r):
                groups.setdefault((problem, r.status), []).append((op, r, src))
    return [_grouped(problem, status, hits) for (problem, status), hits in groups.items()]


def has_examples_to_check(ops: list[Operation]) -> bool:
    """Whether any response in scope has a body schema an example could contradict."""
    return any(r.body is not None for op in ops for r in op.responses)


__all__ = ["examples_against_schema", "has_examples_to_check"]
