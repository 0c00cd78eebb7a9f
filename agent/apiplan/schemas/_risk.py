"""Phase 3, the risk check: the rules, their severities and the findings they report."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import ConfigDict, Field, model_validator

from .._constants import OUTPUT_FORMAT_VERSION
from ._base import StrictModel, document_schema, name_document
from ._scope import OperationChoice
from ._source import Source

Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
"""Most severe first: reports sort by it and ``--fail-on`` compares against it."""
RiskRule = Literal[
    "undocumented-field",
    "missing-timeout",
    "secret-exposure",
    "unbounded-retry",
    "silent-failure",
    "schema-drift",
    "unsupported-citation",
    "plan-consistency",
    "server-config",
]
RISK_RULES: tuple[RiskRule, ...] = get_args(RiskRule)
"""Every rule, in the order reports list them."""


def severity_rank(severity: Severity) -> int:
    """0 for the most severe: a sort key, and ``rank(a) <= rank(b)`` means 'at least b'."""
    return SEVERITIES.index(severity)


class Finding(StrictModel):
    """A risk found in the blueprint, the docs or the user's code."""

    rule: RiskRule = Field(description="Rule that found it.")
    severity: Severity = Field(description="high, medium or low.")
    message: str = Field(description="What is wrong, in one sentence.")
    fix: str = Field(description="What to do about it.")
    location: str = Field(description="Where: a blueprint path, or file:line.")
    evidence: list[Source] = Field(default_factory=list[Source], description="Sources behind it.")


class SkippedRule(StrictModel):
    """A rule that did not run because its input was not given."""

    rule: RiskRule = Field(description="The rule.")
    reason: str = Field(description="What it needs, e.g. 'needs --code or --blueprint'.")


class RiskCheck(StrictModel):
    """Phase 3: findings of every rule."""

    model_config = ConfigDict(json_schema_extra=document_schema)

    kind: Literal["apiplan.risk-check"] = Field(
        default="apiplan.risk-check", description="What this JSON document is."
    )
    version: int = Field(default=OUTPUT_FORMAT_VERSION, description="Version of this JSON format.")

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        return name_document("apiplan.risk-check", data)

    rules_run: list[RiskRule] = Field(
        description="Rules that had something to examine (documents, code or a blueprint)."
    )
    rules_skipped: list[SkippedRule] = Field(
        default_factory=list[SkippedRule],
        description="Rules with nothing to examine, and what they need.",
    )
    findings: list[Finding] = Field(default_factory=list[Finding], description="What they found.")
    compared: list[OperationChoice] = Field(
        default_factory=list[OperationChoice],
        description="The operations a diff compared, each with why it was selected (a goal's "
        "reasons, or pinned); empty when no operations were compared.",
    )

    @property
    def clean(self) -> bool:
        return not any(f.severity == "high" for f in self.findings)
