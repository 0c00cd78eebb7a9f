"""Deterministic validators: each rule checks a blueprint (and later code and docs) against the facts."""

from __future__ import annotations

from ..schemas import Blueprint, Facts, Finding, RiskCheck
from ..schemas._blueprint import register_phase_check
from ._citations import check_citation_meaning
from ._code_rules import code_retries, code_secrets, code_silent_failures, code_timeouts
from ._diff import diff_operations
from ._docs_rules import docs_keys_in_urls, docs_secrets
from ._drift import check_plan_schema_drift
from ._known import Known
from ._refs_rule import check_contract_refs
from ._retries import check_plan_retries
from ._secret_rule import check_blueprint_secrets
from ._silent import check_plan_silent_failures
from ._timeouts import check_plan_timeouts
from ._undocumented import check_undocumented


def _phase_problems(model: object, known: object) -> list[str]:
    from ._undocumented import check_phase

    return [f"{f.location}: {f.message}" for f in check_phase(model, known)]  # type: ignore[arg-type]


register_phase_check(_phase_problems)

RULES = (
    "undocumented-field",
    "missing-timeout",
    "secret-exposure",
    "unbounded-retry",
    "silent-failure",
    "schema-drift",
    "unsupported-citation",
)


_ORDER = {"high": 0, "medium": 1, "low": 2}


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (_ORDER[f.severity], f.rule, f.location))


def check_code(facts: Facts) -> list[Finding]:
    """Findings on the existing client code in ``facts.code``."""
    files = facts.code
    return (
        code_timeouts(files)
        + code_secrets(files)
        + code_retries(files)
        + code_silent_failures(files)
    )


def check_docs(facts: Facts) -> list[Finding]:
    """Findings on the documents themselves (secrets in examples, keys in URLs)."""
    return docs_secrets(facts) + docs_keys_in_urls(facts) + check_citation_meaning(facts)


def check(facts: Facts, *, blueprint: Blueprint | None = None, docs: bool = True) -> RiskCheck:
    """Every rule that applies: the blueprint (if given), the code, the documents."""
    findings: list[Finding] = []
    if blueprint is not None:
        findings += check_blueprint(blueprint, facts, include_code=False).findings
    findings += check_code(facts)
    if docs:
        findings += check_docs(facts)
    return RiskCheck(rules_run=list(RULES), findings=_sorted(findings))


def check_blueprint(
    bp: Blueprint, facts: Facts, *, known: Known | None = None, include_code: bool = True
) -> RiskCheck:
    """Run every rule on a blueprint (and the code it was planned against); high first."""
    known = known or Known.of(facts)
    findings: list[Finding] = []
    findings += check_undocumented(bp, known)
    findings += check_plan_timeouts(bp, known)
    findings += check_blueprint_secrets(bp)
    findings += check_plan_retries(bp, known)
    findings += check_plan_silent_failures(bp, known)
    findings += check_plan_schema_drift(bp, known)
    findings += check_contract_refs(bp, facts)
    if include_code:
        findings += check_code(facts)
    return RiskCheck(rules_run=list(RULES), findings=_sorted(findings))


__all__ = [
    "RULES",
    "Known",
    "check",
    "check_blueprint",
    "check_code",
    "check_docs",
    "diff_operations",
]
