"""The blueprint: the four phases' outputs in one document, with how each phase was produced;
and the grounded answer of `apiplan chat`.

The models of each phase live beside this module (``_scope``, ``_plan``, ``_deliverable``,
``_risk``), built of the grounded claims of ``_claim``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from .._constants import OUTPUT_FORMAT_VERSION
from ._base import StrictModel, document_schema, name_document
from ._claim import Claim, PhaseOutput
from ._deliverable import Deliverable
from ._facts import FactWarning
from ._plan import WorkingPlan
from ._risk import RiskCheck
from ._scope import Scope


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
