"""Scoring operations against what a goal asks: words, synonyms and REST conventions.

An operation is read once into a profile (what it acts on, what it does, which words name it);
an intent of the goal (a verb with its objects, see ``_goal``) is scored against every profile
through an inverted index, so a goal over Stripe's 374 operations is scored in milliseconds.
Nothing here knows any particular API: only English verbs, a few synonym groups and the
conventions REST APIs share (POST on a collection creates, GET with an id retrieves, a verb
segment such as ``/refund`` or ``/cancel`` acts on the item before it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..exceptions import UsageError
from ..schemas import Facts, Operation, OperationChoice
from ._lexicon import (
    GENERIC_VERBS,
    STOP,
    VERB_ACTIONS,
    Action,
    normalize_phrases,
    prefix,
    stem,
    stems,
    synonyms,
    words,
)

_METHOD_SAFE = frozenset(("GET", "HEAD"))

# How well an intent's action fits what an operation does (see ``OpKind``). Positive: the REST
# convention for that action; negative: the operation does something else.
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

OpKind = Literal["create", "upsert", "update", "item-post", "read", "list", "delete", "action"]

# --- operation profiles -----------------------------------------------------------------------
_PARAM_SEGMENT = re.compile(r"^(\{[^}]*\}|:\w+|<[^>]*>|\[[^\]]*\]|\([^)]*\)|&lt;.*)")
_EXTENSION = re.compile(r"\.(json|xml|csv|txt)$", re.I)
_VERSION = re.compile(r"^_?v?\d+(?:\.\d+)*$|^\d{4}-\d{2}-\d{2}$|^_matrix$|^api$|^rest$", re.I)
"""Segments that version or prefix a path ('v1', '2.0', '2010-04-01'): never the resource."""
_SUMMARY_CHARS = 200
_DESCRIPTION_CHARS = 400
"""Only the opening of a description names what the operation is; the rest is detail whose
words match every goal a little (Stripe's descriptions run to thousands of characters)."""
_DEPRECATED_WORDS = re.compile(
    r"\bdeprecated\b|\bsuperseded\b|\bno longer (?:supported|recommended)\b|\blegacy\b", re.I
)


NOUNISH = stems(
    "issue record message text page alert post note comment log order event file image label tag "
    "set group task report schedule"
)
"""Verbs that, as a path segment, are nearly always the name of a thing ('/sprint/{id}/issue')."""


def is_param_segment(segment: str) -> bool:
    """A path segment that is a parameter in any notation the docs use."""
    return bool(_PARAM_SEGMENT.match(segment))


def param_name(segment: str) -> str:
    """'{charge}', ':id', '<name>' -> the bare parameter name."""
    return re.sub(r"^[{:<\[(]|[}>\])]$|&lt;|&gt;?|;$", "", _EXTENSION.sub("", segment))


def is_plural(word: str) -> bool:
    w = word.lower()
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "status"))


@dataclass(frozen=True)
class OpProfile:
    """What one operation is, read from its method, path and names."""

    op: Operation
    kind: OpKind
    resource: frozenset[str]
    """Stems of the thing it acts on: the last noun segment of the path."""
    parents: frozenset[str]
    """Stems of the other literal path segments (the containers)."""
    actions: frozenset[str]
    """Stems of the verbs it performs: a verb segment (``/merge``), or the leading verb of its
    operationId or summary."""
    path_actions: frozenset[str]
    """Stems of the verb segments of its path alone (``/refund``, ``/mark-all-as-read``)."""
    fields: dict[str, frozenset[str]]
    collection: str | None
    """The path up to its last collection segment, for items fed by that collection."""
    containers: frozenset[str]
    """Stems of the collections an item of which it works inside ('playlist' in
    /playlists/{playlist_id}/items): where 'add it to my playlist' points."""
    deprecated: bool


def _split_path(path: str) -> list[tuple[str, bool]]:
    """(segment, is_param) for each non-empty segment, extensions dropped."""
    out: list[tuple[str, bool]] = []
    for raw in path.split("?")[0].split("/"):
        if not raw:
            continue
        seg = raw if is_param_segment(raw) else _EXTENSION.sub("", raw)
        # A concrete id in an example path ('/v1/feeds/42') stands for a parameter.
        out.append((seg, is_param_segment(seg) or seg.isdigit()))
    return out


def _lead_verbs(text: str | None) -> set[str]:
    """The verb an operationId, summary or description starts with ('createCharge', 'Add
    accounts to a list', 'Cancels a customer's subscription')."""
    head = [w for w in words(text)[:3] if w not in STOP]
    return {head[0]} if head and head[0] in VERB_ACTIONS else set()


def _strip_tags(text: str | None) -> str:
    return re.sub(r"<[^>]+>", " ", text[:120]) if text else ""


def _returns_array(op: Operation) -> bool:
    """A success body that is a JSON array: a list, whatever the path looks like."""
    return any(
        f.path == "[]" or f.path.startswith("[].")
        for r in op.responses
        if r.status.startswith("2") and r.body is not None
        for f in r.body.fields
    )


def _kind(op: Operation, segments: list[tuple[str, bool]], action_segment: bool) -> OpKind:
    method = op.method
    ends_with_param = bool(segments) and segments[-1][1]
    if method == "DELETE":
        return "delete"
    if action_segment and method not in _METHOD_SAFE:
        return "action"
    if method in _METHOD_SAFE:
        if _returns_array(op):
            return "list"
        if ends_with_param or not segments:
            return "read"
        last = segments[-1][0]
        return "list" if is_plural(last.split(".")[-1]) or "list" in words(last) else "read"
    if method == "PATCH":
        return "update"
    if method == "PUT":
        return "update" if ends_with_param else "upsert"
    return "item-post" if ends_with_param else "create"


