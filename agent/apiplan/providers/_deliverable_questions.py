"""Decisions of the deliverable phase: per documented error status, its class and whether the
client retries it, within what HTTP's meaning of the status allows (see ``_decisions``)."""

from __future__ import annotations

import re
from typing import Protocol, cast

from pydantic import BaseModel, Field

from .._prompts import render
from ..planner import ERROR_ACTIONS, PlanInput
from ..schemas import DecisionRun, Deliverable, ErrorClass, ErrorRow, WorkingPlan
from ._decisions import (
    MAX_ITEMS,
    Question,
    answer_model,
    literal_of,
    model_run,
    offline_run,
    short,
)


# What each ``apply`` reads from a validated answer. The response models are built per run by
# ``answer_model``, so a type checker cannot see their fields; these say which it may rely on
# (the model's own ``Literal`` and field types guarantee them once it validated).
class _ErrorAnswer(Protocol):
    row: str
    error_class: ErrorClass
    retry: bool


class _ErrorAnswers(Protocol):
    rows: list[_ErrorAnswer]


_CHOICES: dict[str, tuple[str, ...]] = {
    "400": ("validation", "client"),
    "401": ("auth",),
    "403": ("permission", "auth"),
    "404": ("not-found",),
    "409": ("conflict",),
    "422": ("validation", "client"),
    "429": ("throttled",),
    "500": ("server", "transient"),
    "502": ("transient", "server"),
    "503": ("transient", "server", "throttled"),
    "504": ("transient", "server"),
}
_CLIENT = ("validation", "client", "auth", "permission", "not-found", "conflict")
_ASKED_CLASSES = sorted({c for cs in _CHOICES.values() for c in cs} | {"client", "server"})


def allowed_classes(status: str) -> tuple[str, ...]:
    """The classes a status may be given: HTTP's meaning of the status leaves only these."""
    if status in _CHOICES:
        return _CHOICES[status]
    if re.fullmatch(r"4\d\d", status):
        return ("client", "validation", "conflict", "not-found", "permission")
    if re.fullmatch(r"5\d\d", status):
        return ("server", "transient")
    return ()


def deliverable_questions(
    inp: PlanInput, offline: Deliverable, plan: WorkingPlan
) -> list[Question]:
    """Per documented error status: its class and whether the client retries it."""
    rows = [r for r in offline.error_map if allowed_classes(r.status)][:MAX_ITEMS]
    if not rows:
        return []
    ids = [f"E{i}" for i in range(1, len(rows) + 1)]
    decision = answer_model(
        "ErrorDecision",
        "The class of one documented error and whether the client retries it.",
        row=(literal_of(ids), Field(description="The row id, as listed.")),
        error_class=(literal_of(_ASKED_CLASSES), Field(description="The class of the failure.")),
        retry=(bool, Field(description="True when the client retries it automatically.")),
    )
    answer = answer_model(
        "ErrorDecisions",
        "One decision per listed error.",
        rows=(
            list[decision],
            Field(
                description="One entry per listed row.",
                min_length=len(rows),
                max_length=len(rows),
            ),
        ),
    )
    policies = {p.operation: p for p in plan.retry_policies}
    listing = [
        {
            "id": i,
            "operation": r.operation,
            "status": r.status,
            "meaning": short(_status_text(inp, r)),
            "safe_to_repeat": policies[r.operation].idempotent if r.operation in policies else None,
        }
        for i, r in zip(ids, rows, strict=True)
    ]

    def apply_errors(result: BaseModel) -> list[DecisionRun]:
        answers = {d.row: d for d in cast(_ErrorAnswers, result).rows}
        runs: list[DecisionRun] = []
        for i, row in zip(ids, rows, strict=True):
            item = f"{row.operation} {row.status}"
            d = answers.get(i)
            if d is None:
                runs.append(offline_run("error-action", item, "the model gave no answer for it"))
                continue
            if d.error_class not in allowed_classes(row.status):
                runs.append(
                    offline_run(
                        "error-action",
                        item,
                        f"{d.error_class!r} does not fit HTTP {row.status}",
                    )
                )
                continue
            if d.retry != row.retry:
                runs.append(
                    offline_run(
                        "error-action",
                        item,
                        f"retry={d.retry} contradicts the retry policy "
                        f"({'retried' if row.retry else 'never retried'} there)",
                    )
                )
                continue
            if d.error_class != row.error_class:
                # A client-error class brings its own action; a server-side one keeps the
                # offline action, which already says what the operation's safety allows.
                if row.action == ERROR_ACTIONS.get(row.error_class) and d.error_class in _CLIENT:
                    row.action = ERROR_ACTIONS[d.error_class]
                row.error_class = d.error_class
            runs.append(model_run("error-action", item, d.error_class))
        return runs

    return [
        Question(
            name="error-action",
            prompt=render("decide_errors", goal=inp.goal, rows=listing),
            model=answer,
            items=[f"{r.operation} {r.status}" for r in rows],
            apply=apply_errors,
            max_tokens=100 + 45 * len(rows),
        )
    ]


def _status_text(inp: PlanInput, row: ErrorRow) -> str:
    op = inp.facts.operation(row.operation) if row.operation != "*" else None
    for r in op.responses if op else []:
        if r.status == row.status:
            return r.description or ""
    return ""
