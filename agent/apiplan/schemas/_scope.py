"""Phase 0, scope: the operations selected for the goal, their contract, the workflow that
orders them, and what the documents leave open."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import StrictModel
from ._claim import Claim, PhaseOutput
from ._source import Source

FieldLocation = Literal["path", "query", "header", "cookie", "body", "response-header"]
ExclusionReason = Literal["deprecated", "contradicts-goal", "test-only", "updates-existing"]


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
