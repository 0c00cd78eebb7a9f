"""The library entry points: the same code path as the CLI."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from os import PathLike

from .planner import PlanInput, build_workflow, parse_context, selection_of
from .schemas import Blueprint, Facts

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
    model: str = "offline",
    base_url: str | None = None,
    fallback: str = "none",
    timeout: float | None = None,
    phase_deadline: float | None = None,
    max_retries: int | None = None,
    context_window: int | None = None,
    api_key_env: str | None = None,
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
            (keys from OPENAI_API_KEY / ANTHROPIC_API_KEY).
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
        on_progress: called with one line per phase, for long runs.

    Raises:
        UsageError: empty goal, unknown operation, nothing matches the goal.
        DocumentError: a document cannot be read.
    """
    from .exceptions import UsageError
    from .phases import run_phases
    from .providers import resolve_provider
    from .sources import load_facts

    if not goal or not goal.strip():
        raise UsageError("--goal is empty: say in plain words what the integration must do")
    for name, value in (
        ("--deadline", deadline),
        ("timeout", timeout),
        ("phase_deadline", phase_deadline),
    ):
        _require_seconds(name, value)
    if max_retries is not None and (
        isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0
    ):
        raise UsageError(f"max_retries {max_retries!r}: must be a whole number, 0 or more")
    if context_window is not None and (
        isinstance(context_window, bool)
        or not isinstance(context_window, int)
        or context_window < _MIN_CONTEXT_WINDOW
    ):
        raise UsageError(
            f"context_window {context_window!r}: a whole number of tokens, at least "
            f"{_MIN_CONTEXT_WINDOW}"
        )
    from ._tracing import make_tracer

    tracer = (
        make_tracer("apiplan.plan", {"goal": goal, "model": model}) if model != "offline" else None
    )
    bounds = {
        k: v
        for k, v in (
            ("read_timeout", timeout),
            ("phase_deadline", phase_deadline),
            ("sdk_max_retries", max_retries),
            ("context_window", context_window),
            ("api_key_env", api_key_env),
        )
        if v is not None
    }
    provider = resolve_provider(
        model, base_url=base_url, fallback=fallback, tracer=tracer, bounds=bounds
    )
    if isinstance(docs, Facts):
        facts = docs
        if code:
            from .sources._code import read_code

            facts = facts.model_copy()
            facts.code = facts.code + read_code(list(code)).files
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


def _require_seconds(name: str, value: object) -> None:
    """A bound in seconds must be a finite positive number: NaN compares false to everything
    and infinity is no bound, so both would slip past a plain ``<= 0`` test."""
    from .exceptions import UsageError

    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise UsageError(f"{name} {value!r}: must be a positive, finite number of seconds")


async def aplan(
    docs: Sequence[str | PathLike[str]] | Facts,
    *,
    goal: str,
    context: Sequence[str] = (),
    operations: Sequence[str] = (),
    deadline: float | None = None,
    code: Sequence[str | PathLike[str]] = (),
    model: str = "offline",
    base_url: str | None = None,
    fallback: str = "none",
    timeout: float | None = None,
    phase_deadline: float | None = None,
    max_retries: int | None = None,
    context_window: int | None = None,
    api_key_env: str | None = None,
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
    )
