"""Phase 1, the working plan: how the integration is built (client boundary, validation,
retry policies with their bounds, asynchronous completion, paging, observability, tests)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import StrictModel
from ._claim import Claim, PhaseOutput


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
