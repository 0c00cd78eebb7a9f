"""The words of every operation in an inverted index, and the word match of a goal's terms.

``build_index`` profiles each operation once (``_profile``) and posts its words by the field they
come from; ``score_terms`` adds up, per operation, how well the terms of one intent match there
(the word itself, a synonym, or a shared prefix), with one short reason per match.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..schemas import Facts, Operation
from ._lexicon import prefix, synonyms
from ._profile import OpProfile, profile

# Where a word matched, and how much that counts.
FIELD_WEIGHTS: dict[str, float] = {
    "resource": 3.0,
    "action": 2.5,
    "operationId": 2.0,
    "summary": 2.0,
    "path": 1.5,
    "params": 1.0,
    "tags": 1.0,
    "description": 0.8,
}
SYNONYM_FACTOR = 0.6
"""A synonym ('alert' for 'incident') is weaker evidence than the word itself."""
LOOSE_FACTOR = 0.5
"""A shared six-letter prefix ('subscribe'/'subscription') is weaker still."""


@dataclass
class OpIndex:
    """Every operation of the facts, profiled once, with an inverted index of its words."""

    profiles: list[OpProfile]
    postings: dict[str, dict[int, tuple[float, str]]]
    prefixes: dict[str, dict[int, tuple[float, str]]]
    by_key: dict[str, int]

    def idf(self, token: str) -> float:
        """How rare a word is among the operations, in [0.3, 1.3]: 'Accounts' in every Twilio
        path says little; 'refund' in a few says much."""
        n = len(self.profiles)
        if n <= 1:
            return 1.0
        docs: set[int] = set()
        for s in synonyms(token):
            docs.update(self.postings.get(s, {}))
        return 0.3 + math.log(1 + n / (1 + len(docs))) / math.log(1 + n)


def build_index(facts: Facts) -> OpIndex:
    """Profile every operation and index its words (once per selection)."""
    profiles = [profile(op) for op in facts.operations]
    postings: dict[str, dict[int, tuple[float, str]]] = {}
    prefixes: dict[str, dict[int, tuple[float, str]]] = {}
    for i, p in enumerate(profiles):
        for name, weight in FIELD_WEIGHTS.items():
            for w in p.fields[name]:
                _post(postings, w, i, weight, name)
                pre = prefix(w)
                if pre is not None:
                    _post(prefixes, pre, i, weight, name)
    return OpIndex(profiles, postings, prefixes, {p.op.key: i for i, p in enumerate(profiles)})


def _post(
    table: dict[str, dict[int, tuple[float, str]]], word: str, i: int, weight: float, name: str
) -> None:
    row = table.setdefault(word, {})
    if i not in row or row[i][0] < weight:
        row[i] = (weight, name)


# --- scoring ----------------------------------------------------------------------------------
TermRole = Literal["object", "qualifier", "verb-noun", "back", "context"]
TERM_WEIGHTS: dict[TermRole, float] = {
    "object": 1.0,
    "qualifier": 0.5,
    "verb-noun": 0.8,
    "back": 0.6,
    "context": 0.35,
}
"""The direct object names what to act on; a qualifier ('to a channel') its container; a verb
that is also a noun ('charge', 'refund', 'pin') the resource itself; 'it' stands for what an
earlier step made ('back'); a generic verb only adds context."""


@dataclass(frozen=True)
class Term:
    """One word of an intent, as a stem, with the part it plays."""

    stem: str
    said: str
    role: TermRole


@dataclass
class Scored:
    """An operation's score for one intent, and the reasons, one short phrase each."""

    index: int
    op: Operation
    score: float = 0.0
    relevance: float = 0.0
    reasons: list[str] = field(default_factory=list[str])


def score_terms(index: OpIndex, terms: Sequence[Term]) -> dict[int, Scored]:
    """Relevance of every operation that shares a word (or synonym) with the terms."""
    out: dict[int, Scored] = {}
    for term in terms:
        weight = TERM_WEIGHTS[term.role] * index.idf(term.stem)
        best: dict[int, tuple[float, str, str]] = {}
        for s in synonyms(term.stem):
            factor = 1.0 if s == term.stem else SYNONYM_FACTOR
            for i, (w, name) in index.postings.get(s, {}).items():
                _keep(best, i, w * factor, name, "" if factor == 1.0 else " (synonym)")
        pre = prefix(term.stem)
        if pre is not None:
            for i, (w, name) in index.prefixes.get(pre, {}).items():
                _keep(best, i, w * LOOSE_FACTOR, name, " (related word)")
        for i, (w, name, how) in best.items():
            if term.role == "qualifier" and name == "resource":
                w = FIELD_WEIGHTS["path"]  # a container named as the resource: weaker
            item = out.setdefault(i, Scored(i, index.profiles[i].op))
            item.score += w * weight
            if term.role != "context":
                item.relevance += w * weight
                item.reasons.append(f"'{term.said}' in {name}{how}")
    return out


def _keep(best: dict[int, tuple[float, str, str]], i: int, w: float, name: str, how: str) -> None:
    if i not in best or best[i][0] < w:
        best[i] = (w, name, how)


__all__ = [
    "FIELD_WEIGHTS",
    "OpIndex",
    "Scored",
    "Term",
    "TermRole",
    "build_index",
    "score_terms",
]
