"""The scaffold's values built from a blueprint: its selected workflow, one step at a time.

Every decision about names, types and bounds is taken here, in Python, so that the Jinja
templates only lay code out. Values come from the blueprint and nowhere else: a field, status or
bound the blueprint does not hold is never added.
"""

from __future__ import annotations

import re

from ..exceptions import UsageError
from ..schemas import Blueprint, EndpointScope, ErrorRow, FieldSpec, RetryPolicy
from ._fields import (
    FieldModel,
    annotation,
    body_models,
    camel,
    cite,
    constraints_by_path,
    field_cite,
    snake,
    unique,
    words,
)
from ._flows import body_outcome, needs_caller, page_model, poll_model
from ._model import (
    DedupModel,
    HeaderModel,
    PolicyModel,
    ScaffoldModel,
    StatusModel,
    StepModel,
)

_STATUS = re.compile(r"^(\d{3})\b")
_RANGE = re.compile(r"^([1-5])XX$", re.I)
_FORM = "application/x-www-form-urlencoded"
_CONNECT_FAILURE = re.compile(r"connection error before", re.I)
_AFTER_SEND = re.compile(r"read timeout|connection reset", re.I)
_UNDOCUMENTED_EXAMPLE = 418
"""A status no API documents on purpose: what a test sends to reach the 'default' row."""
_NAME_WORDS = 3
"""Words of the API title kept in module and class names."""
_SIGNATURE = frozenset(
    {
        *("self", "body", "done", "max_pages", "next_cursor"),
        *("path", "headers", "params", "payload", "data", "result"),
        *("page", "position", "fetch", "not_pending", "operation", "quote", "api"),
        *("link", "asked", "moved"),
    }
)
"""Names the generated methods use themselves (parameters and locals): a documented parameter
gets another ('page' -> 'page_')."""


def api_slug(api: str) -> str:
    """Module-name stem of an API title: 'Parcelbox Shipping API' -> 'parcelbox_shipping'."""
    first = api.split("+")[0]
    kept = [w for w in words(first) if w not in {"api", "the", "v"} and not w.isdigit()]
    return "_".join(kept[:_NAME_WORDS]) or "api"


def _flat(spec_name: str, spec_type: str | None, attr: str, why: str, required: bool) -> FieldModel:
    return FieldModel(
        name=spec_name, attr=attr, annotation=annotation(spec_type), required=required, cite=why
    )


def _statuses(rows: list[ErrorRow], prefix: str) -> list[StatusModel]:
    out: list[StatusModel] = []
    for row in rows:
        exact = _STATUS.match(row.status)
        ranged = _RANGE.match(row.status)
        example = (
            int(exact.group(1))
            if exact and "with" not in row.status
            else int(ranged.group(1)) * 100
            if ranged
            else _UNDOCUMENTED_EXAMPLE
            if row.status == "default"
            else None
        )
        out.append(
            StatusModel(
                status=row.status,
                example=example,
                error_class=row.error_class,
                exception=_exception_name(prefix, row.error_class),
                retry=row.retry,
                action=row.action,
                cite=cite(row.evidence) or (row.assumption or ""),
            )
        )
    return out


def _exception_name(prefix: str, error_class: str) -> str:
    return f"{prefix}{camel(error_class)}Error"


def _policy(policy: RetryPolicy, function: str) -> PolicyModel:
    statuses = sorted(
        {int(m.group(1)) for entry in policy.retry_on if (m := _STATUS.match(entry.strip()))}
    )
    return PolicyModel(
        constant=f"{function.upper()}_POLICY",
        max_attempts=policy.max_attempts,
        backoff_base=policy.backoff_base_seconds,
        backoff_cap=policy.backoff_cap_seconds,
        jitter=policy.jitter,
        honour_retry_after=policy.honour_retry_after,
        retry_after_ceiling=policy.retry_after_ceiling_seconds,
        connect=policy.timeouts.connect_seconds,
        read=policy.timeouts.read_seconds,
        total=policy.timeouts.total_deadline_seconds,
        retry_statuses=statuses,
        retry_connect=any(_CONNECT_FAILURE.search(e) for e in policy.retry_on),
        retry_after_send=any(_AFTER_SEND.search(e) for e in policy.retry_on),
        idempotent=policy.idempotent,
        text=policy.text,
        cite=cite(policy.evidence) or (policy.assumption or ""),
    )


