"""From goal to workflow: every operation the goal needs, in order, and only those.

``build_workflow(facts, goal)`` reads the goal into intents (``_goal``), picks the operation that
does each (``_select``), adds what the docs say must come first (an input produced by another
operation) and after (the way to learn the outcome of an asynchronous call), leaves out what
the docs contradict (deprecated, "does not create incidents", test-only, updates instead of
creates) and orders the steps so every input is produced before it is used. Every choice and
exclusion carries a one-line reason. ``validate_workflow`` checks any proposed workflow (the
offline planner's or an LLM's) against the facts the same way.
"""

from __future__ import annotations

import re

from ..exceptions import UsageError
from ..schemas import (
    Facts,
    OperationChoice,
    RunnerUp,
    Source,
    Workflow,
    WorkflowRole,
)
from ._completion import poll_for, why_later
from ._flow import Feed, Flow, pointers, prerequisite_sentences
from ._goal import GoalReading, Intent, read_goal
from ._lexicon import synonyms, words
from ._meaning import Exclusion, exclusion, resolve_pointer
from ._select import (
    OpIndex,
    Scored,
    Term,
    action_fit,
    build_index,
    extra_words_penalty,
    is_param_segment,
    param_name,
    parse_pin,
    rank,
    score_terms,
)
from ._steps import Step, order_steps, to_model
from ._validate import validate_workflow

CANDIDATES = 8
"""Operations re-ranked per intent after the word match: enough to hold the right one behind
look-alikes (Stripe has six refund routes), few enough to stay fast."""
FLOW_CANDIDATES = 3 * CANDIDATES
"""Operations whose inputs are compared with earlier steps' outputs: the flow bonus (at most a
few points) cannot lift anything from further back."""
RUNNER_UPS = 3
"""Near misses kept per intent."""
CONFIDENT_SCORE = 2.0
"""Below this the best match rests on one weak word: plan it, but say the choice is uncertain
(calibrated on the golden cases: right choices score 2.5 to 12, weak guesses below 2)."""
CONFIDENT_MARGIN = 0.15
"""A runner-up within 15 % of the best (and not the same operation on another route) makes the
choice a coin toss worth confirming."""
FLOW_BONUS = 1.5
"""An operation that takes what an earlier step returned fits a workflow better."""
BACK_BONUS = 1.0
"""...and more so when the goal says 'it' ('refund it')."""
UNFED_PENALTY = 1.0
"""'fetch its recordings': an operation on one recording needs an id nothing before provides;
the list of the call's recordings does not."""
CONTAINER_BONUS = 1.0
"""'add it to one of my playlists': the playlist is a container the operation works inside
(/playlists/{playlist_id}/items), not the thing to create."""
UNKNOWN_INPUT_PENALTY = 0.35
"""Between equals, the operation that needs fewer ids you do not have yet wins."""
PLURAL_BONUS = 1.0
"""'fetch its recordings', 'the unread entries': several, so the collection."""
EXCLUSION_SHOWN = 0.5
"""An exclusion is shown when the operation was a real contender (half the best score or more);
a deprecated operation that barely matched is left out silently."""
PINNED = "pinned with --operation"
"""The reason of a step the user chose; the selection marks those steps pinned."""
MAX_PREREQUISITE_DEPTH = 2
"""A prerequisite's own prerequisites are followed once; deeper chains are the user's to pin."""


