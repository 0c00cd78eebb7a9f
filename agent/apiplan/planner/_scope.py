"""Phase 0 offline: the contract of each selected endpoint and what the docs leave open."""

from __future__ import annotations

import re

from .._constants import CONTRACT_FIELDS_LISTED
from ..schemas import (
    Claim,
    EndpointScope,
    FieldLocation,
    FieldSpec,
    OpenQuestion,
    Operation,
    SchemaField,
    Scope,
    requirement_text,
)
from ._common import (
    PlanInput,
    body_fields,
    claim,
    effectively_required,
    error_responses,
    grounding,
    idempotency_for,
    is_idempotent_method,
    plain,
    rate_limits_for,
    schemes_for,
    success_responses,
)
from ._contract import contract_claims, nested_limits, nested_required, size_limit_claims
from ._dedup import dedup_plan
from ._outcomes import completion

_LEADING_ENDPOINT = re.compile(r"^\s*(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+/\S*\s*")


def _without_endpoint(summary: str) -> str:
    """A prose summary that repeats its own route ('GET /api/hosts/:id/power Fetch the status')
    keeps only its words: the route is the operation's key, in the docs' own notation."""
    return _LEADING_ENDPOINT.sub("", summary).strip()


def _field_spec(f: SchemaField, location: FieldLocation) -> FieldSpec:
    bits = [f.type or "type not stated"]
    if f.format:
        bits.append(f.format)
    if f.enum:
        bits.append("one of " + ", ".join(f.enum[:8]) + (" …" if len(f.enum) > 8 else ""))
    if f.sensitive:
        bits.append("sensitive")
    return FieldSpec(
        text=f"{f.path}: " + ", ".join(bits),
        name=f.path,
        location=location,
        type=f.type,
        required=f.required,
        evidence=[f.source],
    )


def _listed(fields: list[SchemaField]) -> tuple[list[SchemaField], int]:
    """Required fields (any depth) and the first optional top-level ones; the rest counted."""
    # An example key that looks like a typo ('description 2') is reported in the facts, never
    # listed as part of the contract.
    usable = [f for f in fields if f.marker != "truncated" and f.confidence != "uncertain"]
    required = effectively_required(usable)
    optional = [f for f in usable if not f.required and "." not in f.path.removeprefix("[].")]
    chosen = required + optional[:CONTRACT_FIELDS_LISTED]
    return chosen, len(usable) - len(chosen)


def auth_claim(inp: PlanInput, op: Operation) -> Claim:
    facts = inp.facts
    schemes = schemes_for(facts, op)
    if op.security_origin == "explicit-none":
        return claim(
            "No authentication: the docs set `security: []` for this operation.", op.security_source
        )
    if not schemes:
        if facts.security_schemes:
            names = ", ".join(s.name for s in facts.security_schemes)
            return claim(
                f"Not stated for this operation; the docs define {names}.",
                assume="no security requirement names a scheme for this operation; the API's "
                "schemes are listed as the likely ones",
            )
        secret = next(
            (f for f in facts.body_fields(op.request_body) if f.sensitive and f.required), None
        )
        if secret is not None:
            return claim(
                f"No security scheme; the credential travels in the required body field `{secret.path}`.",
                secret.source,
            )
        return claim(
            "Not stated: the docs define no security scheme.",
            assume="the documents define no security scheme; check how requests are authenticated",
        )
    parts: list[str] = []
    for s in schemes:
        if s.type == "http":
            parts.append(
                f"{s.name}: HTTP {s.scheme or ''} in the Authorization header".replace("  ", " ")
            )
        elif s.type == "basic":
            parts.append(f"{s.name}: HTTP basic in the Authorization header")
        elif s.type == "apiKey":
            parts.append(f"{s.name}: API key in {s.location} `{s.param_name}`")
        elif s.type == "oauth2":
            scopes = sorted({sc for r in op.security or [] for sc in r.schemes.get(s.name, [])})
            need = f" with scopes {', '.join(scopes)}" if scopes else ""
            parts.append(f"{s.name}: OAuth 2 bearer token{need}")
        else:
            parts.append(f"{s.name}: {s.type}")
    text = f"{requirement_text(op.security, op.security_origin)} — " + "; ".join(parts)
    return claim(text, op.security_source, *(s.source for s in schemes))


