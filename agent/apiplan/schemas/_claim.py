"""Claims: every statement of a blueprint is grounded in the documents or labelled assumed.

Every claim carries either ``evidence`` (sources in the documents, or the user's own words) or
an ``assumption`` (the reason it was assumed): never both, never neither. A phase's model is a
``PhaseOutput``, strict because an LLM is asked to fill it and checked against the facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from ._base import StrictModel
from ._source import Source


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
