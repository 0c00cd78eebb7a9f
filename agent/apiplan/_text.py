"""Text read from documents, code and users, made safe to keep and to print.

Two things are removed wherever text enters a fact: control characters (an escape sequence in a
summary would otherwise reach a terminal raw: clear screen, OSC-8 links, cursor moves) and
credential-shaped values (masked as ``[redacted:<kind>]``, see ``_secrets``).
"""

from __future__ import annotations

import re
from typing import Any

from ._secrets import redact

# C0 controls except tab and newline, DEL, C1 controls (a lone 0x9b is CSI on some terminals),
# and the bidirectional overrides that make text read differently from what it is; also lone
# surrogates (a JSON escape such as \ud800, a file name that is not UTF-8), which no UTF-8
# output can hold: each becomes U+FFFD, as a decoder shows a byte it cannot read.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# The same characters as UTF-8 (lead bytes never occur inside another character, so no match
# can start in the middle of one): for output built as bytes, never decoded to be cleaned.
_CONTROLS_UTF8 = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)

CLEAN_CACHE_SIZE = 1 << 15
"""Distinct strings remembered: a large spec's facts hold ~18k, repeated ~15 times each."""

CLEAN_CACHE_MAX_CHARS = 4096
"""Longer strings are cleaned every time rather than kept alive by the cache."""

# Cleaned text by original text: a plain dict (a lookup is cheaper than a call), emptied when
# full. Pure function of the text, so sharing it between threads and runs is safe.
CACHE: dict[str, str] = {}


def _replacement(m: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= m.group(0) <= "\udfff" else ""


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and newline are kept), lone surrogates shown
    as U+FFFD."""
    return _CONTROLS.sub(_replacement, text) if _CONTROLS.search(text) else text


def strip_controls_utf8(data: bytes) -> bytes:
    """:func:`strip_controls` on UTF-8 bytes (the same bytes back when there is none)."""
    return _CONTROLS_UTF8.sub(b"", data) if _CONTROLS_UTF8.search(data) else data


def clean_text(text: str) -> str:
    """Text fit to be a fact: no control characters, every credential-shaped value masked."""
    hit = CACHE.get(text)
    if hit is not None:
        return hit
    out = redact(strip_controls(text))
    if len(text) <= CLEAN_CACHE_MAX_CHARS:
        if len(CACHE) >= CLEAN_CACHE_SIZE:
            CACHE.clear()
        CACHE[text] = out
    return out


def clean_value(value: Any) -> Any:
    """:func:`clean_text` applied to a string, or to the strings of a list or a dict (keys too).

    Only the field types of the facts models are walked (str, list[str], dict[str, str],
    dict[str, list[str]]); models, and dicts or lists of them, are left alone: each model cleans
    its own text when it is built.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], str):
            return [clean_text(v) if isinstance(v, str) else v for v in value]
        return value
    if isinstance(value, dict):
        return {
            (clean_text(k) if isinstance(k, str) else k): (
                v if isinstance(v, dict) else clean_value(v)
            )
            for k, v in value.items()
        }
    return value
