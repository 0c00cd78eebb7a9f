"""Building findings: one helper so that every rule reports the same way."""

from __future__ import annotations

from ..schemas import Finding, RiskRule, Severity, Source


def finding(
    rule: RiskRule,
    severity: Severity,
    message: str,
    fix: str,
    location: str,
    *evidence: Source | None,
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        fix=fix,
        location=location,
        evidence=[e for e in evidence if e is not None],
    )