_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
_SKIP_HEADERS = frozenset({"content-type", "accept", "content-length", "user-agent", "host"})


def _one_value(endpoint: EndpointScope, name: str) -> str | None:
    """The single value the docs allow for a header ('box-version: one of 2025.0')."""
    for claim in endpoint.limits:
        head, _, rest = claim.text.partition(": ")
        if head == name and rest.startswith("one of ") and "," not in rest:
            value = rest.removeprefix("one of ").strip()
            return value if value and "…" not in value else None
    return None


def _step(
    bp: Blueprint, order: int, endpoint: EndpointScope, prefix: str, redaction: set[str]
) -> StepModel:
    operation = endpoint.operation
    method, _, path = operation.partition(" ")
    function = snake(f"{method} {path.replace('{', ' ').replace('}', ' ')}")
    policy = next((p for p in bp.plan.retry_policies if p.operation == operation), None)
    if policy is None:
        raise UsageError(f"{operation}: the blueprint has no retry policy for it")
    used: set[str] = set(_SIGNATURE)
    dedup = policy.dedup
    dedup_model = (
        DedupModel(
            name=dedup.field,
            location=dedup.location,
            param=unique(snake(dedup.field), used, frozenset()),
            derive=dedup.derive,
            cite=cite(dedup.evidence) or (dedup.assumption or ""),
        )
        if dedup is not None
        else None
    )
    credential_field: tuple[str, str] | None = None
    body_specs: list[FieldSpec] = []
    query: list[FieldModel] = []
    headers: list[HeaderModel] = []
    path_params: list[tuple[str, str]] = []
    for spec in endpoint.request:
        if dedup is not None and spec.name == dedup.field:
            continue
        if spec.name.lower() in redaction and spec.location in {"body", "header", "query"}:
            credential_field = (spec.location, spec.name)
            continue
        if spec.location == "path":
            path_params.append((spec.name, unique(snake(spec.name), used, frozenset())))
        elif spec.location == "query":
            attr = unique(snake(spec.name), used, frozenset())
            query.append(_flat(spec.name, spec.type, attr, field_cite(spec), spec.required))
        elif spec.location == "header" and spec.name.lower() not in (_AUTH_HEADERS | _SKIP_HEADERS):
            attr = unique(snake(spec.name), used, frozenset())
            fixed = _one_value(endpoint, spec.name)
            headers.append(HeaderModel(spec.name, attr, spec.required, fixed, field_cite(spec)))
        elif spec.location == "body":
            body_specs.append(spec)
    for name in re.findall(r"{([^}]+)}", path):
        if name not in {p[0] for p in path_params}:
            path_params.append((name, unique(snake(name), used, frozenset())))
    types = endpoint.request_content_types
    form = bool(types) and _FORM in types[0] and len(types) == 1
    constraints = constraints_by_path(endpoint.limits, body_specs)
    base = camel(function)
    body, nested = body_models(body_specs, base, constraints, nested=not form)
    rows = [r for r in bp.deliverable.error_map if r.operation in (operation, "*")]
    statuses = _statuses(rows, prefix)
    outcome = body_outcome(rows, {s.status: s.exception for s in statuses})
    plan_policy = _policy(policy, function)
    never = [
        int(m.group(1))
        for entry in policy.never_retry
        if (m := _STATUS.match(entry.strip())) and m.group(1).startswith("4")
    ]
    body_kind = None
    if body or (dedup is not None and dedup.location == "body") or credential_field:
        body_kind = "form" if form else "json"
    auth = endpoint.auth.text
    scheme = (
        "basic"
        if re.search(r"\bbasic\b", auth, re.I)
        else "bearer"
        if re.search(r"bearer|oauth", auth, re.I) and credential_field is None
        else ""
    )
    response_used: set[str] = set()
    response_fields = [
        _flat(f.name, f.type, unique(snake(f.name), response_used), "", False)
        for f in endpoint.response
        if f.location == "body" and "." not in f.name and "[" not in f.name
    ]
    paging = next((p for p in bp.plan.paging if p.operation == operation), None)
    page = page_model(paging, function, query, response_fields) if paging else None
    completion = next(
        (c for c in bp.plan.completions if c.mechanism == "poll" and c.poll_operation == operation),
        None,
    )
    simple = not body and dedup is None  # a poll or a page repeats a call that sends no body
    poll = poll_model(completion, function, endpoint, outcome) if completion and simple else None
    if not simple:
        page = None
    return StepModel(
        order=order,
        operation=operation,
        method=method.upper(),
        path=path,
        function=function,
        purpose=endpoint.purpose.text.splitlines()[0][:160] if endpoint.purpose.text else "",
        request_class=f"{base}Request" if body else None,
        response_class=f"{base}Response",
        body_fields=body,
        nested=nested,
        path_params=path_params,
        query_params=query,
        headers=headers,
        response_fields=response_fields,
        body_kind=body_kind,
        credential_field=credential_field,
        auth=scheme,
        auth_text=auth.splitlines()[0][:160],
        policy=plan_policy,
        dedup=dedup_model,
        statuses=statuses,
        body_outcome=outcome if outcome is not None and outcome.failed else None,
        retry_status=next((s for s in plan_policy.retry_statuses if s == 429), None)
        or next(iter(plan_policy.retry_statuses), None),
        never_status=next(iter(never), None),
        sample_body={f.name: f.sample for f in body if f.required},
        poll=poll,
        page=page,
        page_by_caller=page is not None and needs_caller(page),
        omitted=endpoint.omitted_fields,
    )