def endpoint_scope(inp: PlanInput, op: Operation) -> EndpointScope:
    facts = inp.facts
    purpose_text = (
        _without_endpoint(plain(op.summary))
        or plain((op.description or "").split("\n")[0])
        or f"{op.method} {op.path}"
    )
    request: list[FieldSpec] = [
        FieldSpec(
            text=f"{p.name} ({p.location}): {p.type or 'type not stated'}"
            + (", required" if p.required else ""),
            name=p.name,
            location=p.location,
            type=p.type,
            required=p.required,
            evidence=[p.source],
        )
        for p in op.parameters
    ]
    omitted = 0
    req_fields = facts.body_fields(op.request_body)
    listed, more = _listed(req_fields)
    request += [_field_spec(f, "body") for f in listed]
    omitted += more
    listed_paths = {f.path for f in listed}
    for f, parent in nested_required(inp, req_fields):
        if f.path in listed_paths:
            continue
        spec = _field_spec(f, "body")
        if not f.required:
            spec = spec.model_copy(update={"text": f"{spec.text} (required when {parent} is sent)"})
        request.append(spec)
    response: list[FieldSpec] = []
    successes = success_responses(op)
    if successes:
        listed, more = _listed(body_fields(facts, successes[0]))
        response += [_field_spec(f, "body") for f in listed]
        omitted += more
        for h in successes[0].headers:
            response.append(
                FieldSpec(
                    text=f"{h.name} header: {h.type or 'type not stated'}",
                    name=h.name,
                    location="response-header",
                    type=h.type,
                    evidence=[h.source],
                )
            )
    limits: list[Claim] = []
    for r in rate_limits_for(facts, op):
        scope = "this operation" if r.operation else "the whole API"
        if r.scope:
            scope += f", {r.scope}"
        if r.kind == "limit" and r.limit is not None and r.window_seconds:
            shown = f"{r.limit} requests per {r.window_seconds:g} s — {r.detail}"
        else:
            shown = r.detail
        limits.append(claim(f"Rate limit ({r.kind}, {scope}): {shown}", r.source))
    for f in req_fields:
        if (f.constraints and f.required) or (
            f.constraints and "." not in f.path and len(limits) < 30
        ):
            shown = ", ".join(f"{k} {v}" for k, v in f.constraints.items() if k != "default")
            if shown:
                limits.append(claim(f"{f.path}: {shown}", f.source))
    for p in op.parameters:
        if p.enum:
            limits.append(claim(f"{p.name}: one of {', '.join(p.enum[:10])}", p.source))
    limits += nested_limits(inp, op) + size_limit_claims(inp, op)
    return EndpointScope(
        operation=op.key,
        purpose=claim(purpose_text.strip()[:300], op.source),
        auth=auth_claim(inp, op),
        request=request,
        request_content_types=op.request_body.content_types if op.request_body else [],
        response=response,
        success_statuses=[r.status for r in successes],
        error_statuses=[r.status for r in error_responses(op)],
        limits=limits,
        contract=contract_claims(inp, op),
        omitted_fields=omitted,
    )


