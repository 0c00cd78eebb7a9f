"""One streamed chat call to an OpenAI-compatible server, bounded three ways.

A CPU server reads a long prompt for minutes and then streams tokens steadily, so one read
timeout cannot fit both: the wait for the first token (``first_token_timeout``) is separate from
the silence allowed between two chunks once the answer flows (``idle_timeout``), and a wall-clock
``deadline`` bounds the whole call. The stream is read in a daemon thread and watched from the
caller's; when a bound passes, the response is closed (the server stops generating) and the
caller gets :class:`StreamTimeout` at once, whatever the socket does.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any, cast

from ._calls import run_in_daemon
from ._client import json_object
from ._settings import LLMSettings

# How often the caller looks at the stream's progress.
_POLL_SECONDS = 0.1
# The server's tokenizer is a local, cheap call: a server that does not answer at once has none.
_TOKENIZE_TIMEOUT_SECONDS = 5.0


class StreamTimeout(Exception):
    """A bound of a streamed call passed; ``reason`` names which, in the words a user sees."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(f"{reason} after {seconds:.0f} s")
        self.reason = reason


@dataclass
class StreamResult:
    """The answer's text and what the server said about it."""

    text: str
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    chunks: int = 0
    seconds_to_first_token: float | None = None


@dataclass
class _Progress:
    started: float = field(default_factory=time.monotonic)
    first: float | None = None
    last: float | None = None
    stream: Any = None
    closed: bool = False


def response_format(settings: LLMSettings, name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The constrained-decoding request each server family understands: llama.cpp and
    llama-cpp-python compile ``json_object`` + ``schema`` into a grammar; OpenAI, vLLM, Ollama
    and LM Studio take ``json_schema`` (OpenAI strictly)."""
    if settings.provider in ("llamacpp", "llamacpp-python", "openai-compatible"):
        return {"type": "json_object", "schema": schema}
    spec: dict[str, Any] = {"name": name, "schema": schema}
    if settings.provider == "openai":
        # Strict structured outputs take no length bounds; the checks after the answer do.
        bare = _without(schema, ("maxLength", "minItems", "maxItems"))
        spec = {"name": name, "schema": bare, "strict": True}
    return {"type": "json_schema", "json_schema": spec}


def _without(node: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        obj = cast("dict[str, Any]", node)  # a JSON Schema: isinstance leaves the types unknown
        return {k: _without(v, keys) for k, v in obj.items() if k not in keys}
    if isinstance(node, list):
        return [_without(v, keys) for v in cast("list[Any]", node)]
    return node


def stream_json(
    client: Any,
    settings: LLMSettings,
    *,
    messages: list[dict[str, str]],
    max_tokens: int,
    fmt: dict[str, Any] | None,
    first_token_timeout: float,
    idle_timeout: float,
    deadline: float,
) -> StreamResult:
    """Stream one answer; raise :class:`StreamTimeout` when a bound passes (the response is
    closed first) or the SDK's error as it came."""
    progress = _Progress()
    parts: list[str] = []
    result = StreamResult(text="")

    def read() -> StreamResult:
        extra: dict[str, Any] = {"stream_options": {"include_usage": True}}
        if fmt is not None:
            extra["response_format"] = fmt
        stream = client.chat.completions.create(
            model=settings.model,
            messages=messages,
            max_tokens=max_tokens,
            temperature=0,
            stream=True,
            **extra,
        )
        progress.stream = stream
        if progress.closed:  # the caller gave up while the request was on its way
            _close(stream)
        for chunk in stream:
            now = time.monotonic()
            usage = getattr(chunk, "usage", None)
            if usage is not None:
                result.prompt_tokens = getattr(usage, "prompt_tokens", None)
                result.completion_tokens = getattr(usage, "completion_tokens", None)
            choices: list[object] = getattr(chunk, "choices", None) or []
            for choice in choices:
                delta = getattr(choice, "delta", None)
                text = getattr(delta, "content", None) if delta is not None else None
                if text:
                    parts.append(text)
                    result.chunks += 1
                    if progress.first is None:
                        progress.first = now
                        result.seconds_to_first_token = round(now - progress.started, 2)
                finish_reason = getattr(choice, "finish_reason", None)
                if finish_reason:
                    result.finish_reason = finish_reason
            progress.last = now
        result.text = "".join(parts)
        return result

    future = run_in_daemon(read, name="apiplan-decision")
    while True:
        concurrent.futures.wait([future], timeout=_POLL_SECONDS)
        if future.done():
            return future.result()
        now = time.monotonic()
        waited = now - progress.started
        problem: str | None = None
        if now >= deadline:
            problem = "deadline"
        elif progress.first is None and waited >= first_token_timeout:
            problem = "first-token timeout"
        elif (
            progress.last is not None
            and progress.first is not None
            and now - progress.last >= idle_timeout
        ):
            problem = "idle timeout between chunks"
        if problem is not None:
            progress.closed = True
            _close(progress.stream)
            raise StreamTimeout(problem, waited)


def _close(stream: Any) -> None:
    """Close a streamed response: the connection goes, and the server stops generating."""
    if stream is None:
        return
    with contextlib.suppress(Exception):  # closing is best effort; the timeout is what counts
        stream.close()


_lock = threading.Lock()
_tokenizers: dict[str, str | None] = {}


def server_token_count(settings: LLMSettings, text: str) -> int | None:
    """Tokens in ``text`` by the server's own tokenizer (llama.cpp ``POST /tokenize``,
    llama-cpp-python ``POST /extras/tokenize/count``); None where the server has none."""
    if settings.provider not in ("llamacpp", "llamacpp-python") or not settings.base_url:
        return None
    try:
        import httpx
    except ImportError:
        return None
    root = settings.base_url.rstrip("/").removesuffix("/v1")
    with _lock:
        known = _tokenizers.get(root, "")
    routes = [known] if known else ["/extras/tokenize/count", "/tokenize"]
    if known is None:
        return None
    for route in routes:
        body = {"input": text} if route.startswith("/extras") else {"content": text}
        data = json_object(_post_json(httpx, f"{root}{route}", body))
        count: int | None = None
        if data is not None:
            counted, tokens = data.get("count"), data.get("tokens")
            if isinstance(counted, int):
                count = counted
            elif isinstance(tokens, list):
                count = len(cast("list[object]", tokens))
        if count is not None:
            with _lock:
                _tokenizers[root] = route
            return count
    with _lock:
        _tokenizers[root] = None
    return None


def _post_json(httpx: Any, url: str, body: dict[str, Any]) -> object:
    """POST and parse, once, with a short timeout; None on any failure (a best-effort count:
    the caller then uses its estimate)."""
    try:
        response = httpx.post(
            url,
            json=body,
            timeout=httpx.Timeout(_TOKENIZE_TIMEOUT_SECONDS),
            follow_redirects=False,
        )
        return response.json() if response.status_code == 200 else None
    except Exception:  # the estimate stands in for the count
        return None
