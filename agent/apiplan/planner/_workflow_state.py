"""The state of one workflow being built: the goal's reading, the operations' index and flow,
and what the build has found so far (steps, exclusions, near misses, doubts).
"""

from __future__ import annotations

from ..schemas import Facts, RunnerUp
from ._flow import Flow
from ._goal import GoalReading, read_goal
from ._index import OpIndex, Scored, build_index
from ._meaning import Exclusion
from ._steps import Step


class WorkflowState:
    """One workflow for one goal over one set of facts: what is read once, and what is found."""

    def __init__(self, facts: Facts, goal: str) -> None:
        self.facts = facts
        self.reading: GoalReading = read_goal(goal)
        self.index: OpIndex = build_index(facts)
        self.flow = Flow(facts, self.index)
        self.steps: list[Step] = []
        self.excluded: dict[int, Exclusion] = {}
        self.runner_ups: list[RunnerUp] = []
        self.doubts: list[str] = []
        self.reserved: dict[int, int] = {}
        self._scored: dict[int, Scored] = {}

    def chosen(self) -> set[int]:
        return {s.index for s in self.steps}


__all__ = ["WorkflowState"]
