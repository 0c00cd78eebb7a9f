"""The SDK client a phase calls through, and what a local server says of its context window.

The instructor client is built with explicit connect and read timeouts and bounded SDK retries;
a missing SDK or key is a usage error with the command that fixes it.
"""

from __future__ import annotations

from typing import Any, cast

from ..exceptions import UsageError
from ._settings import LLMSettings, api_key_for, sdk_retries

# How much longer than the streamed bounds the socket waits (they must fire first).
_BACKSTOP_SECONDS = 2.0
# GET /props is a local, cheap call: a server that does not answer at once does not have it.
_PROPS_TIMEOUT_SECONDS = 2.0


def _install_hint(package: str) -> UsageError:
    extra = {"anthropic": "apiplan[anthropic]"}.get(package, package)
    return UsageError(f"the {package} SDK is not installed: pip install '{extra}'")


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
