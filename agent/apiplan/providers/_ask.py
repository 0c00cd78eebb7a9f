"""Asking the model its decisions: one bounded call per question, re-asked when the answer does
not parse or match the schema, and every item recorded as the model's or the offline planner's.

Each prompt is counted before it is sent (by the server's tokenizer where it has one) and never
sent when it cannot fit beside its answer. OpenAI-compatible servers are streamed (first-token,
idle and deadline bounds, see ``_stream``) with the server's constrained decoding when it has
one; Anthropic goes through instructor's tool mode. The phase's and the run's deadlines bound it
all; a transport failure ends the phase's questions at once (the next would fail the same way).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import BaseModel, ValidationError

from .._constants import LLM_DECISION_MAX_OUTPUT_TOKENS
from .._prompts import render
from .._secrets import redact
from .._text import strip_controls
from .._tokens import count_tokens
from ..exceptions import PhaseError
from ..schemas import DecisionRun
from ._decisions import Question

if TYPE_CHECKING:
    from ._llm import LLMProvider, PhaseInfo

M = TypeVar("M", bound=BaseModel)

# Tokens the chat format adds around the messages beyond their text.
_MESSAGE_OVERHEAD_TOKENS = 64


class DecisionFailed(Exception):
    """A question got no usable answer; ``reason`` in a few words, ``fatal`` when the next
    question would fail the same way (deadline, connection, no room in the window)."""

    def __init__(self, reason: str, detail: str, *, fatal: bool = False) -> None:
        super().__init__(detail)
        self.reason = reason
        self.fatal = fatal


def decide(provider: LLMProvider, phase: str, offline: M, questions: list[Question]) -> M:
    """Ask each question; apply what passes the checks to ``offline`` (changed in place)."""
    from ._llm import PhaseInfo
    from ._settings import endpoint_url

    info = PhaseInfo(model=provider.name, url=endpoint_url(provider.settings))
    provider.run_info[phase] = info
    start = time.monotonic()
    if provider.run_started is None:
        provider.run_started = start
    deadline = min(
        start + provider.settings.phase_deadline,
        provider.run_started + provider.settings.run_deadline,
    )
    info.nothing_asked = not questions
    stop: DecisionFailed | None = None
    for q in questions:
        if stop is None:
            tracer = provider.tracer
            span = tracer.span(f"{phase}:{q.name}") if tracer is not None else None
            asked = time.monotonic()
            try:
                answer = ask(provider, q, info, deadline)
            except DecisionFailed as exc:
                if span is not None:
                    span.end(output=None, error=f"{exc.reason}: {exc}")
                info.errors.append(redact(str(exc))[:400])
                info.reason = info.reason or exc.reason
                if not provider.settings.fallback_offline:
                    raise PhaseError(
                        phase, provider.name, info.errors, url=info.url, reason=exc.reason
                    ) from None
                info.decisions += [_offline(q, item, exc.reason) for item in q.items]
                if exc.fatal:
                    stop = exc
                continue
            runs = q.apply(answer)
            info.decisions += runs
            if span is not None:
                span.end(
                    output=answer.model_dump_json()[:4000],
                    seconds=round(time.monotonic() - asked, 2),
                    prompt_tokens=info.prompt_tokens,
                    completion_tokens=info.completion_tokens,
                    accepted=sum(d.source == "model" for d in runs),
                )
        else:
            info.decisions += [_offline(q, item, f"not asked: {stop.reason}") for item in q.items]
    taken = [d for d in info.decisions if d.source == "model"]
    info.fallback = bool(info.decisions) and not taken
    if info.fallback and info.reason is None:
        info.reason = "no decision passed the checks"
    return offline


def _offline(q: Question, item: str, reason: str) -> DecisionRun:
    return DecisionRun(
        decision=q.name,
        item=None if item == q.name else item,
        source="offline",
        reason=reason,
    )


def ask(provider: LLMProvider, q: Question, info: PhaseInfo, deadline: float) -> BaseModel:
    """One question, re-asked at most ``max_reasks`` times; raises :class:`DecisionFailed`."""
    from ._client import server_context_window
    from ._stream import server_token_count

    settings = provider.settings
    schema = compact_schema(q.model)
    system = render("decide_role")
    user = redact(strip_controls(q.prompt)) + render(
        "decide_answer", schema=json.dumps(schema, separators=(",", ":"))
    )
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    counted = server_token_count(settings, system + "\n" + user)
    exact = counted is not None
    tokens = counted if counted is not None else count_tokens(system + user)[0]
    info.prompt_tokens_estimated = (info.prompt_tokens_estimated or 0) + tokens
    info.largest_prompt = max(info.largest_prompt, tokens)
    info.exact_count = info.exact_count or exact
    max_tokens = min(q.max_tokens, settings.max_output_tokens, LLM_DECISION_MAX_OUTPUT_TOKENS)
    window = settings.context_window
    if window is None and not provider.asked_window:
        provider.asked_window = True
        window = settings.context_window = server_context_window(settings)
    if window is not None and tokens + _MESSAGE_OVERHEAD_TOKENS + max_tokens > window:
        raise DecisionFailed(
            "context window",
            f"the {q.name} prompt needs {tokens} tokens{'' if exact else ' (estimated)'} and "
            f"its answer {max_tokens}: more than the {window}-token window",
        )
    last = "no answer"
    for attempt in range(settings.max_reasks + 1):
        if time.monotonic() >= deadline:
            raise DecisionFailed(
                "deadline", "the deadline passed before the question was asked", fatal=True
            )
        if settings.provider == "anthropic":
            return _ask_instructor(provider, q, messages, max_tokens, info, deadline)
        text, finish = _stream_once(
            provider, q, messages, max_tokens, info, deadline, tokens, exact
        )
        if finish == "length":
            raise DecisionFailed(
                "cut off at the length limit",
                f"the {q.name} answer was cut off at {max_tokens} tokens",
            )
        try:
            return q.model.model_validate_json(_json_part(text))
        except ValidationError as exc:
            last = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}"
                for e in exc.errors()[:6]
            )
        if attempt < settings.max_reasks:
            messages = [
                *messages,
                {"role": "assistant", "content": text[:4000]},
                {"role": "user", "content": render("decide_reask", errors=last)},
            ]
    raise DecisionFailed(
        f"invalid after {settings.max_reasks} re-asks", f"the {q.name} answer: {last}"
    )


def compact_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema without titles (the prompt carries it: every token counts)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            obj = cast("dict[str, Any]", node)  # isinstance leaves the item types unknown
            return {
                k: strip(v) for k, v in obj.items() if not (k == "title" and isinstance(v, str))
            }
        if isinstance(node, list):
            return [strip(v) for v in cast("list[Any]", node)]
        return node

    return strip(model.model_json_schema())


def _json_part(text: str) -> str:
    """The JSON object in an answer (a model without constrained decoding may wrap it)."""
    body = text.strip()
    if body.startswith("```"):
        body = body.strip("`").removeprefix("json").strip()
    first, last = body.find("{"), body.rfind("}")
    return body[first : last + 1] if 0 <= first < last else body


def _stream_once(
    provider: LLMProvider,
    q: Question,
    messages: list[dict[str, str]],
    max_tokens: int,
    info: PhaseInfo,
    deadline: float,
    prompt_tokens: int,
    exact: bool,
) -> tuple[str, str | None]:
    """One streamed call, with our own 429/5xx retries where the SDK's are off."""
    from ._calls import failure_reason, retry_wait
    from ._settings import is_loopback
    from ._stream import StreamTimeout, response_format, stream_json

    settings = provider.settings
    client = getattr(provider.client, "client", provider.client)  # the SDK under instructor
    own_retries = settings.sdk_max_retries if is_loopback(settings) else 0
    attempt = 0
    while True:
        info.calls += 1
        try:
            result = stream_json(
                client,
                settings,
                messages=messages,
                max_tokens=max_tokens,
                fmt=response_format(settings, q.model.__name__, compact_schema(q.model)),
                first_token_timeout=settings.read_timeout,
                idle_timeout=settings.idle_timeout,
                deadline=deadline,
            )
        except StreamTimeout as exc:
            provider.close_client()
            raise DecisionFailed(exc.reason, str(exc), fatal=True) from None
        except Exception as exc:  # the SDK's transport and status errors
            wait = retry_wait(exc, attempt)
            if wait is not None and attempt < own_retries and time.monotonic() + wait < deadline:
                attempt += 1
                time.sleep(wait)
                continue
            reason = failure_reason(exc, settings.max_reasks)
            detail = " ".join(str(exc).split())[:300] or type(exc).__name__
            raise DecisionFailed(reason, f"{type(exc).__name__}: {detail}", fatal=True) from None
        used = result.prompt_tokens if result.prompt_tokens else (prompt_tokens if exact else None)
        if used:
            info.prompt_tokens = (info.prompt_tokens or 0) + used
        info.completion_tokens = (info.completion_tokens or 0) + (
            result.completion_tokens or result.chunks
        )
        return result.text, result.finish_reason


