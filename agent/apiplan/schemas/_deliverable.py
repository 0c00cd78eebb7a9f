"""Phase 2, the deliverable: what the engineer acts on (implementation steps, the error map,
the test matrix, security notes and trade-offs)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._claim import Claim, PhaseOutput
from ._plan import TestCase

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
