"""LLM phases through instructor: OpenAI, Anthropic and OpenAI-compatible servers.

Each phase sends the role prompt and the phase template (the user's goal and context whole, the
facts as delimited data, credentials redacted) and asks instructor for the phase's Pydantic model,
validated against the facts, so that an invented name comes back to the model as a re-ask naming
it. Bounds on every call: connect and read timeouts on the SDK client, bounded retries of 429/5xx
(which honour Retry-After), bounded re-asks, and a wall-clock deadline per phase. A server on this
machine (a loopback base URL) usually serves one request at a time: the SDK's own retries are off
there, so a read timeout is never resent onto a server still busy with the first request; 429 and
5xx are retried here instead, within the phase deadline.

The settings and endpoint live in ``_settings``, the SDK client in ``_client``, one bounded call
and its failure in ``_calls``; decisions mode asks its questions through ``_ask``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from .._prompts import render
from .._secrets import redact
from .._text import strip_controls
from .._tokens import count_tokens
from ..exceptions import PhaseError
from ..planner import PlanInput
from ..schemas import ChatAnswer, DecisionRun, Deliverable, Scope, WorkingPlan
from ._calls import PhaseDeadline, errors_of, failure_reason, retry_wait, run_in_daemon
from ._client import build_client, server_context_window
from ._offline import OfflineProvider
from ._settings import LLMSettings, endpoint_url, is_loopback

M = TypeVar("M", bound=BaseModel)

# Tokens the chat format adds around the messages (roles, separators) beyond their text.
_MESSAGE_OVERHEAD_TOKENS = 64
# The least room for an answer worth asking for: a phase object is rarely shorter.
_MIN_OUTPUT_TOKENS = 512


@dataclass
class PhaseInfo:
    model: str
    fallback: bool = False
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    prompt_tokens_estimated: int | None = None
    exact_count: bool = False
    errors: list[str] = field(default_factory=list[str])
    # Where the calls went (no credentials) and, when the phase failed, why in a few words.
    url: str = ""
    reason: str | None = None
    # Decisions mode: each decision and where it came from; the calls made.
    decisions: list[DecisionRun] = field(default_factory=list[DecisionRun])
    calls: int = 0
    largest_prompt: int = 0
    # Decisions mode: the phase had no question for the model (it is the offline planner's).
    nothing_asked: bool = False


class LLMProvider:
    """Fills scope, plan and deliverable through an LLM; the risk phase stays deterministic."""

    def __init__(self, settings: LLMSettings, *, client: Any = None, tracer: Any = None) -> None:
        self.settings = settings
        self.name = settings.label
        # Built now: a missing key or SDK is reported before any document is read.
        self._client = client if client is not None else build_client(settings)
        self._built_here = client is None
        self._offline = OfflineProvider()
        self.run_info: dict[str, PhaseInfo] = {}
        # Run state shared with decisions mode (``_ask``), which reads and sets it.
        self.tracer = tracer
        self.asked_window = False  # the server was asked its context window (once per run)
        self.run_started: float | None = None  # the first call's start: the run deadline's origin

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = build_client(self.settings)
        return self._client

    # -- the seam -------------------------------------------------------------------------------------
    def scope(self, inp: PlanInput) -> Scope:
        if self.settings.mode == "decisions":
            from ._scope_questions import scope_questions

            offline = self._offline.scope(inp)
            return self._decide("scope", offline, scope_questions(inp, offline))
        values = self._values(inp)
        values["selected"] = [c.key for c in inp.selection]
        values["selection_json"] = "[" + ", ".join(c.model_dump_json() for c in inp.selection) + "]"
        result = self._phase(
            "scope", Scope, render("scope", **values), inp, lambda: self._offline.scope(inp)
        )
        # The selection is the planner's (the user's pins or the ranking), never the model's.
        result.selection = inp.selection
        return result

    def plan(self, inp: PlanInput, scope: Scope) -> WorkingPlan:
        if self.settings.mode == "decisions":
            from ._plan_questions import plan_questions

            offline = self._offline.plan(inp, scope)
            return self._decide("plan", offline, plan_questions(inp, offline))
        values = self._values(inp)
        values.update(
            scope_json=scope.model_dump_json(exclude_defaults=True),
            stack=inp.stack,
            deadline=inp.deadline or inp.ctx.deadline_seconds,
        )
        return self._phase(
            "plan",
            WorkingPlan,
            render("plan", **values),
            inp,
            lambda: self._offline.plan(inp, scope),
        )

    def deliverable(self, inp: PlanInput, scope: Scope, plan: WorkingPlan) -> Deliverable:
        if self.settings.mode == "decisions":
            from ._deliverable_questions import deliverable_questions

            offline = self._offline.deliverable(inp, scope, plan)
            questions = deliverable_questions(inp, offline, plan)
            return self._decide("deliverable", offline, questions)
        values = self._values(inp)
        values.update(
            scope_json=scope.model_dump_json(exclude_defaults=True),
            plan_json=plan.model_dump_json(exclude_defaults=True),
        )
        return self._phase(
            "deliverable",
            Deliverable,
            render("deliverable", **values),
            inp,
            lambda: self._offline.deliverable(inp, scope, plan),
        )

    def answer(self, inp: PlanInput, blueprint_json: str, question: str) -> ChatAnswer:
        """A free-text question in chat, answered from the facts and the current blueprint."""
        values = self._values(inp)
        prompt = render("chat", **values, blueprint_json=blueprint_json, question=question)
        return self._phase("chat", ChatAnswer, prompt, inp, None)

    # -- internals ------------------------------------------------------------------------------------
    def _decide(self, phase: str, offline: M, questions: list[Any]) -> M:
        """Decisions mode: the offline phase, changed where the model's answers pass the checks."""
        from ._ask import decide

        return decide(self, phase, offline, questions)

    def close_client(self) -> None:
        sdk = getattr(self._client, "client", None)
        close = getattr(sdk, "close", None)
        if callable(close):
            # Closing is best effort: the deadline error is what the caller must see.
            with contextlib.suppress(Exception):
                close()
        if self._built_here:
            self._client = None  # the next phase builds a fresh client

    def _values(self, inp: PlanInput) -> dict[str, Any]:
        from ._budget import facts_for_prompt

        facts_json = inp.notes.get("facts_json")
        if facts_json is None:
            facts_json = inp.notes["facts_json"] = facts_for_prompt(
                inp, budget_tokens=self.settings.budget_tokens
            )
        return {"goal": inp.goal, "context": inp.ctx.sentences, "facts_json": facts_json}

    def _phase(
        self,
        phase: str,
        model_cls: type[M],
        prompt: str,
        inp: PlanInput,
        offline: Callable[[], M] | None,
    ) -> M:
        from ..validators import Known, phase_problems

        known = inp.notes.get("known")
        if known is None:
            known = inp.notes["known"] = Known.of(inp.facts)
        system = render("role")
        messages = [
            {"role": "system", "content": system},
            # The facts are masked where they were read; the goal and context are the user's
            # own words: redact them too, and drop control characters a terminal would act on.
            {"role": "user", "content": redact(strip_controls(prompt))},
        ]
        info = PhaseInfo(model=self.name, url=endpoint_url(self.settings))
        estimate, exact = count_tokens(system + messages[1]["content"])
        info.prompt_tokens_estimated, info.exact_count = estimate, exact
        max_tokens = self.settings.max_output_tokens
        window = self.settings.context_window
        if window is None and not self.asked_window:
            self.asked_window = True  # once per run: a server that does not say is not re-asked
            window = self.settings.context_window = server_context_window(self.settings)
        if window is not None:
            room = window - estimate - _MESSAGE_OVERHEAD_TOKENS
            if room < min(max_tokens, _MIN_OUTPUT_TOKENS):
                # Never send what cannot fit: the server would answer 400 or cut the answer.
                self.run_info[phase] = info
                problem = (
                    f"the {phase} prompt needs about {estimate} tokens"
                    f"{'' if exact else ' (estimated)'}, the {window}-token context window "
                    f"leaves no room for the answer; select fewer operations or use a model "
                    f"with a larger window (--context-window)"
                )
                info.errors.append(problem)
                info.reason = "context window"
                if not self.settings.fallback_offline or offline is None:
                    raise PhaseError(phase, self.name, [problem], url=info.url, reason=info.reason)
                info.fallback = True
                return offline()
            max_tokens = min(max_tokens, room)
        self.run_info[phase] = info
        span = self.tracer.span(phase, prompt_tokens=estimate) if self.tracer is not None else None
        client = self.client  # a missing key or SDK is a usage error, not a phase failure
        start = time.monotonic()
        deadline = start + self.settings.phase_deadline
        # Our own 429/5xx retries where the SDK's are off (a loopback server).
        own_retries = self.settings.sdk_max_retries if is_loopback(self.settings) else 0

        def call() -> tuple[M, Any]:
            attempt = 0
            while True:
                try:
                    return client.chat.completions.create_with_completion(
                        model=self.settings.model,
                        response_model=model_cls,
                        messages=messages,
                        max_retries=self.settings.max_reasks,
                        max_tokens=max_tokens,
                        context={"apiplan_known": known, "apiplan_check": phase_problems},
                    )
                except Exception as exc:
                    wait = retry_wait(exc, attempt)
                    if wait is None or attempt >= own_retries:
                        raise
                    if time.monotonic() + wait >= deadline:
                        raise  # the wait would outlast the phase deadline
                    attempt += 1
                    time.sleep(wait)

        try:
            future = run_in_daemon(call, name=f"apiplan-{phase}")
            try:
                result, completion = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except concurrent.futures.TimeoutError:
                # Close the connection: the server stops generating. The worker is a daemon
                # thread, so the process can exit at once whatever the socket does.
                self.close_client()
                raise PhaseDeadline(
                    f"no valid answer within the {self.settings.phase_deadline:g} s phase deadline"
                ) from None
            usage = getattr(completion, "usage", None)
            if usage is not None:
                info.prompt_tokens = getattr(usage, "prompt_tokens", None) or getattr(
                    usage, "input_tokens", None
                )
                info.completion_tokens = getattr(usage, "completion_tokens", None) or getattr(
                    usage, "output_tokens", None
                )
            if span is not None:
                span.end(
                    output=result.model_dump_json()[:4000],
                    seconds=round(time.monotonic() - start, 2),
                    prompt_tokens=info.prompt_tokens,
                    completion_tokens=info.completion_tokens,
                )
            return result
        except Exception as exc:  # the SDKs, instructor and the deadline all end here
            info.errors += [str(exc)] if isinstance(exc, PhaseDeadline) else errors_of(exc)
            info.reason = failure_reason(exc, self.settings.max_reasks)
            if span is not None:
                span.end(output=None, error=info.errors[-1] if info.errors else type(exc).__name__)
            if not self.settings.fallback_offline or offline is None:
                raise PhaseError(
                    phase,
                    self.name,
                    info.errors or [type(exc).__name__],
                    url=info.url,
                    reason=info.reason,
                ) from exc
            info.fallback = True
            return offline()
