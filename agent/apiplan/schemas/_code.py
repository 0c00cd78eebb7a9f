"""Facts read from existing client code: observations with lines, not verdicts.

The risk check (validators) turns them into findings; the planner uses them to speak in the
code's own stack.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PrivateAttr

from .._secret_examples import published_example
from .._secrets import SecretHit
from ._base import FactModel
from ._source import Source


class HttpCall(FactModel):
    """One outbound HTTP call in the code."""

    library: str = Field(
        description="requests, httpx, aiohttp, urllib3, urllib, fetch, axios, curl."
    )
    method: str | None = Field(default=None, description="HTTP method, when it can be read.")
    url: str | None = Field(
        default=None, description="Literal URL or pattern (f-string parts as {..})."
    )
    timeout: Literal["set", "none", "missing", "client", "parameter"] = Field(
        description="set: a value is passed; none: timeout=None; missing: no timeout; client: the "
        "client/session has one; parameter: passed through from a caller that may give None."
    )
    timeout_value: str | None = Field(
        default=None, description="The timeout expression as written."
    )
    status_checked: bool = Field(
        description="Status code or raise_for_status checked after the call."
    )
    json_unchecked: bool = Field(
        default=False, description="`.json()` used on the response before any status check."
    )
    in_function: str | None = Field(default=None, description="Enclosing function.")
    source: Source = Field(description="File and line of the call.")


class RetryMechanism(FactModel):
    """A retry loop or retry configuration."""

    kind: Literal["loop", "urllib3-retry", "tenacity", "backoff", "client-option"] = Field(
        description="How retries are made."
    )
    capped: bool = Field(description="Whether the number of attempts is bounded.")
    cap: str | None = Field(default=None, description="The bound as written, if any.")
    deadline: bool = Field(default=False, description="Whether a total time bound is checked.")
    honours_retry_after: bool = Field(default=False, description="Reads Retry-After / retry_after.")
    retry_after_ceiling: bool = Field(default=False, description="Caps the wait it reads.")
    statuses: list[str] = Field(
        default_factory=list[str], description="Statuses it retries, if read."
    )
    methods_checked: bool = Field(
        default=False, description="Whether it restricts retries by method (idempotency)."
    )
    source: Source = Field(description="File and line.")


class ErrorHandler(FactModel):
    """An except clause around HTTP work."""

    swallowed: bool = Field(description="The exception is neither raised nor returned/logged.")
    bare: bool = Field(description="A bare `except:` or `except Exception` with pass.")
    source: Source = Field(description="File and line.")


class FallThrough(FactModel):
    """A function whose retry loop can end without a return: the caller gets None."""

    function: str = Field(description="The function's name.")
    loop_test: str = Field(description="The loop's condition as written (its exit case).")
    source: Source = Field(description="File and line of the loop.")


class BodyParse(FactModel):
    """A response body parsed as JSON: a body that can be empty (204) makes the parse raise."""

    response: str = Field(description="The response as written (`response`, `r`).")
    how: Literal["json()", "json.loads"] = Field(description="How the body is parsed.")
    function: str | None = Field(default=None, description="Enclosing function.")
    guarded: bool = Field(
        description="An empty body cannot reach the parse: the content or a status with a body "
        "is checked first, or the parse error is caught."
    )
    status_checked: bool = Field(
        default=False, description="A status (or raise_for_status) is looked at before it."
    )
    accepts_empty: list[str] = Field(
        default_factory=list[str],
        description="Bodiless statuses (204, 205) the code itself accepts before the parse.",
    )
    method: str | None = Field(
        default=None, description="Method of the call the response comes from, when known."
    )
    url: str | None = Field(
        default=None, description="URL of the call the response comes from, when known."
    )
    source: Source = Field(description="File and line of the parse.")


class LogStatement(FactModel):
    """A print or log call that may carry sensitive data."""

    call: str = Field(description="print, logger.info, ...")
    carries: list[str] = Field(description="What it logs: headers, body, token, url, ...")
    source: Source = Field(description="File and line.")


class SecretEvidence(FactModel):
    """A credential-shaped value found in a document or code (the value itself is never kept)."""

    kind: str = Field(description="Detector that matched (AWS Access Key, Stripe Key, ...).")
    masked: str = Field(description="Masked value: a prefix and the length only.")
    name: str | None = Field(default=None, description="Variable or field it is assigned to.")
    published_example: bool = Field(
        default=False,
        description="The docs publish it as an example (an `examples` block, 'for example'): "
        "not a leaked key, but still never copied unmasked.",
    )
    example_reason: str | None = Field(
        default=None, description="Why it is taken for a published example."
    )
    source: Source = Field(description="File and line.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )
    _value_digest: str | None = PrivateAttr(default=None)
    """A digest of the value, in memory only (never written out): two different keys can share
    a kind, a masked form and a name (PagerDuty's two routing keys), and are two findings."""

    @property
    def value_digest(self) -> str | None:
        return self._value_digest

    @classmethod
    def of(
        cls, hit: SecretHit, source: Source, *, text: str | None = None, name: str | None = None
    ) -> SecretEvidence:
        """Evidence of a detector hit; given the text it was found in, says whether the docs
        publish it as an example."""
        reason = published_example(text, hit) if text is not None else None
        evidence = cls(
            kind=hit.kind,
            masked=hit.masked,
            name=name,
            published_example=reason is not None,
            example_reason=reason,
            source=source,
        )
        evidence._value_digest = hit.fingerprint
        return evidence


class CodeFile(FactModel):
    """What one code file does over HTTP."""

    path: str = Field(description="Path as given.")
    language: Literal["python", "javascript", "typescript", "shell", "other"] = Field(
        description="Detected language."
    )
    sha256: str = Field(description="SHA-256 of the bytes read.")
    libraries: list[str] = Field(default_factory=list[str], description="HTTP libraries imported.")
    calls: list[HttpCall] = Field(default_factory=list[HttpCall], description="Outbound calls.")
    retries: list[RetryMechanism] = Field(
        default_factory=list[RetryMechanism], description="Retry mechanisms."
    )
    handlers: list[ErrorHandler] = Field(
        default_factory=list[ErrorHandler], description="Except clauses."
    )
    fall_throughs: list[FallThrough] = Field(
        default_factory=list[FallThrough],
        description="Retry loops that can end in an implicit None.",
    )
    parses: list[BodyParse] = Field(
        default_factory=list[BodyParse], description="Response bodies parsed as JSON."
    )
    logs: list[LogStatement] = Field(
        default_factory=list[LogStatement], description="Risky log/print calls."
    )
    secrets: list[SecretEvidence] = Field(
        default_factory=list[SecretEvidence], description="Hard-coded secrets."
    )
    warnings: list[str] = Field(default_factory=list[str], description="What could not be read.")


class CodeFacts(FactModel):
    """Existing client code, as observations with lines."""

    files: list[CodeFile] = Field(default_factory=list[CodeFile], description="Files read.")
