"""Deterministic validators: each rule checks a blueprint (and later code and docs) against the facts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..schemas import (
    RISK_RULES,
    Facts,
    Finding,
    RiskCheck,
    RiskRule,
    SkippedRule,
    severity_rank,
)
from ._citations import check_citation_meaning
from ._code_rules import (
    code_empty_bodies,
    code_retries,
    code_secrets,
    code_silent_failures,
    code_timeouts,
)
from ._consistency import check_plan_consistency
from ._consumer_rules import credentials_in_paths, in_scope, server_problems, throttling_guidance
from ._diff import diff_operations
from ._docs_rules import SecretScan, docs_keys_in_urls, docs_secrets
from ._drift import check_plan_schema_drift
from ._examples_rule import examples_against_schema, has_examples_to_check
from ._known import Known
from ._prescan import Prescan
from ._refs_rule import check_contract_refs
from ._retries import check_plan_retries
from ._secret_rule import check_blueprint_secrets
from ._silent import check_plan_silent_failures
from ._timeouts import check_plan_timeouts
from ._undocumented import check_undocumented

if TYPE_CHECKING:
    from ..schemas import Blueprint


def phase_problems(model: BaseModel, known: Known) -> list[str]:
    """The undocumented-name rule on one phase object, one line per offender: passed to the
    phase models as ``apiplan_check`` in the validation context (the LLM re-ask)."""
    from ._undocumented import check_phase

    return [f"{f.location}: {f.message}" for f in check_phase(model, known)]


RULES: tuple[RiskRule, ...] = RISK_RULES
# What a blueprint check examines (servers are the documents' business, not the blueprint's).
BLUEPRINT_RULES: tuple[RiskRule, ...] = tuple(r for r in RULES if r != "server-config")
CODE_RULES: tuple[RiskRule, ...] = (
    "missing-timeout",
    "secret-exposure",
    "unbounded-retry",
    "silent-failure",
)
# Why a rule had nothing to examine: named after the input that would give it something.
_NEEDS: dict[RiskRule, str] = {
    "undocumented-field": "needs --blueprint",
    "missing-timeout": "needs --code or --blueprint",
    "secret-exposure": "needs documents, --code or --blueprint",
    "unbounded-retry": "needs --code, --blueprint or documented operations",
    "silent-failure": "needs --code or --blueprint",
    "schema-drift": "needs --blueprint or documented response schemas",
    "unsupported-citation": "needs prose documents or --blueprint",
    "server-config": "needs documents that list servers",
    "plan-consistency": "needs --blueprint",
}
_PROSE_FORMATS = frozenset({"markdown", "mdx", "rst", "html", "asciidoc", "text"})


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (severity_rank(f.severity), f.rule, f.location))


def check_code(facts: Facts) -> list[Finding]:
    """Findings on the existing client code in ``facts.code``."""
    files = facts.code
    return (
        code_timeouts(files)
        + code_secrets(files, facts)
        + code_retries(files)
        + code_silent_failures(files)
        + code_empty_bodies(files, facts)
    )


def check_docs(
    facts: Facts, *, operations: list[str] | None = None, scanned: SecretScan | None = None
) -> list[Finding]:
    """Findings on the documents, for a client of them: secrets in examples, credentials in
    URLs, examples their schema rejects, throttling without guidance, server set-up. Rules about
    operations look only at ``operations`` (METHOD /path keys) when given; ``scanned`` gives
    the secret findings of documents already scanned (see ``Prescan``)."""
    ops = in_scope(facts, operations)
    return (
        docs_secrets(facts, scanned=scanned)
        + docs_keys_in_urls(facts)
        + credentials_in_paths(ops)
        + examples_against_schema(facts, ops)
        + throttling_guidance(facts, ops)
        + server_problems(facts, ops)
        + check_citation_meaning(facts)
    )


def _docs_rules_examined(facts: Facts, operations: list[str] | None) -> set[RiskRule]:
    """The rules the documents gave something to examine."""
    ops = in_scope(facts, operations)
    out: set[RiskRule] = {"secret-exposure"}
    if ops:
        out.add("unbounded-retry")
    if has_examples_to_check(ops):
        out.add("schema-drift")
    if facts.servers or any(op.servers for op in ops):
        out.add("server-config")
    if any(d.format in _PROSE_FORMATS for d in facts.documents):
        out.add("unsupported-citation")
    return out


def _report(ran: set[RiskRule], findings: list[Finding]) -> RiskCheck:
    return RiskCheck(
        rules_run=[r for r in RULES if r in ran],
        rules_skipped=[SkippedRule(rule=r, reason=_NEEDS[r]) for r in RULES if r not in ran],
        findings=_sorted(findings),
    )


def check(
    facts: Facts,
    *,
    blueprint: Blueprint | None = None,
    docs: bool = True,
    operations: list[str] | None = None,
    scanned: SecretScan | None = None,
) -> RiskCheck:
    """Every rule that has something to examine: the blueprint (if given), the code, the
    documents (their operation rules narrowed to ``operations`` when given, else to the
    blueprint's selection; ``scanned`` as in :func:`check_docs`). The others are reported as
    skipped, with what they need."""
    findings: list[Finding] = []
    ran: set[RiskRule] = set()
    if blueprint is not None:
        findings += check_blueprint(blueprint, facts, include_code=False).findings
        if operations is None:  # the documents matter for the operations the plan uses
            operations = [s.key for s in blueprint.scope.selection]
        ran.update(BLUEPRINT_RULES)
    if facts.code:
        findings += check_code(facts)
        ran.update(CODE_RULES)
    if docs and facts.documents:
        findings += check_docs(facts, operations=operations, scanned=scanned)
        ran |= _docs_rules_examined(facts, operations)
    return _report(ran, findings)


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
    findings += check_plan_consistency(bp, known)
    ran: set[RiskRule] = set(BLUEPRINT_RULES)
    if include_code and facts.code:
        findings += check_code(facts)
        ran.update(CODE_RULES)
    return _report(ran, findings)


__all__ = [
    "BLUEPRINT_RULES",
    "CODE_RULES",
    "RULES",
    "Known",
    "Prescan",
    "SecretScan",
    "check",
    "check_blueprint",
    "check_code",
    "check_docs",
    "diff_operations",
]
