"""Finding, masking and redacting credential-shaped values.

The patterns (``_secret_patterns``) are scanned as one combined pattern over the whole text
instead of calling each detect-secrets plugin per line, because a 3.5 MB spec has 100k lines
and twenty plugins per line would take seconds.
"""

from __future__ import annotations

import hashlib
import math
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from ._secret_patterns import combined, compiled


@dataclass(frozen=True)
class SecretHit:
    """A credential-shaped value found in a text (the value itself is never shown unmasked)."""

    kind: str
    start: int
    end: int
    line: int
    value: str

    @property
    def masked(self) -> str:
        return mask(self.value)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the value: tells apart two values with one masked form, never shows one."""
        return hashlib.sha256(self.value.encode("utf-8")).hexdigest()


def mask(value: str) -> str:
    """Enough to recognise the value, never enough to use it: 'sk_l…(32 chars)'."""
    keep = 4 if len(value) >= 16 else 0
    return f"{value[:keep]}…({len(value)} chars)"


# Patterns whose last group is the secret itself (the rest is context such as a header name).
_SECRET_GROUP = {
    "Basic Auth Credentials",
    "curl Credentials",
    "curl API Key",
    "Authorization Value",
    "Secret-named Value",
    "NPM tokens",
}
_NEEDS_ENTROPY = {"Secret-named Value", "Authorization Value"}
# A password is a secret however weak it is: no entropy test, only the placeholder test.
_ANY_ENTROPY = {"Private Key", "Basic Auth Credentials", "curl Credentials"}
# Generic patterns also need a value that looks random (two character classes), so that
# `Bearer authentication_header` in prose is not taken for a token.
_NEEDS_MIX = {"Secret-named Value", "Authorization Value", "curl API Key"}
_WORDY = re.compile(r"token|secret|key|test|example|sample|dummy|fake|demo|changeme|_123", re.I)
_PLACEHOLDER = re.compile(
    r"^(?:x+|\*+|0+|1234.*|abcd.*|example.*|your.*|test.*|dummy.*|fake.*|sample.*|placeholder.*|"
    r".*(?:xxxx|XXXX|\.\.\.|<|>|\{|\}|\$).*)$",
    re.I,
)


class LineCounter:
    """The 1-based line of offsets in one text, counted from the last one asked (in C): hits
    come in order, and most texts have none or few, so no list of every line start is built."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.offset:  # out of order: count again from the start
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for c in value:
        counts[c] = counts.get(c, 0) + 1
    n = len(value)
    return -sum(k / n * math.log2(k / n) for k in counts.values())


_SECRET_NAME = re.compile(
    r"api[_-]?key|apikey|secret|token|passw|auth(?!or)|credential|private[_-]?key|signature",
    re.I,
)
NAMED_VALUE_KIND = "Secret-named Value"


def is_secret_name(name: str) -> bool:
    """Whether a parameter, field or variable name says its value is a credential."""
    return bool(_SECRET_NAME.search(name))


def is_named_secret_value(value: str) -> bool:
    """Whether the value of a secret-named item is a key rather than a placeholder or a word.

    Used where the name and the value are apart (an `api_key` parameter's enum, a `token`
    server variable's default), so that no detector sees them side by side.
    """
    return (
        len(value) >= 8
        and not value.startswith("[redacted:")
        and entropy(value) >= 3.0
        and looks_random(value)
        and not _PLACEHOLDER.match(value)
        and not _WORDY.search(value)
    )


def _is_name(value: str) -> bool:
    """`Environment.GetEnvironmentVariable`, `payment_intent_v2`: names, not keys."""
    return all(_WORD_SEGMENT.fullmatch(seg) for seg in _NAME_SPLIT.split(value) if seg)


def looks_random(value: str) -> bool:
    """At least two of lower case, upper case and digits: a key, not a word or identifier."""
    classes = (
        any(c.islower() for c in value),
        any(c.isupper() for c in value),
        any(c.isdigit() for c in value),
    )
    return sum(classes) >= 2


def _unescaped(text: str) -> str:
    """``text`` with JSON-pointer escapes shown as separators, at the same offsets.

    In ``#/paths/~1keys~1sk_live_…`` the ``~1`` stands for ``/``: without this view the key
    would follow the digit ``1`` and no detector would see where it starts.
    """
    if "~" not in text:
        return text
    return text.replace("~1", "~/").replace("~0", "~ ")


