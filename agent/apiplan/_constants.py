"""Named defaults. Every bound apiplan applies lives here so that it can be found and changed."""

from __future__ import annotations

from dataclasses import dataclass

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


# Retry budgets the offline planner proposes, by what the call is for. The planner then fits
# them to the user's deadline and volume and to what the docs advise (see planner/_budget.py).
@dataclass(frozen=True)
class UseBudget:
    """Starting bounds of one kind of use, and why they suit it."""

    label: str
    deadline: float
    connect: float
    read: float
    attempts: int
    backoff_cap: float
    retry_after_ceiling: float
    why: str


USE_BUDGETS = {
    "interactive": UseBudget(
        "interactive request path",
        10.0,
        1.0,
        3.0,
        3,
        1.0,
        2.0,
        "a person is waiting: fail fast and let them try again",
    ),
    "default": UseBudget(
        "background call (use not stated)",
        60.0,
        3.0,
        10.0,
        3,
        4.0,
        15.0,
        "bounded so that a failure surfaces within a minute",
    ),
    "batch": UseBudget(
        "batch or backfill",
        300.0,
        3.0,
        30.0,
        5,
        30.0,
        120.0,
        "finishing matters more than speed, and the next run resumes from its checkpoint",
    ),
    "alerting": UseBudget(
        "paging or alerting",
        300.0,
        3.0,
        10.0,
        6,
        30.0,
        60.0,
        "a lost alert is costly: keep trying for minutes, a late page beats none",
    ),
}
"""Starting budget per use. Attempts count the first; the wait before each retry is the backoff
step or, when the server sends one, its Retry-After up to the ceiling."""

BACKOFF_BASE_SECONDS = 0.5
"""First backoff step; each retry doubles it up to the use's cap."""

UNSAFE_MAX_ATTEMPTS = 2
"""Attempts for a call that is not safe to repeat: only failures where the request was
certainly not acted on (connection refused, 429) are retried, and one retry covers those."""

HIGH_VOLUME_PER_SECOND = 10.0
"""Stated volume from which retries are cut back: at this rate, many retries turn a provider's
brief outage into a retry storm."""

HIGH_VOLUME_MAX_ATTEMPTS = 3
"""Attempts at or above HIGH_VOLUME_PER_SECOND."""

MIN_RETRY_AFTER_CEILING_SECONDS = 1.0
"""The Retry-After ceiling is never fitted below this: under it, honouring the header is moot."""

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

LLM_IDLE_TIMEOUT_SECONDS = 30.0
"""Longest silence between two streamed chunks once the answer has started: a CPU server is
slow to read the prompt (the first-token wait is the read timeout) but then tokens flow."""

LLM_RUN_DEADLINE_SECONDS = 900.0
"""Wall clock for all the LLM calls of one run; past it every remaining decision is offline."""

LLM_DECISION_MAX_OUTPUT_TOKENS = 700
"""The longest answer a decision may take: choices and one-line reasons, never a document."""

TRACE_FLUSH_SECONDS = 5.0
"""Longest wait for the tracing backend at the end of a run."""

OUTPUT_FORMAT_VERSION = 1
"""Version of the JSON that facts, blueprints and check reports are written in: every such
document names its kind and this version first, so that scripts can tell what they read."""
