"""Decisions, not documents: the small structured questions an LLM answers for each phase.

The offline planner writes every phase first; the model is then asked only where judgement is
needed (which operations form the workflow and why; whether each operation is safe to repeat and
what makes a repeat safe; the class and retry of each error; which open questions matter most),
each question with a compact prompt of only the facts it needs. Its response model is built for
this run (pydantic ``create_model``): operation keys, row ids, question ids and dedup fields are
``Literal`` choices, so an invented endpoint or field cannot be expressed, and servers with
constrained decoding cannot even produce one. Each answer is then checked against the documents
item by item; an accepted item changes the offline phase, a rejected or missing one keeps the
offline decision, and every item is recorded with where it came from and why. The model's
free-text reasons are checked only for names (a reason may name nothing the documents do not
hold); they are reported as the model's (``runs[].decisions[].note``), never written into an
evidenced claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field, create_model

from .._prompts import render
from .._secrets import redact
from .._text import strip_controls
from ..planner import ERROR_ACTIONS, PlanInput
from ..schemas import DecisionRun, Deliverable, ErrorClass, ErrorRow, Scope, WorkingPlan

if TYPE_CHECKING:
    from ..validators import Known

# The most items one question carries: a small model answers a short list well and a long one
# badly; the rest keep the offline decision (recorded as not asked).
MAX_ITEMS = 12
# A reason longer than this is not a reason but a document.
MAX_WHY_CHARS = 160

_STRICT = ConfigDict(extra="forbid")


@dataclass
class Question:
    """One call: its prompt, the response model built for it, and how an answer is applied."""

    name: str
    prompt: str
    model: type[BaseModel]
    items: list[str]
    apply: Callable[[BaseModel], list[DecisionRun]]
    max_tokens: int


# What each ``apply`` reads from a validated answer. The response models are built per run by
# ``create_model``, so a type checker cannot see their fields; these say which it may rely on
# (the model's own ``Literal`` and field types guarantee them once it validated).
class _StepAnswer(Protocol):
    operation: str
    why: str


class _WorkflowAnswer(Protocol):
    steps: list[_StepAnswer]


class _QuestionsAnswer(Protocol):
    most_important: list[str]


class _RetryAnswer(Protocol):
    operation: str
    safe_to_repeat: bool
    dedup: str
    why: str


class _RetryAnswers(Protocol):
    operations: list[_RetryAnswer]


class _ErrorAnswer(Protocol):
    row: str
    error_class: ErrorClass
    retry: bool


class _ErrorAnswers(Protocol):
    rows: list[_ErrorAnswer]


def _lit(values: list[str]) -> Any:
    """``Literal[...]`` of this run's values (never empty: the caller asks nothing then)."""
    return Literal[tuple(dict.fromkeys(values))]


def _model(name: str, doc: str, **fields: Any) -> type[BaseModel]:
    model = create_model(name, __config__=_STRICT, __doc__=doc, **fields)
    return model


def _offline(decision: str, item: str | None, reason: str) -> DecisionRun:
    return DecisionRun(decision=decision, item=item, source="offline", reason=reason)


def _model_run(decision: str, item: str | None, note: str | None = None) -> DecisionRun:
    return DecisionRun(decision=decision, item=item, source="model", note=note)


# --- free text the model writes: a reason, never a name the documents do not hold ---------------
_IDENTIFIER = re.compile(
    r"`[^`]*`|\b[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)+\b|\b[a-z]+[A-Z][A-Za-z0-9]*\b"
)


def clean_reason(text: str, known_names: set[str]) -> tuple[str | None, str | None]:
    """The model's one-line reason made safe to print, or (None, why it was refused): every
    identifier-shaped word (``Idempotency-Key``, ``client_id``, ``camelCase``, a code span) must be
    a name the documents hold, so a reason cannot smuggle in an invented field or header."""
    line = " ".join(strip_controls(text).split())
    if not line:
        return None, "empty reason"
    if len(line) > MAX_WHY_CHARS:
        return None, f"reason longer than {MAX_WHY_CHARS} characters"
    lowered = {n.lower() for n in known_names}
    for match in _IDENTIFIER.finditer(line):
        word = match.group(0).strip("`").strip()
        parts = {word.lower(), word.lower().rstrip(".")}
        if word and not parts & lowered and not _is_path_or_key(word, known_names):
            # The word is not echoed: a refused name must not reach the blueprint after all.
            return None, "names a field, header or code the documents do not hold"
    line = redact(line.replace("`", "'"))
    return (line if line.endswith((".", "!", "?")) else line + "."), None


def _is_path_or_key(word: str, known: set[str]) -> bool:
    return _plain_word(word) or any(word in k for k in known if "/" in k)


# Lower-case hyphenated English ("non-idempotent", "re-sent") is prose, unless it is shaped like
# a header or a key name ("x-request-id", "api-key").
_NAME_LIKE = re.compile(r"^x-|-(id|key|token|signature|header|secret)$")
_ABBREVIATIONS = {"e.g", "i.e", "etc"}


def _plain_word(word: str) -> bool:
    if word.lower() in _ABBREVIATIONS:
        return True
    return bool(re.fullmatch(r"[a-z]+(?:-[a-z]+)+", word)) and not _NAME_LIKE.search(word)


def known_names(inp: PlanInput) -> set[str]:
    """Every name a reason may use: the documented names and the operations' keys and paths."""
    names = set(_known(inp).names)
    for op in inp.facts.operations:
        names.add(op.key)
        names.update(p for p in op.path.split("/") if p)
    names.update(("HTTP", "JSON", "REST", "API", "Retry-After", "rate-limit", "re-run", "re-send"))
    return names


