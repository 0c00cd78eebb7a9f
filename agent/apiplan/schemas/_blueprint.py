"""The blueprint and the output of each phase.

Every claim carries either ``evidence`` (sources in the documents, or the user's own words) or
an ``assumption`` (the reason it was assumed): never both, never neither. The models are strict
because an LLM is asked to fill them and a validator checks them against the facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .._constants import OUTPUT_FORMAT_VERSION
from ._base import StrictModel, document_schema, name_document
from ._facts import FactWarning
from ._source import Source

ErrorClass = Literal[
    "transient",
    "throttled",
    "auth",
    "permission",
    "validation",
    "not-found",
    "conflict",
    "server",
    "client",
    "error-in-body",
    "unspecified",
    "undocumented",
]
Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
"""Most severe first: reports sort by it and ``--fail-on`` compares against it."""
RiskRule = Literal[
    "undocumented-field",
    "missing-timeout",
    "secret-exposure",
    "unbounded-retry",
    "silent-failure",
    "schema-drift",
    "unsupported-citation",
    "plan-consistency",
    "server-config",
]
FieldLocation = Literal["path", "query", "header", "cookie", "body", "response-header"]
ExclusionReason = Literal["deprecated", "contradicts-goal", "test-only", "updates-existing"]
RISK_RULES: tuple[RiskRule, ...] = get_args(RiskRule)
"""Every rule, in the order reports list them."""


def severity_rank(severity: Severity) -> int:
    """0 for the most severe: a sort key, and ``rank(a) <= rank(b)`` means 'at least b'."""
    return SEVERITIES.index(severity)


class Claim(StrictModel):
    """A statement in the blueprint, grounded in the docs or labelled as an assumption."""

    text: str = Field(description="The statement, in plain words.")
    evidence: list[Source] = Field(
        default_factory=list[Source],
        description="Where the documents (or the user) say this. Empty when it is an assumption.",
    )
    assumption: str | None = Field(
        default=None,
        description="Why this is assumed when the documents do not say it. None when evidenced.",
    )

    @model_validator(mode="after")
    def _grounded_or_assumed(self) -> Claim:
        if bool(self.evidence) == bool(self.assumption):
            raise ValueError(
                "a claim needs evidence or an assumption with its reason, and not both: "
                f"{self.text[:80]!r}"
            )
        return self


def walk_claims(model: object, path: str = "") -> Iterator[tuple[str, Claim]]:
    """Every claim inside ``model`` (a blueprint, a phase output, a list of them), depth first
    in field order, with its path ('plan.retry_policies[0]'): the one walker that validators,
    renderers and the eval share, so that a new model field is seen by all of them."""
    if isinstance(model, Claim):
        yield path, model
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from walk_claims(getattr(model, name), f"{path}.{name}" if path else name)
    elif isinstance(model, list):
        for i, item in enumerate(cast("list[object]", model)):
            yield from walk_claims(item, f"{path}[{i}]")


# --- Checked against the facts when validated with context (the LLM phases' re-ask) ----------------
PhaseCheck = Callable[[BaseModel, Any], list[str]]
"""The undocumented-name rule, passed in by the caller (schemas cannot import validators):
``context={"apiplan_known": Known, "apiplan_check": validators.phase_problems}``."""


class PhaseOutput(StrictModel):
    """A phase's model: validated with ``context={"apiplan_known": Known, "apiplan_check":
    check}`` it must name only what the documents hold, so that instructor re-asks the model
    with the offenders listed. Facts without a check are refused: nothing is checked silently."""

    @model_validator(mode="after")
    def _against_facts(self, info: ValidationInfo) -> PhaseOutput:
        context: dict[str, Any] = info.context or {}
        known: object = context.get("apiplan_known")
        check: PhaseCheck | None = context.get("apiplan_check")
        if known is not None and check is None:
            raise ValueError("validated against the facts without a check (apiplan_check)")
        if known is not None and check is not None:
            problems = check(self, known)
            if problems:
                shown = "; ".join(problems[:15]) + (
                    f"; and {len(problems) - 15} more" if len(problems) > 15 else ""
                )
                raise ValueError(f"names things the documents do not hold: {shown}")
        return self


# --- Phase 0: scope ---------------------------------------------------------------------------
class OperationChoice(StrictModel):
    """Why an operation was selected for the goal."""

    key: str = Field(description="'METHOD /path' of the operation.")
    score: float = Field(description="Relevance score to the goal (0 when pinned).")
    reasons: list[str] = Field(default_factory=list[str], description="What in the docs matched.")
    pinned: bool = Field(default=False, description="Chosen by the user with --operation.")


# --- the workflow: which operations, in which order, fed by what -------------------------------
WorkflowRole = Literal["prerequisite", "main", "completion", "follow-up"]


class StepInput(StrictModel):
    """An input of a workflow step and where its value comes from."""

    name: str = Field(description="Parameter or body field name as documented.")
    location: Literal["path", "query", "header", "body"] = Field(description="Where it travels.")
    from_step: int | None = Field(
        default=None, description="Order of the step whose response feeds it; None: you supply it."
    )
    output: str | None = Field(
        default=None, description="Field of that step's response that feeds it, as documented."
    )
    basis: Literal["link", "same-name", "rest-convention", "description", "caller"] = Field(
        description="Why the output feeds the input: an OpenAPI link, the same field name, the "
        "REST convention (an item's id comes from its collection), the docs' own words, or the "
        "caller supplies it."
    )
    evidence: list[Source] = Field(
        default_factory=list[Source], description="Where the input and the output are documented."
    )


class WorkflowStep(Claim):
    """One call of the workflow; the claim's text says in one line why it is there."""

    order: int = Field(description="1-based position in the workflow.")
    operation: str = Field(description="'METHOD /path' of the operation.")
    role: WorkflowRole = Field(
        description="main: does what the goal asks; prerequisite: produces an input of a later "
        "step; completion: learns the outcome of an asynchronous step; follow-up: named by the goal."
    )
    intent: str | None = Field(default=None, description="The words of the goal it serves.")
    score: float = Field(default=0.0, description="Relevance to its intent (0 when pinned).")
    condition: str | None = Field(
        default=None,
        description="When the step runs, as the goal says ('if the order is cancelled').",
    )
    inputs: list[StepInput] = Field(
        default_factory=list[StepInput],
        description="Inputs fed by earlier steps or supplied by you.",
    )


