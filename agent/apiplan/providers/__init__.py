"""Providers fill phases. One small seam; the offline planner is the default implementation."""

from ._base import PhaseProvider
from ._llm import LLMProvider, PhaseInfo
from ._offline import OfflineProvider
from ._settings import parse_model

__all__ = [
    "LLMProvider",
    "OfflineProvider",
    "PhaseInfo",
    "PhaseProvider",
    "parse_model",
    "resolve_provider",
]


def resolve_provider(
    model: str,
    *,
    base_url: str | None = None,
    fallback: str = "none",
    tracer: object = None,
    bounds: dict[str, object] | None = None,
) -> PhaseProvider:
    """'offline' -> the offline planner; 'openai:…', 'anthropic:…', 'ollama:…' -> an LLM provider."""
    if model in ("offline", ""):
        return OfflineProvider()
    import dataclasses

    settings = parse_model(model, base_url=base_url, fallback=fallback)
    if bounds:
        settings = dataclasses.replace(settings, **bounds)
    return LLMProvider(settings, tracer=tracer)
