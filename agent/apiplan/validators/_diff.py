"""Rule 6 (docs side): changes between two versions of a spec that break the selected operations.

Compatibility depends on direction: what the client sends may widen (a new accepted type or
value) but not narrow; what it reads may narrow but not widen (a strict client rejects a type or
value it did not expect). Nullability is read from the facts, where OpenAPI 3.0 ``nullable`` and
3.1 ``type: [X, "null"]`` are already one flag, so a 3.0 -> 3.1 rewrite is no change.
"""

from __future__ import annotations

import re

from ..schemas import (
    Body,
    Facts,
    Finding,
    Operation,
    OperationChoice,
    Parameter,
    RiskCheck,
    SchemaField,
    Severity,
    Source,
    severity_rank,
)
from ._finding import finding

_RULE = "schema-drift"
# Links into named schemas are followed this deep: enough for envelopes around the payload.
_MAX_DEPTH = 3
# Values listed in one message; the rest are counted.
_NAMED_VALUES = 5
_PATH_PARAM = re.compile(r"\{[^}]*\}")


class _Diff:
    """Findings for one operation, each built the same way."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.out: list[Finding] = []

    def add(self, severity: Severity, message: str, fix: str, source: Source | None) -> None:
        self.out.append(finding(_RULE, severity, f"{self.key}: {message}", fix, self.key, source))


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


def _body(facts: Facts, body: Body | None) -> dict[str, SchemaField]:
    if body is None:
        return {}
    variants = [facts.schemas[r].fields for r in body.refs if r in facts.schemas]
    if len(variants) < 2:
        return _flat(facts, facts.body_fields(body))
    return _one_of([_flat(facts, [*body.fields, *fields]) for fields in variants])


def _either(a: SchemaField, b: SchemaField) -> SchemaField:
    """One field that may be ``a`` or ``b`` (two variants of a body)."""
    types = sorted(_types(a.type) | _types(b.type))
    return a.model_copy(
        update={
            "type": "|".join(types) or None,
            "enum": [*a.enum, *(v for v in b.enum if v not in a.enum)] if a.enum and b.enum else [],
            "nullable": a.nullable or b.nullable,
            "required": a.required and b.required,
            "refs": [*a.refs, *(r for r in b.refs if r not in a.refs)],
        }
    )


def _aligned(
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


def _parent(path: str) -> str | None:
    """The field that holds ``path``: `data` for `data[].id`, `a` for `a.b`; None at the top."""
    if "." not in path:
        return None
    return path.rsplit(".", 1)[0].removesuffix("[]")


def _auth(op: Operation) -> set[str]:
    return {name for req in op.security or [] for name in req.schemes}


def _types(text: str | None) -> set[str]:
    return set(text.split("|")) if text else set()


def _base(kind: str) -> str:
    return kind.split("<", 1)[0]


def _not_covered(these: set[str], by: set[str]) -> set[str]:
    """Types in ``these`` that ``by`` does not allow. An array whose item type one side does
    not state (3.1 ``type: [array, "null"]`` is read without it) matches any array."""
    bare = {k for k in by if "<" not in k}
    return {
        k
        for k in these - by
        if not (_base(k) in bare or ("<" not in k and any(_base(b) == k for b in by)))
    }


def _values(values: set[str]) -> str:
    shown = ", ".join(sorted(values)[:_NAMED_VALUES])
    return shown + (f" (+{len(values) - _NAMED_VALUES})" if len(values) > _NAMED_VALUES else "")


def _shape(path: str) -> str:
    """The URL shape: path parameters renamed keep the same shape."""
    return _PATH_PARAM.sub("{}", path)


def _counterpart(new: Facts, op: Operation) -> Operation | None:
    """The same operation in the new version: same key, or same method and URL shape."""
    same = new.operation(op.key)
    if same is not None:
        return same
    shape = _shape(op.path)
    return next(
        (b for b in new.operations if b.method == op.method and _shape(b.path) == shape), None
    )


def _moved_to(new: Facts, op: Operation) -> Operation | None:
    """An operation with the same operationId at another path or method (a rename)."""
    if not op.operation_id:
        return None
    return next((b for b in new.operations if b.operation_id == op.operation_id), None)


def _sent(d: _Diff, where: str, a: Parameter | SchemaField, b: Parameter | SchemaField) -> None:
    """A value the client sends: it may widen, not narrow."""
    if isinstance(a, SchemaField) and isinstance(b, SchemaField) and len(_variants(a)) > 1:
        dropped = _variants(a) - _variants(b) if _variants(b) else set[str]()
        if dropped:
            d.add(
                "high",
                f"{where} no longer accepts the shape {_values(dropped)}",
                "send one of the shapes it still accepts",
                b.source,
            )
    lost = _not_covered(_types(a.type), _types(b.type))
    if a.type and b.type and lost:
        d.add(
            "high",
            f"{where} changed type {a.type} -> {b.type}",
            "update the request model: the old type is rejected",
            b.source,
        )
    gone = set(a.enum) - set(b.enum) if b.enum else set[str]()
    if gone:
        d.add(
            "high",
            f"{where} no longer accepts {_values(gone)}",
            "stop sending these values; map them to an accepted one",
            b.source,
        )
    if isinstance(a, SchemaField) and isinstance(b, SchemaField) and a.nullable and not b.nullable:
        d.add("high", f"{where} no longer accepts null", "send a value or omit it", b.source)


def _variants(f: SchemaField) -> set[str]:
    """Named schemas a field may be, by name (keys differ between two files' versions)."""
    return {ref.rsplit("/", 1)[-1] for ref in f.refs}


def _read(d: _Diff, where: str, a: SchemaField, b: SchemaField) -> None:
    """A value the client reads: it may narrow, not widen."""
    # A new variant beside the old ones (oneOf grew); a renamed schema is not a new shape.
    before, after = _variants(a), _variants(b)
    added_variants = after - before if before and before < after else set[str]()
    if added_variants:
        d.add(
            "medium",
            f"{where} may now also be {_values(added_variants)}",
            "accept the new shape (check its type or discriminator before reading it)",
            b.source,
        )
    new_types = _not_covered(_types(b.type), _types(a.type))
    if a.type and b.type and new_types:
        kept = _types(b.type) - new_types
        d.add(
            "medium" if kept else "high",
            f"{where} changed type {a.type} -> {b.type}",
            "update the response model; a strict validator rejects the new type",
            b.source,
        )
    added = set(b.enum) - set(a.enum) if a.enum else set[str]()
    if added:
        d.add(
            "medium",
            f"{where} has new values {_values(added)}",
            "handle unknown values without crashing (no exhaustive switch)",
            b.source,
        )
    if b.nullable and not a.nullable:
        d.add(
            "medium",
            f"{where} may now be null",
            "make it optional in the response model and handle null",
            b.source,
        )


def _params_by_key(op: Operation) -> dict[tuple[str, str], Parameter]:
    """Parameters by (name, location); path parameters by position, so that a rename with the
    same URL shape is not a removal."""
    slots = _PATH_PARAM.findall(op.path)
    out: dict[tuple[str, str], Parameter] = {}
    for p in op.parameters:
        slot = "{" + p.name + "}"
        if p.location == "path" and slot in slots:
            out[(f"#{slots.index(slot)}", "path")] = p
        else:
            out[(p.name, p.location)] = p
    return out


def _parameters(d: _Diff, a: Operation, b: Operation) -> None:
    pa, pb = _params_by_key(a), _params_by_key(b)
    for k, p in pb.items():
        if p.required and (k not in pa or not pa[k].required):
            d.add(
                "high",
                f"new required {p.location} parameter `{p.name}`",
                "send it, or the call will be rejected",
                p.source,
            )
    for k, p in pa.items():
        if k not in pb:
            d.add(
                "medium",
                f"{p.location} parameter `{p.name}` was removed",
                "stop sending it",
                p.source,
            )
        else:
            _sent(d, f"parameter `{p.name}`", p, pb[k])


def _newly_required(before: dict[str, SchemaField], after: dict[str, SchemaField]) -> set[str]:
    """Request fields a client may now be rejected for omitting: required where they were not,
    at the top, or inside an object the client could already send (an optional object it sends
    must now carry them). A new object's own required fields go with the object."""
    out: set[str] = set()
    for path, f in after.items():
        if not f.required or (path in before and before[path].required):
            continue
        parent = _parent(path)
        if parent is None or (parent in before and parent in after):
            out.add(path)
    return out


def _request_body(d: _Diff, old: Facts, new: Facts, a: Operation, b: Operation) -> None:
    ra, rb = _aligned(_body(old, a.request_body), _body(new, b.request_body))
    for path in sorted(_newly_required(ra, rb)):
        d.add(
            "high",
            f"new required request field `{path}`",
            "send it, or the call will be rejected",
            rb[path].source,
        )
    for path in sorted(set(ra) - set(rb)):
        if "." not in path:
            d.add(
                "medium", f"request field `{path}` was removed", "stop sending it", ra[path].source
            )
    for path in sorted(set(ra) & set(rb)):
        _sent(d, f"request field `{path}`", ra[path], rb[path])


def _responses(d: _Diff, old: Facts, new: Facts, a: Operation, b: Operation) -> None:
    sa = {r.status: r for r in a.responses}
    sb = {r.status: r for r in b.responses}
    for status, r in sb.items():
        if status not in sa and not status.startswith("2"):
            # Servers could always send it; documenting it breaks nobody, but it wants an action.
            d.add(
                "low",
                f"new error status {status}",
                "add it to the error map with an action",
                r.source,
            )
    for status, r in sa.items():
        if status not in sb:
            if status.startswith("2"):
                d.add(
                    "high",
                    f"success status {status} was removed",
                    "check what the call now returns",
                    r.source,
                )
            else:
                d.add(
                    "low",
                    f"error status {status} is no longer documented",
                    "keep handling it (servers still send it); do not rely on it for control flow",
                    r.source,
                )
            continue
        if not status.startswith("2"):
            continue
        fa, fb = _aligned(_body(old, r.body), _body(new, sb[status].body))
        for path in sorted(set(fa) - set(fb)):
            parent = _parent(path)
            if parent is None or parent in fb:
                d.add(
                    "high",
                    f"response field `{path}` ({status}) was removed",
                    "stop reading it, or fail loudly when it is missing",
                    fa[path].source,
                )
        for path in sorted(set(fa) & set(fb)):
            _read(d, f"response field `{path}`", fa[path], fb[path])


def _security(d: _Diff, old: Facts, new: Facts, a: Operation, b: Operation) -> None:
    if _auth(a) != _auth(b) or (
        a.security_origin != b.security_origin
        and "explicit-none" in (a.security_origin, b.security_origin)
    ):
        before, after = ", ".join(sorted(_auth(a))) or "none", ", ".join(sorted(_auth(b))) or "none"
        d.add(
            "high",
            f"authentication changed ({before} -> {after})",
            "update the credential handling",
            b.security_source or b.source,
        )
    schemes_a = {s.name: s for s in old.security_schemes}
    schemes_b = {s.name: s for s in new.security_schemes}
    for name in sorted(_auth(a) & _auth(b)):
        x, y = schemes_a.get(name), schemes_b.get(name)
        if (
            x
            and y
            and (x.type, x.scheme, x.location, x.param_name)
            != (
                y.type,
                y.scheme,
                y.location,
                y.param_name,
            )
        ):
            d.add(
                "high",
                f"security scheme {name} changed how the credential is sent",
                "update the credential handling",
                y.source,
            )


def _servers(old: Facts, new: Facts) -> list[Finding]:
    before, after = {s.url for s in old.servers}, {s.url for s in new.servers}
    if not before or before & after:
        return []
    first = new.servers[0] if new.servers else None
    return [
        finding(
            _RULE,
            "high" if first else "medium",
            f"the base URL changed ({', '.join(sorted(before))} -> "
            f"{', '.join(sorted(after)) or 'none documented'})",
            "update the configured base URL before upgrading; keep it a setting",
            "servers",
            first.source if first else None,
        )
    ]


def _operation(old: Facts, new: Facts, a: Operation) -> list[Finding]:
    d = _Diff(a.key)
    b = _counterpart(new, a)
    if b is None:
        moved = _moved_to(new, a)
        if moved is not None:
            d.add("high", f"moved to {moved.key}", f"call {moved.key} instead", moved.source)
        else:
            d.out.append(
                finding(
                    _RULE,
                    "high",
                    f"{a.key} was removed",
                    "find its replacement before upgrading",
                    a.key,
                    a.source,
                )
            )
        return d.out
    _parameters(d, a, b)
    _request_body(d, old, new, a, b)
    _responses(d, old, new, a, b)
    _security(d, old, new, a, b)
    return d.out


def diff_operations(
    old: Facts, new: Facts, keys: list[str], *, choices: list[OperationChoice] | None = None
) -> RiskCheck:
    """Breaking changes of the operations ``keys`` from ``old`` to ``new``. ``choices`` say why
    each was selected (a goal's reasons); the report names every operation it compared."""
    out: list[Finding] = _servers(old, new)
    why = {c.key: c for c in choices or []}
    compared: list[OperationChoice] = []
    for key in keys:
        a = old.operation(key)
        if a is not None:
            out += _operation(old, new, a)
            compared.append(why.get(key) or OperationChoice(key=key, score=0))
    out.sort(key=lambda f: (severity_rank(f.severity), f.location, f.message))
    return RiskCheck(rules_run=[_RULE], findings=out, compared=compared)
