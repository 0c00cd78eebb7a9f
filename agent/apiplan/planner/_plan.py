"""Phase 1 offline: client boundary, validation, retry policy per operation (built in
``_retry_policy``), observability."""

from __future__ import annotations

import re

from ..schemas import PlanItem, Source, TestCase, WorkingPlan
from ._common import (
    PlanInput,
    body_fields,
    effectively_required,
    grounding,
    method_name,
    response_header,
    schemes_for,
    snake,
    success_responses,
)
from ._outcomes import completion
from ._paging import paging
from ._retry_policy import retry_policy

_ALWAYS_REDACT = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"]

_REQUEST_ID = r"request[-_]?id|trace[-_]?id|correlation"


def api_slug(inp: PlanInput) -> str:
    title = next((d.title for d in inp.facts.documents if d.title), None) or "api"
    words = [
        w for w in re.findall(r"[A-Za-z0-9]+", title) if w.lower() not in ("api", "the", "v2", "v3")
    ]
    return snake("_".join(words[:2]) or "api")


def redaction_list(inp: PlanInput) -> tuple[list[str], list[Source]]:
    """Names never logged: auth headers, the API's credential names, its sensitive fields."""
    names: list[str] = list(_ALWAYS_REDACT)
    sources: list[Source] = []
    for s in inp.facts.security_schemes:
        if s.param_name and s.param_name not in names:
            names.append(s.param_name)
            sources.append(s.source)
    for op in inp.operations:
        for p in op.parameters:
            if (
                p.location in ("header", "query", "cookie")
                and _sensitive_param(p.name)
                and p.name not in names
            ):
                names.append(p.name)
                sources.append(p.source)
        fields = inp.facts.body_fields(op.request_body)
        for r in success_responses(op):
            fields = fields + body_fields(inp.facts, r)
        for f in fields:
            leaf = f.name or f.path.rsplit(".", 1)[-1]
            if f.sensitive and leaf not in names:
                names.append(leaf)
                sources.append(f.source)
    return names, sources


def _sensitive_param(name: str) -> bool:
    from ..sources import is_sensitive_name

    return is_sensitive_name(name.replace("-", "_")) or name.lower() in (
        "authorization",
        "x-api-key",
        "api-key",
    )


def mock_for(stack: str) -> str:
    """The HTTP mock the tests use for this stack's HTTP library."""
    return {
        "requests": "the `responses` library (RequestsMock)",
        "aiohttp": "aioresponses",
        "urllib3": "a local http.server on 127.0.0.1",
        "urllib": "a local http.server on 127.0.0.1",
    }.get(stack, "httpx.MockTransport (or respx)")


