"""How the schema-drift rule reads a body's fields: each at its dotted path, followed through
links to named schemas a few levels deep, the variants of a ``oneOf`` merged into what any of
them allows, and a root array lined up with its items, so that two versions are compared path
by path."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..schemas import Body, Facts, SchemaField

# Links into named schemas are followed this deep: enough for envelopes around the payload.
_MAX_DEPTH = 3


def _flat(
    facts: Facts,
    fields: list[SchemaField],
    prefix: str = "",
    depth: int = 0,
    seen: frozenset[str] = frozenset(),
) -> dict[str, SchemaField]:
    """Dotted path -> field, following links to named schemas a few levels deep. A field linked
    to several schemas (its oneOf variants) holds what any of them allows."""
    out: dict[str, SchemaField] = {}
    for f in fields:
        if f.marker == "truncated":
            continue
        path = prefix + f.path
        out[path] = f
        # Items of a linked array are written as the reader writes inline ones: `records[].type`.
        below = path + ("[]." if (f.type or "").startswith("array") else ".")
        if depth < _MAX_DEPTH:
            inner = [
                _flat(facts, facts.schemas[ref].fields, below, depth + 1, seen | {ref})
                for ref in f.refs
                if ref not in seen and ref in facts.schemas
            ]
            out.update(_one_of(inner))
    return out


def _one_of(flats: list[dict[str, SchemaField]]) -> dict[str, SchemaField]:
    """Fields of a value that is one of several schemas: a field may hold what any variant
    allows, and is required only where every variant requires it."""
    if len(flats) < 2:
        return flats[0] if flats else {}
    out: dict[str, SchemaField] = {}
    for flat in flats:
        for path, f in flat.items():
            out[path] = f if path not in out else _either(out[path], f)
    for path, f in out.items():
        if f.required and not all(path in flat and flat[path].required for flat in flats):
            out[path] = f.model_copy(update={"required": False})
    return out


def body_paths(facts: Facts, body: Body | None) -> dict[str, SchemaField]:
    if body is None:
        return {}
    variants = [facts.schemas[r].fields for r in body.refs if r in facts.schemas]
    if len(variants) < 2:
        return _flat(facts, facts.body_fields(body))
    return _one_of([_flat(facts, [*body.fields, *fields]) for fields in variants])


def _either(a: SchemaField, b: SchemaField) -> SchemaField:
    """One field that may be ``a`` or ``b`` (two variants of a body)."""
    types = sorted(types_of(a.type) | types_of(b.type))
    return a.model_copy(
        update={
            "type": "|".join(types) or None,
            "enum": [*a.enum, *(v for v in b.enum if v not in a.enum)] if a.enum and b.enum else [],
            "nullable": a.nullable or b.nullable,
            "required": a.required and b.required,
            "refs": [*a.refs, *(r for r in b.refs if r not in a.refs)],
        }
    )


def aligned(
    a: dict[str, SchemaField], b: dict[str, SchemaField]
) -> tuple[dict[str, SchemaField], dict[str, SchemaField]]:
    """Both sides written the same way when one is read as a root array (`[].id`) and the other
    as its items (`id`): the reader gives an array of nullable items (``oneOf: [null, $ref]``)
    as the item schema itself, so a 3.1 rewrite that drops the null would look like every
    field removed. Only when the item fields match; a real object -> array change stays."""

    def lifted(items: dict[str, SchemaField], rooted: dict[str, SchemaField]) -> bool:
        keys = {k.removeprefix("[].") for k in rooted if k.startswith("[].")}
        return "[]" in rooted and "[]" not in items and len(keys & set(items)) * 2 > len(items)

    if lifted(a, b):
        return {"[]": b["[]"], **{f"[].{k}": v for k, v in a.items()}}, b
    if lifted(b, a):
        return a, {"[]": a["[]"], **{f"[].{k}": v for k, v in b.items()}}
    return a, b


def parent_of(path: str) -> str | None:
    """The field that holds ``path``: `data` for `data[].id`, `a` for `a.b`; None at the top."""
    if "." not in path:
        return None
    return path.rsplit(".", 1)[0].removesuffix("[]")


def types_of(text: str | None) -> set[str]:
    return set(text.split("|")) if text else set()


def _base(kind: str) -> str:
    return kind.split("<", 1)[0]


def not_covered(these: set[str], by: set[str]) -> set[str]:
    """Types in ``these`` that ``by`` does not allow. An array whose item type one side does
    not state (3.1 ``type: [array, "null"]`` is read without it) matches any array."""
    bare = {k for k in by if "<" not in k}
    return {
        k
        for k in these - by
        if not (_base(k) in bare or ("<" not in k and any(_base(b) == k for b in by)))
    }


def variant_names(f: SchemaField) -> set[str]:
    """Named schemas a field may be, by name (keys differ between two files' versions)."""
    return {ref.rsplit("/", 1)[-1] for ref in f.refs}


__all__ = ["aligned", "body_paths", "not_covered", "parent_of", "types_of", "variant_names"]
