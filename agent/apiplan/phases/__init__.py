"""The phase-by-phase run: scope, working plan, deliverable, risk check -> Blueprint."""

from __future__ import annotations

import time
from collections.abc import Callable

from .._version import __version__
from ..planner import PlanInput
from ..providers import PhaseProvider
from ..schemas import Blueprint, Deliverable, PhaseRun, RiskCheck, Scope, WorkingPlan
from ..validators import check_blueprint

Progress = Callable[[str], None]


def run_phases(
    inp: PlanInput, provider: PhaseProvider, *, on_progress: Progress | None = None
) -> Blueprint:
    """Run the phases in order; the risk check runs the validators on the assembled blueprint."""
    say = on_progress or (lambda _msg: None)
    runs: list[PhaseRun] = []

    def timed(name: str, fn: Callable[[], object]) -> object:
        say(f"phase {name}: running ({provider.name})")
        start = time.perf_counter()
        result = fn()
        info = getattr(provider, "run_info", {}).get(name)
        runs.append(
            PhaseRun(
                phase=name,  # type: ignore[arg-type]
                model="offline"
                if info and (info.fallback or getattr(info, "nothing_asked", False))
                else provider.name,
                fallback=bool(info and info.fallback),
                seconds=round(time.perf_counter() - start, 3),
                prompt_tokens=(info.prompt_tokens or info.prompt_tokens_estimated)
                if info
                else None,
                completion_tokens=info.completion_tokens if info else None,
                fallback_reason=(info.reason or "failed") if info and info.fallback else None,
                fallback_error=(info.errors[-1][:300] if info.errors else None)
                if info and info.fallback
                else None,
                decisions=list(info.decisions) if info else [],
                calls=info.calls if info and info.decisions else None,
            )
        )
        if info is not None:
            counted = (
                "counted"
                if info.prompt_tokens or info.exact_count
                else "estimated: tiktoken's encoding is not available offline"
            )
            if info.decisions:
                taken = sum(d.source == "model" for d in info.decisions)
                say(
                    f"phase {name}: {taken} of {len(info.decisions)} decisions from the model, "
                    f"the rest from the offline planner ({info.calls} calls)"
                )
            say(
                f"phase {name}: prompt {runs[-1].prompt_tokens} tokens ({counted}), completion {info.completion_tokens}"
                + (
                    f" — filled by the offline planner after the LLM failed at {info.url or 'the server'}"
                    f" ({info.reason or 'failed'})"
                    if info.fallback
                    else ""
                )
            )
        return result

    scope = timed("scope", lambda: provider.scope(inp))
    assert isinstance(scope, Scope)
    plan = timed("plan", lambda: provider.plan(inp, scope))
    assert isinstance(plan, WorkingPlan)
    deliverable = timed("deliverable", lambda: provider.deliverable(inp, scope, plan))
    assert isinstance(deliverable, Deliverable)
    titles = [d.title for d in inp.facts.documents if d.title]
    bp = Blueprint(
        generator=f"apiplan {__version__}",
        api=" + ".join(dict.fromkeys(titles)) or "API",
        documents=[d.path for d in inp.facts.documents],
        scope=scope,
        plan=plan,
        deliverable=deliverable,
        risk=RiskCheck(rules_run=[], findings=[]),
        warnings=list(inp.facts.warnings),
    )
    say("phase risk: running validators")
    start = time.perf_counter()
    bp.risk = check_blueprint(bp, inp.facts)
    runs.append(
        PhaseRun(phase="risk", model="validators", seconds=round(time.perf_counter() - start, 3))
    )
    bp.runs = runs
    return bp
