"""The seam every provider implements: one method per phase, each returning its model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from ..planner import PlanInput
from ..schemas import Deliverable, Scope, WorkingPlan

if TYPE_CHECKING:
    from ._llm import PhaseInfo


class PhaseProvider(Protocol):
    """Fills the three generative phases; Phase 3 (risk) is always the deterministic validators."""

    name: str

    @property
    def run_info(self) -> Mapping[str, PhaseInfo]:
        """Per phase name, how it ran (tokens, fallback and why): what the blueprint's ``runs``
        report. Empty for a provider that calls no model."""
        ...

    def scope(self, inp: PlanInput) -> Scope: ...

    def plan(self, inp: PlanInput, scope: Scope) -> WorkingPlan: ...

    def deliverable(self, inp: PlanInput, scope: Scope, plan: WorkingPlan) -> Deliverable: ...
