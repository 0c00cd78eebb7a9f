"""Shared pieces of the offline planner: the planning context, claims and error classes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from .._constants import IDEMPOTENT_METHODS
from ..schemas import (
    Claim,
    ErrorRow,
    Facts,
    IdempotencyEvidence,
    Operation,
    OperationChoice,
    RateLimitEvidence,
    Response,
    RetryGuidance,
    SchemaField,
    SecurityScheme,
    Source,
    Workflow,
)
from ._context import UserContext

if TYPE_CHECKING:
    from ..schemas import ErrorClass


@dataclass
class PlanInput:
    """Everything a phase may read: the facts, the user's words, and earlier phases' results."""

    facts: Facts
    goal: str
    ctx: UserContext
    selection: list[OperationChoice]
    deadline: float | None = None
    code_stack: str | None = None
    notes: dict[str, object] = field(default_factory=dict[str, object])
    workflow: Workflow | None = None
    """The selection as ordered steps with what feeds what (``planner.build_workflow``)."""

    @property
    def operations(self) -> list[Operation]:
        ops: list[Operation] = []
        for choice in self.selection:
            op = self.facts.operation(choice.key)
            if op is not None:
                ops.append(op)
        return ops

    @property
    def use(self) -> str:
        return self.ctx.mode or "default"

    @property
    def stack(self) -> str:
        return self.ctx.library or self.code_stack or "httpx"


def quoted(text: str) -> str:
    """Document words inside a claim: their code spans become plain quotes, so that the
    undocumented-name rule checks only the names the plan itself writes in backticks."""
    return text.replace("`", "'")


_FOUND_NOTHING = "apiplan found nothing on this in the documents"
"""The reason of an assumption with no other: what apiplan found, not what the docs may say."""


def claim(text: str, *sources: Source | None, assume: str | None = None) -> Claim:
    """A claim with evidence when any source is given, else an assumption with its reason."""
    evidence = dedupe_sources([s for s in sources if s is not None])
    if evidence:
        return Claim(text=text, evidence=evidence)
    return Claim(text=text, assumption=assume or _FOUND_NOTHING)


def dedupe_sources(sources: list[Source]) -> list[Source]:
    """The sources in order, each place cited once."""
    seen: set[tuple[str, str | None, int | None, str | None]] = set()
    out: list[Source] = []
    for s in sources:
        key = (s.document, s.pointer, s.line, s.text)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


class Grounding(TypedDict, total=False):
    """What grounds a claim: ``**grounding(...)`` into any Claim subclass."""

    evidence: list[Source]
    assumption: str


def grounding(*sources: Source | None, assume: str | None = None) -> Grounding:
    """Keyword arguments for any Claim subclass: evidence, or an assumption."""
    evidence = dedupe_sources([s for s in sources if s is not None])
    if evidence:
        return {"evidence": evidence}
    return {"assumption": assume or _FOUND_NOTHING}


def grounded_like(c: Claim) -> Grounding:
    """The grounding of an existing claim, for a claim derived from it (a test of a row)."""
    if c.evidence:
        return {"evidence": c.evidence}
    return {"assumption": c.assumption or _FOUND_NOTHING}


def snake_key(key: str) -> str:
    """'POST /v1/jobs/{id}' -> 'post_v1_jobs_id' for a test name."""
    return "_".join(w for w in "".join(c if c.isalnum() else " " for c in key.lower()).split())


def snake(name: str) -> str:
    """operationId or path to a Python function name."""
    s = re.sub(r"[^0-9A-Za-z]+", "_", name)
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", s).lower().strip("_")
    return re.sub(r"_+", "_", s) or "call"


def method_name(op: Operation) -> str:
    if op.operation_id:
        return snake(op.operation_id)
    parts = [p for p in op.path.split("/") if p and not p.startswith("{")]
    return snake(f"{op.method.lower()}_{'_'.join(parts[-2:])}")


def is_idempotent_method(op: Operation) -> bool:
    return op.method in IDEMPOTENT_METHODS


def idempotency_for(facts: Facts, op: Operation) -> list[IdempotencyEvidence]:
    """Evidence that a retried request to this operation is safe: its own header, or API-wide text."""
    own = [i for i in facts.idempotency if i.operation == op.key]
    wide = [
        i
        for i in facts.idempotency
        if i.operation is None and op.method.lower() in i.detail.lower()
    ]
    return own + wide


def retry_guidance_for(facts: Facts, op: Operation) -> list[RetryGuidance]:
    """Documented retry advice for this operation, its own first, then API-wide."""
    own = [g for g in facts.retry_guidance if g.operation == op.key]
    wide = [g for g in facts.retry_guidance if g.operation is None]
    return own + wide


def advice_for(facts: Facts, op: Operation, status: str) -> RetryGuidance | None:
    """The documented advice that covers ``status`` ('503' is covered by '5XX')."""
    for g in retry_guidance_for(facts, op):
        if g.retry is None:
            continue
        if g.condition == status or (
            g.condition.endswith("XX") and status[:1] == g.condition[0] and status[1:].isdigit()
        ):
            return g
    return None


def rate_limits_for(facts: Facts, op: Operation) -> list[RateLimitEvidence]:
    """Rate-limit evidence of this operation plus API-wide statements."""
    return [r for r in facts.rate_limits if r.operation in (op.key, None)]


def success_responses(op: Operation) -> list[Response]:
    return [r for r in op.responses if r.status.startswith("2") or r.status == "2XX"]


def error_responses(op: Operation, facts: Facts | None = None) -> list[Response]:
    """Documented failure responses of the operation; with ``facts``, API-wide ones it lacks too
    (a prose page's status table applies to every endpoint)."""
    own = [
        r
        for r in op.responses
        if not (r.status.startswith(("1", "2", "3")) or r.status in ("2XX", "3XX"))
    ]
    if facts is None:
        return own
    wide = [
        r
        for r in facts.api_responses
        if not r.status.startswith(("1", "2", "3")) and not any(o.status == r.status for o in own)
    ]
    return own + wide


def schemes_for(facts: Facts, op: Operation) -> list[SecurityScheme]:
    """The security schemes the operation's requirement names (all alternatives)."""
    names: list[str] = []
    for req in op.security or []:
        for name in req.schemes:
            if name not in names:
                names.append(name)
    by_name = {s.name: s for s in facts.security_schemes}
    return [by_name[n] for n in names if n in by_name]


def response_header(op: Operation, pattern: str) -> tuple[str, Source] | None:
    """The first documented response header whose name matches ``pattern`` (case-insensitive)."""
    rx = re.compile(pattern, re.I)
    for r in op.responses:
        for h in r.headers:
            if rx.search(h.name):
                return h.name, h.source
    return None


def body_fields(facts: Facts, response: Response | None) -> list[SchemaField]:
    return facts.body_fields(response.body) if response is not None else []


# --- error classes ----------------------------------------------------------------------------
_CLASSES: dict[str, tuple[ErrorClass, bool]] = {
    "400": ("validation", False),
    "401": ("auth", False),
    "402": ("client", False),
    "403": ("permission", False),
    "404": ("not-found", False),
    "405": ("client", False),
    "406": ("client", False),
    "408": ("transient", True),
    "409": ("conflict", False),
    "410": ("not-found", False),
    "412": ("conflict", False),
    "413": ("validation", False),
    "415": ("client", False),
    "422": ("validation", False),
    "423": ("conflict", False),
    "424": ("conflict", False),
    "425": ("transient", True),
    "429": ("throttled", True),
    "500": ("server", False),
    "501": ("client", False),
    "502": ("transient", True),
    "503": ("transient", True),
    "504": ("transient", True),
}


def classify(status: str) -> tuple[ErrorClass, bool]:
    """(class, transient?) for a status, range or 'default'."""
    if status in _CLASSES:
        return _CLASSES[status]
    s = status.upper()
    if s == "DEFAULT":
        return "unspecified", False
    if s.startswith("4"):
        return "client", False
    if s.startswith("5"):
        return "server", False
    return "unspecified", False


def row(
    operation: str,
    status: str,
    error_class: ErrorClass,
    action: str,
    retry: bool,
    log_fields: list[str],
    text: str,
    *sources: Source | None,
    assume: str | None = None,
) -> ErrorRow:
    return ErrorRow(
        text=text,
        operation=operation,
        status=status,
        error_class=error_class,
        action=action,
        retry=retry,
        log_fields=log_fields,
        **grounding(*sources, assume=assume),
    )


def effectively_required(fields: list[SchemaField]) -> list[SchemaField]:
    """Fields a valid body must carry: required themselves and under required parents only
    (Stripe's `shipping.address` is required only when the optional `shipping` is sent)."""
    by_path = {f.path: f for f in fields}
    out: list[SchemaField] = []
    for f in fields:
        if not f.required or f.marker == "truncated":
            continue
        parts = f.path.split(".")
        ok = True
        for cut in range(1, len(parts)):
            # `filters[].column` sits under the field `filters`; `[].name` under the body itself.
            key = ".".join(parts[:cut]).removesuffix("[]")
            if not key:
                continue
            parent = by_path.get(key)
            if parent is None or not parent.required:
                ok = False
                break
        if ok:
            out.append(f)
    return out


_TAG = re.compile(r"<[^>]+>")


def plain(text: str | None) -> str:
    """Description text for display: HTML tags dropped, entities decoded, spaces folded."""
    if not text:
        return ""
    import html

    return " ".join(html.unescape(_TAG.sub("", text)).split())
