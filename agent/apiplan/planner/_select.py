"""Scoring operations against what a goal asks: words, synonyms and REST conventions.

An operation is read once into a profile (what it acts on, what it does, which words name it);
an intent of the goal (a verb with its objects, see ``_goal``) is scored against every profile
through an inverted index, so a goal over Stripe's 374 operations is scored in milliseconds.
Nothing here knows any particular API: only English verbs, a few synonym groups and the
conventions REST APIs share (POST on a collection creates, GET with an id retrieves, a verb
segment such as ``/refund`` or ``/cancel`` acts on the item before it).

Operations are profiled in ``_profile`` and their words indexed and matched in ``_index``; here
live how an intent's verb fits what an operation does, the penalty for words the goal does not
say, and the public ranking and selection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..exceptions import UsageError
from ..schemas import Facts, OperationChoice
from ._goal import read_goal
from ._index import Scored, Term, build_index, score_terms
from ._lexicon import GENERIC_VERBS, VERB_ACTIONS, Action, prefix, synonyms
from ._profile import METHOD_SAFE, OpProfile

# How well an intent's action (rows) fits what an operation does (columns, see ``OpKind``).
# Positive: the REST convention for that action; negative: the operation does something else.
_FIT_GRID = """
               create    upsert    update item-post      read      list    delete    action