def _known(inp: PlanInput) -> Known:
    """The documented names, computed once per run and kept in the input's notes."""
    from ..validators import Known

    known = inp.notes.get("known")
    if not isinstance(known, Known):
        known = inp.notes["known"] = Known.of(inp.facts)
    return known


# --- Phase 0: scope -------------------------------------------------------------------------------
def scope_questions(inp: PlanInput, offline: Scope) -> list[Question]:
    """Which operations form the workflow and why; which open questions matter most."""
    out: list[Question] = []
    names = known_names(inp)
    steps = offline.workflow.steps if offline.workflow else []
    if steps:
        chosen = [s.operation for s in steps][:MAX_ITEMS]
        runner = [r.operation for r in (offline.workflow.runner_ups if offline.workflow else [])]
        candidates = list(dict.fromkeys(chosen + runner[:4]))
        step_model = _model(
            "WorkflowStep",
            "One operation of the workflow and why it is there.",
            operation=(_lit(candidates), Field(description="The operation, as listed.")),
            why=(
                str,
                Field(
                    description="Why the goal needs it, one short sentence.",
                    max_length=MAX_WHY_CHARS,
                ),
            ),
        )
        answer = _model(
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
                "summary": _short(
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
                    runs.append(_offline("workflow", key, "not asked: over the item limit"))
                    continue
                if key not in picked:
                    runs.append(
                        _offline("workflow", key, "the model left it out; the planner keeps it")
                    )
                    continue
                why, problem = clean_reason(picked[key], names)
                if why is None:
                    runs.append(_offline("workflow", key, f"reason refused: {problem}"))
                    continue
                # The step's claim keeps the planner's evidenced text: the model's reason cannot be
                # checked against the documents, so it is reported as the model's, not as fact.
                runs.append(_model_run("workflow", key, why))
            for key in picked:
                if key not in chosen:
                    runs.append(
                        _offline(
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
        answer = _model(
            "QuestionPriority",
            "The open questions that matter most for this goal, most important first.",
            most_important=(
                list[_lit(ids)],
                Field(
                    description="Ids of the most important questions, at most three.",
                    min_length=1,
                    max_length=3,
                ),
            ),
        )
        listing = [
            {"id": i, "question": _short(q.question), "why": _short(q.why)}
            for i, q in zip(ids, questions, strict=True)
        ]

        def apply_questions(result: BaseModel) -> list[DecisionRun]:
            picked = list(dict.fromkeys(cast(_QuestionsAnswer, result).most_important))[:3]
            if not picked:
                return [_offline("open-questions", None, "the model chose none")]
            first = [questions[ids.index(i)] for i in picked]
            rest = [q for q in offline.open_questions if q not in first]
            offline.open_questions = first + rest
            return [_model_run("open-questions", None, "first: " + ", ".join(picked))]

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


# --- Phase 1: working plan -------------------------------------------------------------------------
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
    decision = _model(
        "RetryDecision",
        "Whether repeating one operation is safe, and what makes it safe.",
        operation=(_lit([p.operation for p in policies]), Field(description="The operation.")),
        safe_to_repeat=(
            bool,
            Field(description="True when sending it twice cannot do the work twice."),
        ),
        dedup=(
            _lit(every),
            Field(description="The documented header or field that makes a repeat safe, or none."),
        ),
        why=(str, Field(description="Why, one short sentence.", max_length=MAX_WHY_CHARS)),
    )
    answer = _model(
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
            _short(i.detail)
            for i in inp.facts.idempotency
            if i.kind == "text"
            and i.operation in (p.operation, None)
            and (i.operation or op is None or op.method.lower() in i.detail.lower())
        ]
        listing.append(
            {
                "operation": p.operation,
                "summary": _short((op.summary or op.description or "") if op else ""),
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
                runs.append(_offline("retry", p.operation, "the model gave no answer for it"))
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
                    _offline(
                        "retry",
                        p.operation,
                        f"contradicts the documents: safe_to_repeat={d.safe_to_repeat}, but {basis}",
                    )
                )
                continue
            if d.dedup != "none" and d.dedup not in means[p.operation]:
                runs.append(
                    _offline(
                        "retry", p.operation, f"{d.dedup!r} is not documented for this operation"
                    )
                )
                continue
            if documented and d.dedup == "none":
                runs.append(_offline("retry", p.operation, f"misses the documented {documented!r}"))
                continue
            why, problem = clean_reason(d.why, names)
            if why is None:
                runs.append(_offline("retry", p.operation, f"reason refused: {problem}"))
                continue
            runs.append(_model_run("retry", p.operation, why))
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


# --- Phase 2: deliverable --------------------------------------------------------------------------
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
    decision = _model(
        "ErrorDecision",
        "The class of one documented error and whether the client retries it.",
        row=(_lit(ids), Field(description="The row id, as listed.")),
        error_class=(_lit(_ASKED_CLASSES), Field(description="The class of the failure.")),
        retry=(bool, Field(description="True when the client retries it automatically.")),
    )
    answer = _model(
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
            "meaning": _short(_status_text(inp, r)),
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
                runs.append(_offline("error-action", item, "the model gave no answer for it"))
                continue
            if d.error_class not in allowed_classes(row.status):
                runs.append(
                    _offline(
                        "error-action",
                        item,
                        f"{d.error_class!r} does not fit HTTP {row.status}",
                    )
                )
                continue
            if d.retry != row.retry:
                runs.append(
                    _offline(
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
            runs.append(_model_run("error-action", item, d.error_class))
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


def _short(text: str, limit: int = 160) -> str:
    line = " ".join(redact(strip_controls(text)).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