def open_questions(inp: PlanInput) -> list[OpenQuestion]:
    facts = inp.facts
    out: list[OpenQuestion] = []
    for op in inp.operations:
        limits = [r for r in facts.rate_limits if r.operation in (op.key, None)]
        if not limits:
            out.append(
                OpenQuestion(
                    question=f"apiplan found no rate limit for {op.key} in the documents: what is "
                    "it? (ask the API owner)",
                    why="it sets how fast a batch may send and whether a client-side limiter is needed",
                    operation=op.key,
                    topic="rate-limit",
                    default="no client-side limit; back off on 429 or 503 if they appear",
                )
            )
        elif not any(r.kind == "status" for r in limits) and not any(
            "429" in r.detail for r in limits if r.kind != "absence"
        ):
            out.append(
                OpenQuestion(
                    question=f"The docs state rate limits for {op.key} but name no status code for "
                    "exceeding them: which status does the API answer when the limit is hit?",
                    why="the client must recognise throttling to wait instead of failing",
                    operation=op.key,
                    topic="rate-limit",
                    default="do not assume 429: treat 429 and 503 as throttling if they appear, "
                    "and read the rate-limit headers",
                )
            )
        if (
            not [r for r in op.responses if not r.status.startswith("2")]
            and not facts.api_responses
        ):
            out.append(
                OpenQuestion(
                    question=f"apiplan found no error responses for {op.key}: what does it return "
                    "on failure? (ask the API owner)",
                    why="the error map can only classify failures by status until their bodies are known",
                    operation=op.key,
                    topic="errors",
                    default="4xx are client errors (not retried), 5xx server errors",
                )
            )
        if not is_idempotent_method(op) and not idempotency_for(facts, op):
            out.append(
                OpenQuestion(
                    question=f"apiplan found no idempotency key or dedup field for {op.key}: does it "
                    "deduplicate a repeated request (a key or a client reference)? Ask the API owner.",
                    why="without it a retry after a timeout may create a duplicate, so the plan does not "
                    "retry once the request may have been sent",
                    operation=op.key,
                    topic="idempotency",
                    default="not idempotent: no automatic retry after sending; reconcile instead",
                )
            )
        out += _signal_questions(inp, op)
        if op.security_origin == "unspecified" and facts.security_schemes:
            out.append(
                OpenQuestion(
                    question=f"apiplan found no credential named for {op.key}: which one does it "
                    "need? (ask the API owner)",
                    why="the client must send the right credential and nothing more",
                    operation=op.key,
                    topic="auth",
                    default="the API's documented scheme(s)",
                )
            )
    if inp.deadline is None and inp.ctx.deadline_seconds is None:
        out.append(
            OpenQuestion(
                question="How long may one call (all retries included) take in your use?",
                why="the total deadline bounds retries; the docs give no latency figures",
                topic="timeouts",
                default=("standard" if inp.use == "default" else inp.use)
                + " defaults (see the retry policy)",
            )
        )
    return out


_SELF_EXPLAINING = re.compile(r"dedup|idempot", re.I)
"""A field named for deduplication needs no question; 'nonce' or 'client_order_id' does."""


def _signal_questions(inp: PlanInput, op: Operation) -> list[OpenQuestion]:
    """What apiplan read from names alone, or could not find, about repeats and completion."""
    out: list[OpenQuestion] = []
    dedup = dedup_plan(inp, op)
    if (
        dedup is not None
        and dedup.location == "body"
        and "from the field's name" in dedup.text
        and not _SELF_EXPLAINING.search(dedup.field)
    ):
        out.append(
            OpenQuestion(
                question=f"apiplan reads `{dedup.field}` of {op.key} as a dedup value from its name "
                "alone: does the API drop a repeat that carries the same value, and for how long?",
                why="the retry policy resends after a timeout only because a repeat is safe",
                operation=op.key,
                topic="idempotency",
                default="a repeat with the same value is dropped",
            )
        )
    done = completion(inp, op)
    if done is not None and done.mechanism in ("unknown", "callback", "webhook"):
        out.append(
            OpenQuestion(
                question="apiplan found no documented way to "
                + ("learn" if done.mechanism == "unknown" else "authenticate")
                + f" the final outcome of {op.key}: how is it reported, and how is it verified?",
                why="until the outcome is known the caller can only report the job as accepted",
                operation=op.key,
                topic="other",
                default="reported as accepted, not done",
            )
        )
    return out


def build_scope(inp: PlanInput) -> Scope:
    """Phase 0 from the facts alone."""
    return Scope(
        goal=inp.goal,
        stated_context=inp.ctx.unused(),
        selection=inp.selection,
        workflow=inp.workflow,
        endpoints=[endpoint_scope(inp, op) for op in inp.operations],
        open_questions=open_questions(inp),
    )


__all__ = ["auth_claim", "build_scope", "grounding"]
