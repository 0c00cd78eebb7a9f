"""Decisions of the working-plan phase: per operation, whether a repeat is safe and what makes
it safe, a documented dedup means (see ``_decisions`` for how questions are asked)."""

from __future__ import annotations

from typing import Protocol, cast

from pydantic import BaseModel, Field

from .._prompts import render
from ..planner import PlanInput
from ..schemas import DecisionRun, WorkingPlan
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
class _RetryAnswer(Protocol):
    operation: str
    safe_to_repeat: bool
    dedup: str
    why: str


class _RetryAnswers(Protocol):
    operations: list[_RetryAnswer]


def plan_questions(inp: PlanInput, offline: WorkingPlan) -> list[Question]:
    """Per operation: is a repeat safe, and what makes it safe (a documented dedup means)."""
    policies = offline.retry_policies[:MAX_ITEMS]
    if not policies:
        return []
    names = known_names(inp)
    means: dict[str, list[str]] = {}
    for p in policies:
        own = [p.idempotency_key, p.dedup.field if p.dedup else None]
        own += [
            i.detail
            for i in inp.facts.idempotency
            if i.operation == p.operation and i.kind in ("header", "field")
        ]
        means[p.operation] = [m for m in dict.fromkeys(own) if m]
    every = [*sorted({m for ms in means.values() for m in ms}), "none"]
    decision = answer_model(
        "RetryDecision",
        "Whether repeating one operation is safe, and what makes it safe.",
        operation=(
            literal_of([p.operation for p in policies]),
            Field(description="The operation."),
        ),
        safe_to_repeat=(
            bool,
            Field(description="True when sending it twice cannot do the work twice."),
        ),
        dedup=(
            literal_of(every),
            Field(description="The documented header or field that makes a repeat safe, or none."),
        ),
        why=(str, Field(description="Why, one short sentence.", max_length=MAX_WHY_CHARS)),
    )
    answer = answer_model(
        "RetryDecisions",
        "One decision per operation.",
        operations=(
            list[decision],
            Field(
                description="One entry per listed operation.",
                min_length=len(policies),
                max_length=len(policies),
            ),
        ),
    )
    ops = {op.key: op for op in inp.facts.operations}
    listing: list[dict[str, object]] = []
    for p in policies:
        op = ops.get(p.operation)
        evidence = [
            short(i.detail)
            for i in inp.facts.idempotency
            if i.kind == "text"
            and i.operation in (p.operation, None)
            and (i.operation or op is None or op.method.lower() in i.detail.lower())
        ]
        listing.append(
            {
                "operation": p.operation,
                "summary": short((op.summary or op.description or "") if op else ""),
                "means": means[p.operation] or ["none documented"],
                "evidence": evidence[:3],
            }
        )

    def apply_retry(result: BaseModel) -> list[DecisionRun]:
        answers = {d.operation: d for d in cast(_RetryAnswers, result).operations}
        runs: list[DecisionRun] = []
        for p in policies:
            d = answers.get(p.operation)
            if d is None:
                runs.append(offline_run("retry", p.operation, "the model gave no answer for it"))
                continue
            documented = p.dedup.field if p.dedup else p.idempotency_key
            if d.safe_to_repeat != p.idempotent:
                basis = (
                    f"{p.operation.split()[0]} is idempotent"
                    if p.idempotent and not documented
                    else f"the documents give {documented!r}"
                    if documented and p.idempotent
                    else "the documents give no idempotency key for it"
                )
                runs.append(
                    offline_run(
                        "retry",
                        p.operation,
                        f"contradicts the documents: safe_to_repeat={d.safe_to_repeat}, but {basis}",
                    )
                )
                continue
            if d.dedup != "none" and d.dedup not in means[p.operation]:
                runs.append(
                    offline_run(
                        "retry", p.operation, f"{d.dedup!r} is not documented for this operation"
                    )
                )
                continue
            if documented and d.dedup == "none":
                runs.append(
                    offline_run("retry", p.operation, f"misses the documented {documented!r}")
                )
                continue
            why, problem = clean_reason(d.why, names)
            if why is None:
                runs.append(offline_run("retry", p.operation, f"reason refused: {problem}"))
                continue
            runs.append(model_run("retry", p.operation, why))
        return runs

    return [
        Question(
            name="retry",
            prompt=render("decide_retry", goal=inp.goal, operations=listing),
            model=answer,
            items=[p.operation for p in policies],
            apply=apply_retry,
            max_tokens=100 + 110 * len(policies),
        )
    ]