def working_plan(inp: PlanInput) -> WorkingPlan:
    """Phase 1 from the facts, the selection and the user's context."""
    facts = inp.facts
    ops = inp.operations
    slug = api_slug(inp)
    stack = inp.stack
    stack_src = (
        "your context" if inp.ctx.library else ("your existing code" if inp.code_stack else None)
    )
    methods = ", ".join(f"`{method_name(op)}()`" for op in ops)
    boundary = [
        PlanItem(
            topic="module",
            text=f"One module, `{slug}_client.py`, owns every call to this API and is the only code that "
            f"imports {stack}. It exposes {methods}, returns typed results and raises `{slug.title().replace('_', '')}Error` "
            "subclasses named after the error map's classes.",
            **grounding(*(op.source for op in ops)),
        ),
        PlanItem(
            topic="stack",
            text=f"HTTP library: {stack}"
            + (
                f" (from {stack_src})."
                if stack_src
                else " (not stated; httpx gives per-phase timeouts and a mock transport)."
            ),
            **grounding(
                assume=f"stack from {stack_src}"
                if stack_src
                else "you did not name an HTTP library"
            ),
        ),
    ]
    servers = [s for s in facts.servers] + [s for op in ops for s in op.servers]
    if servers:
        urls = "; ".join(
            f"{s.url}" + (f" ({s.description})" if s.description else "") for s in servers[:4]
        )
        boundary.append(
            PlanItem(
                topic="base URL",
                text=f"Base URL from configuration, documented values: {urls}.",
                **grounding(*(s.source for s in servers[:4])),
            )
        )
    else:
        boundary.append(
            PlanItem(
                topic="base URL",
                text="Base URL from configuration.",
                assumption="the documents give no server URL",
            )
        )
    schemes = {s.name: s for op in ops for s in schemes_for(facts, op)}
    if schemes:
        boundary.append(
            PlanItem(
                topic="credentials",
                text="Credentials are read once from the environment or a secret store and injected into "
                f"the client ({', '.join(schemes)}); callers never pass them, and they never appear in "
                "URLs, logs or exceptions.",
                **grounding(*(s.source for s in schemes.values())),
            )
        )
    validation: list[PlanItem] = []
    for op in ops:
        req = effectively_required(facts.body_fields(op.request_body))
        params = [p for p in op.parameters if p.required]
        if req or params:
            names = [p.name for p in params] + [f.path for f in req]
            validation.append(
                PlanItem(
                    topic=f"request {op.key}",
                    text=f"Before sending {op.key}, check the required inputs ({', '.join(names[:15])}"
                    + (" …" if len(names) > 15 else "")
                    + "), their enums and documented limits; fail fast with a validation error that names the field.",
                    **grounding(*([p.source for p in params] + [f.source for f in req])[:12]),
                )
            )
        ok = success_responses(op)
        if ok:
            fields = body_fields(facts, ok[0])
            req_out = [f.path for f in effectively_required(fields)]
            body_src = ok[0].body.source if ok[0].body else ok[0].source
            validation.append(
                PlanItem(
                    topic=f"response {op.key}",
                    text=f"Parse {ok[0].status} bodies of {op.key} into a model"
                    + (
                        f" requiring {', '.join(req_out[:10])}"
                        if req_out
                        else " (the docs mark no field required)"
                    )
                    + ". A missing required field or wrong type raises SchemaDriftError, logged and counted; "
                    "unknown fields are kept, logged once at debug and counted, never a crash and never "
                    "silently dropped.",
                    **grounding(body_src),
                )
            )
    policies = [retry_policy(inp, op) for op in ops]
    redaction, red_sources = redaction_list(inp)
    req_id = next((h for op in ops if (h := response_header(op, _REQUEST_ID))), None)
    observability = [
        PlanItem(
            topic="logs",
            text="One structured log line per attempt: operation, method, path template (never the "
            "filled URL with secrets), status, error class, attempt, elapsed ms, retry wait"
            + (f", and the `{req_id[0]}` response header" if req_id else "")
            + f". Values of {', '.join(redaction[:8])}{' …' if len(redaction) > 8 else ''} are replaced by '[redacted]'.",
            **grounding(
                req_id[1] if req_id else None,
                *red_sources[:6],
                assume="log fields are our design; the docs name no request-id header",
            ),
        ),
        PlanItem(
            topic="metrics",
            text="Counters by operation and error class (calls, retries, give-ups, schema drift, unknown "
            "fields) and a latency histogram per operation; alert on give-ups and on any schema drift.",
            assumption="observability design; the docs do not prescribe it",
        ),
    ]
    mock = mock_for(stack)
    tests = [
        TestCase(
            name="test_contract_fixtures_match_docs",
            scenario="Build every fixture body from the documented schemas cited in the contract.",
            expect="Fixtures validate against the response models; a field the docs lack fails the test.",
            fixture=f"JSON fixtures per documented response, served by {mock}",
            text="Fixtures come from the docs, not from memory.",
            **grounding(*(op.source for op in ops)),
        ),
        TestCase(
            name="test_retry_policy_bounds",
            scenario="A fake server answers every attempt with a retryable failure; a fake clock records sleeps.",
            expect="Attempts, backoff and the total deadline stop exactly at the policy's bounds.",
            fixture=f"{mock} plus a fake monotonic clock",
            text="The three retry bounds hold under persistent failure.",
            assumption="test design",
        ),
        TestCase(
            name="test_no_secret_in_logs",
            scenario="Run each operation with a recognisable fake credential and capture logs.",
            expect=f"No log record contains the credential or any of: {', '.join(redaction[:6])} values.",
            fixture="caplog plus a fake credential such as 'test-credential-123'",
            text="Redaction covers the API's own credential names.",
            **grounding(*red_sources[:4], assume="redaction of the standard auth headers"),
        ),
    ]
    return WorkingPlan(
        stack=stack,
        client_boundary=boundary,
        validation=validation,
        retry_policies=policies,
        observability=observability,
        redaction=redaction,
        tests=tests,
        completions=[c for op in ops if (c := completion(inp, op)) is not None],
        paging=paging(inp),
    )
