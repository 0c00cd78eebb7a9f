"""Phase 2 offline: error map, test matrix, implementation steps, security notes, tradeoffs."""

from __future__ import annotations

from ..schemas import (
    Claim,
    Deliverable,
    ErrorRow,
    Operation,
    RetryPolicy,
    SchemaField,
    Source,
    Step,
    TestCase,
    Tradeoff,
    WorkingPlan,
)
from ._common import (
    PlanInput,
    advice_for,
    body_fields,
    claim,
    classify,
    effectively_required,
    error_responses,
    grounded_like,
    grounding,
    method_name,
    plain,
    response_header,
    row,
    schemes_for,
    snake_key,
    success_responses,
)
from ._goal_tests import goal_tests
from ._outcomes import outcome_rows
from ._plan import api_slug, mock_for
from ._sensitive import sensitive_notes, url_secret_names

ERROR_ACTIONS = {
    "validation": "Do not retry. Raise ValidationError with the documented error fields; fix the request.",
    "auth": "Do not retry. Raise AuthError; check the credential (expired, revoked, wrong environment) and alert.",
    "permission": "Do not retry. Raise PermissionError naming the missing permission or scope.",
    "not-found": "Do not retry. Raise NotFoundError (or return None where absence is normal).",
    "conflict": "Do not retry. Raise ConflictError; re-read the resource and decide (reconcile).",
    "client": "Do not retry. Raise ClientError with status and body; this is a bug or a contract change.",
    "throttled": "Wait for Retry-After (capped) or backoff, then retry within the policy; count it.",
    "transient": "Retry with backoff within the policy's attempts and deadline.",
    "server": "Retry only if the operation is safe to repeat; otherwise raise ServerError and reconcile.",
    "unspecified": "Parse the documented error body; classify 4xx as client errors (no retry) and 5xx as "
    "server errors (retry only if safe); raise ApiError with status and error code.",
}


def _error_fields(inp: PlanInput, op: Operation) -> list[str]:
    """Field names of the documented error bodies worth logging (codes, messages, ids)."""
    names: list[str] = []
    for r in error_responses(op, inp.facts):
        for f in body_fields(inp.facts, r):
            leaf = f.name or f.path
            if "." not in f.path and leaf not in names and not f.sensitive:
                low = leaf.lower()
                if any(
                    k in low for k in ("code", "error", "message", "type", "id", "status", "detail")
                ):
                    names.append(leaf)
    return names[:6]


def _ok_flag(inp: PlanInput, op: Operation) -> tuple[SchemaField, SchemaField | None] | None:
    """Slack-style errors in a 200 body: a boolean `ok` (or `success`) and an `error` field."""
    found: tuple[SchemaField, SchemaField | None] | None = None
    for r in op.responses:
        fields = body_fields(inp.facts, r)
        flag = next(
            (f for f in fields if f.path in ("ok", "success") and f.type == "boolean"), None
        )
        if flag is not None:
            err = next((f for f in fields if f.path in ("error", "errors")), None)
            if err is not None:
                return flag, err  # the failure shape (Slack's default response) says most
            found = found or (flag, None)
    return found


def _safe_action(cls: str, retry: bool) -> str:
    """The server-error action of an operation known to be safe to repeat: the decision, not
    'retry only if safe' (the plan-consistency rule fails a safe operation worded that way)."""
    if cls == "unspecified":
        return (
            "Parse the documented error body; a 4xx is a client error (no retry), a 5xx a server "
            "error retried within the policy (the call is safe to repeat); raise ApiError with "
            "status and error code."
        )
    if retry:
        return "Retry with backoff within the policy (the call is safe to repeat); then raise ServerError."
    return "Do not retry this status: raise ServerError with status and body."


