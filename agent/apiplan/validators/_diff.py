"""Rule 6 (docs side): changes between two versions of a spec that break the selected operations."""

from __future__ import annotations

from ..schemas import Body, Facts, Finding, Operation, RiskCheck, SchemaField
from ._finding import finding


def _flat(
    facts: Facts,
    fields: list[SchemaField],
    prefix: str = "",
    depth: int = 0,
    seen: frozenset[str] = frozenset(),
) -> dict[str, SchemaField]:
    """Dotted path -> field, following links to named schemas a few levels deep."""
    out: dict[str, SchemaField] = {}
    for f in fields:
        if f.marker == "truncated":
            continue
        path = prefix + f.path
        out[path] = f
        if depth < 3:
            for ref in f.refs:
                if ref in seen or ref not in facts.schemas:
                    continue
                inner = facts.schemas[ref].fields
                sub = path + "."
                out.update(_flat(facts, inner, sub, depth + 1, seen | {ref}))
    return out


def _body(facts: Facts, body: Body | None) -> dict[str, SchemaField]:
    if body is None:
        return {}
    return _flat(facts, facts.body_fields(body))


def _required(fields: dict[str, SchemaField]) -> set[str]:
    out = set()
    for path, f in fields.items():
        if not f.required:
            continue
        parts = path.split(".")
        if all(
            fields.get(".".join(parts[:i])) is None or fields[".".join(parts[:i])].required
            for i in range(1, len(parts))
        ):
            out.add(path)
    return out


def _auth(op: Operation) -> set[str]:
    return {name for req in op.security or [] for name in req.schemes}


def diff_operations(old: Facts, new: Facts, keys: list[str]) -> RiskCheck:
    """Breaking changes of the operations ``keys`` from ``old`` to ``new``."""
    out: list[Finding] = []
    for key in keys:
        a = old.operation(key)
        if a is None:
            continue
        b = new.operation(key)
        if b is None:
            out.append(
                finding(
                    "schema-drift",
                    "high",
                    f"{key} was removed",
                    "find its replacement before upgrading",
                    key,
                    a.source,
                )
            )
            continue
        # Request side: parameters.
        a_params = {(p.name, p.location): p for p in a.parameters}
        b_params = {(p.name, p.location): p for p in b.parameters}
        for k, p in b_params.items():
            if p.required and (k not in a_params or not a_params[k].required):
                out.append(
                    finding(
                        "schema-drift",
                        "high",
                        f"{key}: new required {p.location} parameter `{p.name}`",
                        "send it, or the call will be rejected",
                        key,
                        p.source,
                    )
                )
        for k, p in a_params.items():
            if k not in b_params:
                out.append(
                    finding(
                        "schema-drift",
                        "medium",
                        f"{key}: {p.location} parameter `{p.name}` was removed",
                        "stop sending it",
                        key,
                        p.source,
                    )
                )
            elif p.type and b_params[k].type and p.type != b_params[k].type:
                out.append(
                    finding(
                        "schema-drift",
                        "high",
                        f"{key}: parameter `{p.name}` changed type {p.type} -> {b_params[k].type}",
                        "update the request model",
                        key,
                        b_params[k].source,
                    )
                )
        # Request body.
        ra, rb = _body(old, a.request_body), _body(new, b.request_body)
        for path in sorted(_required(rb) - _required(ra)):
            out.append(
                finding(
                    "schema-drift",
                    "high",
                    f"{key}: new required request field `{path}`",
                    "send it, or the call will be rejected",
                    key,
                    rb[path].source,
                )
            )
        for path in sorted(set(ra) - set(rb)):
            if "." not in path:
                out.append(
                    finding(
                        "schema-drift",
                        "medium",
                        f"{key}: request field `{path}` was removed",
                        "stop sending it",
                        key,
                        ra[path].source,
                    )
                )
        for path in sorted(set(ra) & set(rb)):
            if ra[path].type and rb[path].type and ra[path].type != rb[path].type:
                out.append(
                    finding(
                        "schema-drift",
                        "high",
                        f"{key}: request field `{path}` changed type {ra[path].type} -> {rb[path].type}",
                        "update the request model",
                        key,
                        rb[path].source,
                    )
                )
        # Responses.
        a_status = {r.status: r for r in a.responses}
        b_status = {r.status: r for r in b.responses}
        for status, r in b_status.items():
            if status not in a_status and not status.startswith("2"):
                out.append(
                    finding(
                        "schema-drift",
                        "medium",
                        f"{key}: new error status {status}",
                        "add it to the error map with an action",
                        key,
                        r.source,
                    )
                )
        for status, r in a_status.items():
            if status.startswith("2") and status not in b_status:
                out.append(
                    finding(
                        "schema-drift",
                        "high",
                        f"{key}: success status {status} was removed",
                        "check what the call now returns",
                        key,
                        r.source,
                    )
                )
            elif status.startswith("2"):
                fa, fb = _body(old, r.body), _body(new, b_status[status].body)
                for path in sorted(set(fa) - set(fb)):
                    if "." not in path or path.rsplit(".", 1)[0] in fb:
                        out.append(
                            finding(
                                "schema-drift",
                                "high",
                                f"{key}: response field `{path}` ({status}) was removed",
                                "stop reading it, or fail loudly when it is missing",
                                key,
                                fa[path].source,
                            )
                        )
                for path in sorted(set(fa) & set(fb)):
                    if fa[path].type and fb[path].type and fa[path].type != fb[path].type:
                        out.append(
                            finding(
                                "schema-drift",
                                "high",
                                f"{key}: response field `{path}` changed type {fa[path].type} -> {fb[path].type}",
                                "update the response model",
                                key,
                                fb[path].source,
                            )
                        )
                    added = set(fb[path].enum) - set(fa[path].enum)
                    if fa[path].enum and added:
                        out.append(
                            finding(
                                "schema-drift",
                                "low",
                                f"{key}: response field `{path}` has new values {', '.join(sorted(added)[:5])}",
                                "handle unknown enum values without crashing",
                                key,
                                fb[path].source,
                            )
                        )
        # Auth.
        if _auth(a) != _auth(b) or (
            a.security_origin != b.security_origin
            and "explicit-none" in (a.security_origin, b.security_origin)
        ):
            out.append(
                finding(
                    "schema-drift",
                    "high",
                    f"{key}: authentication changed ({', '.join(sorted(_auth(a))) or 'none'} -> {', '.join(sorted(_auth(b))) or 'none'})",
                    "update the credential handling",
                    key,
                    b.security_source or b.source,
                )
            )
        schemes_a = {s.name: s for s in old.security_schemes}
        schemes_b = {s.name: s for s in new.security_schemes}
        for name in _auth(a) & _auth(b):
            sa, sb = schemes_a.get(name), schemes_b.get(name)
            if (
                sa
                and sb
                and (sa.type, sa.scheme, sa.location, sa.param_name)
                != (sb.type, sb.scheme, sb.location, sb.param_name)
            ):
                out.append(
                    finding(
                        "schema-drift",
                        "high",
                        f"{key}: security scheme {name} changed how the credential is sent",
                        "update the credential handling",
                        key,
                        sb.source,
                    )
                )
    order = {"high": 0, "medium": 1, "low": 2}
    out.sort(key=lambda f: (order[f.severity], f.location, f.message))
    return RiskCheck(rules_run=["schema-drift"], findings=out)
