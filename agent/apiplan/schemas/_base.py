"""Shared base for every model: strict, described, ready to be an LLM response schema."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Forbids unknown keys: an LLM answer (or a hand-edited file) with an extra key fails."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)