def error_map(inp: PlanInput, policies: dict[str, RetryPolicy]) -> list[ErrorRow]:
    rows: list[ErrorRow] = []
    for op in inp.operations:
        policy = policies[op.key]
        safe = policy.idempotent
        base_log = ["operation", "status", "attempt", "elapsed_ms"]
        req_id = response_header(op, r"request[-_]?id|trace[-_]?id")
        log = list(
            dict.fromkeys(base_log + ([req_id[0]] if req_id else []) + _error_fields(inp, op))
        )
        for r in error_responses(op, inp.facts):
            cls, transient = classify(r.status)
            retry = (transient and (safe or r.status == "429")) or (
                cls == "server" and safe and r.status in ("500", "5XX")
            )
            action = ERROR_ACTIONS.get(cls, ERROR_ACTIONS["unspecified"])
            if safe and cls in ("server", "unspecified"):
                action = _safe_action(cls, retry)
            if cls == "server" and not safe:
                action = "Do not resend automatically (the request may have been acted on): raise ServerError, then reconcile by reading the resource before any resend."
            if transient and not safe and r.status != "429":
                action = "Do not resend automatically: the request may have been acted on. Raise, then reconcile."
            if r.status == "429":
                ra = response_header(op, r"^retry-after$")
                action = (
                    f"Wait `{ra[0]}` seconds (capped at {policy.retry_after_ceiling_seconds:g} s), then retry within the policy; count throttling."
                    if ra
                    else f"Back off (Retry-After if present, capped at {policy.retry_after_ceiling_seconds:g} s), then retry within the policy."
                )
            advice = advice_for(inp.facts, op, r.status)
            if advice is not None and advice.retry is not None:
                retry = advice.retry
                action = (
                    "Retry with backoff within the policy: the docs say so."
                    if advice.retry
                    else "Do not retry (the docs say so). " + action.removeprefix("Do not retry. ")
                )
            desc = plain((r.description or "").strip().split("\n")[0])[:160]
            text = f"{op.key} → {r.status}" + (f": {desc}" if desc else "")
            rows.append(
                row(
                    op.key,
                    r.status,
                    cls,
                    action,
                    bool(retry),
                    log,
                    text,
                    r.source,
                    advice.source if advice is not None and advice.retry is not None else None,
                )
            )
        flag = _ok_flag(inp, op)
        if flag is not None:
            ok, err = flag
            codes = (
                f" Documented error codes: {', '.join(err.enum[:12])}{' …' if len(err.enum) > 12 else ''}."
                if err and err.enum
                else ""
            )
            throttle = [
                e for e in (err.enum if err else []) if "rate" in e.lower() and "limit" in e.lower()
            ]
            if throttle:
                codes += f" `{throttle[0]}` is throttling: back off and retry within the policy, like a 429."
            rows.append(
                row(
                    op.key,
                    f"200 with {ok.path}: false",
                    "error-in-body",
                    f"Check `{ok.path}` on every response before using it; on false raise ApiError with "
                    f"`{err.path if err else ok.path}`; never treat HTTP 200 as success alone.{codes}",
                    False,
                    list(dict.fromkeys(log + ([err.path] if err else []))),
                    f"{op.key} reports failures inside a 200 body (`{ok.path}`).",
                    ok.source,
                    err.source if err else None,
                )
            )
        rows += outcome_rows(inp, op, log)
        if not error_responses(op, inp.facts):
            rows.append(
                row(
                    op.key,
                    "any non-2xx",
                    "undocumented",
                    "The docs list no error response: raise ApiError with status and raw body (truncated, "
                    "redacted); 4xx are not retried, 5xx only if the call is safe to repeat.",
                    False,
                    log,
                    f"{op.key} documents no error responses.",
                    op.source,
                )
            )
        network = advice_for(inp.facts, op, "network")
        net_retry = safe or bool(network and network.retry)
        rows.append(
            row(
                op.key,
                "timeout",
                "transient",
                (
                    "Retry within the policy"
                    + (
                        " (the docs say retry network errors)."
                        if network and network.retry
                        else " (the call is safe to repeat)."
                    )
                    if net_retry
                    else "Connect timeout: retry (nothing was sent). Read timeout: do not resend; raise "
                    "OutcomeUnknownError and reconcile."
                ),
                net_retry,
                log,
                f"{op.key}: connect or read timeout.",
                network.source if network else None,
                assume="network failures are not in the docs; every call has them",
            )
        )
        rows.append(
            row(
                op.key,
                "malformed body",
                "server",
                "Raise SchemaDriftError with the status and the first 200 characters (redacted); do not retry a 2xx.",
                False,
                log,
                f"{op.key}: a response that is not the documented media type or not parseable.",
                assume="the docs describe valid bodies only",
            )
        )
    if inp.operations:
        rows.append(
            row(
                "*",
                "any status not listed",
                "undocumented",
                "Treat an undocumented 4xx as a client error (no retry) and an undocumented 5xx as a server "
                "error (retry only if safe); log status and a redacted body excerpt, count it, and raise: never pass it as success.",
                False,
                ["operation", "status", "attempt", "body_excerpt_redacted"],
                "Statuses the docs do not list for these operations.",
                assume="the API may answer with statuses it does not document",
            )
        )
    return rows


