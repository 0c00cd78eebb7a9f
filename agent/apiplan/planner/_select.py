"""Choosing the operations a plain-words goal needs, with the score and the reasons shown."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..exceptions import UsageError
from ..schemas import Facts, Operation, OperationChoice

_STOP = set(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "and",
        "or",
        "from",
        "into",
        "via",
        "using",
        "use",
        "we",
        "i",
        "want",
        "need",
        "should",
        "would",
        "like",
        "our",
        "my",
        "your",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "be",
        "is",
        "are",
        "was",
        "were",
        "so",
        "as",
        "when",
        "then",
        "than",
        "all",
        "any",
        "each",
        "every",
        "new",
        "api",
        "endpoint",
        "endpoints",
        "call",
        "calls",
        "app",
        "service",
        "our",
        "integration",
        "integrate",
        "build",
        "implement",
        "make",
        "able",
        "can",
        "will",
    ]
)
# Small, general synonym groups: words people write in goals vs words APIs use.
_SYNONYMS = [
    {"send", "post", "create", "submit", "enqueue", "trigger", "publish", "push", "emit"},
    {"alert", "event", "incident", "notification", "page", "alarm"},
    {"message", "chat", "msg", "text", "sms"},
    {"get", "fetch", "retrieve", "read", "show", "lookup", "look", "check", "view", "track"},
    {"list", "search", "find", "query", "browse", "page"},
    {"update", "edit", "change", "modify", "patch", "set"},
    {"delete", "remove", "destroy", "cancel", "revoke"},
    {"charge", "payment", "pay", "capture", "bill"},
    {"customer", "user", "account", "member", "profile"},
    {"file", "upload", "document", "attachment"},
    {"email", "mail"},
    {"image", "picture", "photo"},
    {"subscription", "subscribe", "plan"},
    {"shipment", "shipping", "ship", "parcel", "package", "label"},
]
_VERB_METHODS = {
    "POST": {
        "send",
        "post",
        "create",
        "submit",
        "enqueue",
        "trigger",
        "publish",
        "add",
        "buy",
        "refund",
        "capture",
        "void",
    },
    "GET": {
        "get",
        "fetch",
        "retrieve",
        "read",
        "show",
        "lookup",
        "check",
        "view",
        "track",
        "list",
        "search",
        "find",
        "download",
    },
    "PATCH": {"update", "edit", "change", "modify", "patch"},
    "PUT": {"update", "replace", "set", "upload"},
    "DELETE": {"delete", "remove", "destroy", "revoke"},
}
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Za-z][a-z]*|\d+")


def stem(word: str) -> str:
    """A light stem: 'messages', 'message' -> 'messag'; 'charging', 'charges' -> 'charg'."""
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "zes", "ches", "shes")):
        w = w[:-2]
    elif w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


def words(text: str | None) -> list[str]:
    """Words of a text split on camelCase, snake_case, paths and punctuation, stemmed."""
    if not text:
        return []
    return [stem(w) for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]


_VERB_STEMS_BY_METHOD = {m: {stem(v) for v in vs} for m, vs in _VERB_METHODS.items()}
# Words that say what to do, not what to act on: they cannot select an operation alone.
_VERB_STEMS = set().union(
    *_VERB_STEMS_BY_METHOD.values(),
    *({stem(w) for w in g} for g in _SYNONYMS[:1] + _SYNONYMS[3:7]),
)


def _expand(token: str) -> set[str]:
    out = {token}
    for group in _SYNONYMS:
        stems = {stem(g) for g in group}
        if token in stems:
            out |= stems
    return out


@dataclass
class _Scored:
    op: Operation
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


# Where a word matched, and how much that counts.
_WEIGHTS = (
    ("operationId", 3.0),
    ("summary", 3.0),
    ("path", 2.5),
    ("tags", 1.5),
    ("description", 1.0),
)


def _fields(op: Operation) -> dict[str, set[str]]:
    path_words = [
        w for seg in op.path.split("/") if seg and not seg.startswith("{") for w in words(seg)
    ]
    return {
        "operationId": set(words(op.operation_id)),
        "summary": set(words(op.summary)),
        "path": set(path_words),
        "tags": {w for t in op.tags for w in words(t)},
        "description": set(words(op.description)),
    }


def _originals(goal: str) -> dict[str, str]:
    """stem -> the word as the user wrote it, for readable reasons."""
    out: dict[str, str] = {}
    for w in _WORD.findall(goal):
        out.setdefault(stem(w), w.lower())
    return out


def goal_tokens(goal: str) -> list[str]:
    """Meaningful stemmed words of the goal, in order, without duplicates."""
    seen: list[str] = []
    for w in words(goal):
        if w not in _STOP and w not in seen:
            seen.append(w)
    return seen


def rank(facts: Facts, goal: str) -> list[_Scored]:
    """Every operation scored against the goal, best first.

    A word counts by where it matched (operationId and summary most) times how rare it is
    among the operations (a word every path has, such as Twilio's 'Accounts', says little).
    Operations whose name and path carry many words the goal does not use lose a little.
    """
    tokens = goal_tokens(goal)
    said = _originals(goal)
    goal_words = set(words(goal))
    all_fields = [_fields(op) for op in facts.operations]
    n = len(all_fields)
    rarity: dict[str, float] = {}
    for token in tokens:
        variants = _expand(token)
        df = sum(1 for f in all_fields if any(variants & v for v in f.values()))
        rarity[token] = math.log(1 + n / (1 + df)) / math.log(1 + n / 1) if n > 1 else 1.0
    scored: list[_Scored] = []
    for op, fields in zip(facts.operations, all_fields, strict=False):
        item = _Scored(op)
        matched: set[str] = set()
        for token in tokens:
            variants = _expand(token)
            for name, weight in _WEIGHTS:
                hit = variants & fields[name]
                if hit:
                    exact = token in hit
                    item.score += (weight if exact else weight * 0.6) * (0.3 + rarity[token])
                    matched |= hit
                    item.reasons.append(
                        f"'{said.get(token, token)}' in {name}" + ("" if exact else " (synonym)")
                    )
                    break
        if not matched - _VERB_STEMS:
            item.score, item.reasons = 0.0, []  # a verb alone ("create") selects nothing
        if item.score > 0:
            extra = {
                w for w in (fields["operationId"] | fields["path"]) - matched if not w.isdigit()
            }
            item.score -= 0.15 * len(extra)
            creating = goal_words & _VERB_STEMS_BY_METHOD["POST"]
            if (
                op.method in ("POST", "GET")
                and op.path.endswith("}")
                and (creating or "list" in goal_words)
            ):
                item.score -= 1.0
                item.reasons.append("acts on one existing item; the goal creates or lists")
        verbs = {m for m, vs in _VERB_STEMS_BY_METHOD.items() if goal_words & vs}
        if item.score > 0 and op.method in verbs:
            item.score += 1.5
            item.reasons.append(f"goal verb fits {op.method}")
        elif item.score > 0 and verbs:
            item.score -= 1.5
            item.reasons.append(f"goal verbs call for {'/'.join(sorted(verbs))}, not {op.method}")
        if op.deprecated and item.score > 0:
            item.score -= 2.0
            item.reasons.append("deprecated")
        scored.append(item)
    scored.sort(key=lambda s: (-s.score, s.op.path, s.op.method))
    return scored


MIN_SCORE = 3.0
"""Below this, a match is a coincidence of words (Box's 'document' for 'file'), not a choice."""


def parse_pin(pin: str) -> tuple[str, str]:
    """'post:/v1/charges' or 'POST /v1/charges' -> ('POST', '/v1/charges')."""
    m = re.match(r"^\s*([A-Za-z]+)\s*[: ]\s*(\S+)\s*$", pin)
    if not m:
        raise UsageError(f"--operation {pin!r}: expected METHOD:PATH, e.g. POST:/v1/charges")
    return m.group(1).upper(), m.group(2)


def select_operations(
    facts: Facts, goal: str, *, pins: list[str] | None = None, max_selected: int = 3
) -> list[OperationChoice]:
    """The operations the goal needs: pinned ones, else the best-scoring ones.

    Raises:
        UsageError: a pinned operation is not in the docs, or nothing matches the goal.
    """
    if not facts.operations:
        raise UsageError("the documents define no operations to plan for")
    if pins:
        out = []
        for pin in pins:
            method, path = parse_pin(pin)
            op = facts.operation(f"{method} {path}")
            if op is None:
                near = [o.key for o in facts.operations if o.path == path or o.path.endswith(path)]
                hint = f"; documented: {', '.join(near[:5])}" if near else ""
                raise UsageError(f"--operation {pin!r}: not in the documents{hint}")
            out.append(
                OperationChoice(
                    key=op.key, score=0.0, reasons=["pinned with --operation"], pinned=True
                )
            )
        return out
    ranked = rank(facts, goal)
    best = ranked[0]
    if best.score <= 0:
        if len(facts.operations) <= 3:
            return [
                OperationChoice(
                    key=s.op.key,
                    score=0.0,
                    reasons=["the documents define only this few operations"],
                )
                for s in ranked
            ]
        examples = ", ".join(s.op.key for s in ranked[:5])
        raise UsageError(
            f"no operation matches the goal {goal!r}; name them with --operation METHOD:PATH "
            f"(for example {examples})"
        )
    if best.score < MIN_SCORE and len(facts.operations) > 3:
        examples = ", ".join(s.op.key for s in ranked[:3])
        raise UsageError(
            f"no operation matches the goal {goal!r} well (best: {examples}); "
            "name them with --operation METHOD:PATH"
        )
    chosen = [s for s in ranked if s.score >= best.score * 0.9 and s.score >= MIN_SCORE][
        :max_selected
    ]
    return [
        OperationChoice(key=s.op.key, score=round(s.score, 2), reasons=s.reasons)
        for s in chosen or [best]
    ]
