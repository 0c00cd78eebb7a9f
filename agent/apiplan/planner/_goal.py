"""Reading a goal written in plain words: its intents (a verb with its objects), conditions and
constraints.

"charge a customer's card for an order and refund it if the order is cancelled" reads as two
intents, *charge* (objects customer, card; qualifier order) and *refund* (object: what the first
intent made), plus the condition "if the order is cancelled". English only, with no grammar
library: clauses split on conjunctions and commas, the first verb of a clause is its verb, the
words up to the first preposition its objects, the words after it qualifiers. One clause's
parse lives in ``_clause``; here the goal is split into clauses and read into intents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._clause import Clause, compounds, merge_verbless, parse_clause
from ._index import Term, TermRole
from ._lexicon import (
    GENERIC_VERBS,
    STATE_NOUNS,
    STATE_VERBS,
    STOP,
    Action,
    normalize_phrases,
    stem,
    synonyms,
)
from ._profile import is_plural

_CLAUSE_SPLIT = re.compile(
    r"\s*(?:;|\.\s+|,?\s+and\s+then\s+|,?\s+then\s+|,\s*and\s+|\s+and\s+|,\s*|\s+as\s+well\s+as\s+"
    r"|\s+plus\s+|\s+followed\s+by\s+)",
    re.I,
)
_TIME_RANGE = re.compile(
    r"\b(?:over|in|during|for)\s+the\s+(?:last|past|previous)\b|\bbetween\s+\S+\s+and\b|\bsince\b|"
    r"\bfrom\s+\S+\s+(?:to|until)\b|\byesterday'?s?\b|\bhistorical\b",
    re.I,
)
"""'over the last 24 hours': the goal asks for a span of time, which APIs call a range."""
_TIME_RANGE_WORDS = ("range", "period", "start", "end")
_MANNER = re.compile(
    r"\b(?:in\s+(?:small\s+|large\s+)?(?:batches|bulk)|one\s+(?:at\s+a\s+time|by\s+one)|"
    r"(?:while\s+|and\s+)?retry(?:ing)?\b[^,;.]*|without\s+a\s+(?:public\s+)?(?:callback|webhook)[^,;.]*)",
    re.I,
)
"""Phrases that say how, not what ('in batches', 'retrying safely when throttled'): they are read
as constraints and kept out of the intents, where 'batch' would pull in batch endpoints."""
_CONSTRAINTS = (
    (
        "batch",
        re.compile(
            r"\b(batch(?:es)?|backfill\w*|bulk|nightly|overnight|cron|every\s+(?:night|hour|day)|in\s+the\s+background)\b",
            re.I,
        ),
    ),
    (
        "interactive",
        re.compile(
            r"\b(interactive\w*|real[- ]?time|while\s+the\s+user\s+waits|on\s+demand|user\s+clicks?)\b",
            re.I,
        ),
    ),
    (
        "no-duplicates",
        re.compile(
            r"\b(not\s+(?:\w+\s+){0,3}twice|never\s+(?:\w+\s+){0,3}twice|no\s+duplicates?|exactly\s+once|only\s+once|at\s+most\s+once|idempoten\w*|double[- ]\w+)\b",
            re.I,
        ),
    ),
    (
        "no-callback",
        re.compile(
            r"\b(without\s+a\s+(?:public\s+)?(?:callback|webhook)\s*(?:url)?|no\s+(?:public\s+)?(?:callback|webhook)|behind\s+a\s+firewall|cannot\s+receive\s+webhooks)\b",
            re.I,
        ),
    ),
    (
        "retry-safely",
        re.compile(
            r"\b(retry\w*\s+safely|safe\s+retr\w+|when\s+throttled|rate[- ]limit\w*)\b", re.I
        ),
    ),
)


@dataclass(frozen=True)
class Intent:
    """One thing the goal asks for: a verb, what it acts on, and how it is qualified."""

    text: str
    verb: str | None
    """The verb's stem ('refund'), None when the clause names no verb."""
    said: str | None
    """The verb as written."""
    action: Action | None
    terms: tuple[Term, ...]
    condition: str | None = None
    quantified: tuple[str, ...] = ()
    """Stems of the nouns the goal quantifies over ('every open pull request')."""
    refers_back: bool = False
    """It acts on what an earlier intent made or found ('refund it')."""
    asks_outcome: bool = False
    """It asks for the outcome of an earlier intent ('until it is ready')."""
    plural_object: bool = False
    """Its direct object is plural as written ('its recordings')."""
    index: int = 0

    @property
    def object_stems(self) -> frozenset[str]:
        return frozenset(t.stem for t in self.terms if t.role in ("object", "verb-noun"))


