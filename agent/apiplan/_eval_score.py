"""Scoring one blueprint against its golden case: selection and workflow order, the claims
a case expects, what the plan made of the documents' meaning, and nothing invented or leaked."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ._eval_cases import resolve
from ._secrets import find_secrets
from .exceptions import ApiplanError
from .schemas import (
    Blueprint,
    CaseScore,
    GoldenCase,
    WorkflowExpectation,
    walk_claims,
)


def _frac(hit: int, total: int) -> float | None:
    return None if total == 0 else hit / total


_PARAM = re.compile(r"\{[^}]*\}|:\w+|<[^>]*>|\[[^\]]*\]|\([^)]*\)|&lt;[^/]*")


def same_operation(a: str, b: str) -> bool:
    """'POST /lists/{id}/accounts' and 'POST /lists/:list_id/accounts' are one operation."""
    return _slot(a) == _slot(b)


def _slot(key: str) -> str:
    method, _, path = key.strip().partition(" ")
    return f"{method.upper()} {_PARAM.sub('{}', path)}"


class WorkflowScore:
    """Precision, recall and order of selected operations against a workflow expectation."""

    def __init__(self, expect: WorkflowExpectation, selected: list[str]) -> None:
        slots = [_slot(k) for k in selected]
        allowed = {_slot(k) for k in [*expect.must, *expect.may]} | {
            _slot(k) for group in expect.must_any for k in group
        }
        allowed |= {_slot(k) for entry in expect.order for k in _members(entry)}
        self.problems: list[str] = []
        right = [k for k, s in zip(selected, slots, strict=True) if s in allowed]
        self.precision = len(right) / len(selected) if selected else 0.0
        hits = sum(_slot(k) in slots for k in expect.must) + sum(
            any(_slot(k) in slots for k in group) for group in expect.must_any
        )
        wanted = len(expect.must) + len(expect.must_any)
        self.recall = hits / wanted if wanted else 1.0
        forbidden = [k for k in selected if _slot(k) in {_slot(x) for x in expect.must_not}]
        if forbidden:
            self.problems.append(f"selected what it must not: {forbidden}")
        extra = [k for k, s in zip(selected, slots, strict=True) if s not in allowed]
        if extra and not forbidden:
            self.problems.append(f"selected more than the goal needs: {extra}")
        missing = [k for k in expect.must if _slot(k) not in slots] + [
            " | ".join(g) for g in expect.must_any if not any(_slot(k) in slots for k in g)
        ]
        if missing:
            self.problems.append(f"missing from the workflow: {missing}")
        self.order: float | None = None
        if len(expect.order) >= 2:
            positions = [
                min((slots.index(_slot(k)) for k in _members(e) if _slot(k) in slots), default=-1)
                for e in expect.order
            ]
            ok = all(p >= 0 for p in positions) and positions == sorted(positions)
            self.order = 1.0 if ok else 0.0
            if not ok:
                self.problems.append(f"steps out of order: expected {expect.order}, got {selected}")

    @property
    def exact(self) -> bool:
        return self.precision == 1.0 and self.recall == 1.0 and self.order in (None, 1.0)


def _members(entry: str | list[str]) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry)


def score_case(
    name: str,
    case: GoldenCase,
    bp: Blueprint | None,
    error: str | None,
    seconds: float,
    *,
    docs: Sequence[Path] | None = None,
) -> CaseScore:
    """Score one blueprint against its case; ``docs`` are the case's documents, resolved (by
    default its references resolved with :func:`resolve`'s defaults)."""
    e = case.expect
    problems: list[str] = []
    if bp is None:
        ok = bool(e.error and error and e.error in error)
        if not ok:
            problems.append(f"planning failed: {error}" if error else "no blueprint")
        return CaseScore(
            name=name,
            ok=ok,
            score=1.0 if ok else 0.0,
            invented=0,
            leaks=0,
            seconds=seconds,
            problems=problems,
        )
    if e.error:
        problems.append(f"expected planning to fail with {e.error!r}")
    from .render import blueprint_to_markdown

    text = bp.model_dump_json() + "\n" + blueprint_to_markdown(bp)
    undocumented = [f for f in bp.risk.findings if f.rule == "undocumented-field"]
    forbidden = [s for s in e.forbidden if s in text]
    invented = len(undocumented) + len(forbidden)
    problems += [f"undocumented: {f.message}" for f in undocumented[:5]] + [
        f"forbidden text present: {s!r}" for s in forbidden
    ]
    leaks = len(list(find_secrets(text)))
    if leaks:
        problems.append(f"{leaks} credential-shaped values in the output")
    selected = [c.key for c in bp.scope.selection]
    wanted = set(e.select)
    precision = _frac(len([k for k in selected if k in wanted]), len(selected)) if wanted else None
    recall = _frac(len([k for k in wanted if k in selected]), len(wanted))
    if e.not_select and any(k in selected for k in e.not_select):
        problems.append(f"selected what it must not: {[k for k in selected if k in e.not_select]}")
        precision = 0.0
    order = None
    if e.workflow is not None:
        flow = WorkflowScore(e.workflow, selected)
        precision, recall, order = flow.precision, flow.recall, flow.order
        problems += flow.problems
    auth = None
    if e.auth:
        auth_text = " ".join(ep.auth.text for ep in bp.scope.endpoints).lower()
        auth = 1.0 if e.auth.lower() in auth_text else 0.0
        if not auth:
            problems.append(f"auth claim lacks {e.auth!r}")
    mapped = {r.status for r in bp.deliverable.error_map}
    coverage = _frac(len([s for s in e.statuses if s in mapped]), len(e.statuses))
    if coverage is not None and coverage < 1:
        problems.append(f"error map misses {[s for s in e.statuses if s not in mapped]}")
    limits_text = " ".join(c.text for ep in bp.scope.endpoints for c in ep.limits)
    rl = _frac(len([s for s in e.rate_limits if s in limits_text]), len(e.rate_limits))
    if rl is not None and rl < 1:
        problems.append(f"limits miss {[s for s in e.rate_limits if s not in limits_text]}")
    policies = {p.operation: p for p in bp.plan.retry_policies}
    checks: list[bool] = []
    for op, exp in e.retry.items():
        p = policies.get(op)
        if p is None:
            checks.append(False)
            problems.append(f"no retry policy for {op}")
            continue
        if exp.idempotent is not None:
            checks.append(p.idempotent == exp.idempotent)
        if exp.retries_after_send is not None:
            after = any(re.search(r"read timeout|^5\d\d|^5XX", r) for r in p.retry_on)
            checks.append(after == exp.retries_after_send)
    retry = _frac(sum(checks), len(checks))
    if retry is not None and retry < 1:
        problems.append("retry policy does not match the docs' rules")
    timeouts = (
        1.0
        if all(
            p.timeouts.connect_seconds > 0
            and p.timeouts.read_seconds > 0
            and p.timeouts.total_deadline_seconds > 0
            for p in bp.plan.retry_policies
        )
        and policies
        else 0.0
    )
    claims = [c for _, c in walk_claims(bp)]
    labelled = 1.0 if all(bool(c.evidence) != bool(c.assumption) for c in claims) else 0.0
    topics = [q.topic for q in bp.scope.open_questions]
    questions = _frac(len([t for t in e.open_questions if t in topics]), len(e.open_questions))
    if questions is not None and questions < 1:
        problems.append(f"open questions miss {[t for t in e.open_questions if t not in topics]}")
    rules = {f.rule for f in bp.risk.findings}
    findings = _frac(len([r for r in e.findings if r in rules]), len(e.findings))
    other_checks: list[bool] = []
    notes = " ".join(c.text for c in bp.deliverable.security_notes)
    other_checks += [s in notes for s in e.security_notes]
    if e.stack:
        other_checks.append(bp.plan.stack == e.stack)
    other = _frac(sum(other_checks), len(other_checks))
    meaning = MeaningScore(case, bp, docs=docs)
    problems += meaning.problems
    metrics = [
        precision,
        recall,
        order,
        auth,
        coverage,
        rl,
        retry,
        timeouts,
        labelled,
        questions,
        findings,
        other,
        meaning.dedup,
        meaning.outcomes,
        meaning.completion,
        meaning.nested,
        meaning.paging,
    ]
    used = [m for m in metrics if m is not None]
    score = sum(used) / len(used) if used else 0.0
    llm_runs = [r for r in bp.runs if r.fallback or r.model not in ("offline", "validators")]
    return CaseScore(
        name=name,
        ok=invented == 0 and leaks == 0 and not e.error,
        score=round(score, 4),
        invented=invented,
        leaks=leaks,
        selection_precision=precision,
        selection_recall=recall,
        workflow_order=order,
        auth=auth,
        error_coverage=coverage,
        rate_limit_recall=rl,
        retry_conformance=retry,
        timeouts=timeouts,
        assumptions_labelled=labelled,
        open_question_recall=questions,
        findings_recall=findings,
        other=other,
        dedup_recall=meaning.dedup,
        body_outcome_recall=meaning.outcomes,
        async_completion=meaning.completion,
        nested_required_recall=meaning.nested,
        paging_recall=meaning.paging,
        false_no_limit=meaning.false_no_limit,
        seconds=round(seconds, 3),
        llm_calls=sum(r.calls if r.calls is not None else 1 for r in llm_runs),
        prompt_tokens=sum(r.prompt_tokens or 0 for r in llm_runs),
        completion_tokens=sum(r.completion_tokens or 0 for r in llm_runs),
        problems=problems,
    )