def profile(op: Operation) -> OpProfile:
    """Read one operation: its kind by REST convention, its resource, its verbs, its words."""
    segments = _split_path(op.path)
    literals = [s for s, is_param in segments if not is_param]
    actions: set[str] = set()
    head: list[str] = []
    modifiers: list[str] = []
    action_segment = False
    # The last literal segment names the resource, unless it is a verb acting on what precedes
    # it (/charges/{charge}/refund, /pullrequests/{pid}/merge); an RPC method names its verb and
    # noun (/chat.postMessage, /users.lookupByEmail). The resource's head is its last noun.
    for i in range(len(segments) - 1, -1, -1):
        seg, is_param = segments[i]
        if is_param:
            continue
        if "." in seg:
            namespace, _, method_part = seg.partition(".")
            mwords = words(method_part)
            cut = mwords.index("by") if "by" in mwords else len(mwords)
            # An RPC method starts with its verb ('postMessage'); later verbs must not be nouns.
            leads = not is_plural(re.split(r"(?=[A-Z])|[._-]", method_part)[0])
            verbs = [
                w
                for k, w in enumerate(mwords[:cut])
                if w in VERB_ACTIONS and ((k == 0 and leads) or w not in NOUNISH)
            ]
            nouns = [w for w in mwords[:cut] if w not in verbs and w not in STOP]
            if verbs:
                actions.update(verbs)
                action_segment = True
            ns_words = [w for w in words(namespace) if w not in STOP]
            head = nouns or ns_words
            modifiers = (ns_words if nouns else []) + [
                w for w in mwords[cut + 1 :] if w not in STOP
            ]
            break
        if _VERSION.match(seg):
            continue
        seg_words = [w for w in words(seg) if w not in STOP]
        after_item = i > 0 and segments[i - 1][1]
        last = i == len(segments) - 1
        verbs = [w for w in seg_words if w in VERB_ACTIONS and w not in NOUNISH]
        if verbs and (after_item or last) and not is_plural(seg):
            actions.update(verbs)
            action_segment = True
            continue
        head = seg_words
        break
    resource = set(head[-1:])
    modifiers += head[:-1]
    path_actions = frozenset(actions)
    actions |= (
        _lead_verbs(op.operation_id)
        | _lead_verbs(op.summary)
        | _lead_verbs(_strip_tags(op.description))
    )
    parents = {w for seg in literals for w in words(seg) if w not in resource and w not in STOP}
    parents |= set(modifiers) - resource
    for seg in literals:
        parts = [w for w in words(seg) if not w.isdigit()]
        if len(parts) > 1:
            parents.add(stem("".join(parts)))  # 'fine_tuning' also reads as 'finetuning'

    containers = {
        w
        for k, (seg, is_param) in enumerate(segments[:-1])
        if not is_param and segments[k + 1][1] and k + 1 < len(segments) - 1
        for w in words(seg)
        if w not in STOP
    }
    collection = None
    for i in range(len(segments) - 1, -1, -1):
        if not segments[i][1] and i + 1 < len(segments) and segments[i + 1][1]:
            collection = "/" + "/".join(s for s, _ in segments[: i + 1])
            break
    summary = normalize_phrases((op.summary or "")[:_SUMMARY_CHARS])
    description = normalize_phrases((op.description or "")[:_DESCRIPTION_CHARS])
    fields = {
        "resource": frozenset(resource),
        "action": frozenset(actions),
        "path": frozenset(parents),
        "operationId": frozenset(words(op.operation_id)),
        "summary": frozenset(words(summary)),
        "params": frozenset(
            w for p in op.parameters if p.location == "path" for w in words(p.name)
        ),
        "tags": frozenset(w for t in op.tags for w in words(t)),
        "description": frozenset(words(description)),
    }
    named_deprecated = bool(
        {"deprecat", "legacy"} & (set(words(op.operation_id)) | set(words(op.summary)))
        or _DEPRECATED_WORDS.search(op.summary or "")
        or _DEPRECATED_WORDS.search(description[:160])
    )
    return OpProfile(
        op=op,
        kind=_kind(op, segments, action_segment),
        resource=frozenset(resource),
        parents=frozenset(parents),
        actions=frozenset(actions),
        path_actions=path_actions,
        fields=fields,
        collection=collection,
        containers=frozenset(containers),
        deprecated=op.deprecated or named_deprecated,
    )


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
        if p.path_actions and not (in_action or same_kind) and p.op.method not in _METHOD_SAFE:
            shown = sorted(p.path_actions)[0]
            return min(base, 0.0) - 1.5, f"it does '{shown}', the goal says '{verb}'", False
        if in_action or any(_same_verb(verb, r) for r in p.resource):
            # A generic reading verb naming a GET's path ('fetch' in /fetch-content) says little.
            bonus = 0.5 if VERB_ACTIONS.get(verb) == "read" and p.op.method in _METHOD_SAFE else 2.5
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
    from ._goal import read_goal

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
    "OpIndex",
    "OpProfile",
    "Scored",
    "Term",
    "action_fit",
    "build_index",
    "extra_words_penalty",
    "is_param_segment",
    "is_plural",
    "param_name",
    "parse_pin",
    "rank",
    "score_terms",
    "select_operations",
]