def _ask_instructor(
    provider: LLMProvider,
    q: Question,
    messages: list[dict[str, str]],
    max_tokens: int,
    info: PhaseInfo,
    deadline: float,
) -> BaseModel:
    """Anthropic: instructor's tool mode validates and re-asks; our deadline bounds it."""
    import concurrent.futures

    from ._calls import errors_of, failure_reason, run_in_daemon

    settings = provider.settings
    client = provider.client

    def call() -> tuple[BaseModel, Any]:
        return client.chat.completions.create_with_completion(
            model=settings.model,
            response_model=q.model,
            messages=messages,
            max_retries=settings.max_reasks,
            max_tokens=max_tokens,
        )

    info.calls += 1
    future = run_in_daemon(call, name=f"apiplan-{q.name}")
    try:
        result, completion = future.result(timeout=max(0.0, deadline - time.monotonic()))
    except concurrent.futures.TimeoutError:
        provider.close_client()
        raise DecisionFailed(
            "deadline", "no valid answer within the deadline", fatal=True
        ) from None
    except Exception as exc:
        reason = failure_reason(exc, settings.max_reasks)
        fatal = not reason.startswith("invalid")
        raise DecisionFailed(reason, "; ".join(errors_of(exc)), fatal=fatal) from None
    usage = getattr(completion, "usage", None)
    if usage is not None:
        info.prompt_tokens = (info.prompt_tokens or 0) + (getattr(usage, "input_tokens", 0) or 0)
        info.completion_tokens = (info.completion_tokens or 0) + (
            getattr(usage, "output_tokens", 0) or 0
        )
    return result
