"""JSON output of any apiplan model."""

from __future__ import annotations

from pydantic import BaseModel

from .._text import strip_controls


def to_json(model: BaseModel, *, indent: int | None = 2) -> str:
    """Serialise a model; defaults are left out to keep large specs' facts readable. Top-level
    documents (facts, blueprint, check report) start with their ``kind`` and ``version``."""
    # JSON escapes C0 controls but not DEL and C1 (0x9b is CSI on some terminals): drop them.
    return strip_controls(model.model_dump_json(indent=indent, exclude_defaults=True)) + "\n"