def build_model(bp: Blueprint, *, aio: bool = False) -> ScaffoldModel:
    """The scaffold of the blueprint's selected workflow.

    Args:
        bp: the blueprint.
        aio: an ``httpx.AsyncClient`` client (async methods) instead of the sync one.

    Raises:
        UsageError: the blueprint selects no workflow step, or a step has no retry policy.
    """
    slug = api_slug(bp.api)
    prefix = camel(slug.replace("_", " "))
    endpoints = {e.operation: e for e in bp.scope.endpoints}
    workflow = bp.scope.workflow
    order = (
        [s.operation for s in sorted(workflow.steps, key=lambda s: s.order)]
        if workflow and workflow.steps
        else [c.key for c in bp.scope.selection]
    )
    order = [op for op in dict.fromkeys(order) if op in endpoints]
    if not order:
        raise UsageError("the blueprint selects no workflow step: nothing to scaffold")
    redaction = {r.lower() for r in bp.plan.redaction}
    steps = [_step(bp, i, endpoints[op], prefix, redaction) for i, op in enumerate(order, 1)]
    classes = sorted({s.error_class for step in steps for s in step.statuses} | {"transient"})
    exceptions = [(_exception_name(prefix, c), c) for c in classes]
    polled = {s.poll.start for s in steps if s.poll}
    paged = {s.operation for s in steps if s.page}
    notes = [
        f"{c.operation}: its outcome is learned by polling {c.poll_operation}, which the workflow "
        f"does not select: pin it (--operation {c.poll_operation.replace(' ', ':', 1)}) to get a "
        "bounded wait method; until then the scaffold returns the first answer."
        if c.mechanism == "poll" and c.poll_operation
        else f"{c.operation}: its outcome arrives later ({c.mechanism}); the scaffold returns the "
        "first answer and does not wait for it."
        for c in bp.plan.completions
        if c.operation in order and c.operation not in polled
    ] + [
        f"{p.operation}: {p.kind} paging ({p.style}) is not generated; call the step per page."
        for p in bp.plan.paging
        if p.operation in order and p.operation not in paged and p.kind == "list"
    ]
    return ScaffoldModel(
        api=bp.api,
        slug=slug,
        prefix=prefix,
        goal=bp.scope.goal,
        documents=bp.documents,
        generator=bp.generator or "apiplan",
        env_prefix=slug.upper(),
        redaction=sorted(redaction),
        exceptions=exceptions,
        default_exception=_exception_name(prefix, "undocumented")
        if "undocumented" in classes
        else f"{prefix}Error",
        timeout_exception=_exception_name(prefix, "transient"),
        steps=steps,
        notes=notes,
        aio=aio,
    )
