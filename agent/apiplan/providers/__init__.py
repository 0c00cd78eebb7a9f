"""Providers fill phases. One small seam; the offline planner is the default implementation."""

from ._base import PhaseProvider
from ._offline import OfflineProvider

__all__ = ["OfflineProvider", "PhaseProvider", "resolve_provider"]


def resolve_provider(
    model: str, *, base_url: str | None = None, fallback: str = "none", tracer: object = None
) -> PhaseProvider:
    """'offline' -> the offline planner; 'openai:…', 'anthropic:…', 'ollama:…' -> an LLM provider."""
    if model in ("offline", ""):
        return OfflineProvider()
    from ._llm import LLMProvider, parse_model

    return LLMProvider(parse_model(model, base_url=base_url, fallback=fallback), tracer=tracer)
