"""Facts said many times, kept once with every place they are said.

A page repeating one sentence 40,000 times would otherwise give 40,000 identical rate limits
(and 40,001 identical lines of Markdown); the first stays, the others become its
``repeated_at`` sources, so that nothing the documents say loses its citation.
"""

from __future__ import annotations

from typing import TypeVar

from ..schemas import (
    Facts,
    FactWarning,
    IdempotencyEvidence,
    ProseNote,
    RateLimitEvidence,
    RetryGuidance,
    SecretEvidence,
)

Repeated = TypeVar(
    "Repeated",
    RateLimitEvidence,
    IdempotencyEvidence,
    RetryGuidance,
    ProseNote,
    FactWarning,
    SecretEvidence,
)

# Where a fact is said, not what it says: left out of the comparison.
_PLACE = {"source", "repeated_at"}


def _dedupe(items: list[Repeated]) -> list[Repeated]:
    if len(items) < 2:
        return items
    first: dict[str, Repeated] = {}
    out: list[Repeated] = []
    for item in items:
        key = item.model_dump_json(exclude=_PLACE)
        if isinstance(item, SecretEvidence) and item.value_digest is not None:
            key += item.value_digest  # the same masked form can stand for different keys
        kept = first.get(key)
        if kept is None:
            first[key] = item
            out.append(item)
            continue
        if item.source is not None and item.source != kept.source:
            kept.repeated_at.append(item.source)
        kept.repeated_at.extend(item.repeated_at)
    return out


def dedupe_facts(facts: Facts) -> Facts:
    """``facts`` with repeated evidence, notes, warnings and secrets kept once (in place)."""
    facts.rate_limits = _dedupe(facts.rate_limits)
    facts.idempotency = _dedupe(facts.idempotency)
    facts.retry_guidance = _dedupe(facts.retry_guidance)
    facts.notes = _dedupe(facts.notes)
    facts.warnings = _dedupe(facts.warnings)
    facts.secrets = _dedupe(facts.secrets)
    return facts