def find_secrets(text: str) -> Iterator[SecretHit]:
    """Credential-shaped values in ``text``, most specific kind first, each reported once."""
    text = _unescaped(text)
    union, kinds = combined()
    lines = LineCounter(text)
    spans = [(0, len(text))] if len(text) <= _WINDOWED_ABOVE else _windows(text)
    matches = (m for start, end in spans for m in union.finditer(text, start, end))
    for m in matches:
        window = text[max(0, m.start() - 2) : m.end() + 2]
        for kind, pattern in kinds:
            rx = compiled(pattern)
            inner = rx.search(text, m.start(), m.end() + 1) or rx.search(window)
            if inner is None:
                continue
            value = inner.group(0)
            if kind in _SECRET_GROUP and inner.lastindex:
                value = inner.group(inner.lastindex) or value
            if kind in _ANY_ENTROPY:
                if kind != "Private Key" and (_PLACEHOLDER.match(value) or value.isdigit()):
                    continue  # a template, a variable, or a uid and gid pair (docker's option)
            else:
                # Documentation examples: 'ACaaaa…', 'chatkit_token_123', '<your-key>'.
                if entropy(value) < 3.0 or _PLACEHOLDER.match(value):
                    continue
                if kind in _NEEDS_ENTROPY and _WORDY.search(value):
                    continue
            if kind in _NEEDS_MIX and (not looks_random(value) or _is_name(value)):
                continue
            line = lines.at(m.start())
            yield SecretHit(kind=kind, start=m.start(), end=m.end(), line=line, value=value)
            break


# A cheap look before the full scan. Every detector needs one of: a URL with a user, a PEM
# header, a user option, or a run of key characters that mixes letters and digits (or is long and
# mixed-case, or starts like a provider key). Most document text has none, and the full scan
# of 40 patterns costs about 0.5 µs per character (0.6 s over a large spec's facts). Runs right
# after '~' are JSON pointer escapes (`~1v1~1customers`), not keys.
# Two scans, each starting with a character class or a literal the engine can skip to, cost a
# seventh of one alternation with look-arounds at every position (16 ms against 118 ms over
# the 1.2 MB Slack spec); the conditions the look-arounds stated are checked on the few matches.
_CONTEXT_PARTS = (r"://[^\s/@]*@", r"PRIVATE KEY|PuTTY", r"-(?<![\w-]-)(?:u|-user)[\s=]")
_CONTEXT = re.compile("|".join(_CONTEXT_PARTS))
_CONTEXTS = tuple(map(re.compile, _CONTEXT_PARTS))
"""The same triggers as three scans, for long texts: the engine skips ahead to a pattern's
first literal only when every branch starts alike (1.7 ms over Slack's spec against 6.7 ms
for the alternation, which short texts keep: one search costs less than three there)."""
_RUN_MIN = 10
_UPPER_OR_DIGIT = re.compile(r"[A-Z0-9]")


