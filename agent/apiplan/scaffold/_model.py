"""What the scaffold templates render: the selected workflow of a blueprint, as plain values.

Every decision about names, types and bounds is taken here, in Python, so that the Jinja
templates only lay code out. Values come from the blueprint and nowhere else: a field, status or
bound the blueprint does not hold is never added.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from ..exceptions import UsageError
from ..schemas import Blueprint, EndpointScope, ErrorRow, FieldSpec, RetryPolicy, Source

_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "object": "dict[str, Any]",
}
"""Documented scalar types and their Python annotations; anything else is ``Any``."""
_STATUS = re.compile(r"^(\d{3})\b")
_RANGE = re.compile(r"^([1-5])XX$", re.I)
_BODY_OUTCOME = re.compile(r"with\s+`?(\w+)`?\s*:\s*`?(false|true)`?", re.I)
_FORM = "application/x-www-form-urlencoded"
_CONNECT_FAILURE = re.compile(r"connection error before", re.I)
_AFTER_SEND = re.compile(r"read timeout|connection reset", re.I)
_UNDOCUMENTED_EXAMPLE = 418
"""A status no API documents on purpose: what a test sends to reach the 'default' row."""
_MAX_CITATIONS = 2
"""Citations kept per comment: enough to find the place in the docs, short enough to read."""
_NAME_WORDS = 3
"""Words of the API title kept in module and class names."""


@dataclass(frozen=True)
class FieldModel:
    """A request or response field as a Pydantic model attribute."""

    name: str
    attr: str
    annotation: str
    required: bool
    cite: str


@dataclass(frozen=True)
class PolicyModel:
    """One operation's retry policy, with the numbers exactly as planned."""

    constant: str
    max_attempts: int
    backoff_base: float
    backoff_cap: float
    jitter: str
    honour_retry_after: bool
    retry_after_ceiling: float
    connect: float
    read: float
    total: float
    retry_statuses: list[int]
    retry_connect: bool
    retry_after_send: bool
    idempotent: bool
    text: str
    cite: str


@dataclass(frozen=True)
class DedupModel:
    """The value that makes a repeat safe: where it travels and the caller's parameter."""

    name: str
    location: str
    param: str
    derive: str
    cite: str


@dataclass(frozen=True)
class StatusModel:
    """One error-map row that a status (or a body outcome) maps to an exception class."""

    status: str
    example: int | None
    error_class: str
    exception: str
    retry: bool
    action: str
    cite: str


@dataclass(frozen=True)
class StepModel:
    """One workflow step: one client function."""

    order: int
    operation: str
    method: str
    path: str
    function: str
    purpose: str
    request_class: str | None
    response_class: str
    body_fields: list[FieldModel]
    path_params: list[tuple[str, str]]
    query_params: list[FieldModel]
    response_fields: list[FieldModel]
    body_kind: str | None
    credential_field: tuple[str, str] | None
    auth_header: bool
    auth_text: str
    policy: PolicyModel
    dedup: DedupModel | None
    statuses: list[StatusModel]
    body_outcome: tuple[str, str, str] | None
    retry_status: int | None
    never_status: int | None
    sample_body: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ScaffoldModel:
    """Everything the templates need."""

    api: str
    slug: str
    prefix: str
    goal: str
    documents: list[str]
    generator: str
    env_prefix: str
    redaction: list[str]
    exceptions: list[tuple[str, str]]
    default_exception: str
    timeout_exception: str
    steps: list[StepModel]
    notes: list[str]


def _cite(sources: list[Source]) -> str:
    return ", ".join(s.cite() for s in sources[:_MAX_CITATIONS])


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Za-z][a-z]*|\d+", text)]


def _snake(text: str) -> str:
    name = "_".join(_words(text)) or "value"
    if name[0].isdigit():
        name = "v_" + name
    return name + "_" if keyword.iskeyword(name) or name in {"self", "request"} else name


def _camel(text: str) -> str:
    return "".join(w.capitalize() for w in _words(text)) or "Api"


def api_slug(api: str) -> str:
    """Module-name stem of an API title: 'Parcelbox Shipping API' -> 'parcelbox_shipping'."""
    first = api.split("+")[0]
    words = [w for w in _words(first) if w not in {"api", "the", "v"} and not w.isdigit()][
        :_NAME_WORDS
    ]
    return "_".join(words) or "api"


def _annotation(type_: str | None) -> str:
    if type_ and type_.startswith("array"):
        return "list[Any]"
    return _TYPES.get(type_ or "", "Any")


def _field(spec: FieldSpec) -> FieldModel:
    return FieldModel(
        name=spec.name,
        attr=_snake(spec.name),
        annotation=_annotation(spec.type),
        required=spec.required,
        cite=_cite(spec.evidence) or (spec.assumption or ""),
    )