class ExcludedOperation(Claim):
    """A candidate left out on purpose; the claim's text is the reason, in one line."""

    operation: str = Field(description="'METHOD /path' of the operation.")
    reason: ExclusionReason = Field(description="Why it is left out.")
    replacement: str | None = Field(default=None, description="The operation used instead, if any.")


class RunnerUp(StrictModel):
    """An operation that nearly matched, shown so a user can pin it instead."""

    operation: str = Field(description="'METHOD /path' of the operation.")
    score: float = Field(description="Its relevance score.")
    intent: str | None = Field(default=None, description="The goal's words it was scored for.")
    why: str = Field(description="What matched, in one line.")


class Workflow(StrictModel):
    """The goal as an ordered workflow of documented operations."""

    intents: list[str] = Field(
        default_factory=list[str], description="What the goal asks, one each."
    )
    constraints: list[str] = Field(
        default_factory=list[str], description="Stated constraints (batch, no duplicates, ...)."
    )
    steps: list[WorkflowStep] = Field(
        default_factory=list[WorkflowStep], description="The calls, in order."
    )
    excluded: list[ExcludedOperation] = Field(
        default_factory=list[ExcludedOperation], description="Candidates left out, with the reason."
    )
    runner_ups: list[RunnerUp] = Field(
        default_factory=list[RunnerUp], description="Near misses with their scores."
    )
    uncertain: bool = Field(
        default=False, description="The selection is a best guess: confirm it or pin operations."
    )
    note: str | None = Field(
        default=None, description="What is uncertain and how to pin (--operation METHOD:PATH)."
    )


