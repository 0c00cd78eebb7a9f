"""A test double of the provider seam, for hosts that embed apiplan.

A host that brings its own model client passes a :class:`~apiplan.providers.PhaseProvider` as
``apiplan.plan(..., model=provider)``. Its tests need no model and no HTTP: pass a
:class:`TestProvider` instead, which answers every phase in process (with the offline
planner's objects, or with the ones the test hands it) and records what it was asked::

    from apiplan.testing import TestProvider

    provider = TestProvider()
    bp = apiplan.plan(["openapi.yaml"], goal="create a shipment", model=provider)
    assert [c.phase for c in provider.calls] == ["scope", "plan", "deliverable"]

Like pydantic-ai's ``TestModel``, it implements the same seam as the real providers, so the code
under test runs unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from .planner import PlanInput, build_deliverable, build_scope, working_plan
from .schemas import Deliverable, Scope, WorkingPlan

if TYPE_CHECKING:
    from .providers import PhaseInfo

__all__ = ["PhaseCall", "TestProvider"]

ScopeAnswer = Scope | Callable[[PlanInput], Scope]
PlanAnswer = WorkingPlan | Callable[[PlanInput, Scope], WorkingPlan]
DeliverableAnswer = Deliverable | Callable[[PlanInput, Scope, WorkingPlan], Deliverable]


@dataclass(frozen=True)
class PhaseCall:
    """One call the provider received, with what the phase was given."""

    phase: Literal["scope", "plan", "deliverable"]
    inp: PlanInput
    scope: Scope | None = None
    plan: WorkingPlan | None = None

    @property
    def goal(self) -> str:
        return self.inp.goal

    @property
    def operations(self) -> list[str]:
        """The operations selected for the goal, as 'METHOD /path' keys."""
        return [c.key for c in self.inp.selection]


class TestProvider:
    """A :class:`~apiplan.providers.PhaseProvider` that answers in process and records calls.

    Args:
        scope, plan, deliverable: the answer of that phase: a model object (returned as a deep
            copy on every call) or a function with the phase method's arguments. Left out,
            the offline planner answers, as ``model="offline"`` would.
        name: what the blueprint's ``runs`` name as the model.
        run_info: per phase, how it ran (tokens, fallback), as an LLM provider reports it;
            empty by default, like the offline planner.

    Attributes:
        calls: every phase call, in order.
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        *,
        scope: ScopeAnswer | None = None,
        plan: PlanAnswer | None = None,
        deliverable: DeliverableAnswer | None = None,
        name: str = "test",
        run_info: Mapping[str, PhaseInfo] | None = None,
    ) -> None:
        self.name = name
        self.calls: list[PhaseCall] = []
        self._scope = scope
        self._plan = plan
        self._deliverable = deliverable
        self._run_info: Mapping[str, PhaseInfo] = MappingProxyType(dict(run_info or {}))

    @property
    def run_info(self) -> Mapping[str, PhaseInfo]:
        return self._run_info

    def scope(self, inp: PlanInput) -> Scope:
        self.calls.append(PhaseCall("scope", inp))
        answer = self._scope
        if answer is None:
            return build_scope(inp)
        if isinstance(answer, Scope):
            return answer.model_copy(deep=True)
        return answer(inp)

    def plan(self, inp: PlanInput, scope: Scope) -> WorkingPlan:
        self.calls.append(PhaseCall("plan", inp, scope=scope))
        answer = self._plan
        if answer is None:
            return working_plan(inp)
        if isinstance(answer, WorkingPlan):
            return answer.model_copy(deep=True)
        return answer(inp, scope)

    def deliverable(self, inp: PlanInput, scope: Scope, plan: WorkingPlan) -> Deliverable:
        self.calls.append(PhaseCall("deliverable", inp, scope=scope, plan=plan))
        answer = self._deliverable
        if answer is None:
            return build_deliverable(inp, plan)
        if isinstance(answer, Deliverable):
            return answer.model_copy(deep=True)
        return answer(inp, scope, plan)
