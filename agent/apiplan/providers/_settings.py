"""Where and how the model is called: the settings a model string names, and the endpoint.

``parse_model`` turns 'openai:gpt-4.1' or 'ollama:llama3' into :class:`LLMSettings` (every bound
with a named default); the helpers here say which URL the calls go to, which key that URL may
receive, and whether it is this machine (where the SDK's own retries are off).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlparse

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
from ..exceptions import UsageError

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