class _Builder:
    """One workflow for one goal over one set of facts."""

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

    # -- main operations ------------------------------------------------------------------------
    def chosen(self) -> set[int]:
        return {s.index for s in self.steps}

    def preview(self) -> None:
        """Which intent each operation fits best, so an earlier intent does not take the
        operation a later one names more precisely ('mirror a repository' vs 'trigger a mirror
        sync')."""
        best: dict[int, tuple[float, int]] = {}
        for intent in self.reading.intents:
            ranked = self._rank(intent, list(intent.terms), flow=False)
            if ranked:
                top = ranked[0]
                if top.index not in best or best[top.index][0] < top.score:
                    best[top.index] = (top.score, intent.index)
        self.reserved = {i: owner for i, (_, owner) in best.items()}

    def _rank(self, intent: Intent, terms: list[Term], *, flow: bool) -> list[Scored]:
        scored = score_terms(self.index, terms)
        out: list[Scored] = []
        for item in scored.values():
            if (
                item.index in self.chosen()
                or self.reserved.get(item.index, intent.index) != intent.index
            ):
                continue
            p = self.index.profiles[item.index]
            fit, why, verb_relates = action_fit(p, intent.action, intent.verb, intent.object_stems)
            if item.relevance <= 0 and not verb_relates:
                continue
            item.score += fit - extra_words_penalty(p, terms)
            if why:
                item.reasons.append(why)
            inside = [
                t.said
                for t in intent.terms
                if t.role == "qualifier" and synonyms(t.stem) & p.containers
            ]
            if inside:
                item.score += CONTAINER_BONUS
                item.reasons.append(f"works inside an existing {inside[0]}, as the goal says")
            out.append(item)
        out.sort(key=lambda s: (-s.score, s.op.path, s.op.method))
        if flow:
            # What feeds what is read only for the front-runners: it is the costly part.
            out = out[:FLOW_CANDIDATES]
            for item in out:
                self._flow_bonus(item, intent)
            out.sort(key=lambda s: (-s.score, s.op.path, s.op.method))
        self._scored = scored
        return out

    def main_for(self, intent: Intent) -> None:
        previous = self._previous_main()
        if (intent.asks_outcome or intent.action == "poll") and previous is not None:
            poll = poll_for(self.flow, previous.index, self.excluded)
            if poll is not None:
                self._add_completion(previous, poll, intent)
                return
        terms = list(intent.terms)
        if intent.refers_back and previous is not None:
            terms += self._context_of(previous)
        candidates = self._rank(intent, terms, flow=True)
        scored = self._scored
        candidates = self._exclude(candidates[:CANDIDATES], intent, scored)
        if not candidates or candidates[0].score <= 0:
            if intent.terms:
                self.doubts.append(f"nothing in the docs does '{intent.text}'")
            return
        best = candidates[0]
        role: WorkflowRole = "main"
        if (
            previous is not None
            and intent.action in ("read", "download", "poll")
            and self._feeds_from_steps(best.index)
        ):
            role = "follow-up"
        self._judge(intent, best, candidates[1:])
        self.steps.append(
            Step(
                index=best.index,
                role=role,
                intent=intent,
                score=best.score,
                why=f"does '{intent.text}': " + "; ".join(_dedupe(best.reasons)[:3]),
                reasons=_dedupe(best.reasons),
                sources=[best.op.source],
                condition=intent.condition,
                belongs=intent.index,
                seq=len(self.steps),
            )
        )

    def _previous_main(self) -> Step | None:
        mains = [s for s in self.steps if s.role in ("main", "follow-up")]
        return mains[-1] if mains else None

    def _context_of(self, step: Step) -> list[Term]:
        p = self.index.profiles[step.index]
        out = [Term(w, w, "back") for w in sorted(p.resource)]
        if step.intent is not None:
            out += [
                Term(t.stem, t.said, "back")
                for t in step.intent.terms
                if t.role == "object" and t.stem not in p.resource
            ]
        return out

    def _flow_bonus(self, item: Scored, intent: Intent) -> None:
        feeds = self._feeds_from_steps(item.index)
        if feeds:
            item.score += FLOW_BONUS + (BACK_BONUS if intent.refers_back else 0.0)
            f = feeds[0]
            item.reasons.append(
                f"takes `{f.input.name}` from {self.index.profiles[f.producer].op.key}"
            )
        path_inputs = [inp for inp in self.flow.inputs(item.index) if inp.location == "path"]
        fed = {f.input.name for f in feeds}
        item.score -= UNKNOWN_INPUT_PENALTY * sum(1 for inp in path_inputs if inp.name not in fed)
        if intent.refers_back and self.steps:
            segments = [s for s in item.op.path.split("/") if s]
            if (
                path_inputs
                and segments
                and is_param_segment(segments[-1])
                and path_inputs[-1].name not in fed
            ):
                item.score -= UNFED_PENALTY
                item.reasons.append(f"needs a `{path_inputs[-1].name}` no earlier step returns")
        if (
            intent.plural_object
            and intent.action in ("read", "list", "search", "download")
            and self.index.profiles[item.index].kind == "list"
        ):
            item.score += PLURAL_BONUS
            item.reasons.append("lists them, as the goal asks for several")

    def _feeds_from_steps(self, i: int) -> list[Feed]:
        out: list[Feed] = []
        for s in self.steps:
            out += [
                f
                for f in self.flow.feeds_between(s.index, i)
                if f.input.location == "path" or f.basis != "caller"
            ]
        return out

    def _judge(self, intent: Intent, best: Scored, rest: list[Scored]) -> None:
        """Runner-ups, and whether the choice is sure enough to go without asking."""
        for r in rest[:RUNNER_UPS]:
            self.runner_ups.append(
                RunnerUp(
                    operation=r.op.key,
                    score=round(r.score, 2),
                    intent=intent.text,
                    why="; ".join(_dedupe(r.reasons)[:2]) or "related words",
                )
            )
        rival = next((r for r in rest if not self._twins(best.index, r.index)), None)
        close = rival is not None and (best.score - rival.score) < CONFIDENT_MARGIN * abs(
            best.score
        )
        if best.score < CONFIDENT_SCORE or close:
            also = f"; {rival.op.key} scored {rival.score:.2f}" if rival is not None else ""
            self.doubts.append(f"'{intent.text}': {best.op.key} scored {best.score:.2f}{also}")

    def _twins(self, a: int, b: int) -> bool:
        """The same operation on another route (build- vs job-scoped, GET vs POST query)."""
        pa, pb = self.index.profiles[a], self.index.profiles[b]
        same_route = pa.op.path == pb.op.path
        same_thing = pa.resource == pb.resource and pa.actions == pb.actions and pa.kind == pb.kind
        return (same_route and {pa.op.method, pb.op.method} <= {"GET", "POST"}) or (
            same_thing and pa.op.method == pb.op.method
        )

    # -- exclusion by meaning ---------------------------------------------------------------------
    def _exclude(
        self, candidates: list[Scored], intent: Intent, scored: dict[int, Scored]
    ) -> list[Scored]:
        kept: list[Scored] = []
        top = max((c.score for c in candidates), default=0.0)
        for item in candidates:
            found = exclusion(self.index, self.index.profiles[item.index], intent)
            if found is None:
                kept.append(item)
                continue
            if item.score >= EXCLUSION_SHOWN * top:
                self.excluded.setdefault(item.index, found)
            if (
                found.replacement is not None
                and found.replacement not in self.chosen()
                and not any(k.index == found.replacement for k in kept)
            ):
                rep = scored.get(found.replacement) or Scored(
                    found.replacement, self.index.profiles[found.replacement].op
                )
                rep.score = max(rep.score, item.score)
                rep.reasons = [f"replaces {item.op.key} ({found.reason})", *rep.reasons]
                kept.append(rep)
        kept.sort(key=lambda s: (-s.score, s.op.path, s.op.method))
        return kept

    # -- prerequisites and completion ---------------------------------------------------------------
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

    # -- order ------------------------------------------------------------------------------------
    def ordered(self) -> list[Step]:
        return order_steps(self.steps, self.flow)

    def workflow(self, steps: list[Step], *, pinned: bool = False) -> Workflow:
        return to_model(self.reading, self.flow, steps, self, pinned=pinned)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _sentence(text: str, fragment: str) -> str:
    """The sentence of ``text`` that holds ``fragment`` (the docs' own words), shortened."""
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if fragment.split()[0] in sentence:
            return _short(sentence.replace("`", "'"), 120)
    return _short(fragment.replace("`", "'"))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the public interface -------------------------------------------------------------------------
def build_workflow(facts: Facts, goal: str, *, pins: list[str] | None = None) -> Workflow:
    """The goal as an ordered workflow of documented operations, each with its reason.

    Raises:
        UsageError: the docs define no operation, a pin is not in them, or nothing in them
            relates to the goal at all (a best guess is planned, never refused).
    """
    if not facts.operations:
        raise UsageError("the documents define no operations to plan for")
    b = _Builder(facts, goal)
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


def _pinned(b: _Builder, pins: list[str]) -> Workflow:
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


def _fallback(b: _Builder, goal: str) -> None:
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
            "best guess for the whole goal: " + "; ".join(_dedupe(best.reasons)[:3]),
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
                why="; ".join(_dedupe(r.reasons)[:2]),
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