@dataclass(frozen=True)
class Constraint:
    """A stated constraint: batch or interactive use, no duplicates, no public callback URL."""

    kind: str
    text: str


@dataclass
class GoalReading:
    """What the goal asks for, in the order written."""

    goal: str
    intents: list[Intent] = field(default_factory=list[Intent])
    constraints: list[Constraint] = field(default_factory=list[Constraint])
    conditions: list[str] = field(default_factory=list[str])


def _split_clauses(goal: str) -> list[str]:
    return [c for c in _CLAUSE_SPLIT.split(goal) if c and c.strip()]


def _terms(c: Clause) -> tuple[Term, ...]:
    terms: list[Term] = []
    seen: set[str] = set()

    def add(items: list[tuple[str, str]], role: TermRole) -> None:
        for said, s in items + compounds(items):
            if s and s not in seen:
                seen.add(s)
                terms.append(Term(stem=s, said=said, role=role))

    if c.means:
        add(c.means, "object")
        add(c.objects, "qualifier")
    else:
        add(c.objects, "object")
    add(c.qualifiers, "qualifier")
    add(c.purpose, "qualifier")
    if c.verb and c.verb not in seen and c.said:
        seen.add(c.verb)
        role = "context" if c.verb in GENERIC_VERBS else "verb-noun"
        terms.append(Term(stem=c.verb, said=c.said, role=role))
    for part in c.verb_parts:
        if part not in seen and part not in STOP:
            seen.add(part)
            terms.append(Term(stem=part, said=part, role="verb-noun"))
    if c.verb in STATE_VERBS:
        add([(n, n) for n in STATE_NOUNS], "qualifier")
    if _TIME_RANGE.search(c.text):
        add([(w, stem(w)) for w in _TIME_RANGE_WORDS], "qualifier")
    return tuple(terms)


def read_goal(goal: str) -> GoalReading:
    """Split a goal into intents, conditions and constraints."""
    text = normalize_phrases(" ".join(goal.split()))
    reading = GoalReading(goal=goal)
    for kind, rx in _CONSTRAINTS:
        m = rx.search(text)
        if m:
            reading.constraints.append(Constraint(kind=kind, text=m.group(0)))
    actions = _MANNER.sub(" ", text)  # how to do it is a constraint, not something to do
    clauses = merge_verbless([parse_clause(c) for c in _split_clauses(actions)])
    for i, c in enumerate(clauses):
        terms = _terms(c)
        if not any(t.role != "context" for t in terms) and not c.pronoun and not c.asks_outcome:
            terms = tuple(Term(t.stem, t.said, "verb-noun") for t in terms)
        if c.condition:
            reading.conditions.append(c.condition)
        action = c.action
        if c.asks_outcome and action in ("read", None):
            action = "poll"
        reading.intents.append(
            Intent(
                text=c.text,
                verb=c.verb,
                said=c.said,
                action=action,
                terms=terms,
                condition=c.condition,
                quantified=tuple(dict.fromkeys(c.quantified)),
                refers_back=c.pronoun and i > 0,
                plural_object=bool(c.objects) and is_plural(c.objects[-1][0]),
                asks_outcome=c.asks_outcome and i > 0,
                index=i,
            )
        )
    return reading


def related(a: str, b: str) -> bool:
    """Two stems that mean the same (equal or synonyms)."""
    return a == b or b in synonyms(a)


__all__ = ["Constraint", "GoalReading", "Intent", "normalize_phrases", "read_goal", "related"]
