"""The words apiplan reads goals and docs with: stems, stop words, synonyms and verbs.

General English and the vocabulary APIs share, never the words of one API: a goal says 'alert',
PagerDuty says 'incident'; a goal says 'look up', Slack says 'lookupByEmail'.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

# --- words ------------------------------------------------------------------------------------
STEM_CACHE_SIZE = 1 << 16
"""A pure function's memo, bounded: the words of Kubernetes' 878 operations repeat a lot."""
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Za-z][a-z]*|\d+")


@functools.lru_cache(maxsize=STEM_CACHE_SIZE)
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
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


def words(text: str | None) -> list[str]:
    """Words of a text split on camelCase, snake_case, paths and punctuation, stemmed."""
    if not text:
        return []
    return [stem(w) for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal, as a set (word lists read best as prose)."""
    return frozenset(text.split())


def stems(text: str) -> frozenset[str]:
    """The stems of the whitespace-separated words of a literal."""
    return frozenset(stem(w) for w in text.split())


# Particle verbs written apart ('log the user in') and phrases that are one verb; each with a
# word it needs, so that the many texts without it skip the substitution.
_PHRASES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "log",
        re.compile(r"\blog(?:ging|ged|s)?\s+((?:\w+\s+){0,3}?)(in|out|on|off)\b", re.I),
        r"log\2 \1",
    ),
    (
        "sign",
        re.compile(r"\bsign(?:ing|ed|s)?\s+((?:\w+\s+){0,3}?)(in|out|up)\b", re.I),
        r"sign\2 \1",
    ),
    ("set", re.compile(r"\bset(?:ting|s)?\s+up\b", re.I), "setup"),
    ("look", re.compile(r"\blook(?:ing|ed|s)?\s+((?:\w+\s+){0,3}?)up\b", re.I), r"lookup \1"),
    ("find", re.compile(r"\bfind(?:ing|s)?\s+out\b", re.I), "learn"),
    ("back", re.compile(r"\bback(?:ing|ed|s)?\s+up\b", re.I), "backup"),
    ("turn", re.compile(r"\bturn(?:ing|ed|s)?\s+((?:\w+\s+){0,3}?)off\b", re.I), r"disable \1"),
    ("turn", re.compile(r"\bturn(?:ing|ed|s)?\s+((?:\w+\s+){0,3}?)on\b", re.I), r"enable \1"),
    (
        "power",
        re.compile(r"\b(power(?:ing|ed|s)?)\s+((?:\w+\s+){0,2}?)(on|off|up|down)\b", re.I),
        r"\1 \2",
    ),
    ("kick", re.compile(r"\bkick(?:ing|ed|s)?\s+off\b", re.I), "start"),
)


def normalize_phrases(text: str) -> str:
    """'log the user in' -> 'login the user'; 'set up' -> 'setup' (goal and docs alike)."""
    low = text.lower()
    for key, rx, repl in _PHRASES:
        if key in low:
            text = rx.sub(lambda m, r=repl: m.expand(r).lower(), text)
    return text


STOP = stems(
    "a an the to of for in on at by with and or from into via using use we i us want need should "
    "would like our my your their them it its this that these those be is are was were so as when "
    "then than all any each every new api endpoint endpoints able can will one some me you they "
    "he she his her there here which what who whose how after before later afterwards once again "
    "also just only up out about back own has have had been being do does did get gets got"
)

# Small, general synonym groups: words people write in goals vs words APIs use.
_SYNONYM_GROUPS = (
    "alert incident notification page alarm",
    "alert event",
    "message msg text sms announcement note",
    "collaboration collaborator colleague teammate coworker",
    "customer user account member profile",
    "file document attachment blob",
    "email mail",
    "image picture photo media",
    "subscription subscribe",
    "shipment shipping ship parcel package label",
    "repo repository",
    "song track music",
    "login logon signin auth session authenticate",
    "logout logoff signout",
    "log logs",
    "chat conversation",
    "embedding embed",
    "delete remove destroy erase purge",
    "search find query lookup",
    "ride trip",
    "eta time",
    "pickup time",
    "history activity",
    "profile me",
    "power boot",
    "estimate price",
    "migrate import mirror transfer",
    "result output content",
)
STATE_VERBS = stems(
    "pause resume stop start enable disable activate deactivate suspend unsuspend lock unlock"
)
"""Verbs that change an object's state: they act on its status or state resource when the docs
name no verb for them (k6's 'Update Status' pauses a test)."""
STATE_NOUNS = ("status", "state")
_SYNONYMS: dict[str, frozenset[str]] = {}
for _group in _SYNONYM_GROUPS:
    _stems = frozenset(stem(w) for w in _group.split())
    for _s in _stems:
        _SYNONYMS[_s] = _SYNONYMS.get(_s, frozenset()) | _stems


def synonyms(token: str) -> frozenset[str]:
    """The stems that mean the same as ``token`` in a goal (itself included)."""
    return _SYNONYMS.get(token, frozenset((token,)))


LOOSE_PREFIX = 6
"""Stems sharing their first six letters are related ('subscribe'/'subscription',
'transcribe'/'transcription'); shorter prefixes join unrelated words ('accept'/'access')."""


def prefix(token: str) -> str | None:
    return token[:LOOSE_PREFIX] if len(token) >= LOOSE_PREFIX else None


# --- verbs ------------------------------------------------------------------------------------
Action = Literal[
    "create",
    "send",
    "act",
    "read",
    "list",
    "search",
    "update",
    "delete",
    "upload",
    "download",
    "poll",
    "login",
    "logout",
    "do",
]
"""'do' is a verb the table does not know ('chart', 'fine-tune'): its words count, its kind not."""
_VERB_TABLE: dict[Action, str] = {
    "create": "create add make register open start launch provision generate set setup sign "
    "book place issue submit insert new record store write save import fill append populate "
    "give invite take enroll onboard subscribe signup",
    "send": "send post trigger publish push emit notify page alert deliver text message email mail "
    "backfill broadcast announce dispatch enqueue execute",
    "act": "charge refund capture schedule deploy merge approve reject archive restore sync refresh "
    "pause resume stop restart reboot power boot rebuild transcribe translate finalize void "
    "pay pin unpin react follow unfollow crosspost compact snapshot vote migrate mirror copy pull "
    "clone confirm run retry rotate lock unlock suspend assign move swap rank estimate "
    "chat complete convert scale ramp share mark star bookmark queue enable disable "
    "unsubscribe apply revert redeliver",
    "read": "get fetch retrieve read show display view see inspect look lookup check know "
    "verify tell learn load open",
    "list": "list browse enumerate collect gather export",
    "search": "search query find filter",
    "update": "update edit change modify rename replace patch set adjust configure tag "
    "upgrade toggle reorder",
    "delete": "delete remove destroy drop purge clear revoke erase discard prune cancel",
    "upload": "upload attach",
    "download": "download",
    "poll": "wait poll watch monitor track await",
    "login": "login signin authenticate log",
    "logout": "logout signout",
}
VERB_ACTIONS: dict[str, Action] = {}
for _action, _verbs in _VERB_TABLE.items():
    for _v in _verbs.split():
        VERB_ACTIONS.setdefault(stem(_v), _action)
GENERIC_VERBS = frozenset(
    s
    for s, a in VERB_ACTIONS.items()
    if a in ("create", "read", "list", "update", "delete", "search")
) | frozenset(
    stem(v) for v in ("send", "post", "execute", "run", "take", "give", "fill", "poll", "wait")
)
"""Verbs that say how, not what: they never count as the name of a resource ('create' is not
a thing; 'charge', 'refund' and 'pin' are)."""
