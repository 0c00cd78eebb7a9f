"""The library entry points: the same code path as the CLI."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from os import PathLike
from typing import TYPE_CHECKING

from .exceptions import UsageError
from .planner import PlanInput, build_workflow, parse_context, selection_of
from .schemas import Blueprint, Facts

if TYPE_CHECKING:
    from ._tracing import LangfuseTracer, NoTracer
    from .providers import PhaseProvider

# Below this no phase prompt fits (the role and instructions alone take about a thousand).
_MIN_CONTEXT_WINDOW = 1024


def plan(
    docs: Sequence[str | PathLike[str]] | Facts,
    *,
    goal: str,
    context: Sequence[str] = (),
    operations: Sequence[str] = (),
    deadline: float | None = None,
    code: Sequence[str | PathLike[str]] = (),
    model: str | PhaseProvider = "offline",
    base_url: str | None = None,
    fallback: str = "none",
    timeout: float | None = None,
    phase_deadline: float | None = None,
    max_retries: int | None = None,
    context_window: int | None = None,
    api_key_env: str | None = None,
    llm_mode: str | None = None,
    run_deadline: float | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> Blueprint:
    """Build an integration blueprint for ``goal`` from API documents.

    Args:
        docs: paths of API documents, or facts already loaded with :func:`apiplan.load_facts`.
        goal: what the user wants to build, in plain words.
        context: constraints and facts about the user's situation (deadline, volume, stack).
        operations: 'METHOD:/path' pins; when given, no ranking is done.
        deadline: total seconds one call may take, retries included.
        code: existing client code; the plan speaks in its stack and the risk check covers it.
        model: 'offline' (default): the deterministic planner; or 'openai:MODEL',
            'anthropic:MODEL', 'ollama:MODEL', 'llamacpp:MODEL', 'openai-compatible:MODEL'
            (keys from OPENAI_API_KEY / ANTHROPIC_API_KEY); or a :class:`PhaseProvider`
            instance: a host's own model client behind the same seam (see
            :class:`apiplan.testing.TestProvider` for a test double). The options below that
            configure a named model (base_url ... llm_mode) do not apply to an instance.
        base_url: an OpenAI-compatible server's URL (llama.cpp, vLLM, Ollama, LM Studio).
        fallback: 'offline' fills a phase the LLM could not produce from the offline planner
            (marked in the blueprint); 'none' raises PhaseError.
        timeout: read timeout of each LLM request in seconds (default LLM_READ_TIMEOUT_SECONDS).
        phase_deadline: wall clock of one LLM phase, re-asks included (LLM_PHASE_DEADLINE_SECONDS).
        max_retries: SDK retries per request (LLM_SDK_MAX_RETRIES).
        context_window: the model's context window in tokens; a phase prompt that cannot fit
            beside the answer is never sent (PhaseError, or the offline planner with fallback).
        api_key_env: environment variable holding the key for an OpenAI-compatible server.
            Without it such servers get no key: OPENAI_API_KEY goes only to api.openai.com and
            ANTHROPIC_API_KEY only to api.anthropic.com.
        llm_mode: 'decisions' (default): the model answers small structured questions (which
            operations and why, safe to repeat, error classes, which questions matter) and the
            offline planner renders the rest; 'documents': it writes whole phase objects.
        run_deadline: wall clock of all the LLM calls of the run, in seconds
            (LLM_RUN_DEADLINE_SECONDS); past it every remaining decision is the offline one.
        on_progress: called with one line per phase, for long runs.

    Raises:
        UsageError: empty goal, unknown operation, nothing matches the goal; ``parameter``
            names the argument at fault.
        DocumentError: a document cannot be read.
    """
    from .phases import run_phases
    from .sources import load_facts

    if not goal or not goal.strip():
        raise UsageError(
            "goal is empty: say in plain words what the integration must do", parameter="goal"
        )
    for name, value in (
        ("deadline", deadline),
        ("timeout", timeout),
        ("phase_deadline", phase_deadline),
        ("run_deadline", run_deadline),
    ):
        _require_seconds(name, value)
    if max_retries is not None and (
        isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0
    ):
        raise UsageError(
            f"max_retries {max_retries!r}: must be a whole number, 0 or more",
            parameter="max_retries",
        )
    if llm_mode not in (None, "decisions", "documents"):
        raise UsageError(
            f"llm_mode {llm_mode!r}: use 'decisions' or 'documents'", parameter="llm_mode"
        )
    if context_window is not None and (
        isinstance(context_window, bool)
        or not isinstance(context_window, int)
        or context_window < _MIN_CONTEXT_WINDOW
    ):
        raise UsageError(
            f"context_window {context_window!r}: a whole number of tokens, at least "
            f"{_MIN_CONTEXT_WINDOW}",
            parameter="context_window",
        )
    provider, tracer = _provider(
        model,
        goal=goal,
        base_url=base_url,
        fallback=fallback,
        # Keyed by the parameter's name; _provider gives the provider its settings' names.
        settings={
            "timeout": timeout,
            "phase_deadline": phase_deadline,
            "max_retries": max_retries,
            "context_window": context_window,
            "api_key_env": api_key_env,
            "llm_mode": llm_mode,
            "run_deadline": run_deadline,
        },
    )
    if isinstance(docs, Facts):
        facts = docs
        if code:
            # The code read as load_facts reads it, added to the facts given.
            extra = load_facts([], code=list(code)).code
            facts = facts.model_copy()
            facts.code = facts.code + extra
    else:
        facts = load_facts(list(docs), code=list(code))
    if not facts.operations:
        raise UsageError(
            "apiplan found no operations in these documents to plan for "
            "(see `apiplan facts` for what it read and any lines it did not understand)"
        )
    ctx = parse_context(goal, list(context))
    workflow = build_workflow(facts, goal, pins=list(operations))
    inp = PlanInput(
        facts=facts,
        goal=goal.strip(),
        ctx=ctx,
        selection=selection_of(workflow),
        deadline=deadline,
        code_stack=facts.code_stack,
        workflow=workflow,
    )
    try:
        return run_phases(inp, provider, on_progress=on_progress)
    finally:
        if tracer is not None:
            tracer.close()


# plan()'s parameter -> the LLM settings field it sets.
_SETTING = {
    "timeout": "read_timeout",
    "phase_deadline": "phase_deadline",
    "max_retries": "sdk_max_retries",
    "context_window": "context_window",
    "api_key_env": "api_key_env",
    "llm_mode": "mode",
    "run_deadline": "run_deadline",
}


def _provider(
    model: str | PhaseProvider,
    *,
    goal: str,
    base_url: str | None,
    fallback: str,
    settings: dict[str, float | int | str | None],
) -> tuple[PhaseProvider, LangfuseTracer | NoTracer | None]:
    """The provider a model names (with its tracer), or the instance given, as it is."""
    from .providers import resolve_provider

    given = [k for k, v in settings.items() if v is not None]
    if not isinstance(model, str):
        given += ["base_url"] * (base_url is not None) + ["fallback"] * (fallback != "none")
        if given:
            raise UsageError(
                f"{given[0]}: configures a model named by a string; a PhaseProvider instance "
                "brings its own client and settings",
                parameter=given[0],
            )
        missing = [a for a in ("name", "scope", "plan", "deliverable") if not hasattr(model, a)]
        if missing:
            raise UsageError(
                f"model: a model name or a PhaseProvider (name, scope, plan, deliverable); "
                f"{type(model).__name__} has no {missing[0]!r}",
                parameter="model",
            )
        return model, None
    from ._tracing import make_tracer

    tracer = (
        make_tracer("apiplan.plan", {"goal": goal, "model": model}) if model != "offline" else None
    )
    provider = resolve_provider(
        model,
        base_url=base_url,
        fallback=fallback,
        tracer=tracer,
        bounds={_SETTING[k]: settings[k] for k in given},
    )
    return provider, tracer


def _require_seconds(name: str, value: object) -> None:
    """A bound in seconds must be a finite positive number: NaN compares false to everything
    and infinity is no bound, so both would slip past a plain ``<= 0`` test."""
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise UsageError(
            f"{name} {value!r}: must be a positive, finite number of seconds", parameter=name
        )


async def aplan(
    docs: Sequence[str | PathLike[str]] | Facts,
    *,
    goal: str,
    context: Sequence[str] = (),
    operations: Sequence[str] = (),
    deadline: float | None = None,
    code: Sequence[str | PathLike[str]] = (),
    model: str | PhaseProvider = "offline",
    base_url: str | None = None,
    fallback: str = "none",
    timeout: float | None = None,
    phase_deadline: float | None = None,
    max_retries: int | None = None,
    context_window: int | None = None,
    api_key_env: str | None = None,
    llm_mode: str | None = None,
    run_deadline: float | None = None,
) -> Blueprint:
    """:func:`plan` for async hosts: the same path, run in a worker thread so the event loop
    stays free (the SDK calls inside are bounded by the same timeouts and deadlines)."""
    import asyncio

    return await asyncio.to_thread(
        plan,
        docs,
        goal=goal,
        context=context,
        operations=operations,
        deadline=deadline,
        code=code,
        model=model,
        base_url=base_url,
        fallback=fallback,
        timeout=timeout,
        phase_deadline=phase_deadline,
        max_retries=max_retries,
        context_window=context_window,
        api_key_env=api_key_env,
        llm_mode=llm_mode,
        run_deadline=run_deadline,
    )
