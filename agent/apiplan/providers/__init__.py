"""Providers fill phases. One small seam; the offline planner is the default implementation."""

from ._base import PhaseProvider
from ._offline import OfflineProvider

__all__ = ["OfflineProvider", "PhaseProvider", "resolve_provider"]


def resolve_provider(model: str) -> PhaseProvider:
    """'offline' -> the offline planner. LLM providers arrive with the LLM phases."""
    from ..exceptions import UsageError

    if model in ("offline", ""):
        return OfflineProvider()
    raise UsageError(f"--model {model!r}: only 'offline' is available in this version")
