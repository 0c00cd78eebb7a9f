"""The offline provider: the planner, from the facts alone. No network, no key."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..planner import PlanInput, build_deliverable, build_scope, working_plan
from ..schemas import Deliverable, Scope, WorkingPlan

if TYPE_CHECKING:
    from ._llm import PhaseInfo


class OfflineProvider:
    name = "offline"
    run_info: Mapping[str, PhaseInfo] = MappingProxyType({})  # no model call to report

    def scope(self, inp: PlanInput) -> Scope:
        return build_scope(inp)

    def plan(self, inp: PlanInput, scope: Scope) -> WorkingPlan:
        return working_plan(inp)

    def deliverable(self, inp: PlanInput, scope: Scope, plan: WorkingPlan) -> Deliverable:
        return build_deliverable(inp, plan)
