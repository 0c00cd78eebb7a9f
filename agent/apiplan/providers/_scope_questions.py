"""Decisions of the scope phase: which operations form the workflow and why, and which open
questions matter most (see ``_decisions`` for how questions are asked and answers applied)."""

from __future__ import annotations

from typing import Protocol, cast

from pydantic import BaseModel, Field

from .._prompts import render
from ..planner import PlanInput
from ..schemas import DecisionRun, Scope
from ._decisions import (
    MAX_ITEMS,
    MAX_WHY_CHARS,
    Question,
    answer_model,
    clean_reason,
    known_names,
    literal_of,
    model_run,
    offline_run,
    short,
)


# What each ``apply`` reads from a validated answer. The response models are built per run by
# ``answer_model``, so a type checker cannot see their fields; these say which it may rely on
# (the model's own ``Literal`` and field types guarantee them once it validated).
class _StepAnswer(Protocol):
    operation: str
    why: str


class _WorkflowAnswer(Protocol):
    steps: list[_StepAnswer]


class _QuestionsAnswer(Protocol):
    most_important: list[str]


def scope_questions(inp: PlanInput, offline: Scope) -> list[Question]:
    """Which operations form the workflow and why; which open questions matter most."""
    out: list[Question] = []
    names = known_names(inp)
    steps = offline.workflow.steps if offline.workflow else []
    if steps:
        chosen = [s.operation for s in steps][:MAX_ITEMS]
        runner = [r.operation for r in (offline.workflow.runner_ups if offline.workflow else [])]
        candidates = list(dict.fromkeys(chosen + runner[:4]))
        step_model = answer_model(
            "WorkflowStep",
            "One operation of the workflow and why it is there.",
            operation=(literal_of(candidates), Field(description="The operation, as listed.")),
            why=(
                str,
                Field(
                    description="Why the goal needs it, one short sentence.",
                    max_length=MAX_WHY_CHARS,
                ),
            ),
        )
        answer = answer_model(
            "WorkflowDecision",
            "The operations the goal needs, in the order they run.",
            steps=(
                list[step_model],
                Field(
                    description="The workflow's operations, in order.",
                    min_length=1,
                    max_length=len(candidates),
                ),
            ),
        )
        ops = {op.key: op for op in inp.facts.operations}
        listing = [
            {
                "operation": key,
                "summary": short(
                    (ops[key].summary or ops[key].description or "") if key in ops else ""
                ),
            }
            for key in candidates
        ]

        def apply_workflow(result: BaseModel) -> list[DecisionRun]:
            picked = {s.operation: s.why for s in cast(_WorkflowAnswer, result).steps}
            runs: list[DecisionRun] = []
            for step in steps:
                key = step.operation
                if key not in chosen:
                    runs.append(offline_run("workflow", key, "not asked: over the item limit"))
                    continue
                if key not in picked:
                    runs.append(
                        offline_run("workflow", key, "the model left it out; the planner keeps it")
                    )
                    continue
                why, problem = clean_reason(picked[key], names)
                if why is None:
                    runs.append(offline_run("workflow", key, f"reason refused: {problem}"))
                    continue
                # The step's claim keeps the planner's evidenced text: the model's reason cannot be
                # checked against the documents, so it is reported as the model's, not as fact.
                runs.append(model_run("workflow", key, why))
            for key in picked:
                if key not in chosen:
                    runs.append(
                        offline_run(
                            "workflow", key, "the model added it; the planner's selection stands"
                        )
                    )
            return runs

        out.append(
            Question(
                name="workflow",
                prompt=render("decide_workflow", goal=inp.goal, candidates=listing),
                model=answer,
                items=chosen,
                apply=apply_workflow,
                max_tokens=100 + 80 * len(candidates),
            )
        )
    questions = offline.open_questions[:MAX_ITEMS]
    if len(questions) >= 2:
        ids = [f"Q{i}" for i in range(1, len(questions) + 1)]
        answer = answer_model(
            "QuestionPriority",
            "The open questions that matter most for this goal, most important first.",
            most_important=(
                list[literal_of(ids)],
                Field(
                    description="Ids of the most important questions, at most three.",
                    min_length=1,
                    max_length=3,
                ),
            ),
        )
        listing = [
            {"id": i, "question": short(q.question), "why": short(q.why)}
            for i, q in zip(ids, questions, strict=True)
        ]

        def apply_questions(result: BaseModel) -> list[DecisionRun]:
            picked = list(dict.fromkeys(cast(_QuestionsAnswer, result).most_important))[:3]
            if not picked:
                return [offline_run("open-questions", None, "the model chose none")]
            first = [questions[ids.index(i)] for i in picked]
            rest = [q for q in offline.open_questions if q not in first]
            offline.open_questions = first + rest
            return [model_run("open-questions", None, "first: " + ", ".join(picked))]

        out.append(
            Question(
                name="open-questions",
                prompt=render("decide_questions", goal=inp.goal, questions=listing),
                model=answer,
                items=["open-questions"],
                apply=apply_questions,
                max_tokens=120,
            )
        )
    return out
