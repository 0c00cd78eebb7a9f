"""JSON output of any apiplan model."""

from __future__ import annotations

from pydantic import BaseModel


def to_json(model: BaseModel, *, indent: int | None = 2) -> str:
    """Serialise a model; defaults are left out to keep large specs' facts readable."""
    return model.model_dump_json(indent=indent, exclude_defaults=True) + "\n"
