"""What the documents say about behaviour beyond an operation's contract: rate limits,
idempotency, outcomes carried in bodies, asynchronous completion, size limits, retry advice and
other prose hints, each with the place it is written."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import FactModel
from ._source import Source


class RateLimitEvidence(FactModel):
    """Something in the docs that speaks of rate limiting."""

    kind: Literal["status", "header", "extension", "text", "limit", "field", "absence"] = Field(
        description="A 429/503 response, a rate-limit header, a vendor extension, a sentence, a "
        "numeric limit, a field of the throttling body (retry_after), or the page's explicit "
        "silence on something (e.g. no status code named)."
    )
    detail: str = Field(description="The status, header name, extension key, or quoted sentence.")
    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    limit: int | None = Field(default=None, description="Number of requests allowed, for 'limit'.")
    window_seconds: float | None = Field(default=None, description="Window of the limit, seconds.")
    scope: str | None = Field(
        default=None, description="Who the limit counts: per route, per IP, per account, global."
    )
    source: Source = Field(description="Where it is documented.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class IdempotencyEvidence(FactModel):
    """Something in the docs that lets a client make a retried request safe."""

    kind: Literal["header", "field", "path", "text"] = Field(
        description="An idempotency header, a body field (dedup key), a transaction id in the path, "
        "or a sentence."
    )
    detail: str = Field(description="Header or field name, or the quoted sentence.")
    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    required: bool = Field(
        default=False, description="For a header or field: whether the docs mark it required."
    )
    basis: Literal["name", "description", "sentence"] | None = Field(
        default=None,
        description="For a field: read from its name alone, or its description speaks of "
        "duplicates; None for headers and sentences found by the extractor.",
    )
    source: Source = Field(description="Where it is documented.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class BodyOutcome(FactModel):
    """A field of a response body that carries the real outcome (``ok: false`` in a 200, a
    ``status`` enum with failure or pending values, per-item statuses, a list of failed items)."""

    operation: str = Field(description="Operation key.")
    status: str = Field(description="The response status whose body carries it ('200', '2XX').")
    field: str = Field(description="Dotted path of the field; ``[]`` marks per-item fields.")
    kind: Literal["flag", "enum", "failed-items"] = Field(
        description="flag: a boolean whose false means failure; enum: a status-like enum; "
        "failed-items: a list of items that were not accepted (partial success)."
    )
    failure_values: list[str] = Field(
        default_factory=list[str], description="Values that mean the call failed or was refused."
    )
    pending_values: list[str] = Field(
        default_factory=list[str], description="Values that mean the outcome is not final yet."
    )
    per_item: bool = Field(default=False, description="The field is per item of a batch answer.")
    source: Source = Field(description="Where the field is documented.")


class AsyncMarker(FactModel):
    """Something that says an operation's final outcome comes after its answer."""

    operation: str = Field(description="Operation key.")
    kind: Literal["accepted", "job-id", "pending-status", "callback", "webhook", "text"] = Field(
        description="accepted: a 202 response; job-id: the answer carries a job/task/batch id or "
        "a status URL; pending-status: a status enum with pending values; callback: a request "
        "field naming a URL the API calls back; webhook: a documented webhook; text: the docs' "
        "words."
    )
    detail: str = Field(description="The status, field name or quoted words.")
    source: Source = Field(description="Where it is documented.")


class SizeLimit(FactModel):
    """A documented size limit in bytes or characters, quoted from the docs."""

    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    field: str | None = Field(default=None, description="Body field it limits, if one.")
    detail: str = Field(description="The quoted sentence.")
    amount: int = Field(description="The number as written (bytes, characters, items).")
    unit: str = Field(description="Its unit as written: bytes, KB, MB, characters, ...")
    source: Source = Field(description="Where it is documented.")


class RetryGuidance(FactModel):
    """What the documents say about retrying a status or failure (tables, sentences)."""

    condition: str = Field(description="Status ('429', '5XX'), or 'network' for connection errors.")
    retry: bool | None = Field(
        description="True: the docs say retry; False: do not; None: unclear."
    )
    detail: str = Field(description="The quoted row or sentence.")
    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    source: Source = Field(description="Where it is documented.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class ProseNote(FactModel):
    """A hint from prose that is not an endpoint, status or limit."""

    topic: Literal["pagination", "version", "base-url", "transclusion", "other"] = Field(
        description="What the note is about."
    )
    detail: str = Field(description="The quoted text.")
    source: Source = Field(description="Where it is written.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )
