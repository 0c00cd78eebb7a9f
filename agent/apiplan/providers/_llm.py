"""LLM phases through instructor: OpenAI, Anthropic and OpenAI-compatible servers.

Each phase sends the role prompt and the phase template (the user's goal and context whole, the
facts as delimited data, credentials redacted) and asks instructor for the phase's Pydantic model,
validated against the facts, so that an invented name comes back to the model as a re-ask naming
it. Bounds on every call: connect and read timeouts on the SDK client, bounded retries of 429/5xx
(which honour Retry-After), bounded re-asks, and a wall-clock deadline per phase. A server on this
machine (a loopback base URL) usually serves one request at a time: the SDK's own retries are off
there, so a read timeout is never resent onto a server still busy with the first request; 429 and
5xx are retried here instead, within the phase deadline.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ipaddress
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast
from urllib.parse import urlparse

from pydantic import BaseModel

from .._constants import (
    LLM_CONNECT_TIMEOUT_SECONDS,
    LLM_IDLE_TIMEOUT_SECONDS,
    LLM_MAX_OUTPUT_TOKENS,
    LLM_MAX_REASKS,
    LLM_PHASE_DEADLINE_SECONDS,
    LLM_PROMPT_BUDGET_TOKENS,
    LLM_READ_TIMEOUT_SECONDS,
    LLM_RUN_DEADLINE_SECONDS,
    LLM_SDK_MAX_RETRIES,
)
from .._prompts import render
from .._secrets import redact
from .._text import strip_controls
from .._tokens import count_tokens
from ..exceptions import PhaseError, UsageError
from ..planner import PlanInput
from ..schemas import ChatAnswer, DecisionRun, Deliverable, Scope, WorkingPlan
from ._offline import OfflineProvider

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# Local OpenAI-compatible servers and the port each listens on by default.
_COMPATIBLE = {
    "ollama": "http://127.0.0.1:11434/v1",
    "llamacpp": "http://127.0.0.1:8080/v1",  # llama.cpp's llama-server
    "llamacpp-python": "http://127.0.0.1:8000/v1",  # python -m llama_cpp.server
    "vllm": "http://127.0.0.1:8000/v1",
    "lmstudio": "http://127.0.0.1:1234/v1",
    "openai-compatible": None,
}
_DEFAULT_URLS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}
# The longest Retry-After honoured, and the wait when a 429/5xx names none.
_RETRY_AFTER_CAP_SECONDS = 30.0
_RETRY_BASE_SECONDS = 0.5


@dataclass
class LLMSettings:
    """Where and how to call the model; every bound has a named default."""

    provider: str
    model: str
    base_url: str | None = None
    connect_timeout: float = LLM_CONNECT_TIMEOUT_SECONDS
    read_timeout: float = LLM_READ_TIMEOUT_SECONDS
    sdk_max_retries: int = LLM_SDK_MAX_RETRIES
    max_reasks: int = LLM_MAX_REASKS
    phase_deadline: float = LLM_PHASE_DEADLINE_SECONDS
    budget_tokens: int = LLM_PROMPT_BUDGET_TOKENS
    max_output_tokens: int = LLM_MAX_OUTPUT_TOKENS
    fallback_offline: bool = False
    # The model's context window in tokens, when known (--context-window): a prompt that
    # cannot fit beside max_output_tokens is never sent.
    context_window: int | None = None
    # The environment variable holding the key for an OpenAI-compatible server; without it such
    # servers get no key at all (a provider's key goes only to that provider's own host).
    api_key_env: str | None = None
    # 'decisions' (default): the model answers small structured questions and the offline
    # planner renders the rest; 'documents': the model writes whole phase objects (for large
    # models only: a small one never gets one accepted).
    mode: str = "decisions"
    # Once an answer streams, the longest silence between two chunks (the first-token wait is
    # read_timeout: a CPU server may read the prompt for minutes).
    idle_timeout: float = LLM_IDLE_TIMEOUT_SECONDS
    # Wall clock of all the LLM calls of one run.
    run_deadline: float = LLM_RUN_DEADLINE_SECONDS

    @property
    def label(self) -> str:
        return f"{self.provider}:{self.model}"


def parse_model(spec: str, *, base_url: str | None = None, fallback: str = "none") -> LLMSettings:
    """'openai:gpt-4.1', 'anthropic:claude-sonnet-4-5', 'ollama:llama3', 'openai-compatible:m'."""
    provider, sep, model = spec.partition(":")
    if not sep or not model:
        raise UsageError(
            f"--model {spec!r}: expected PROVIDER:MODEL, e.g. openai:gpt-4.1 or anthropic:claude-sonnet-4-5"
        )
    provider = provider.lower()
    if provider not in ("openai", "anthropic", *_COMPATIBLE):
        raise UsageError(
            f"--model {spec!r}: unknown provider {provider!r} (openai, anthropic, ollama, llamacpp, llamacpp-python, vllm, lmstudio, openai-compatible)"
        )
    if provider in _COMPATIBLE:
        base_url = base_url or _COMPATIBLE[provider]
        if base_url is None:
            raise UsageError(
                "--model openai-compatible:... needs --base-url (e.g. http://127.0.0.1:8080/v1)"
            )
    elif provider == "openai" and base_url:
        provider = "openai-compatible"
    elif provider == "anthropic" and base_url:
        pass  # a proxy or a local test server speaking the Messages API
    if fallback not in ("none", "offline"):
        raise UsageError(f"--fallback {fallback!r}: use 'offline' or 'none'")
    return LLMSettings(
        provider=provider, model=model, base_url=base_url, fallback_offline=fallback == "offline"
    )


def _install_hint(package: str) -> UsageError:
    extra = {"anthropic": "apiplan[anthropic]"}.get(package, package)
    return UsageError(f"the {package} SDK is not installed: pip install '{extra}'")


_OWN_HOSTS = {"openai": "api.openai.com", "anthropic": "api.anthropic.com"}


def api_key_for(settings: LLMSettings) -> str | None:
    """The key this endpoint may receive. OPENAI_API_KEY goes only to api.openai.com and
    ANTHROPIC_API_KEY only to api.anthropic.com; any other URL (a proxy, a local server) gets
    the variable the user named with --api-key-env, or no key."""
    if settings.api_key_env:
        return os.environ.get(settings.api_key_env)
    family = "anthropic" if settings.provider == "anthropic" else "openai"
    host = urlparse(settings.base_url).hostname if settings.base_url else _OWN_HOSTS[family]
    if host != _OWN_HOSTS[family] or settings.provider not in ("openai", "anthropic"):
        return None
    return os.environ.get(f"{family.upper()}_API_KEY")


def endpoint_url(settings: LLMSettings) -> str:
    """The URL the calls go to, without user, password, query or fragment (safe to print)."""
    url = settings.base_url or _DEFAULT_URLS.get(settings.provider, "")
    parts = urlparse(url)
    if not parts.scheme or not parts.hostname:
        return ""
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def is_loopback(settings: LLMSettings) -> bool:
    """True when the base URL names this machine (localhost, 127.0.0.0/8, ::1)."""
    host = urlparse(settings.base_url).hostname if settings.base_url else None
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sdk_retries(settings: LLMSettings) -> int:
    """Retries left to the SDK: none on a loopback server (a read timeout must not be resent onto
    a single-slot server still working on it); 429/5xx are retried by the phase instead."""
    return 0 if is_loopback(settings) else settings.sdk_max_retries


def build_client(settings: LLMSettings) -> Any:
    """An instructor client with explicit timeouts and bounded SDK retries."""
    try:
        import httpx
        import instructor
    except ImportError:
        raise _install_hint("instructor") from None
    read = settings.read_timeout
    if settings.mode == "decisions":
        # Streamed: the first-token and idle bounds are watched by the caller (_stream); the
        # socket's own read timeout is only the backstop behind them.
        read = max(read, settings.idle_timeout) + _BACKSTOP_SECONDS
    timeout = httpx.Timeout(read, connect=settings.connect_timeout)
    if settings.provider == "anthropic":
        key = api_key_for(settings)
        if not key and not settings.base_url:
            raise UsageError(
                "ANTHROPIC_API_KEY is not set (export it; keys are never taken on the command line)"
            )
        try:
            import anthropic
        except ImportError:
            raise _install_hint("anthropic") from None
        client = anthropic.Anthropic(
            api_key=key or "not-needed",
            base_url=settings.base_url,
            timeout=timeout,
            max_retries=sdk_retries(settings),
        )
        return instructor.from_anthropic(client, mode=instructor.Mode.TOOLS)
    try:
        import openai
    except ImportError:
        raise _install_hint("openai") from None
    key = api_key_for(settings)
    if settings.provider == "openai" and not key:
        raise UsageError(
            "OPENAI_API_KEY is not set (export it; keys are never taken on the command line)"
        )
    client = openai.OpenAI(
        api_key=key or "not-needed",
        base_url=settings.base_url,
        timeout=timeout,
        max_retries=sdk_retries(settings),
    )
    # Local servers rarely support tool calls; JSON mode works on llama.cpp, vLLM, Ollama, LM Studio.
    mode = instructor.Mode.TOOLS if settings.provider == "openai" else instructor.Mode.JSON
    return instructor.from_openai(client, mode=mode)


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
            from ._decisions import scope_questions

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
            from ._decisions import plan_questions

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
            from ._decisions import deliverable_questions

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
                raise _Deadline(
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
            info.errors += [str(exc)] if isinstance(exc, _Deadline) else errors_of(exc)
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


def run_in_daemon(fn: Callable[[], T], *, name: str) -> concurrent.futures.Future[T]:
    """Run ``fn`` in a daemon thread: a call abandoned at the deadline never delays the exit
    (a pool's worker thread is joined at interpreter exit, however long its socket waits)."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            result = fn()
        except BaseException as exc:  # handed to the caller, who re-raises it, through the future
            future.set_exception(exc)
            return
        future.set_result(result)

    threading.Thread(target=work, name=name, daemon=True).start()
    return future


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes (instructor wraps the SDK's error in its own)."""
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out and len(out) < 8:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def _status_of(exc: BaseException) -> int | None:
    for e in _chain(exc):
        status = getattr(e, "status_code", None)
        if isinstance(status, int):
            return status
    return None


def retry_wait(exc: BaseException, attempt: int) -> float | None:
    """Seconds to wait before resending after a 429 or 5xx (Retry-After when given, capped);
    None for anything else: a timeout, a refused connection or an invalid answer is not resent."""
    status = _status_of(exc)
    if status is None or not (status == 429 or status >= 500):
        return None
    for e in _chain(exc):
        response = getattr(e, "response", None)
        headers = getattr(response, "headers", None)
        value = headers.get("retry-after") if headers is not None else None
        if value:
            with contextlib.suppress(ValueError):
                return min(max(float(value), 0.0), _RETRY_AFTER_CAP_SECONDS)
    return float(min(_RETRY_BASE_SECONDS * 2**attempt, _RETRY_AFTER_CAP_SECONDS))


def failure_reason(exc: BaseException, max_reasks: int) -> str:
    """Why a phase failed, in a few words a user can act on."""
    if isinstance(exc, _Deadline):
        return "deadline"
    names = {type(e).__name__ for e in _chain(exc)}
    if "IncompleteOutputException" in names:
        return "cut off at the length limit"
    if names & {"APITimeoutError", "ReadTimeout", "TimeoutException", "ConnectTimeout"}:
        return "connection: timed out"
    if names & {"APIConnectionError", "ConnectError", "RemoteProtocolError"}:
        return "connection: no answer from the server"
    status = _status_of(exc)
    if status is not None:
        return f"HTTP {status}"
    if getattr(exc, "failed_attempts", None):
        return f"invalid after {max_reasks} re-asks"
    return type(exc).__name__


def server_context_window(settings: LLMSettings) -> int | None:
    """The context size a llama.cpp server reports (GET /props), asked once with a short
    timeout and no retry; None for other providers or when the server does not say."""
    if settings.provider != "llamacpp" or not settings.base_url:
        return None
    try:
        import httpx
    except ImportError:
        return None
    root = settings.base_url.rstrip("/").removesuffix("/v1")
    try:
        response = httpx.get(
            f"{root}/props",
            timeout=httpx.Timeout(_PROPS_TIMEOUT_SECONDS),
            follow_redirects=False,
        )
        data = json_object(response.json() if response.status_code == 200 else {})
    except Exception:  # a best-effort probe: any failure only means the window stays unknown
        return None
    if data is None:
        return None
    general = json_object(data.get("default_generation_settings"))
    n_ctx = general.get("n_ctx") if general is not None else data.get("n_ctx")
    return n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None


def json_object(value: object) -> dict[str, object] | None:
    """``value`` when it is a JSON object (parsed JSON: its keys are strings), else None."""
    if not isinstance(value, dict):
        return None
    # isinstance leaves the item types unknown; parsed JSON's keys are strings.
    return cast("dict[str, object]", value)


# How much longer than the streamed bounds the socket waits (they must fire first).
_BACKSTOP_SECONDS = 2.0
# GET /props is a local, cheap call: a server that does not answer at once does not have it.
_PROPS_TIMEOUT_SECONDS = 2.0


# Tokens the chat format adds around the messages (roles, separators) beyond their text.
_MESSAGE_OVERHEAD_TOKENS = 64
# The least room for an answer worth asking for: a phase object is rarely shorter.
_MIN_OUTPUT_TOKENS = 512


class _Deadline(Exception):
    """The phase's wall-clock deadline passed (the worker thread is abandoned; its socket times out)."""


def errors_of(exc: BaseException) -> list[str]:
    """The last validation errors (instructor keeps them) or the transport error, one line each."""
    out: list[str] = []
    # instructor's retry error keeps each failed attempt (an object with ``exception``).
    failed: list[object] = getattr(exc, "failed_attempts", None) or []
    for attempt in failed[-3:]:
        e = getattr(attempt, "exception", None)
        if e is not None:
            out.append(" ".join(str(e).split())[:400])
    if not out:
        text = " ".join(str(exc).split())[:400] or type(exc).__name__
        out.append(f"{type(exc).__name__}: {text}")
    return [redact(e) for e in out]
