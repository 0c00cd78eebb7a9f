"""Steps the goal does not name but the docs imply: what must come first and what comes after.

An input the docs say another operation produces ("the id returned by ..."), an operation the
description says to call first, the list a quantified goal iterates over ("every open pull
request"), and the poll that learns the outcome of an asynchronous call. Each carries its reason
in the docs' own words.
"""

from __future__ import annotations

import re

from ..schemas import Source
from ._completion import poll_for, why_later
from ._flow import pointers, prerequisite_sentences
from ._goal import Intent
from ._index import score_terms
from ._lexicon import synonyms, words
from ._meaning import resolve_pointer
from ._profile import is_param_segment, param_name
from ._steps import Step
from ._workflow_state import WorkflowState

MAX_PREREQUISITE_DEPTH = 2
"""A prerequisite's own prerequisites are followed once; deeper chains are the user's to pin."""


class ImpliedSteps(WorkflowState):
    """Adds the prerequisite and completion steps of the steps already chosen."""

    def prerequisites(self, step: Step, depth: int = 1) -> None:
        """Inputs the docs say another operation produces, and lists the goal quantifies over."""
        for inp in self.flow.inputs(step.index):
            if inp.choice or self._fed(step.index, inp.name):
                continue
            for ptr in pointers(inp.description):
                j = resolve_pointer(self.index, ptr, None, exclude=step.index)
                if j is None or self.index.profiles[j].kind in ("delete", "update", "item-post"):
                    continue
                said = _sentence(inp.description or "", ptr.text)
                why = f"the docs say `{inp.name}` of {self.index.profiles[step.index].op.key} comes from it: '{said}'"
                self._add_prerequisite(step, j, why, [inp.source], depth)
                break
        own = self.index.profiles[step.index].op
        goal_words = {t.stem for s in self.reading.intents for t in s.terms}
        for ptr in prerequisite_sentences(own.description):
            if ptr.condition and not (set(words(ptr.condition)) & goal_words):
                continue
            j = resolve_pointer(self.index, ptr, None, exclude=step.index)
            if j is not None and self.index.profiles[j].kind not in ("delete", "read", "list"):
                cond = f" ({_short(ptr.condition)})" if ptr.condition else ""
                why = f"the description of {own.key} says to call it first{cond}: '{_short(ptr.text)}'"
                self._add_prerequisite(step, j, why, [own.source], depth)
        if step.intent is not None and step.intent.quantified:
            self._list_for_quantifier(step)

    def _fed(self, consumer: int, name: str) -> bool:
        """Whether a step that does not itself depend on ``consumer`` produces ``name``."""
        return any(
            f.input.name == name
            for s in self.steps
            if s.index != consumer and not self.flow.feeds_between(consumer, s.index)
            for f in self.flow.feeds_between(s.index, consumer)
        )

    def _add_prerequisite(
        self, step: Step, j: int, why: str, sources: list[Source], depth: int
    ) -> None:
        if j in self.chosen() or j in self.excluded:
            return
        new = Step(
            index=j,
            role="prerequisite",
            intent=step.intent,
            score=step.score,
            why=why,
            sources=[self.index.profiles[j].op.source, *sources],
            belongs=step.belongs,
            seq=len(self.steps),
        )
        self.steps.append(new)
        if depth < MAX_PREREQUISITE_DEPTH:
            self.prerequisites(new, depth + 1)

    def _list_for_quantifier(self, step: Step) -> None:
        """'merge every open pull request': the ids come from listing the collection first."""
        assert step.intent is not None
        quantified = {q for s in step.intent.quantified for q in synonyms(s)}
        p = self.index.profiles[step.index]
        segments = [s for s in p.op.path.split("/") if s]
        for k, seg in enumerate(segments[1:], 1):
            before = segments[k - 1]
            if not is_param_segment(seg) or is_param_segment(before):
                continue
            seg_words = set(words(before))
            if not (
                seg_words & quantified
                or any(q in "".join(words(before)) for q in quantified if len(q) >= 4)
            ):
                continue
            prefix = "/" + "/".join(segments[:k])
            lists = [
                j
                for j, q in enumerate(self.index.profiles)
                if q.op.method == "GET"
                and q.kind == "list"
                and q.op.path.rstrip("/").endswith("/" + before)
                and j not in self.excluded
            ]
            if not lists:
                continue
            terms = list(step.intent.terms)
            scores = score_terms(self.index, terms)
            lists.sort(
                key=lambda j: (
                    -(scores[j].score if j in scores else 0.0),
                    self.index.profiles[j].op.path != prefix,
                    len(self.index.profiles[j].op.path),
                )
            )
            why = f"the goal acts on every {before}; listing them gives the `{param_name(seg)}` of each"
            self._add_prerequisite(step, lists[0], why, [], MAX_PREREQUISITE_DEPTH)
            return

    def completion(self, step: Step) -> None:
        if any(s.role == "completion" and s.belongs == step.belongs for s in self.steps):
            return
        why_async = why_later(self.index.profiles[step.index])
        if why_async is None:
            return
        poll = poll_for(self.flow, step.index, self.excluded)
        if poll is None:
            return
        self._add_completion(step, poll, None, why_async)

    def _add_completion(
        self, step: Step, poll: int, intent: Intent | None, why_async: str | None = None
    ) -> None:
        if poll in self.chosen():
            return
        op = self.index.profiles[step.index].op
        hooks = [
            w.name
            for w in self.facts.webhooks
            if set(words(w.name)) & self.index.profiles[step.index].resource
        ]
        hook = ""
        if hooks:
            hook = (
                f"; the docs also define the webhook {hooks[0]}, but you have no public callback URL"
                if any(c.kind == "no-callback" for c in self.reading.constraints)
                else f"; or receive the webhook {hooks[0]}"
            )
        reason = why_async or "the goal asks for its outcome"
        self.steps.append(
            Step(
                index=poll,
                role="completion",
                intent=intent or step.intent,
                score=step.score,
                why=f"{op.key} {reason}; poll this until it is done, within the policy's bounds{hook}",
                sources=[self.index.profiles[poll].op.source, op.source],
                condition=intent.condition if intent else None,
                belongs=intent.index if intent else step.belongs,
                seq=len(self.steps),
            )
        )


def _sentence(text: str, fragment: str) -> str:
    """The sentence of ``text`` that holds ``fragment`` (the docs' own words), shortened."""
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if fragment.split()[0] in sentence:
            return _short(sentence.replace("`", "'"), 120)
    return _short(fragment.replace("`", "'"))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["MAX_PREREQUISITE_DEPTH", "ImpliedSteps"]
