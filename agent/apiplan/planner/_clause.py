"""One clause of a goal parsed: its verb, objects, qualifiers and subordinate part.

"refund it if the order is cancelled" has the verb *refund*, a pronoun for its object and the
condition "if the order is cancelled". English only, with no grammar library: the first verb of
a clause is its verb, the words up to the first preposition its objects, the words after it
qualifiers; a subordinate part is a complement, a purpose or a condition. ``_goal`` splits the
goal into clauses and turns the parsed clauses into intents.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ._lexicon import GENERIC_VERBS, STOP, VERB_ACTIONS, Action, stem, stems, word_set

_SUBORDINATE = re.compile(
    r"\b(so\s+that|so|if|when|whenever|unless|once|until|whether|because|while|before|after|"
    r"in\s+case|that|which|what|to(?=\s+(?:confirm|verify|check|make\s+sure|see|ensure)\b))\b",
    re.I,
)
_PREPOSITIONS = word_set(
    "to for in on into from with by of at as via through using inside within per across between "
    "under over about onto against without"
)
_MEANS = re.compile(
    r"\b(?:through|via|using|with)\s+(?:the\s+|our\s+|a\s+)?([\w\s-]{1,40}?)\s+(?:api|endpoint)s?\b",
    re.I,
)
"""'through the Batch API': the goal names the means, which outranks the thing sent."""
_PRONOUNS = word_set("it them its their they one ones this these those that")
_QUANTIFIERS = word_set("every all each")
_LEADING = word_set(
    "then also later first finally automatically always just and afterwards next we i please to "
    "periodically immediately"
)
_COMPLEMENT_VERBS = stems(
    "check see learn know verify confirm tell wait watch monitor track find determine ensure"
)
_STATE_WORDS = stems(
    "finished finish done complete completed completes ready delivered live succeeded failed "
    "processed available stored filled settled published deployed running"
)
"""Words that ask for the outcome of something started earlier: 'until it is done'."""


@dataclass
class Clause:
    """One clause as parsed: its verb, the words it acts on, and its subordinate part."""

    text: str
    verb: str | None = None
    said: str | None = None
    action: Action | None = None
    objects: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])
    qualifiers: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])
    means: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])
    condition: str | None = None
    purpose: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])
    quantified: list[str] = field(default_factory=list[str])
    pronoun: bool = False
    asks_outcome: bool = False
    verb_parts: list[str] = field(default_factory=list[str])
    """The words of a hyphenated verb ('fine-tune' -> fine, tune)."""


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Za-z][a-z]*|\d+")


def _tokens(text: str) -> list[tuple[str, str]]:
    """(as written, stem) per word; camelCase and hyphens split ('PaymentIntent', 'Doc-Gen'),
    possessives dropped."""
    out: list[tuple[str, str]] = []
    for raw in _TOKEN.findall(text):
        raw = re.sub(r"['’]s?$", "", raw)
        for part in re.split(r"[-'’]", raw):
            for w in _CAMEL.findall(part):
                if len(w) > 1 or w.isdigit():
                    out.append((w.lower(), stem(w)))
    return out


def compounds(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Adjacent words joined: 'pull request' also reads as 'pullrequest', 'Doc Gen' as 'docgen'."""
    return [
        (f"{a[0]} {b[0]}", stem(a[0] + b[0]))
        for a, b in itertools.pairwise(tokens)
        if a[1] not in STOP and b[1] not in STOP
    ]


def _content(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(w, s) for w, s in tokens if s not in STOP and not w.isdigit()]


def _find_verb(tokens: list[tuple[str, str]]) -> int | None:
    """Index of the clause's verb: the first known verb among its first words."""
    for i, (w, s) in enumerate(tokens[:4]):
        if w in _LEADING:
            continue
        if s in VERB_ACTIONS:
            return i
        if s not in STOP:
            return None
    return None


