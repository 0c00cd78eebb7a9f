"""Phase 2 offline: error map, test matrix, implementation steps, security notes, tradeoffs.

The error map is built in ``_error_map`` and the test matrix in ``_test_matrix``; the
implementation steps, security notes and tradeoffs are here, with the assembly of the phase.
"""

from __future__ import annotations

from ..schemas import (
    Claim,
    Deliverable,
    RetryPolicy,
    Source,
    Step,
    Tradeoff,
    WorkingPlan,
)
from ._common import (
    PlanInput,
    claim,
    error_responses,
    grounding,
    method_name,
    schemes_for,
    success_responses,
)
from ._error_map import error_map
from ._goal_tests import goal_tests
from ._plan import api_slug
from ._sensitive import sensitive_notes, url_secret_names
from ._test_matrix import completion_tests, test_matrix


def security_notes(inp: PlanInput, plan: WorkingPlan) -> list[Claim]:
    facts = inp.facts
    notes: list[Claim] = []
    seen: set[str] = set()
    for op in inp.operations:
        for s in schemes_for(facts, op):
            if s.name in seen:
                continue
            seen.add(s.name)
            if s.type == "apiKey" and s.location == "query":
                notes.append(
                    claim(
                        f"{s.name} puts the key in the query parameter `{s.param_name}`: it will reach proxy and "
                        "access logs. Strip it from every logged URL, never log request URLs unredacted, and prefer a "
                        "header if the API accepts one.",
                        s.source,
                    )
                )
            elif s.type == "apiKey":
                notes.append(
                    claim(
                        f"{s.name}: send the key in the `{s.param_name}` {s.location}; redact that name in logs.",
                        s.source,
                    )
                )
            elif s.type in ("http", "basic") and (s.scheme or "").lower() == "basic":
                notes.append(
                    claim(
                        f"{s.name}: HTTP basic credentials; build the header from secrets at runtime, never embed user:pass in a URL.",
                        s.source,
                    )
                )
            elif s.type == "http":
                notes.append(
                    claim(
                        f"{s.name}: bearer token in `Authorization`; never log that header.",
                        s.source,
                    )
                )
            elif s.type == "oauth2":
                urls = {f.token_url for f in s.flows if f.token_url}
                notes.append(
                    claim(
                        f"{s.name}: OAuth 2 ({', '.join(f.flow for f in s.flows) or 'flow not stated'}); request only "
                        "the scopes the selected operations need, keep tokens and refresh tokens in the secret store"
                        + (f"; token endpoint {', '.join(sorted(urls))}" if urls else "")
                        + ".",
                        s.source,
                    )
                )
            else:
                notes.append(claim(f"{s.name}: {s.type} authentication.", s.source))
    notes += sensitive_notes(inp, seen)
    url_secrets = url_secret_names(inp)
    notes.append(
        claim(
            (
                "Secrets never appear in logs, exceptions, traces or prompts, and URLs that carry "
                "one are logged as their path template only; the redaction list is "
                if url_secrets
                else "Secrets never appear in URLs, logs, exceptions, traces or prompts; the "
                "redaction list is "
            )
            + f"{', '.join(plan.redaction)}.",
            *[n.evidence[0] for n in notes if n.evidence][:4],
            assume="standard redaction; the docs name no further secret",
        )
    )
    for f in facts.code:
        for sec in f.secrets:
            notes.append(
                claim(
                    f"Your code hard-codes a {sec.kind}"
                    + (f" in `{sec.name}`" if sec.name else "")
                    + f" ({sec.masked}) at {f.path}:{sec.source.line}: move it to the secret store and rotate it.",
                    sec.source,
                )
            )
        for log in f.logs:
            if {"token", "headers"} & set(log.carries):
                notes.append(
                    claim(
                        f"Your code logs {', '.join(log.carries)} at {f.path}:{log.source.line}: route it through the redaction list.",
                        log.source,
                    )
                )
    http = [s for s in facts.servers if s.url.startswith("http://")]
    if http:
        notes.append(
            claim(
                f"The docs list a plain-HTTP server ({http[0].url}): use HTTPS only.",
                http[0].source,
            )
        )
    return notes