class FieldSpec(Claim):
    """A request or response field, parameter or header the integration uses."""

    name: str = Field(description="Field path, parameter or header name as documented.")
    location: FieldLocation = Field(description="Where it travels.")
    type: str | None = Field(default=None, description="Documented type.")
    required: bool = Field(default=False, description="Required by the docs.")


class EndpointScope(StrictModel):
    """Phase 0's view of one selected endpoint."""

    operation: str = Field(description="'METHOD /path'.")
    purpose: Claim = Field(description="What the endpoint does, from its summary/description.")
    auth: Claim = Field(description="How a request is authenticated.")
    request: list[FieldSpec] = Field(
        default_factory=list[FieldSpec], description="Parameters and body fields."
    )
    request_content_types: list[str] = Field(
        default_factory=list[str], description="Request media types."
    )
    response: list[FieldSpec] = Field(
        default_factory=list[FieldSpec], description="Success response fields."
    )
    success_statuses: list[str] = Field(
        default_factory=list[str], description="Documented 2xx statuses."
    )
    error_statuses: list[str] = Field(
        default_factory=list[str], description="Documented other statuses."
    )
    limits: list[Claim] = Field(
        default_factory=list[Claim], description="Rate limits, size and value limits that apply."
    )
    contract: list[Claim] = Field(
        default_factory=list[Claim],
        description="What every request must carry beyond its fields: content type, required "
        "headers, server variables with their allowed values.",
    )
    omitted_fields: int = Field(
        default=0, description="Documented fields not listed here (see the facts)."
    )


class OpenQuestion(StrictModel):
    """Something the docs leave open that the user must answer."""

    question: str = Field(description="The question, answerable by the user.")
    why: str = Field(description="What changes in the plan depending on the answer.")
    operation: str | None = Field(default=None, description="Operation it concerns, if one.")
    topic: Literal["rate-limit", "errors", "auth", "idempotency", "timeouts", "schema", "other"] = (
        Field(description="Area of the question.")
    )
    default: str = Field(description="What the blueprint assumes until it is answered.")


class Scope(PhaseOutput):
    """Phase 0: what is being integrated and what the docs do not say."""

    goal: str = Field(description="The user's goal, as given.")
    stated_context: list[str] = Field(
        default_factory=list[str], description="User context not otherwise used, echoed as given."
    )
    selection: list[OperationChoice] = Field(description="Selected operations and why.")
    workflow: Workflow | None = Field(
        default=None, description="The selected operations as ordered steps, with what feeds what."
    )
    endpoints: list[EndpointScope] = Field(description="Per selected endpoint: the contract.")
    open_questions: list[OpenQuestion] = Field(
        default_factory=list[OpenQuestion], description="What the docs do not say."
    )


# --- Phase 1: working plan --------------------------------------------------------------------
class Timeouts(StrictModel):
    """The three separate bounds every call path has."""

    connect_seconds: float = Field(description="Connect timeout per attempt.")
    read_seconds: float = Field(description="Read timeout per attempt.")
    total_deadline_seconds: float = Field(description="Deadline over all attempts and waits.")


class DedupPlan(Claim):
    """How a repeat of a call is made safe with a value the client chooses (a body field such as
    a dedup key or client id, or an idempotency header), and how a repeat is answered."""

    field: str = Field(description="Field path or header name as documented.")
    location: Literal["body", "header", "query"] = Field(description="Where it travels.")
    required: bool = Field(default=False, description="Whether the docs mark it required.")
    derive: str = Field(
        description="How the value is derived deterministically from the caller's data, so that "
        "re-running the job sends the same value."
    )
    on_repeat: str = Field(description="How the API answers a repeat, and what the client does.")
    reconcile_operation: str | None = Field(
        default=None,
        description="'METHOD /path' of a documented operation that looks the item up by this "
        "value; None when apiplan found none.",
    )


