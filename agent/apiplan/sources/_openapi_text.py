"""Small readers of OpenAPI values: descriptions trimmed, sentences picked, types and limits
written as text. Pure functions of their input, shared by the schema and operation readers."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from .._constants import DESCRIPTION_MAX_CHARS

RATE_HEADER = re.compile(r"rate-?limit|retry-after|x-ratelimit", re.I)
RATE_TEXT = re.compile(
    r"rate[- ]?limit|throttl|too many requests|requests? per (?:second|minute|hour|day)|"
    r"per[- ]second|burst limit",
    re.I,
)
IDEMPOTENCY = re.compile(r"idempoten", re.I)
DEDUP_FIELD = re.compile(
    r"^(?:dedup(?:e|lication)?_?key|idempotency_?key|client_?token|client_?request_?id)$", re.I
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
# Paragraphs, headings, list items and table rows end a sentence; a single newline does not.
_BLOCK_SPLIT = re.compile(r"\n\s*\n|\n(?=\s*(?:[#*|>-]|\d+\.)\s)")
_CONSTRAINT_KEYS = (
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxItems",
    "minItems",
    "pattern",
    "multipleOf",
    "default",
)
_STRUCTURE_KEYS = ("properties", "allOf", "oneOf", "anyOf", "additionalProperties", "items")


def trim(text: Any, limit: int = DESCRIPTION_MAX_CHARS) -> str | None:
    """A description shortened to ``limit`` characters (the source pointer leads to the rest)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@functools.lru_cache(maxsize=4096)
def _matching_cached(text: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    # Shared parameters (Kubernetes' `pretty`, `dryRun`) repeat one long text hundreds of times.
    return tuple(sentences_matching(text, pattern))


def matching_sentences(text: Any, pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Memoised :func:`sentences_matching`."""
    if not isinstance(text, str):
        return ()
    return _matching_cached(text, pattern)


def sentences_matching(text: Any, pattern: re.Pattern[str]) -> Iterator[str]:
    """Sentences of ``text`` that match ``pattern``, each trimmed to 300 characters."""
    if not isinstance(text, str) or not pattern.search(text):
        return  # one search of the whole text first: most descriptions never match
    for block in _BLOCK_SPLIT.split(text):
        for sentence in _SENTENCE_SPLIT.split(" ".join(block.split())):
            sentence = sentence.strip(" #*-\t")
            if sentence and pattern.search(sentence):
                yield trim(sentence, 300) or sentence


def str_list(value: Any, limit: int = 100) -> list[str]:
    """Values as text the way the document writes them (``false``, not ``False``)."""
    if not isinstance(value, list):
        return []
    return [v if isinstance(v, str) else json.dumps(v) for v in value[:limit]]


def is_structured(schema: Any) -> bool:
    """Whether a schema describes an object or array (worth linking) rather than a scalar."""
    if not isinstance(schema, dict):
        return False
    if schema.get("type") in ("object", "array"):
        return True
    return any(k in schema for k in _STRUCTURE_KEYS)


def type_of(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """(type text, nullable) of a schema node without following refs."""
    t = schema.get("type")
    nullable = bool(schema.get("nullable") or schema.get("x-nullable"))
    if isinstance(t, list):
        kinds = [str(x) for x in t if x != "null"]
        nullable = nullable or "null" in t
        return ("|".join(kinds) or None), nullable
    if isinstance(t, str):
        if t == "array" and isinstance(schema.get("items"), dict):
            inner = schema["items"].get("type")
            if isinstance(inner, str):
                return f"array<{inner}>", nullable
        return t, nullable
    if "properties" in schema or "additionalProperties" in schema:
        return "object", nullable
    return None, nullable


def constraints(schema: dict[str, Any]) -> dict[str, str]:
    """Validation keywords with scalar values, as text (``maxLength: "80"``)."""
    out: dict[str, str] = {}
    for k in _CONSTRAINT_KEYS:
        if k in schema and not isinstance(schema[k], dict | list):
            out[k] = str(schema[k])
    return out


def text_format(node: dict[str, Any]) -> str | None:
    """The ``format`` of a schema or parameter when it is text."""
    fmt = node.get("format")
    return fmt if isinstance(fmt, str) else None
