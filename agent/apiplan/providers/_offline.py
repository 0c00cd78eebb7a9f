"""The offline provider: the planner, from the facts alone. No network, no key."""

from __future__ import annotations

from ..planner import PlanInput, build_deliverable, build_scope, working_plan
from ..schemas import Deliverable, Scope, WorkingPlan


class OfflineProvider:
    name = "offline"

    def scope(self, inp: PlanInput) -> Scope:
        return build_scope(inp)

    def plan(self, inp: PlanInput, scope: Scope) -> WorkingPlan:
        return working_plan(inp)

    def deliverable(self, inp: PlanInput, scope: Scope, plan: WorkingPlan) -> Deliverable:
        return build_deliverable(inp, plan)