class Completion(Claim):
    """How the final outcome of an asynchronous call is learned, and what the caller sees
    until then."""

    operation: str = Field(description="'METHOD /path' of the asynchronous operation.")
    mechanism: Literal["poll", "callback", "webhook", "unknown"] = Field(
        description="poll a documented operation, receive a callback to a URL the request names, "
        "receive a documented webhook, or unknown (apiplan found no way)."
    )
    poll_operation: str | None = Field(
        default=None, description="'METHOD /path' polled for the outcome, when polling."
    )
    first_wait_seconds: float | None = Field(
        default=None, description="Wait before the first poll."
    )
    interval_cap_seconds: float | None = Field(
        default=None, description="Longest wait between two polls."
    )
    max_wait_seconds: float | None = Field(
        default=None, description="How long the outcome is awaited before giving up."
    )
    callback: str | None = Field(
        default=None, description="Request field or webhook that delivers the outcome."
    )
    until_then: str = Field(description="What the caller sees until the outcome is known.")


class Paging(Claim):
    """How a listing operation is paged, or how many items a sending operation takes per call
    and what happens to a half-sent batch."""

    operation: str = Field(description="'METHOD /path'.")
    kind: Literal["list", "batch"] = Field(description="list: pages of results; batch: items sent.")
    style: Literal["cursor", "page", "link", "batch"] = Field(
        description="cursor/next token, page number or offset, Link header, or a batch request."
    )
    page_size_max: int | None = Field(default=None, description="Documented largest page.")
    batch_max_items: int | None = Field(default=None, description="Documented largest batch.")


class RetryPolicy(Claim):
    """Retry rules for one operation."""

    operation: str = Field(description="'METHOD /path'.")
    idempotent: bool = Field(description="Whether a repeated request is safe (RFC 9110 or key).")
    idempotency_key: str | None = Field(
        default=None, description="Documented header that makes retries safe, if any."
    )
    retry_on: list[str] = Field(
        default_factory=list[str], description="Statuses and failures that are retried."
    )
    never_retry: list[str] = Field(default_factory=list[str], description="Statuses never retried.")
    max_attempts: int = Field(description="Attempts including the first.", ge=1, le=10)
    backoff_base_seconds: float = Field(description="First backoff step.")
    backoff_cap_seconds: float = Field(description="Largest backoff step.")
    jitter: Literal["full", "equal", "none"] = Field(description="Jitter applied to backoff.")
    honour_retry_after: bool = Field(description="Whether Retry-After is honoured.")
    retry_after_ceiling_seconds: float = Field(description="Longest Retry-After wait accepted.")
    timeouts: Timeouts = Field(description="Per-attempt and total bounds.")
    worst_case_seconds: float = Field(description="Wall clock of the policy at its worst.")
    budget_reason: str | None = Field(
        default=None,
        description="Why these bounds: the call's use, the deadline's origin, volume and the "
        "docs' advice, and what was cut to fit the worst case into the deadline.",
    )
    dedup: DedupPlan | None = Field(
        default=None, description="The value that makes a repeat safe, when the docs hold one."
    )


class PlanItem(Claim):
    """One decision of the working plan."""

    topic: str = Field(description="Short heading.")


class TestCase(Claim):
    """One row of the test matrix."""

    __test__ = False  # not a pytest test class

    name: str = Field(description="Test name, as a function name.")
    operation: str | None = Field(default=None, description="Operation under test.")
    scenario: str = Field(description="What the fake server or input does.")
    expect: str = Field(description="What the client must do.")
    fixture: str = Field(description="Mock, fixture file or transport the test needs.")


