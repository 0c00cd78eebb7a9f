"""Facts as Markdown: what was read, with a citation for every line."""

from __future__ import annotations

from ..schemas import Facts, Operation, requirement_text
from ._md import GENERATED_MARK, code, finish, plain, table


def _statuses(op: Operation) -> str:
    return ", ".join(r.status for r in op.responses) or "none documented"


def facts_to_markdown(facts: Facts) -> str:
    """A readable summary of the facts; the JSON form holds every field."""
    out: list[str] = [GENERATED_MARK, "# API facts", ""]
    out += table(
        ["document", "format", "version", "title", "API version", "lines", "sha256"],
        [
            (d.path, d.format, d.version, d.title, d.api_version, d.lines, d.sha256[:16])
            for d in facts.documents
        ],
    )
    if facts.servers:
        out += ["", "## Servers", ""]
        out += table(
            ["url", "description", "source"],
            [(s.url, s.description, s.source.cite()) for s in facts.servers],
        )
    out += ["", "## Authentication", ""]
    if facts.security_schemes:
        rows: list[tuple[str, ...]] = []
        for s in facts.security_schemes:
            where = f"{s.location} `{s.param_name}`" if s.param_name else (s.scheme or "")
            scopes = sorted({sc for f in s.flows for sc in f.scopes})
            rows.append(
                (
                    s.name,
                    s.type,
                    where,
                    ", ".join(scopes[:12]) + (" …" if len(scopes) > 12 else ""),
                    s.source.cite(),
                )
            )
        out += table(["scheme", "type", "carried in", "scopes", "source"], rows)
        out += ["", f"Global requirement: {requirement_text(facts.security)}"]
    else:
        out.append("The documents define no security scheme.")
    out += ["", f"## Operations ({len(facts.operations)})", ""]
    out += table(
        ["method", "path", "operationId", "auth", "statuses", "source"],
        [
            (
                op.method,
                code(op.path),
                op.operation_id,
                requirement_text(op.security, op.security_origin),
                _statuses(op),
                op.source.cite(),
            )
            for op in facts.operations
        ],
    )
    if facts.webhooks:
        out += ["", "## Webhooks", ""]
        out += table(
            ["name", "method", "summary", "source"],
            [(w.name, w.method, w.summary, w.source.cite()) for w in facts.webhooks],
        )
    out += ["", "## Rate limits", ""]
    if facts.rate_limits:
        out += table(
            ["kind", "detail", "operation", "source"],
            [
                (r.kind, r.detail, r.operation or "(API-wide)", r.source.cite())
                for r in facts.rate_limits
            ],
        )
    else:
        out.append(
            "The documents say nothing about rate limits (no 429/503 response, header or sentence)."
        )
    out += ["", "## Idempotency", ""]
    if facts.idempotency:
        out += table(
            ["kind", "detail", "operation", "source"],
            [
                (i.kind, i.detail, i.operation or "(API-wide)", i.source.cite())
                for i in facts.idempotency
            ],
        )
    else:
        out.append("The documents define no idempotency key or idempotent-retry rule.")
    if facts.warnings:
        out += ["", "## Warnings", ""]
        out += [
            f"- {code(w.code)}: {plain(w.message)}"
            + (f" ({code(w.source.cite())})" if w.source else "")
            for w in facts.warnings
        ]
    return finish(out)
