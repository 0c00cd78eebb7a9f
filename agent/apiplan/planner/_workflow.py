"""From goal to workflow: every operation the goal needs, in order, and only those.

``build_workflow(facts, goal)`` reads the goal into intents (``_goal``), picks the operation that
does each (``_workflow_builder``, scored by ``_select``), adds what the docs say must come first
(an input produced by another operation) and after (the way to learn the outcome of an
asynchronous call, both in ``_implied_steps``), leaves out what the docs contradict (deprecated,
"does not create incidents", test-only, updates instead of creates) and orders the steps so
every input is produced before it is used. Every choice and exclusion carries a one-line reason.
``validate_workflow`` checks any proposed workflow (the offline planner's or an LLM's) against
the facts the same way.
"""

from __future__ import annotations

from ..exceptions import UsageError
from ..schemas import Facts, OperationChoice, RunnerUp, Workflow
from ._select import parse_pin, rank
from ._steps import Step
from ._validate import validate_workflow
from ._workflow_builder import RUNNER_UPS, WorkflowBuilder, dedupe

PINNED = "pinned with --operation"
"""The reason of a step the user chose; the selection marks those steps pinned."""


# --- the public interface -------------------------------------------------------------------------
def build_workflow(facts: Facts, goal: str, *, pins: list[str] | None = None) -> Workflow:
    """The goal as an ordered workflow of documented operations, each with its reason.

    Raises:
        UsageError: the docs define no operation, a pin is not in them, or nothing in them
            relates to the goal at all (a best guess is planned, never refused).
    """
    if not facts.operations:
        raise UsageError("the documents define no operations to plan for")
    b = WorkflowBuilder(facts, goal)
    if pins:
        return _pinned(b, pins)
    if len(b.reading.intents) > 1:
        b.preview()
    for intent in b.reading.intents:
        b.main_for(intent)
    if not b.steps:
        _fallback(b, goal)
    for step in [s for s in b.steps if s.role in ("main", "follow-up")]:
        b.prerequisites(step)
    for step in [s for s in b.steps if s.role == "main"]:
        b.completion(step)
    return b.workflow(b.ordered())


def _pinned(b: WorkflowBuilder, pins: list[str]) -> Workflow:
    steps: list[Step] = []
    for n, pin in enumerate(pins):
        method, path = parse_pin(pin)
        key = f"{method} {path}"
        if key not in b.index.by_key:
            near = [
                p.op.key for p in b.index.profiles if p.op.path == path or p.op.path.endswith(path)
            ]
            hint = f"; documented: {', '.join(near[:5])}" if near else ""
            raise UsageError(
                f"operations: {pin!r} is not in the documents{hint}", parameter="operations"
            )
        i = b.index.by_key[key]
        steps.append(
            Step(
                i,
                "main",
                None,
                0.0,
                PINNED,
                sources=[b.index.profiles[i].op.source],
                belongs=n,
                seq=n,
            )
        )
    b.steps = steps
    return b.workflow(steps, pinned=True)


def _fallback(b: WorkflowBuilder, goal: str) -> None:
    """No intent found its operation: rank against the whole goal and plan the best guess."""
    ranked = [s for s in rank(b.facts, goal) if s.relevance > 0]
    if not ranked:
        if len(b.facts.operations) <= 3:
            for n, op in enumerate(b.facts.operations):
                i = b.index.by_key[op.key]
                b.steps.append(
                    Step(
                        i,
                        "main",
                        None,
                        0.0,
                        "the documents define only this few operations",
                        sources=[op.source],
                        belongs=n,
                        seq=n,
                    )
                )
            b.doubts.append("no operation's words match the goal")
            return
        examples = ", ".join(p.op.key for p in b.index.profiles[:5])
        raise UsageError(
            f"no operation matches the goal {goal!r}: nothing in the documents relates to it; "
            f"pin the operations it needs as METHOD:PATH (for example {examples})"
        )
    best = ranked[0]
    intent = b.reading.intents[0] if b.reading.intents else None
    b.steps.append(
        Step(
            best.index,
            "main",
            intent,
            best.score,
            "best guess for the whole goal: " + "; ".join(dedupe(best.reasons)[:3]),
            sources=[best.op.source],
            seq=0,
        )
    )
    for r in ranked[1 : RUNNER_UPS + 1]:
        b.runner_ups.append(
            RunnerUp(
                operation=r.op.key,
                score=round(r.score, 2),
                intent=None,
                why="; ".join(dedupe(r.reasons)[:2]),
            )
        )
    b.doubts.append(f"no single intent matched; {best.op.key} is the best guess ({best.score:.2f})")


def selection_of(workflow: Workflow) -> list[OperationChoice]:
    """The workflow's steps as the blueprint's selection, in order, each with its reason."""
    return [
        OperationChoice(
            key=s.operation,
            score=s.score,
            reasons=[s.text],
            pinned=s.text == PINNED,
        )
        for s in workflow.steps
    ]


__all__ = ["build_workflow", "selection_of", "validate_workflow"]
