"""Golden evaluation cases and their scores."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import StrictModel


class RetryExpectation(StrictModel):
    """What the retry policy of one operation must say."""

    idempotent: bool | None = Field(default=None, description="Safe to repeat (method or key).")
    retries_after_send: bool | None = Field(
        default=None, description="Whether ambiguous failures (read timeout, 5xx) are retried."
    )


class WorkflowExpectation(StrictModel):
    """The operations a goal needs, written by reading the docs: keys compare with path
    parameters renamed freely ('{id}', ':id' and '{list_id}' are the same slot)."""

    must: list[str] = Field(
        default_factory=list[str], description="Operations every right workflow has."
    )
    must_any: list[list[str]] = Field(
        default_factory=list[list[str]],
        description="Groups of equivalent operations (another route to the same thing): one of "
        "each group must be there.",
    )
    must_not: list[str] = Field(
        default_factory=list[str], description="Operations a right workflow never has."
    )
    may: list[str] = Field(
        default_factory=list[str],
        description="Operations that are acceptable but not needed (they do not lower precision).",
    )
    order: list[str | list[str]] = Field(
        default_factory=list[str | list[str]],
        description="Operations (or equivalent groups) that must run in this relative order.",
    )


class Expectations(StrictModel):
    """Written by a person reading the docs, never copied from apiplan's output."""

    select: list[str] = Field(
        default_factory=list[str], description="Operations that must be selected."
    )
    not_select: list[str] = Field(
        default_factory=list[str], description="Operations that must not be."
    )
    auth: str | None = Field(default=None, description="Text the auth claim must contain.")
    statuses: list[str] = Field(
        default_factory=list[str], description="Statuses the error map must cover."
    )
    rate_limits: list[str] = Field(
        default_factory=list[str], description="Text the limits must contain."
    )
    retry: dict[str, RetryExpectation] = Field(
        default_factory=dict[str, RetryExpectation], description="Per operation."
    )
    open_questions: list[str] = Field(
        default_factory=list[str], description="Topics that must be asked."
    )
    forbidden: list[str] = Field(
        default_factory=list[str],
        description="Strings that must never appear (invented items, secrets).",
    )
    findings: list[str] = Field(default_factory=list[str], description="Risk rules that must fire.")
    security_notes: list[str] = Field(
        default_factory=list[str], description="Text the notes must contain."
    )
    stack: str | None = Field(default=None, description="HTTP library the plan must speak in.")
    error: str | None = Field(default=None, description="Planning must fail with this text.")
    workflow: WorkflowExpectation | None = Field(
        default=None, description="The workflow the goal needs (selection precision and recall)."
    )
    dedup_fields: list[str] = Field(
        default_factory=list[str],
        description="Body fields or headers a retry policy must use to make a repeat safe.",
    )
    body_outcomes: list[str] = Field(
        default_factory=list[str],
        description="Response fields that carry the outcome inside a body: each needs an "
        "error-map row (class error-in-body).",
    )
    async_completion: list[str] = Field(
        default_factory=list[str],
        description="Operations whose final outcome comes later: each needs a completion.",
    )
    nested_required: list[str] = Field(
        default_factory=list[str],
        description="Nested body field paths ('payload.summary') the request contract must list.",
    )
    paging: list[str] = Field(
        default_factory=list[str],
        description="Operations that must say how they page (listing) or batch (sending).",
    )


class GoldenCase(StrictModel):
    """One evaluation case: inputs and what a correct blueprint holds."""

    goal: str = Field(description="The plain-words goal.")
    docs: list[str] = Field(
        description="Documents: 'corpus:<path>' (in ../shared/corpus) or repo paths."
    )
    code: list[str] = Field(
        default_factory=list[str], description="Client code files, same notation."
    )
    context: list[str] = Field(default_factory=list[str], description="User context lines.")
    operations: list[str] = Field(default_factory=list[str], description="METHOD:PATH pins.")
    expect: Expectations = Field(description="What the blueprint must (not) hold.")


class CaseScore(StrictModel):
    """Scores of one case: fractions in [0, 1] (None when the case does not test it)."""

    name: str = Field(description="Case file name.")
    ok: bool = Field(description="No invented item, no leak, no error, expected failure matched.")
    score: float = Field(description="Mean of the metrics that apply.")
    invented: int = Field(description="Undocumented-field findings plus forbidden strings found.")
    leaks: int = Field(description="Credential-shaped values in the output.")
    selection_precision: float | None = Field(
        default=None, description="Selected that were expected."
    )
    selection_recall: float | None = Field(default=None, description="Expected that were selected.")
    workflow_order: float | None = Field(
        default=None, description="1 when the ordered operations run in the expected order."
    )
    auth: float | None = Field(default=None, description="1 when the auth claim is right.")
    error_coverage: float | None = Field(default=None, description="Expected statuses mapped.")
    rate_limit_recall: float | None = Field(default=None, description="Expected limits present.")
    retry_conformance: float | None = Field(default=None, description="Retry expectations met.")
    timeouts: float | None = Field(default=None, description="1 when every policy has 3 bounds.")
    assumptions_labelled: float | None = Field(default=None, description="1 when no claim is bare.")
    open_question_recall: float | None = Field(default=None, description="Expected topics asked.")
    findings_recall: float | None = Field(default=None, description="Expected risk rules fired.")
    other: float | None = Field(
        default=None, description="Security notes and stack expectations met."
    )
    dedup_recall: float | None = Field(default=None, description="Expected dedup fields used.")
    body_outcome_recall: float | None = Field(
        default=None, description="Expected outcome-in-body fields with an error-map row."
    )
    async_completion: float | None = Field(
        default=None, description="Expected asynchronous operations with a completion."
    )
    nested_required_recall: float | None = Field(
        default=None, description="Expected nested required fields in the request contract."
    )
    paging_recall: float | None = Field(
        default=None, description="Expected operations with pagination or batching."
    )
    false_no_limit: int = Field(
        default=0,
        description="Endpoints shown with no limit although their documented fields or "
        "parameters carry constraints (target 0).",
    )
    seconds: float = Field(description="Wall time of the case.")
    llm_calls: int = Field(default=0, description="LLM phases run.")
    prompt_tokens: int = Field(default=0, description="Prompt tokens, all phases.")
    completion_tokens: int = Field(default=0, description="Completion tokens, all phases.")
    problems: list[str] = Field(
        default_factory=list[str], description="What went wrong, one line each."
    )


class EvalReport(StrictModel):
    """A run over golden cases."""

    generator: str = Field(default="", description="Tool and version.")
    model: str = Field(description="Model the cases ran with.")
    cases: list[CaseScore] = Field(description="Per case.")
    mean_score: float = Field(description="Mean of the case scores.")
    invented: int = Field(description="Total invented items.")
    leaks: int = Field(description="Total leaks.")
    false_no_limit: int = Field(default=0, description="Total false 'no limit' claims.")
    kind: Literal["eval"] = Field(default="eval", description="Report kind.")