class WorkingPlan(PhaseOutput):
    """Phase 1: how the integration is built."""

    stack: str = Field(description="HTTP library the plan speaks in.")
    client_boundary: list[PlanItem] = Field(description="Module that owns calls; what it exposes.")
    validation: list[PlanItem] = Field(description="Request and response validation rules.")
    retry_policies: list[RetryPolicy] = Field(description="Per operation retry rules and bounds.")
    observability: list[PlanItem] = Field(description="What is logged, measured and redacted.")
    redaction: list[str] = Field(description="Names never logged, from the docs and defaults.")
    tests: list[TestCase] = Field(
        default_factory=list[TestCase], description="Tests with their fixtures."
    )
    completions: list[Completion] = Field(
        default_factory=list[Completion],
        description="Per asynchronous operation: how its final outcome is learned, with bounds.",
    )
    paging: list[Paging] = Field(
        default_factory=list[Paging],
        description="Pagination of listing operations and batching of sending ones.",
    )


# --- Phase 2: deliverable ---------------------------------------------------------------------
class ErrorRow(Claim):
    """One documented (or explicitly undocumented) failure: class, action, log fields."""

    operation: str = Field(description="'METHOD /path', or '*' for all selected operations.")
    status: str = Field(description="Status, range, 'default', a failure such as 'timeout'.")
    error_class: ErrorClass = Field(description="Class of the failure.")
    action: str = Field(description="What the client does.")
    retry: bool = Field(description="Whether the client retries it automatically.")
    log_fields: list[str] = Field(default_factory=list[str], description="Fields logged for it.")
    body_field: str | None = Field(
        default=None,
        description="For an outcome inside a body: the field that carries it (ok, status, "
        "items[].status, failed_records).",
    )


class Step(Claim):
    """One implementation step, in order."""

    order: int = Field(description="1-based position.")


class Tradeoff(Claim):
    """A choice that changes the answer, with the option chosen."""

    topic: str = Field(description="What is being traded off.")
    chosen: str = Field(description="The option the blueprint takes.")


class Deliverable(PhaseOutput):
    """Phase 2: what the engineer acts on."""

    implementation_steps: list[Step] = Field(description="Ordered implementation steps.")
    error_map: list[ErrorRow] = Field(description="Every documented error -> class -> action.")
    test_matrix: list[TestCase] = Field(description="One case per error row, plus edge cases.")
    security_notes: list[Claim] = Field(description="Credentials, redaction, transport.")
    tradeoffs: list[Tradeoff] = Field(
        default_factory=list[Tradeoff], description="Choices called out."
    )


# --- Phase 3: risk check ----------------------------------------------------------------------
class Finding(StrictModel):
    """A risk found in the blueprint, the docs or the user's code."""

    rule: RiskRule = Field(description="Rule that found it.")
    severity: Severity = Field(description="high, medium or low.")
    message: str = Field(description="What is wrong, in one sentence.")
    fix: str = Field(description="What to do about it.")
    location: str = Field(description="Where: a blueprint path, or file:line.")
    evidence: list[Source] = Field(default_factory=list[Source], description="Sources behind it.")


class SkippedRule(StrictModel):
    """A rule that did not run because its input was not given."""

    rule: RiskRule = Field(description="The rule.")
    reason: str = Field(description="What it needs, e.g. 'needs --code or --blueprint'.")


class RiskCheck(StrictModel):
    """Phase 3: findings of every rule."""

    model_config = ConfigDict(json_schema_extra=document_schema)

    kind: Literal["apiplan.risk-check"] = Field(
        default="apiplan.risk-check", description="What this JSON document is."
    )
    version: int = Field(default=OUTPUT_FORMAT_VERSION, description="Version of this JSON format.")

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        return name_document("apiplan.risk-check", data)

    rules_run: list[RiskRule] = Field(
        description="Rules that had something to examine (documents, code or a blueprint)."
    )
    rules_skipped: list[SkippedRule] = Field(
        default_factory=list[SkippedRule],
        description="Rules with nothing to examine, and what they need.",
    )
    findings: list[Finding] = Field(default_factory=list[Finding], description="What they found.")
    compared: list[OperationChoice] = Field(
        default_factory=list[OperationChoice],
        description="The operations a diff compared, each with why it was selected (a goal's "
        "reasons, or pinned); empty when no operations were compared.",
    )

    @property
    def clean(self) -> bool:
        return not any(f.severity == "high" for f in self.findings)


