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

This module holds what every question shares: :class:`Question`, the response-model builder, the
record of each decision, and the check of the model's reasons. Each phase's questions are built in
``_scope_questions``, ``_plan_questions`` and ``_deliverable_questions``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, create_model

from .._secrets import redact
from .._text import strip_controls
from ..planner import PlanInput
from ..schemas import DecisionRun

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


def literal_of(values: list[str]) -> Any:
    """``Literal[...]`` of this run's values (never empty: the caller asks nothing then)."""
    return Literal[tuple(dict.fromkeys(values))]


def answer_model(name: str, doc: str, **fields: Any) -> type[BaseModel]:
    model = create_model(name, __config__=_STRICT, __doc__=doc, **fields)
    return model


def offline_run(decision: str, item: str | None, reason: str) -> DecisionRun:
    return DecisionRun(decision=decision, item=item, source="offline", reason=reason)


def model_run(decision: str, item: str | None, note: str | None = None) -> DecisionRun:
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


def short(text: str, limit: int = 160) -> str:
    line = " ".join(redact(strip_controls(text)).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
