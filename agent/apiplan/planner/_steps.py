"""The steps of a workflow: their order, and the blueprint model they become.

Steps keep the goal's order (a prerequisite before the step it serves, a completion after it)
unless data says otherwise: a step that feeds another runs first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..schemas import (
    ExcludedOperation,
    RunnerUp,
    Source,
    StepInput,
    Workflow,
    WorkflowRole,
    WorkflowStep,
)
from ._common import dedupe_sources, grounding
from ._flow import Flow
from ._goal import GoalReading, Intent
from ._meaning import Exclusion

RUNNER_UPS_SHOWN = 6
"""Near misses listed in the blueprint: enough to pin the right one, few enough to read."""
ROLE_RANK: dict[WorkflowRole, int] = {
    "prerequisite": 0,
    "main": 1,
    "completion": 2,
    "follow-up": 3,
}


@dataclass
class Step:
    index: int
    role: WorkflowRole
    intent: Intent | None
    score: float
    why: str
    reasons: list[str] = field(default_factory=list[str])
    sources: list[Source] = field(default_factory=list[Source])
    condition: str | None = None
    belongs: int = 0
    """Intent position the step serves: prerequisites and completions sit with their main step."""
    seq: int = 0


class Findings(Protocol):
    """What a builder found besides the steps: exclusions, near misses, doubts."""

    excluded: dict[int, Exclusion]
    runner_ups: list[RunnerUp]
    doubts: list[str]


def order_steps(steps: list[Step], flow: Flow) -> list[Step]:
    """Priority by the goal's order, dependencies first: a step runs after the steps that
    feed it."""
    steps = sorted(steps, key=lambda s: (s.belongs, ROLE_RANK[s.role], s.seq))
    deps: dict[int, set[int]] = {k: set() for k in range(len(steps))}
    for a, sa in enumerate(steps):
        for b, sb in enumerate(steps):
            if a != b and flow.feeds_between(sa.index, sb.index) and not _reaches(deps, a, b):
                deps[b].add(a)
    out: list[int] = []
    while len(out) < len(steps):
        ready = [k for k in range(len(steps)) if k not in out and deps[k] <= set(out)]
        out.append(ready[0] if ready else next(k for k in range(len(steps)) if k not in out))
    return [steps[k] for k in out]


def to_model(
    reading: GoalReading, flow: Flow, steps: list[Step], found: Findings, *, pinned: bool = False
) -> Workflow:
    """The ordered steps as the blueprint's workflow, each input traced to the step feeding it."""
    index = flow.index
    order = {s.index: n for n, s in enumerate(steps, 1)}
    out: list[WorkflowStep] = []
    for n, s in enumerate(steps, 1):
        inputs = _inputs(flow, s, order, n)
        feed_sources = [e for i in inputs for e in i.evidence]
        out.append(
            WorkflowStep(
                text=s.why,
                order=n,
                operation=index.profiles[s.index].op.key,
                role=s.role,
                intent=s.intent.text if s.intent else None,
                score=0.0 if pinned else round(s.score, 2),
                condition=s.condition,
                inputs=inputs,
                **grounding(*s.sources, *feed_sources[:4]),
            )
        )
    excluded = [
        ExcludedOperation(
            text=e.text,
            operation=index.profiles[e.index].op.key,
            reason=e.reason,
            replacement=index.profiles[e.replacement].op.key if e.replacement is not None else None,
            evidence=[index.profiles[e.index].op.source],
        )
        for e in found.excluded.values()
        if e.index not in order
    ]
    chosen = {st.operation for st in out}
    runner_ups = list(
        {r.operation: r for r in found.runner_ups if r.operation not in chosen}.values()
    )
    uncertain = bool(found.doubts) and not pinned
    note = None
    if uncertain:
        note = (
            "The selection is uncertain: "
            + "; ".join(found.doubts[:3])
            + ". Confirm it, or pin the operations you mean with --operation METHOD:PATH"
            + (
                f" (for example --operation {runner_ups[0].operation.replace(' ', ':', 1)})"
                if runner_ups
                else ""
            )
            + "."
        )
    return Workflow(
        intents=[i.text for i in reading.intents],
        constraints=[f"{c.kind}: '{c.text}'" for c in reading.constraints],
        steps=out,
        excluded=excluded,
        runner_ups=runner_ups[:RUNNER_UPS_SHOWN],
        uncertain=uncertain,
        note=note,
    )


def _inputs(flow: Flow, s: Step, order: dict[int, int], n: int) -> list[StepInput]:
    out: list[StepInput] = []
    for inp in flow.inputs(s.index):
        feed = None
        for producer, m in sorted(order.items(), key=lambda kv: -kv[1]):
            if m >= n:
                continue
            feed = flow.feed(producer, s.index, inp)
            if feed is not None:
                break
        if feed is None:
            if inp.location == "path":
                out.append(
                    StepInput(
                        name=inp.name,
                        location=inp.location,
                        basis="caller",
                        evidence=[inp.source],
                    )
                )
            continue
        out.append(
            StepInput(
                name=inp.name,
                location=inp.location,
                from_step=order[feed.producer],
                output=feed.output,
                basis=feed.basis,
                evidence=dedupe_sources(list(feed.evidence)),
            )
        )
    return out


def _reaches(deps: dict[int, set[int]], start: int, target: int) -> bool:
    """Whether ``target`` already depends on ``start``... i.e. adding start->target would loop."""
    seen: set[int] = set()
    stack = [start]
    while stack:
        k = stack.pop()
        if k == target:
            return True
        if k in seen:
            continue
        seen.add(k)
        stack.extend(deps[k])
    return False


__all__ = ["ROLE_RANK", "Findings", "Step", "order_steps", "to_model"]
