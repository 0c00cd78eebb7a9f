"""JSON output of any apiplan model."""

from __future__ import annotations

import json

from pydantic import BaseModel

from .._text import strip_controls


def to_json(model: BaseModel, *, indent: int | None = 2) -> str:
    """Serialise a model; defaults are left out to keep large specs' facts readable. Top-level
    documents (facts, blueprint, check report) start with their ``kind`` and ``version``."""
    # JSON escapes C0 controls but not DEL and C1 (0x9b is CSI on some terminals): drop them.
    body = model.model_dump_json(indent=indent, exclude_defaults=True)
    return strip_controls(_named(model, body, indent)) + "\n"


def _named(model: BaseModel, body: str, indent: int | None) -> str:
    """``body`` with the document's ``kind`` and ``version`` written first: they default in code,
    so ``exclude_defaults`` leaves them out, yet every document must say what it is."""
    fields = type(model).model_fields
    if "kind" not in fields or "version" not in fields:
        return body
    head = json.dumps(
        model.model_dump(mode="json", include={"kind", "version"}),
        indent=indent,
        separators=None if indent is not None else (",", ":"),
    )
    if body.strip() == "{}":
        return head
    # '{"kind": ..., "version": 1' + ',' + the body without its opening brace.
    cut = head.rindex("\n") if indent is not None else len(head) - 1
    return head[:cut] + "," + body[1:]