create            2.0       1.5      -1.0      -1.0      -2.0      -2.0      -3.0       0.5
send              2.0       1.0       0.0       1.0      -2.0      -2.0      -3.0       1.0
act               1.0       0.5       0.5       1.0      -1.5      -1.5      -1.0       1.5
read             -2.0      -2.0      -2.0      -2.0       2.0       1.0      -3.0      -1.0
list             -2.0      -2.0      -2.0      -2.0       0.0       2.0      -3.0      -1.0
search           -0.5      -1.0      -2.0      -1.0       0.5       2.0      -3.0       0.5
update           -1.0       1.5       2.0       1.5      -2.0      -2.0      -2.0       0.5
delete           -2.0      -2.0      -1.0      -1.0      -2.0      -2.0       2.5       0.0
upload            2.0       2.0       0.5       0.5      -2.0      -2.0      -3.0       0.5
download         -2.0      -2.0      -2.0      -2.0       2.0       0.5      -3.0      -1.0
poll             -2.0      -2.0      -2.0      -2.0       2.0       0.5      -3.0      -2.0
login             2.0       1.0      -1.0       0.0      -1.0      -2.0      -2.0       1.5
do                1.0       0.5       0.5       0.5       0.0       0.0      -1.5       1.0
logout            0.5      -1.0      -1.0       0.0      -2.0      -2.0       2.0       2.0
"""


def _fit_table(grid: str) -> dict[str, dict[str, float]]:
    lines = [line.split() for line in grid.strip().splitlines()]
    kinds = lines[0]
    return {row[0]: dict(zip(kinds, map(float, row[1:]), strict=True)) for row in lines[1:]}


_FIT = _fit_table(_FIT_GRID)


def _same_verb(a: str, b: str) -> bool:
    pre = prefix(a)
    return a == b or b in synonyms(a) or (pre is not None and prefix(b) == pre)


def action_fit(
    p: OpProfile, action: Action | None, verb: str | None, objects: frozenset[str] = frozenset()
) -> tuple[float, str | None, bool]:
    """How well what the operation does fits the intent's verb: (score, reason, whether the verb
    alone relates them). A verb naming the path ('/refund', '/search', '/upload') relates; a
    generic verb leading an operationId ('createFoo') only fits; an operation whose path names
    another verb ('/deploys/{id}/cancel' for 'deploy') does something else."""
    if action is None:
        return 0.0, None, False
    base = _FIT[action].get(p.kind, 0.0)
    if verb is not None:
        # 'trigger a mirror sync': a light verb whose object names the operation's action.
        in_action = any(_same_verb(verb, a) or a in objects for a in p.path_actions)
        same_kind = action != "act" and any(VERB_ACTIONS.get(a) == action for a in p.path_actions)
        if p.path_actions and not (in_action or same_kind) and p.op.method not in METHOD_SAFE:
            shown = sorted(p.path_actions)[0]
            return min(base, 0.0) - 1.5, f"it does '{shown}', the goal says '{verb}'", False
        if in_action or any(_same_verb(verb, r) for r in p.resource):
            # A generic reading verb naming a GET's path ('fetch' in /fetch-content) says little.
            bonus = 0.5 if VERB_ACTIONS.get(verb) == "read" and p.op.method in METHOD_SAFE else 2.5
            return base + bonus, f"its path says what the goal does ('{verb}')", bonus > 1
        if same_kind:
            return base + 1.5, f"its path does what the goal does ('{verb}')", False
        if any(_same_verb(verb, a) for a in p.actions):
            generic = verb in GENERIC_VERBS
            bonus = 0.5 if generic else 2.5
            return (
                max(base, 0.0) + bonus,
                f"its name says what the goal does ('{verb}')",
                not generic,
            )
    if base > 0:
        where = "an item" if p.kind in ("read", "update", "item-post") else "a collection"
        return base, f"{p.op.method} on {where} fits '{verb or action}'", False
    if base < 0:
        return (
            base,
            f"'{verb or action}' calls for another kind of operation than {p.op.method} ({p.kind})",
            False,
        )
    return 0.0, None, False


HEAD_PENALTY = 1.0
"""An operation whose resource the goal never names acts on something else."""
WORD_PENALTY = 0.25
PENALTY_CAP = 2.0


def extra_words_penalty(p: OpProfile, terms: Iterable[Term]) -> float:
    """Operations whose resource and path say much the goal does not lose a little; one whose
    resource the goal never names loses more."""
    said: set[str] = set()
    for t in terms:
        said |= synonyms(t.stem)
        pre = prefix(t.stem)
        if pre:
            said.add(pre)

    def unsaid(w: str) -> bool:
        return w not in said and (prefix(w) or w) not in said and not w.isdigit() and len(w) > 1

    penalty = HEAD_PENALTY if any(unsaid(w) for w in p.resource) else 0.0
    penalty += WORD_PENALTY * sum(1 for w in p.parents if unsaid(w))
    return min(PENALTY_CAP, penalty)


# --- the public ranking -----------------------------------------------------------------------
def rank(facts: Facts, goal: str) -> list[Scored]:
    """Every related operation scored against the whole goal as one intent, best first."""
    reading = read_goal(goal)
    index = build_index(facts)
    terms = [t for intent in reading.intents for t in intent.terms]
    scored = score_terms(index, terms)
    first = reading.intents[0] if reading.intents else None
    for item in scored.values():
        p = index.profiles[item.index]
        fit, why, _ = action_fit(p, first.action if first else None, first.verb if first else None)
        item.score += fit - extra_words_penalty(p, terms)
        if why:
            item.reasons.append(why)
    return sorted(scored.values(), key=lambda s: (-s.score, s.op.path, s.op.method))


def parse_pin(pin: str) -> tuple[str, str]:
    """'post:/v1/charges' or 'POST /v1/charges' -> ('POST', '/v1/charges')."""
    m = re.match(r"^\s*([A-Za-z]+)\s*[: ]\s*(\S+)\s*$", pin)
    if not m:
        raise UsageError(
            f"operations: {pin!r} is not METHOD:PATH, e.g. POST:/v1/charges",
            parameter="operations",
        )
    return m.group(1).upper(), m.group(2)


def select_operations(
    facts: Facts, goal: str, *, pins: list[str] | None = None, max_selected: int | None = None
) -> list[OperationChoice]:
    """The operations the goal needs, in workflow order: pinned ones, else the workflow's steps.

    Raises:
        UsageError: a pinned operation is not in the docs, or nothing relates to the goal.
    """
    from ._workflow import build_workflow, selection_of

    steps = selection_of(build_workflow(facts, goal, pins=pins))
    return steps[:max_selected] if max_selected else steps


__all__ = [
    "action_fit",
    "extra_words_penalty",
    "parse_pin",
    "rank",
    "select_operations",
]
