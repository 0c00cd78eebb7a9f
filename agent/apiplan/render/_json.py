"""JSON output of any apiplan model."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import BaseModel

from .._text import strip_controls_utf8

Chunks = Sequence[bytes | memoryview]
"""A document as UTF-8 pieces written one after the other. A large spec's facts are tens of
megabytes of JSON: joining the pieces, or decoding them to text, would each hold another copy."""


def to_json(model: BaseModel, *, indent: int | None = 2) -> str:
    """Serialise a model; defaults are left out to keep large specs' facts readable. Top-level
    documents (facts, blueprint, check report) start with their ``kind`` and ``version``."""
    return b"".join(to_json_chunks(model, indent=indent)).decode("utf-8")


def to_json_chunks(model: BaseModel, *, indent: int | None = 2) -> Chunks:
    """:func:`to_json` as UTF-8 pieces, the body serialised once and never copied."""
    body = model.__pydantic_serializer__.to_json(model, indent=indent, exclude_defaults=True)
    # JSON escapes C0 controls but not DEL and C1 (0x9b is CSI on some terminals): drop them.
    body = strip_controls_utf8(body)
    return [*_named(model, body, indent), b"\n"]


def _named(model: BaseModel, body: bytes, indent: int | None) -> Chunks:
    """``body`` with the document's ``kind`` and ``version`` written first: they default in code,
    so ``exclude_defaults`` leaves them out, yet every document must say what it is."""
    fields = type(model).model_fields
    if "kind" not in fields or "version" not in fields:
        return [body]
    head = json.dumps(
        model.model_dump(mode="json", include={"kind", "version"}),
        indent=indent,
        separators=None if indent is not None else (",", ":"),
    ).encode("utf-8")
    if body.strip() == b"{}":
        return [head]
    # '{"kind": ..., "version": 1' + ',' + the body without its opening brace.
    cut = head.rindex(b"\n") if indent is not None else len(head) - 1
    return [head[:cut] + b",", memoryview(body)[1:]]