def _sample(model: FieldModel) -> object:
    """A fixture value for a required field: typed, obviously fake, never a secret."""
    samples: dict[str, object] = {
        "str": f"example-{model.attr.strip('_')}",
        "int": 1,
        "float": 1.0,
        "bool": True,
        "dict[str, Any]": {},
        "list[Any]": [],
    }
    return samples.get(model.annotation, "example")


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
                cite=_cite(row.evidence) or (row.assumption or ""),
            )
        )
    return out


def _exception_name(prefix: str, error_class: str) -> str:
    return f"{prefix}{_camel(error_class)}Error"


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
        cite=_cite(policy.evidence) or (policy.assumption or ""),
    )


def _step(
    bp: Blueprint, order: int, endpoint: EndpointScope, prefix: str, redaction: set[str]
) -> StepModel:
    operation = endpoint.operation
    method, _, path = operation.partition(" ")
    function = _snake(f"{method} {path.replace('{', ' ').replace('}', ' ')}")
    policy = next((p for p in bp.plan.retry_policies if p.operation == operation), None)
    if policy is None:
        raise UsageError(f"{operation}: the blueprint has no retry policy for it")
    dedup = policy.dedup
    dedup_model = (
        DedupModel(
            name=dedup.field,
            location=dedup.location,
            param=_snake(dedup.field),
            derive=dedup.derive,
            cite=_cite(dedup.evidence) or (dedup.assumption or ""),
        )
        if dedup is not None
        else None
    )
    credential_field: tuple[str, str] | None = None
    body: list[FieldModel] = []
    query: list[FieldModel] = []
    path_params: list[tuple[str, str]] = []
    for spec in endpoint.request:
        if dedup is not None and spec.name == dedup.field:
            continue
        if spec.name.lower() in redaction and spec.location in {"body", "header", "query"}:
            credential_field = (spec.location, spec.name)
            continue
        if spec.location == "path":
            path_params.append((spec.name, _snake(spec.name)))
        elif spec.location == "query":
            query.append(_field(spec))
        elif spec.location == "body" and "." not in spec.name and "[" not in spec.name:
            body.append(_field(spec))
    for name in re.findall(r"{([^}]+)}", path):
        if name not in {p[0] for p in path_params}:
            path_params.append((name, _snake(name)))
    rows = [r for r in bp.deliverable.error_map if r.operation in (operation, "*")]
    statuses = _statuses(rows, prefix)
    outcome = next(
        (
            (m.group(1), m.group(2).lower(), s.exception)
            for s in statuses
            if s.error_class == "error-in-body" and (m := _BODY_OUTCOME.search(s.status))
        ),
        None,
    )
    plan_policy = _policy(policy, function)
    never = [
        int(m.group(1))
        for entry in policy.never_retry
        if (m := _STATUS.match(entry.strip())) and m.group(1).startswith("4")
    ]
    types = endpoint.request_content_types
    body_kind = None
    if body or (dedup is not None and dedup.location == "body") or credential_field:
        body_kind = "form" if types and _FORM in types[0] and len(types) == 1 else "json"
    auth = endpoint.auth.text
    request_class = f"{_camel(function)}Request" if body else None
    sample = {f.name: _sample(f) for f in body if f.required}
    return StepModel(
        order=order,
        operation=operation,
        method=method.upper(),
        path=path,
        function=function,
        purpose=endpoint.purpose.text.splitlines()[0][:160] if endpoint.purpose.text else "",
        request_class=request_class,
        response_class=f"{_camel(function)}Response",
        body_fields=body,
        path_params=path_params,
        query_params=query,
        response_fields=[
            _field(f)
            for f in endpoint.response
            if f.location == "body" and "." not in f.name and "[" not in f.name
        ],
        body_kind=body_kind,
        credential_field=credential_field,
        auth_header=bool(re.search(r"bearer|oauth|basic", auth, re.I)),
        auth_text=auth.splitlines()[0][:160],
        policy=plan_policy,
        dedup=dedup_model,
        statuses=statuses,
        body_outcome=outcome,
        retry_status=next((s for s in plan_policy.retry_statuses if s == 429), None)
        or next(iter(plan_policy.retry_statuses), None),
        never_status=next(iter(never), None),
        sample_body=sample,
    )


def build_model(bp: Blueprint) -> ScaffoldModel:
    """The scaffold of the blueprint's selected workflow.

    Raises:
        UsageError: the blueprint selects no workflow step, or a step has no retry policy.
    """
    slug = api_slug(bp.api)
    prefix = _camel(slug.replace("_", " "))
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
    notes = [
        f"{c.operation}: its outcome arrives by {c.mechanism}"
        + (f" ({c.poll_operation})" if c.poll_operation else "")
        + "; the scaffold returns the first answer and does not wait for it yet."
        for c in bp.plan.completions
        if c.operation in order
    ] + [
        f"{p.operation}: {p.kind} paging ({p.style}) is not generated yet; call the step per page."
        for p in bp.plan.paging
        if p.operation in order
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
    )
