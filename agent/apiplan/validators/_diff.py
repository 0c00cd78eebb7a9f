"""Rule 6 (docs side): changes between two versions of a spec that break the selected operations.

Compatibility depends on direction: what the client sends may widen (a new accepted type or
value) but not narrow; what it reads may narrow but not widen (a strict client rejects a type or
value it did not expect). Nullability is read from the facts, where OpenAPI 3.0 ``nullable`` and
3.1 ``type: [X, "null"]`` are already one flag, so a 3.0 -> 3.1 rewrite is no change. How a
body's fields are lined up for the comparison lives in ``_diff_fields``.
"""

from __future__ import annotations

import re

from ..schemas import (
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
from ._diff_fields import (
    aligned,
    body_paths,
    not_covered,
    parent_of,
    types_of,
    variant_names,
)
from ._finding import finding

_RULE = "schema-drift"
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


def _auth(op: Operation) -> set[str]:
    return {name for req in op.security or [] for name in req.schemes}


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
    if isinstance(a, SchemaField) and isinstance(b, SchemaField) and len(variant_names(a)) > 1:
        dropped = variant_names(a) - variant_names(b) if variant_names(b) else set[str]()
        if dropped:
            d.add(
                "high",
                f"{where} no longer accepts the shape {_values(dropped)}",
                "send one of the shapes it still accepts",
                b.source,
            )
    lost = not_covered(types_of(a.type), types_of(b.type))
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


def _read(d: _Diff, where: str, a: SchemaField, b: SchemaField) -> None:
    """A value the client reads: it may narrow, not widen."""
    # A new variant beside the old ones (oneOf grew); a renamed schema is not a new shape.
    before, after = variant_names(a), variant_names(b)
    added_variants = after - before if before and before < after else set[str]()
    if added_variants:
        d.add(
            "medium",
            f"{where} may now also be {_values(added_variants)}",
            "accept the new shape (check its type or discriminator before reading it)",
            b.source,
        )
    new_types = not_covered(types_of(b.type), types_of(a.type))
    if a.type and b.type and new_types:
        kept = types_of(b.type) - new_types
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
        parent = parent_of(path)
        if parent is None or (parent in before and parent in after):
            out.add(path)
    return out


def _request_body(d: _Diff, old: Facts, new: Facts, a: Operation, b: Operation) -> None:
    ra, rb = aligned(body_paths(old, a.request_body), body_paths(new, b.request_body))
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
        fa, fb = aligned(body_paths(old, r.body), body_paths(new, sb[status].body))
        for path in sorted(set(fa) - set(fb)):
            parent = parent_of(path)
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