def parse_clause(text: str) -> Clause:
    clause = Clause(text=text.strip())
    main, sub_word, sub = _split_subordinate(clause.text)
    tokens = _tokens(main)
    vi = _find_verb(tokens)
    rest = tokens
    if vi is not None:
        clause.said, clause.verb = tokens[vi]
        clause.action = VERB_ACTIONS[clause.verb]
        rest = tokens[vi + 1 :]
    elif (
        tokens
        and tokens[0][1] not in STOP
        and not tokens[0][0].isdigit()
        and _looks_imperative(main)
    ):
        # An unknown verb leads the clause ('fine-tune a model'): act on what follows.
        first = main.strip().split()[0].lower()
        clause.said = first
        clause.verb = stem(first.replace("-", ""))
        clause.action = "do"  # an unknown verb: its words count, the kind of call it wants does not
        parts = _tokens(first)
        rest = tokens[len(parts) :]
        if len(parts) > 1:
            clause.verb_parts = [s for _, s in parts]
    means = _MEANS.search(main)
    if means:
        clause.means = _content(_tokens(means.group(1)))
    clause.pronoun = any(w in _PRONOUNS for w, _ in tokens)
    target = clause.objects
    quantifying = False
    previous = ""
    object_for = clause.action in ("search", "poll")  # 'search for a song': the song is sought
    for w, s in rest:
        if w == "for" and object_for and not clause.objects:
            continue
        if w in _PREPOSITIONS:
            target = clause.qualifiers
            # 'every one of my lists' quantifies over the lists.
            quantifying = quantifying and w == "of" and previous in ("one", "each", "all", "every")
            previous = w
            continue
        previous = w
        if w in _QUANTIFIERS:
            quantifying = True
            continue
        if w in _PRONOUNS or s in STOP or w.isdigit():
            continue
        target.append((w, s))
        if quantifying:
            clause.quantified.append(s)
    if clause.quantified:
        said = [(w, s) for w, s in rest if s in clause.quantified]
        clause.quantified += [s for _, s in compounds(said)]
    if clause.means:
        means_stems = {s for _, s in clause.means}
        clause.qualifiers = [q for q in clause.qualifiers if q[1] not in means_stems]
    if sub_word is not None:
        _attach_subordinate(clause, sub_word, sub)
    return clause


_FOLLOWS_VERB = word_set(
    "a an the our my your their its it them this these every all each some to for with up out on "
    "off"
)


def _looks_imperative(text: str) -> bool:
    """A clause starting with a hyphenated or unknown word followed by an article, a pronoun or a
    particle ('fine-tune a model', 'subscribe to one of them', 'backfill yesterday's events')."""
    parts = text.strip().split()
    return len(parts) >= 2 and ("-" in parts[0] or parts[1].lower() in _FOLLOWS_VERB)


def _split_subordinate(text: str) -> tuple[str, str | None, str]:
    m = _SUBORDINATE.search(text)
    if not m or m.start() == 0:
        return text, None, ""
    return text[: m.start()], m.group(1).lower(), text[m.end() :]


def _attach_subordinate(clause: Clause, word: str, sub: str) -> None:
    """A subordinate part is a complement ('check whether it was delivered'), a purpose ('so
    that on-call gets paged') or a condition ('if the order is cancelled')."""
    inner, inner_word, inner_rest = _split_subordinate(sub)
    tokens = _content(_tokens(inner))
    pronoun = any(w in _PRONOUNS for w, _ in _tokens(inner))
    state = any(s in _STATE_WORDS for _, s in tokens)
    complement_verb = clause.verb in _COMPLEMENT_VERBS or clause.action == "poll"
    if (
        word in ("whether", "until", "which", "what", "that", "when", "if", "to")
        and complement_verb
        and not (clause.objects and word in ("when", "if"))
    ):
        clause.objects += [t for t in tokens if t[1] not in _STATE_WORDS]
        clause.pronoun = clause.pronoun or pronoun
        clause.asks_outcome = state or clause.action == "poll"
    elif word in ("so that", "so", "to"):
        clause.purpose += [t for t in tokens if t[1] not in GENERIC_VERBS]
    else:
        clause.condition = f"{word} {sub.strip()}"
        return
    if inner_word is not None:
        clause.condition = f"{inner_word} {inner_rest.strip()}"


def merge_verbless(clauses: list[Clause]) -> list[Clause]:
    """A clause without a verb continues the previous one's verb ('the price and the ETA'); a
    verb without an object borrows the next clause's ('create and send an invoice')."""
    out: list[Clause] = []
    for c in clauses:
        if c.verb is None and out and (c.objects or c.qualifiers):
            prev = out[-1]
            c.verb, c.said, c.action = prev.verb, prev.said, prev.action
        if c.verb is None and not c.objects:
            if out and c.condition and not out[-1].condition:
                out[-1].condition = c.condition
            continue
        out.append(c)
    for i, c in enumerate(out[:-1]):
        if not c.objects and not c.pronoun and not c.qualifiers and not c.asks_outcome:
            c.objects = list(out[i + 1].objects)
    return out


__all__ = ["Clause", "compounds", "merge_verbless", "parse_clause"]
