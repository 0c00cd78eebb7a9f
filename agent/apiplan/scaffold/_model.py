"""What the scaffold templates render: the selected workflow of a blueprint, as plain values.

Frozen dataclasses that the Jinja templates only lay out; ``_build`` fills them from the
blueprint, where every decision is taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._fields import FieldModel, NestedModel
from ._flows import OutcomeModel, PageModel, PollModel


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
class HeaderModel:
    """A documented request header the step sends: a parameter, or a constant when the docs
    allow one value."""

    name: str
    attr: str
    required: bool
    fixed: str | None
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
    nested: list[NestedModel]
    path_params: list[tuple[str, str]]
    query_params: list[FieldModel]
    headers: list[HeaderModel]
    response_fields: list[FieldModel]
    body_kind: str | None
    credential_field: tuple[str, str] | None
    auth: str
    """'bearer', 'basic' or '' (the credential travels in a field, or no scheme is stated)."""
    auth_text: str
    policy: PolicyModel
    dedup: DedupModel | None
    statuses: list[StatusModel]
    body_outcome: OutcomeModel | None
    retry_status: int | None
    never_status: int | None
    sample_body: dict[str, object] = field(default_factory=dict[str, object])
    poll: PollModel | None = None
    page: PageModel | None = None
    page_by_caller: bool = False
    omitted: int = 0
    """Documented request fields the blueprint does not list."""

    @property
    def schema_rejects(self) -> bool:
        """The request model has something to reject: unknown, missing or undocumented values."""
        return self.request_class is not None and (
            self.request_extra == "forbid"
            or any(f.required for f in self.body_fields)
            or bool(self.literal_fields)
        )

    @property
    def literal_fields(self) -> list[FieldModel]:
        """Top-level body fields limited to documented values."""
        return [f for f in self.body_fields if f.annotation.startswith("Literal[")]

    @property
    def request_extra(self) -> str:
        """'forbid' unknown request fields when the blueprint lists every documented one."""
        return "forbid" if self.omitted == 0 else "allow"


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
    aio: bool = False

    @property
    def polls(self) -> bool:
        return any(s.poll for s in self.steps)

    @property
    def poll_hints(self) -> bool:
        """Some polled step documents Retry-After: its answers' hints set the next wait."""
        return any(s.poll and s.poll.honour_retry_after for s in self.steps)

    @property
    def links(self) -> bool:
        return any(s.page and s.page.style == "link" and not s.page_by_caller for s in self.steps)

    @property
    def pages(self) -> bool:
        return any(s.page for s in self.steps)

    @property
    def literals(self) -> bool:
        fields = [f for s in self.steps for f in s.body_fields] + [
            f for s in self.steps for n in s.nested for f in n.fields
        ]
        return any(f.annotation.startswith("Literal[") for f in fields)

    @property
    def uses_field(self) -> bool:
        return any(s.body_fields or s.response_fields or s.nested for s in self.steps)

    @property
    def basic(self) -> bool:
        return any(s.auth == "basic" for s in self.steps)
