"""Exclusion by meaning: operations the docs themselves rule out for a goal.

A deprecated operation yields to the one its docs name instead; one whose description denies
what the goal asks ("these events do not create incidents" for "page on-call") is left out; so
is a test endpoint that only validates, and an update of a stored item when the goal creates.
Each exclusion carries its reason in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schemas import ExclusionReason
from ._flow import Pointer, pointers, resolve_endpoint
from ._goal import Intent
from ._index import OpIndex, Term, score_terms
from ._lexicon import STOP, VERB_ACTIONS, stems, synonyms, words
from ._profile import OpProfile, is_param_segment
from ._select import action_fit, extra_words_penalty

POINTER_MIN = 2.0
"""A phrase in the docs ('see upload file') names an operation when it matches this well."""
PARAM_PENALTY = 0.35
"""Between equally named operations, the one needing fewer ids is meant ('/files' over
'/containers/{id}/files')."""
_NEGATION = re.compile(
    r"\b(?:not|never|cannot|can't|doesn't|don't|won't|no longer|without)\b((?:\s+[\w-]+){1,6})",
    re.I,
)
_TEST_WORDS = stems("test sandbox dry validate simulate")


@dataclass(frozen=True)
class Exclusion:
    """An operation left out, why, and what replaces it."""

    index: int
    reason: ExclusionReason
    text: str
    replacement: int | None = None


def exclusion(index: OpIndex, p: OpProfile, intent: Intent) -> Exclusion | None:
    """Why the docs rule ``p`` out for this intent: deprecated (with its replacement), its own
    words contradict the goal, test-only, or it updates what the goal creates."""
    i = index.by_key[p.op.key]
    if p.deprecated:
        rep = replacement(index, p)
        named = f"; use {index.profiles[rep].op.key}" if rep is not None else ""
        return Exclusion(i, "deprecated", f"{p.op.key} is deprecated in the docs{named}", rep)
    said = contradiction(p, intent)
    if said is not None:
        return Exclusion(
            i,
            "contradicts-goal",
            f"{p.op.key}: its description says it does '{said}', which the goal needs",
        )
    goal_words = {t.stem for t in intent.terms}
    if _TEST_WORDS & (
        p.resource
        | p.path_actions
        | set(words(p.op.summary)[:1])
        | set(words(p.op.operation_id)[:1])
    ) and not (_TEST_WORDS & goal_words):
        return Exclusion(
            i,
            "test-only",
            f"{p.op.key} is a test endpoint: it checks a request without acting on it",
        )
    if (
        intent.action in ("create", "send")
        and p.kind in ("update", "item-post")
        and p.collection is not None
    ):
        maker = next(
            (
                j
                for j, q in enumerate(index.profiles)
                if q.op.path == p.collection and q.kind == "create" and not q.deprecated
            ),
            None,
        )
        if maker is not None:
            return Exclusion(
                i,
                "updates-existing",
                f"{p.op.key} changes a stored item rather than creating one; the goal creates",
                maker,
            )
    return None


def replacement(index: OpIndex, p: OpProfile) -> int | None:
    """The operation the docs name instead of a deprecated one."""
    text = " ".join(x for x in (p.op.summary, p.op.description) if x)
    for m in re.finditer(r"`(/[^`\s]+)`", text):
        j = next(
            (
                k
                for k, q in enumerate(index.profiles)
                if q.op.path == m.group(1) and q.op.method == p.op.method
            ),
            None,
        )
        if j is not None:
            return j
    for ptr in pointers(text):
        j = resolve_pointer(index, ptr, p.op.method, exclude=index.by_key[p.op.key])
        if j is not None and not index.profiles[j].deprecated:
            return j
    bare = re.sub(
        r"deprecated[_-]?|[_-]?deprecated|legacy[_-]?", "", p.op.operation_id or "", flags=re.I
    )
    if bare and bare != p.op.operation_id:
        return next((k for k, q in enumerate(index.profiles) if q.op.operation_id == bare), None)
    return None


def resolve_pointer(
    index: OpIndex, ptr: Pointer, method: str | None, *, exclude: int
) -> int | None:
    """The operation a phrase of the docs names ('see upload file', 'GET FeedConnections')."""
    if ptr.method and ptr.path:
        j = resolve_endpoint(index, ptr.method, ptr.path)
        if j is not None and j != exclude:
            return j
    slug = re.sub(r"[^a-z0-9]", "", (ptr.slug or "").lower())
    for k, q in enumerate(index.profiles):
        if (
            slug
            and k != exclude
            and q.op.operation_id
            and re.sub(r"[^a-z0-9]", "", q.op.operation_id.lower()) == slug
        ):
            return k
    ptr_words = [w for w in words(ptr.text) if w not in STOP]
    verb = next((w for w in ptr_words if w in VERB_ACTIONS), None)
    terms = [Term(w, w, "object") for w in ptr_words if w != verb]
    if not terms:
        return None
    best: tuple[float, int] | None = None
    for item in score_terms(index, terms).values():
        if item.index == exclude:
            continue
        q = index.profiles[item.index]
        fit, _, _ = action_fit(q, VERB_ACTIONS.get(verb) if verb else None, verb)
        if method is not None and q.op.method != method and fit <= 0:
            continue
        params = sum(1 for seg in q.op.path.split("/") if is_param_segment(seg))
        score = item.score + fit - extra_words_penalty(q, terms) - PARAM_PENALTY * params
        if score >= POINTER_MIN and (best is None or score > best[0]):
            best = (score, item.index)
    return best[1] if best else None


def contradiction(p: OpProfile, intent: Intent) -> str | None:
    """A negated phrase of the description naming what the goal asks ('do not create
    incidents' for 'trigger an alert'), unless the operation also says it positively."""
    text = " ".join(x for x in (p.op.summary, p.op.description) if x)[:800]
    spans = list(_NEGATION.finditer(text))
    if not spans:
        return None
    positive = set(words(_NEGATION.sub(" ", text))) | p.resource | p.path_actions
    for m in spans:
        span = [w for w in words(m.group(1)) if w not in STOP]
        if not any(
            VERB_ACTIONS.get(w) in ("create", "send", "act", "update", "delete") for w in span
        ):
            continue
        for t in intent.terms:
            if t.role == "context" or t.stem in positive:
                continue
            if set(span) & synonyms(t.stem):
                return " ".join(m.group(0).split())
    return None


__all__ = ["Exclusion", "contradiction", "exclusion", "replacement", "resolve_pointer"]