def test_matrix(
    inp: PlanInput, rows: list[ErrorRow], policies: dict[str, RetryPolicy], plan: WorkingPlan
) -> list[TestCase]:
    mock = mock_for(plan.stack)
    tests: list[TestCase] = []
    for r in rows:
        op = inp.facts.operation(r.operation) if r.operation != "*" else None
        name = f"test_{method_name(op) if op else 'any_operation'}_{_slug(r.status)}"
        expect = ("Retried within the policy; then: " if r.retry else "Not retried. ") + r.action
        src = r.evidence[0] if r.evidence else None
        scenario = _SCENARIOS.get(r.status, f"The server answers {r.status}.")
        fixture = f"{mock}" + (
            f" answering {r.status} with a body built from {src.cite()}"
            if src and src.pointer
            else ""
        )
        tests.append(
            TestCase(
                name=name,
                operation=r.operation if r.operation != "*" else None,
                scenario=scenario,
                expect=expect,
                fixture=fixture,
                text=f"Covers error-map row {r.operation} {r.status}.",
                **grounded_like(r),
            )
        )
    for op in inp.operations:
        p = policies[op.key]
        m = method_name(op)
        ra = response_header(op, r"^retry-after$")
        ra_src = ra[1] if ra else None
        throttling = next((r for r in op.responses if r.status == "429"), None)
        t_src = throttling.source if throttling else None
        extra = [
            (
                f"test_{m}_429_with_retry_after",
                "429 with Retry-After: 2, then 2xx.",
                "Waits 2 s (fake clock), retries once, returns the result.",
                ra_src or t_src,
            ),
            (
                f"test_{m}_429_without_retry_after",
                "429 without Retry-After, then 2xx.",
                f"Waits a jittered backoff ≤ {p.backoff_cap_seconds:g} s, retries, returns the result.",
                t_src,
            ),
            (
                f"test_{m}_retry_after_above_ceiling",
                f"429 with Retry-After: {int(p.retry_after_ceiling_seconds * 10)}.",
                f"Does not wait beyond {p.retry_after_ceiling_seconds:g} s: raises RateLimitedError with the advised wait.",
                ra_src or t_src,
            ),
            (
                f"test_{m}_read_timeout",
                "The server accepts the request and never answers.",
                (
                    f"Read timeout after {p.timeouts.read_seconds:g} s; retried within the policy."
                    if p.idempotent
                    else f"Read timeout after {p.timeouts.read_seconds:g} s; NOT resent (non-idempotent); raises OutcomeUnknownError."
                ),
                None,
            ),
            (
                f"test_{m}_extra_response_field",
                "2xx body with one field the docs do not define.",
                "Succeeds; the unknown field is logged once and counted.",
                None,
            ),
            (
                f"test_{m}_missing_required_field",
                "2xx body without a field the docs mark required.",
                "Raises SchemaDriftError naming the field; counted.",
                None,
            ),
            (
                f"test_{m}_deadline",
                "Every attempt fails slowly.",
                f"Gives up by the {p.timeouts.total_deadline_seconds:g} s deadline with the last error.",
                None,
            ),
        ]
        nothing_required = not _required_response_fields(inp, op)
        for name, scenario, expect, src in extra:
            if name.endswith("_read_timeout"):
                continue  # the error map's timeout row or a goal test already covers it
            if name.endswith("_missing_required_field") and nothing_required:
                continue  # the docs mark no response field required: nothing to check
            if "429" in scenario or "Retry-After" in scenario:
                # Throttling is tested even where undocumented, but then says so.
                ground = grounding(
                    src,
                    assume=f"{op.key} documents no 429; throttling is tested because it can happen anyway",
                )
            else:
                ground = grounding(op.source)
            tests.append(
                TestCase(
                    name=name,
                    operation=op.key,
                    scenario=scenario,
                    expect=expect,
                    fixture=f"{mock} and a fake clock",
                    text=f"Edge case of {op.key}'s retry and validation policy.",
                    **ground,
                )
            )
    return tests


def _required_response_fields(inp: PlanInput, op: Operation) -> list[str]:
    """Paths of the fields the docs mark required in the first documented 2xx body."""
    ok = success_responses(op)
    return [f.path for f in effectively_required(body_fields(inp.facts, ok[0]))] if ok else []


_SCENARIOS = {
    "timeout": "The connection is refused or times out; separately, the server accepts the request and never answers.",
    "malformed body": "2xx with a truncated JSON body, and one with an unexpected media type.",
    "any status not listed": "The server answers a status the docs do not list (e.g. 418, then 599).",
    "any non-2xx": "The server answers 400, then 500, with a plain-text body.",
}


def _slug(status: str) -> str:
    s = status.lower().replace(" ", "_").replace(":", "")
    return "".join(c for c in s if c.isalnum() or c == "_")[:40]


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


def completion_tests(plan: WorkingPlan) -> list[TestCase]:
    """Per asynchronous operation: pending is not done, and the wait is bounded."""
    mock = mock_for(plan.stack)
    out: list[TestCase] = []
    for c in plan.completions:
        m = snake_key(c.operation)
        via = (
            f"{c.poll_operation} answers pending twice, then final"
            if c.poll_operation
            else f"the outcome arrives through {c.callback}"
            if c.callback
            else "nothing documented reports the final outcome"
        )
        bound = f"{c.max_wait_seconds:g} s" if c.max_wait_seconds else "the deadline"
        ground = grounded_like(c)
        out.append(
            TestCase(
                name=f"test_{m}_pending_is_not_done",
                operation=c.operation,
                scenario=f"{c.operation} is accepted; {via}.",
                expect="The caller sees pending until the final outcome, then the final outcome; "
                "a failed final outcome raises.",
                fixture=f"{mock} and a fake clock",
                text=f"Covers how the outcome of {c.operation} is learned.",
                **ground,
            )
        )
        out.append(
            TestCase(
                name=f"test_{m}_completion_gives_up",
                operation=c.operation,
                scenario=f"{c.operation} is accepted and never finishes.",
                expect=f"The client stops waiting after {bound} and reports the job as not finished.",
                fixture=f"{mock} and a fake clock",
                text=f"The wait for {c.operation} is bounded.",
                **ground,
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