class MeaningScore:
    """Whether the plan used what the documents mean: dedup fields, outcomes inside bodies,
    asynchronous completion, nested required fields, and no false 'no limit' claim."""

    def __init__(
        self, case: GoldenCase, bp: Blueprint, *, docs: Sequence[Path] | None = None
    ) -> None:
        e = case.expect
        self.problems: list[str] = []
        used = {p.dedup.field for p in bp.plan.retry_policies if p.dedup is not None}
        self.dedup = self._recall("dedup fields unused", e.dedup_fields, lambda f: f in used)
        rows = [r for r in bp.deliverable.error_map if r.error_class == "error-in-body"]
        self.outcomes = self._recall(
            "no error-map row for the outcome in",
            e.body_outcomes,
            lambda f: any(r.body_field == f or f in r.status for r in rows),
        )
        done = {c.operation for c in bp.plan.completions}
        self.completion = self._recall(
            "no completion for", e.async_completion, lambda op: op in done
        )
        listed = {f.name for ep in bp.scope.endpoints for f in ep.request}
        self.nested = self._recall(
            "request contract misses", e.nested_required, lambda f: f in listed
        )
        paged = {p.operation for p in bp.plan.paging}
        self.paging = self._recall(
            "no pagination or batching for", e.paging, lambda op: op in paged
        )
        self.false_no_limit = false_no_limit(bp, case, docs=docs)
        if self.false_no_limit:
            self.problems.append(f"{self.false_no_limit} false 'no limit' claims")

    def _recall(self, what: str, wanted: list[str], hit: Callable[[str], bool]) -> float | None:
        missed = [w for w in wanted if not hit(w)]
        if missed:
            self.problems.append(f"{what}: {missed}")
        return _frac(len(wanted) - len(missed), len(wanted))


def false_no_limit(bp: Blueprint, case: GoldenCase, *, docs: Sequence[Path] | None = None) -> int:
    """Endpoints shown with no limit while their facts hold constraints, enums or size limits."""
    from .sources import load_facts

    empty = [ep.operation for ep in bp.scope.endpoints if not ep.limits]
    if not empty or not case.docs:
        return 0
    try:
        facts = load_facts(list(docs) if docs is not None else [resolve(d) for d in case.docs])
    except ApiplanError:
        return 0
    count = 0
    for key in empty:
        op = facts.operation(key)
        if op is None:
            continue
        fields = facts.body_fields(op.request_body)
        constrained = any(
            f.enum or any(k != "default" for k in f.constraints) for f in fields if f.required
        ) or any(p.enum for p in op.parameters)
        sized = any(s.operation == key for s in facts.size_limits)
        count += int(constrained or sized)
    return count
