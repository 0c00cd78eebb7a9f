"""The seam every provider implements: one method per phase, each returning its model."""

from __future__ import annotations

from typing import Protocol

from ..planner import PlanInput
from ..schemas import Deliverable, Scope, WorkingPlan


class PhaseProvider(Protocol):
    """Fills the three generative phases; Phase 3 (risk) is always the deterministic validators."""

    name: str

    def scope(self, inp: PlanInput) -> Scope: ...

    def plan(self, inp: PlanInput, scope: Scope) -> WorkingPlan: ...

    def deliverable(self, inp: PlanInput, scope: Scope, plan: WorkingPlan) -> Deliverable: ...
