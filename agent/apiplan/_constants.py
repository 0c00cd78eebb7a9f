"""Named defaults. Every bound apiplan applies lives here so that it can be found and changed."""

from __future__ import annotations

# Ingestion bounds: hostile or accidental input must fail fast and in bounded memory.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""Largest document read (bytes). The largest real spec in our corpus is 3.6 MB."""

MAX_YAML_ALIAS_REUSES = 10_000
"""YAML alias dereferences allowed in one document before it is refused (alias bombs)."""

MAX_YAML_EXPANDED_NODES = 2_000_000
"""Nodes a YAML document may stand for once its aliases are expanded (billion laughs)."""

MAX_DOCUMENT_DEPTH = 512
"""Nesting levels a YAML document may have. Real specs stay under 40; past a few hundred,
code that walks the data recursively (ours, pydantic's, the json module's) runs out of stack.
JSON documents meet the json module's own limit first."""

MAX_YAML_EXPANDED_CHARS = 64 * 1024 * 1024
"""Characters of scalars a YAML document may stand for once its aliases are expanded: a 3 MB
string aliased 6,000 times stays under both alias counts yet stands for 18 GB of text."""

MAX_RUN_BYTES_READ = 128 * 1024 * 1024
"""Bytes read from all files of one run (documents, ``$ref`` targets, code): four of the
largest documents allowed, so that many mid-sized files cannot add up to an unbounded run."""

MAX_RUN_EXPANDED_CHARS = 128 * 1024 * 1024
"""Text all documents of one run may stand for (aliases expanded): a run-wide cap beside the
per-document one, so that twenty alias-heavy files cannot add up to what one is refused for."""

READ_CHUNK_BYTES = 1024 * 1024
"""Bytes asked for per read() call while reading a document up to its cap."""

CODE_READ_BUDGET_SECONDS = 20.0
"""Wall clock for reading one code file; past it, reading stops with a warning (the largest
real client in our corpus takes well under a second)."""

MAX_OUTPUT_CHECK_BYTES = 512 * 1024 * 1024
"""Largest existing output file whose content hash is checked before it is replaced; a larger
one is never apiplan's (facts of the largest allowed input are far smaller) and needs --force."""

MAX_SESSION_BYTES = 64 * 1024 * 1024
"""Largest chat session file read back: a session holds one blueprint and the answers."""


# Schema flattening bounds (facts stay complete for Stripe and Kubernetes without exploding).
FLATTEN_MAX_DEPTH = 6
"""Nesting levels of a request/response schema flattened to dotted paths."""

FLATTEN_MAX_FIELDS = 400
"""Fields kept per request or response body; the rest is marked truncated."""

DESCRIPTION_MAX_CHARS = 600
"""Longest description kept on a fact (the source pointer leads to the full text)."""

# Retry and timeout defaults the offline planner proposes (and apiplan's own outbound calls use).
CONNECT_TIMEOUT_SECONDS = 3.0
"""Connect timeout per attempt: a healthy TLS handshake takes well under a second."""

READ_TIMEOUT_SECONDS = {"interactive": 5.0, "default": 15.0, "batch": 30.0}
"""Read timeout per attempt by use."""

TOTAL_DEADLINE_SECONDS = {"interactive": 10.0, "default": 30.0, "batch": 120.0}
"""Deadline over all attempts and waits by use, unless the user gives one."""

MAX_ATTEMPTS = {"interactive": 3, "default": 4, "batch": 5}
"""Attempts (first included) for safe-to-retry calls by use."""

BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
RETRY_AFTER_CEILING_SECONDS = {"interactive": 5.0, "default": 30.0, "batch": 60.0}
"""Longest Retry-After wait accepted before giving up instead."""

TRANSIENT_STATUSES = ("408", "429", "502", "503", "504")
"""Statuses that say 'try again later' (RFC 9110 / RFC 6585)."""

IDEMPOTENT_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE")
"""RFC 9110 section 9.2.2."""

CONTRACT_FIELDS_LISTED = 25
"""Optional fields listed per body in the contract; the rest are counted and left to the facts."""

# LLM phases: every outbound call has a timeout, bounded retries and a total deadline.
LLM_CONNECT_TIMEOUT_SECONDS = 5.0
LLM_READ_TIMEOUT_SECONDS = 90.0
LLM_SDK_MAX_RETRIES = 2
"""Retries the provider SDK makes on 429/5xx/connection errors (it honours Retry-After)."""

LLM_MAX_REASKS = 2
"""Re-asks after a validation failure (an invented field, a schema violation)."""

LLM_PHASE_DEADLINE_SECONDS = 240.0
"""Wall clock for one phase, re-asks and SDK retries included."""

LLM_PROMPT_BUDGET_TOKENS = 12_000
"""Facts sent per phase; larger facts are cut to the selected operations, then descriptions."""

LLM_MAX_OUTPUT_TOKENS = 4_096

TRACE_FLUSH_SECONDS = 5.0
"""Longest wait for the tracing backend at the end of a run."""

OUTPUT_FORMAT_VERSION = 1
"""Version of the JSON that facts, blueprints and check reports are written in: every such
document names its kind and this version first, so that scripts can tell what they read."""