class CharRuns:
    """The maximal runs of at least ``least`` characters of an ASCII set, as (start, end).

    ``[set]{n,}`` makes the regex engine try every start inside a shorter word again, so it
    reads each character up to n times (16 ms over Slack's 1.2 MB spec for n = 10). Long texts
    are first mapped, one byte per character, to 'a' (in the set) or a space (not in it, every
    non-ASCII character included), where a literal run of n 'a' is found by a substring search:
    the same spans in a third of the time (5 ms). Short texts keep the plain pattern, which
    costs less than the mapping.
    """

    _MAPPED_ABOVE = 1024

    def __init__(self, chars: str, least: int) -> None:
        self.pattern = re.compile(f"[{re.escape(chars)}]{{{least},}}")
        self.table = bytes(0x61 if chr(i) in chars else 0x20 for i in range(256))
        self.marks = re.compile(b"a" * least + b"+")

    def spans(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
        end = len(text) if end is None else min(end, len(text))
        if end - start <= self._MAPPED_ABOVE:
            return (m.span() for m in self.pattern.finditer(text, start, end))
        # 'replace' gives one '?' per non-ASCII character, so offsets are the text's own.
        view = text[start:end].encode("ascii", "replace").translate(self.table)
        marks = self.marks.finditer(view)
        if start == 0:
            return (m.span() for m in marks)
        return ((m.start() + start, m.end() + start) for m in marks)


_KEY_RUNS = CharRuns(string.ascii_letters + string.digits + "_+=-~", _RUN_MIN)
"""Maximal runs of key characters, `~` included so that a run after a pointer escape is
never taken for one that starts a word."""


def _runs(text: str) -> Iterator[tuple[int, str]]:
    """(start, run) for every run of ten or more key characters that holds an upper-case
    letter or a digit, up to its first `~` (what follows a pointer escape is not a key)."""
    for start, end in _KEY_RUNS.spans(text):
        run = text[start:end]
        if "~" in run:
            run = run[: run.index("~")]
            if len(run) < _RUN_MIN:
                continue
        if _UPPER_OR_DIGIT.search(run):
            yield start, run


_PROVIDER_PREFIX = re.compile(
    r"(?:AKIA|ASIA|ABIA|ACCA|A3T|xox|sk[_-]|rk_|gh[pousr]_|github_|gl[a-z]{2,5}-|AIza|npm_|SG\.|"
    r"eyJ|whsec_|key-|pypi-|sq0csp-|AKC|AP)"
)
# Segments of names, not keys: `swagger2`, `oas31`, `2021`, `HorizontalPodAutoscaler`, `APIService`.
_WORD_SEGMENT = re.compile(
    r"[a-z]*\d{0,4}|[A-Z]*\d{0,4}|\d+|"
    r"(?:[a-z]+|[A-Z]{1,5}[a-z]{2,})(?:[A-Z]{1,5}[a-z]{2,})*[A-Z]{0,5}\d{0,2}"
)
_SEGMENT_SPLIT = re.compile(r"[_+=\-]")
_NAME_SPLIT = re.compile(r"[_+=\-./]")
_CONTEXT_BEFORE = 160
"""Characters before a candidate run that a detector may need (`Authorization: Bearer `)."""
_MIXED_CASE_MIN = 20
"""A run without digits is a candidate only this long and mixed-case (3% of random keys)."""


_CANDIDATES: dict[str, bool] = {}
"""``_candidate`` by run: a pure function of the run, and a large spec repeats its runs
(`resource1234` in every pointer under one path). Emptied when full."""
_CANDIDATES_SIZE = 1 << 14
_CANDIDATES_MAX_CHARS = 256


def _candidate(run: str) -> bool:
    hit = _CANDIDATES.get(run)
    if hit is None:
        hit = _is_candidate(run)
        if len(run) <= _CANDIDATES_MAX_CHARS:  # a blob is not kept alive as a key
            if len(_CANDIDATES) >= _CANDIDATES_SIZE:
                _CANDIDATES.clear()
            _CANDIDATES[run] = hit
    return hit


def _is_candidate(run: str) -> bool:
    if _PROVIDER_PREFIX.match(run):
        return True
    if all(_WORD_SEGMENT.fullmatch(seg) for seg in _SEGMENT_SPLIT.split(run)):
        return False
    has_digit = any(c.isdigit() for c in run)
    has_alpha = any(c.isalpha() for c in run)
    if has_digit and has_alpha:
        return True
    return len(run) >= _MIXED_CASE_MIN and not run.islower() and not run.isupper()


_WINDOWED_ABOVE = 16_384
"""Longer texts (whole pages) are scanned only around trigger candidates: the 40-pattern union
costs about 1.2 s a megabyte, the trigger 0.2 s, and only the windows can match (the same test
``may_hold_secret`` makes)."""
_CONTEXT_AFTER = 4096
"""Characters after a context trigger a detector may need (a PEM block after its header)."""
_RUN_AFTER = 64


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged spans of ``text`` around every trigger candidate."""
    # A match inside another (`-u=` in `://a-u=@`) lies in the other's window: merged away.
    found = [(m.start(), m.end(), _CONTEXT_AFTER) for rx in _CONTEXTS for m in rx.finditer(text)]
    found += [
        (start, start + len(run), _RUN_AFTER) for start, run in _runs(text) if _candidate(run)
    ]
    found.sort()
    spans: list[tuple[int, int]] = []
    for m_start, m_end, after in found:
        start, end = max(0, m_start - _CONTEXT_BEFORE), min(len(text), m_end + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


_UNION_HITS: dict[tuple[str, int], bool] = {}
"""Whether the union matches in a short window, by (text up to the window's end, its start)."""
_UNION_HITS_SIZE = 1 << 14
_UNION_HITS_CHARS = 512
"""Longer prefixes are searched every time rather than kept alive as keys."""


def _union_hit(text: str, start: int, end: int) -> bool:
    """Whether the 40-pattern union matches in ``text[start:end]`` (looking behind ``start``).

    With ``endpos`` the engine treats the text as ``text[:end]``, so the answer depends on
    ``text[:end]`` and ``start`` alone and can be remembered by them: every pointer under one
    path shares the prefix around a key-like path segment (``resource14075``), and the union is
    the costly part of ``may_hold_secret``.
    """
    end = min(end, len(text))
    if end > _UNION_HITS_CHARS:
        return combined()[0].search(text, start, end) is not None
    key = (text[:end], start)
    hit = _UNION_HITS.get(key)
    if hit is None:
        if len(_UNION_HITS) >= _UNION_HITS_SIZE:
            _UNION_HITS.clear()
        hit = _UNION_HITS[key] = combined()[0].search(text, start, end) is not None
    return hit


def may_hold_secret(text: str) -> bool:
    """False when no detector can match ``text`` (a fast, conservative test)."""
    if "~" in text:
        text = _unescaped(text)
    if _CONTEXT.search(text):
        return True
    for start, run in _runs(text):
        if _candidate(run) and _union_hit(
            text, max(0, start - _CONTEXT_BEFORE), start + len(run) + 2
        ):
            return True
    return False


def redact(text: str) -> str:
    """``text`` with every credential-shaped value replaced by ``[redacted:<kind>]``."""
    if not may_hold_secret(text):
        return text
    hits = list(find_secrets(text))
    if not hits:
        return text
    out = []
    last = 0
    for h in sorted(hits, key=lambda h: h.start):
        if h.start < last:
            continue
        vstart = text.find(h.value, h.start, h.end + 2)
        vstart = vstart if vstart >= 0 else h.start
        out.append(text[last:vstart])
        out.append(f"[redacted:{h.kind}]")
        last = vstart + len(h.value)
    out.append(text[last:])
    return "".join(out)
