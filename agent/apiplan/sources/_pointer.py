"""RFC 6901 JSON pointers: escape, split, join and resolve."""

from __future__ import annotations

from typing import Any

MISSING = object()


def escape(token: str) -> str:
    """Escape one reference token (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Undo :func:`escape`."""
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    """Append reference tokens to a pointer."""
    if len(tokens) == 1 and type(tokens[0]) is str:  # the usual call, without the loop
        t = tokens[0]
        return pointer + "/" + (escape(t) if "~" in t or "/" in t else t)
    out = pointer
    for t in tokens:
        t = str(t)
        out += "/" + (escape(t) if "~" in t or "/" in t else t)
    return out


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer (``""`` is the whole document)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    tokens = pointer[1:].split("/")
    if "~" in pointer:
        tokens = [unescape(t) for t in tokens]
    return tokens


def step(value: Any, token: str) -> Any:
    """One step down a document; returns a sentinel when there is nothing there."""
    if isinstance(value, dict):
        return value.get(token, MISSING)
    if isinstance(value, list) and token.isdigit():
        i = int(token)
        return value[i] if i < len(value) else MISSING
    return MISSING


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer``; raises ``KeyError`` naming the pointer when absent."""
    value = document
    for token in split(pointer):
        value = step(value, token)
        if value is MISSING:
            raise KeyError(pointer)
    return value
