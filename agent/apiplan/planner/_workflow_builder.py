"""Choosing the operation that does each intent of the goal, and saying how sure the choice is.

Candidates come from the word match (``_index``), re-ranked by how the operation's kind fits the
verb (``_select``) and by what earlier steps feed it (``_flow``); operations the docs rule out
are excluded by meaning (``_meaning``); close rivals become runner-ups and doubts.
"""

from __future__ import annotations

from ..schemas import RunnerUp, Workflow, WorkflowRole
from ._completion import poll_for
from ._flow import Feed
from ._goal import Intent
from ._implied_steps import ImpliedSteps
from ._index import Scored, Term, score_terms
from ._lexicon import synonyms
from ._meaning import exclusion
from ._profile import is_param_segment
from ._select import action_fit, extra_words_penalty
from ._steps import Step, order_steps, to_model

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


class WorkflowBuilder(ImpliedSteps):
    """One workflow for one goal over one set of facts."""

    # -- main operations ------------------------------------------------------------------------
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
                why=f"does '{intent.text}': " + "; ".join(dedupe(best.reasons)[:3]),
                reasons=dedupe(best.reasons),
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
                    why="; ".join(dedupe(r.reasons)[:2]) or "related words",
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

    # -- order ------------------------------------------------------------------------------------
    def ordered(self) -> list[Step]:
        return order_steps(self.steps, self.flow)

    def workflow(self, steps: list[Step], *, pinned: bool = False) -> Workflow:
        return to_model(self.reading, self.flow, steps, self, pinned=pinned)


def dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


__all__ = ["RUNNER_UPS", "WorkflowBuilder", "dedupe"]