# --- The blueprint ----------------------------------------------------------------------------
class DecisionRun(StrictModel):
    """One decision of an LLM phase: from the model, or kept from the offline planner and why."""

    decision: str = Field(
        description="What was decided: 'workflow', 'open-questions', 'retry', 'error-action'."
    )
    item: str | None = Field(
        default=None, description="What it was decided for: an operation, or an error row."
    )
    source: Literal["model", "offline"] = Field(
        description="model: the model's answer passed the checks and was used; offline: the "
        "offline planner's decision was kept."
    )
    reason: str | None = Field(
        default=None, description="Why the offline decision was kept, when source is offline."
    )
    note: str | None = Field(
        default=None, description="The model's accepted answer in a few words, when it gave one."
    )


class PhaseRun(StrictModel):
    """How a phase was produced."""

    phase: Literal["scope", "plan", "deliverable", "risk"] = Field(description="Phase name.")
    model: str = Field(description="'offline' or the provider:model that produced it.")
    fallback: bool = Field(
        default=False, description="Filled by the offline planner after a failure."
    )
    seconds: float = Field(description="Wall time of the phase.")
    prompt_tokens: int | None = Field(default=None, description="LLM prompt tokens, if any.")
    completion_tokens: int | None = Field(default=None, description="LLM completion tokens.")
    fallback_reason: str | None = Field(
        default=None,
        description="Why the model's answer was not used, when fallback is true: 'deadline', "
        "'cut off at the length limit', 'invalid after N re-asks', 'connection: ...', "
        "'HTTP 500', 'context window'.",
    )
    fallback_error: str | None = Field(
        default=None, description="The last error of the failed LLM call, one line, redacted."
    )
    decisions: list[DecisionRun] = Field(
        default_factory=list[DecisionRun],
        description="With an LLM asked for decisions: each decision, from the model or offline.",
    )
    calls: int | None = Field(
        default=None, description="LLM requests the phase made (re-asks and retries included)."
    )


class Blueprint(StrictModel):
    """The integration blueprint: plan, contract, error map, tests, security, risks."""

    model_config = ConfigDict(json_schema_extra=document_schema)

    kind: Literal["apiplan.blueprint"] = Field(
        default="apiplan.blueprint", description="What this JSON document is (written first)."
    )
    version: int = Field(
        default=OUTPUT_FORMAT_VERSION, description="Version of this JSON format (written second)."
    )
    generator: str = Field(default="", description="Tool and version that wrote it.")

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        return name_document("apiplan.blueprint", data)

    api: str = Field(description="API title(s) from the documents.")
    documents: list[str] = Field(description="Documents the blueprint is built from.")
    scope: Scope = Field(description="Phase 0.")
    plan: WorkingPlan = Field(description="Phase 1.")
    deliverable: Deliverable = Field(description="Phase 2.")
    risk: RiskCheck = Field(description="Phase 3.")
    warnings: list[FactWarning] = Field(
        default_factory=list[FactWarning],
        description="What apiplan could not read in the documents (an unresolved or refused "
        "$ref, ...), as `apiplan facts` reports it: the parts built on it are incomplete.",
    )
    runs: list[PhaseRun] = Field(
        default_factory=list[PhaseRun], description="How each phase was produced."
    )


class ChatAnswer(PhaseOutput):
    """An answer in `apiplan chat`, grounded like a phase (checked against the facts)."""

    answer: Claim = Field(
        description="The answer, with evidence from the documents or an assumption."
    )
    not_in_docs: list[str] = Field(
        default_factory=list[str],
        description="What the question needs that the documents do not say.",
    )
