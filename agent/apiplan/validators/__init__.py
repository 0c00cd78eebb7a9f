"""Deterministic validators: each rule checks a blueprint (and later code and docs) against the facts."""

from __future__ import annotations

from ..schemas import Blueprint, Facts, Finding, RiskCheck
from ._drift import check_plan_schema_drift
from ._known import Known
from ._retries import check_plan_retries
from ._secret_rule import check_blueprint_secrets
from ._silent import check_plan_silent_failures
from ._timeouts import check_plan_timeouts
from ._undocumented import check_undocumented

RULES = (
    "undocumented-field",
    "missing-timeout",
    "secret-exposure",
    "unbounded-retry",
    "silent-failure",
    "schema-drift",
)


def check_blueprint(bp: Blueprint, facts: Facts, *, known: Known | None = None) -> RiskCheck:
    """Run every rule on a blueprint; findings sorted high first."""
    known = known or Known.of(facts)
    findings: list[Finding] = []
    findings += check_undocumented(bp, known)
    findings += check_plan_timeouts(bp, known)
    findings += check_blueprint_secrets(bp)
    findings += check_plan_retries(bp, known)
    findings += check_plan_silent_failures(bp, known)
    findings += check_plan_schema_drift(bp, known)
    order = {"high": 0, "medium": 1, "low": 2}
    findings.sort(key=lambda f: order[f.severity])
    return RiskCheck(rules_run=list(RULES), findings=findings)


__all__ = ["RULES", "Known", "check_blueprint"]