def implementation_steps(
    inp: PlanInput, plan: WorkingPlan, policies: dict[str, RetryPolicy]
) -> list[Step]:
    ops = inp.operations
    slug = api_slug(inp)
    srcs = [op.source for op in ops]
    steps: list[tuple[str, list[Source]]] = [
        (
            "Configuration: base URL, credentials from the secret store, and the timeout and retry bounds "
            "below as named settings.",
            [*(s.source for s in inp.facts.servers[:2])],
        ),
        (
            f"`{slug}_client.py`: one {plan.stack} client with connect/read timeouts on every request, "
            f"exposing {', '.join(method_name(o) + '()' for o in ops)}.",
            srcs,
        ),
        (
            "Request models: required fields, enums and limits from the contract, validated before sending.",
            [op.request_body.source for op in ops if op.request_body],
        ),
        (
            "Retry wrapper per operation exactly as the retry policy says (attempt cap, backoff with jitter, "
            "Retry-After ceiling, total deadline)"
            + (
                "; idempotency keys generated once per logical operation and persisted."
                if any(p.idempotency_key for p in policies.values())
                else "."
            ),
            [e for p in policies.values() for e in p.evidence][:4],
        ),
        (
            "Response parsing: models for documented 2xx bodies; unknown fields logged and counted, missing "
            "required fields raise SchemaDriftError.",
            [r.source for op in ops for r in success_responses(op)][:4],
        ),
        (
            "Error mapping: one exception class per error-map class; every row's action implemented.",
            [r.source for op in ops for r in error_responses(op, inp.facts)][:4],
        ),
        (
            "Observability: structured log per attempt with redaction, metrics, alerts on give-ups and drift.",
            [],
        ),
        (
            "Tests: the test matrix below, all against a mock transport and a fake clock; no network.",
            [],
        ),
    ]
    steps[2:2] = _workflow_steps(inp)
    return [
        Step(
            order=i,
            text=text,
            **grounding(*sources, assume="engineering practice; the docs do not prescribe it"),
        )
        for i, (text, sources) in enumerate(steps, 1)
    ]


_ROLE_WORDS = {
    "prerequisite": "first",
    "main": "then",
    "completion": "then poll",
    "follow-up": "then",
}


def _workflow_steps(inp: PlanInput) -> list[tuple[str, list[Source]]]:
    """One implementation step per workflow step, in the workflow's order, saying what feeds it."""
    wf = inp.workflow
    if wf is None or len(wf.steps) < 2:
        return []
    out: list[tuple[str, list[Source]]] = []
    for s in wf.steps:
        op = inp.facts.operation(s.operation)
        if op is None:
            continue
        fed = [
            f"`{i.name}` from step {i.from_step}" + (f"'s `{i.output}`" if i.output else "")
            for i in s.inputs
            if i.from_step is not None
        ]
        feeds = f", passing {', '.join(fed)}" if fed else ""
        until = (
            " until it reports the job done (see its retry policy for the polling bounds)"
            if s.role == "completion"
            else ""
        )
        # The goal's words, without backticks: they would read as names the docs must hold.
        when = ", only " + s.condition.replace("`", "'") if s.condition else ""
        out.append(
            (
                f"Workflow step {s.order}: {'first' if s.order == 1 else _ROLE_WORDS[s.role]} "
                f"`{method_name(op)}()` ({op.key}){until}{feeds}{when}.",
                [op.source, *(e for i in s.inputs for e in i.evidence)][:4],
            )
        )
    return out


def tradeoffs(inp: PlanInput, policies: dict[str, RetryPolicy]) -> list[Tradeoff]:
    out: list[Tradeoff] = []
    for op in inp.operations:
        p = policies[op.key]
        if not p.idempotent:
            lister = next(
                (
                    o
                    for o in inp.facts.operations
                    if o.method == "GET"
                    and o.path.rstrip("/") in (op.path.rstrip("/"), op.path.rsplit("/", 1)[0])
                ),
                None,
            )
            how = f" (for example with {lister.key})" if lister else ""
            out.append(
                Tradeoff(
                    topic=f"retry vs reconcile for {op.key}",
                    chosen="reconcile",
                    text=f"After a timeout or 5xx on {op.key} the outcome is unknown. Resending risks a duplicate; "
                    f"the plan reconciles instead: look the result up{how} before any resend.",
                    **grounding(op.source, lister.source if lister else None),
                )
            )
    out.append(
        Tradeoff(
            topic="strict vs lenient response validation",
            chosen="strict on what you use, lenient on the rest",
            text="Required fields and types the integration reads are validated strictly (drift fails loudly); "
            "unknown fields are accepted, logged and counted so that additive API changes do not break you.",
            assumption="a design choice; the docs do not say how they evolve",
        )
    )
    if inp.facts.webhooks and any(o.method == "GET" for o in inp.operations):
        w = inp.facts.webhooks[0]
        out.append(
            Tradeoff(
                topic="polling vs webhooks",
                chosen="webhooks, with polling as reconciliation",
                text=f"The API documents webhooks (e.g. {w.name}); prefer them over polling and poll only to reconcile missed events.",
                evidence=[w.source],
            )
        )
    return out


def build_deliverable(inp: PlanInput, plan: WorkingPlan) -> Deliverable:
    policies = {p.operation: p for p in plan.retry_policies}
    rows = error_map(inp, policies)
    return Deliverable(
        implementation_steps=implementation_steps(inp, plan, policies),
        error_map=rows,
        test_matrix=goal_tests(inp, plan)
        + completion_tests(plan)
        + test_matrix(inp, rows, policies, plan),
        security_notes=security_notes(inp, plan),
        tradeoffs=tradeoffs(inp, policies),
    )


__all__ = ["Source", "build_deliverable"]
