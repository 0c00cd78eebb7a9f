"""Named defaults. Every bound apiplan applies lives here so that it can be found and changed."""

from __future__ import annotations

# Ingestion bounds: hostile or accidental input must fail fast and in bounded memory.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""Largest document read (bytes). The largest real spec in our corpus is 3.6 MB."""

MAX_YAML_ALIAS_REUSES = 10_000
"""YAML alias dereferences allowed in one document before it is refused (alias bombs)."""

MAX_YAML_EXPANDED_NODES = 2_000_000
"""Nodes a YAML document may stand for once its aliases are expanded (billion laughs)."""


# Schema flattening bounds (facts stay complete for Stripe and Kubernetes without exploding).
FLATTEN_MAX_DEPTH = 6
"""Nesting levels of a request/response schema flattened to dotted paths."""

FLATTEN_MAX_FIELDS = 400
"""Fields kept per request or response body; the rest is marked truncated."""

DESCRIPTION_MAX_CHARS = 600
"""Longest description kept on a fact (the source pointer leads to the full text)."""
