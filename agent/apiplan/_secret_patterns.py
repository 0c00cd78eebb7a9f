"""The credential patterns: our own, and detect-secrets' provider formats.

Provider key formats come from detect-secrets' own detectors (their ``denylist`` patterns).
Importing them costs more than a whole check of a small spec (the detectors import
``requests``: 60 ms of a 400 ms run), so their pattern texts are kept in a small cache file
after the first run, keyed by the size and modification time of each detector's module: an
upgrade or an edit of detect-secrets is read afresh. ``APIPLAN_CACHE_DIR`` moves the cache
(default ``$XDG_CACHE_HOME/apiplan`` or ``~/.cache/apiplan``); set it empty to keep none.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from ._files import read_regular
from .exceptions import DocumentError, UsageError

# Our own additions; detect-secrets' detectors come between these and the generic ones.
EXTRA: list[tuple[str, str]] = [
    # The whole PEM block, body included: detect-secrets matches only the BEGIN line, which
    # would leave the key material itself in place when redacting.
    (
        "Private Key",
        r"-----BEGIN[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.\-]{0,8000}?"
        r"-----END[A-Z ]{0,30}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s]{0,8000})",
    ),
    # A password in the user part of a URL, however short or guessable it is.
    (
        "Basic Auth Credentials",
        r"\b[A-Za-z][A-Za-z0-9+.\-]{1,15}://[^\s:/?#\[\]@\"'`<>{}()]+:([^\s/?#\[\]@\"'`<>{}()]+)@",
    ),
    # The user option of curl: the password after the colon, or a key given as the user name
    # with an empty password (Stripe's style).
    ("curl Credentials", r"(?<![\w-])(?:-u|--user)(?:\s+|=)[\"']?[^\s:\"'`$<{]+:([^\s\"'`@]+)"),
    ("curl API Key", r"(?<![\w-])(?:-u|--user)(?:\s+|=)[\"']?([^\s:\"'`$<{]{12,}):(?=[\s\"'`]|$)"),
    ("JSON Web Token", r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
    ("Anthropic API Key", r"sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{20,}"),
    ("OpenAI API Key", r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{32,}"),
    ("Google API Key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    ("npm Token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("Stripe Key", r"\b(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{16,}"),
    ("Stripe Webhook Secret", r"\bwhsec_[0-9a-zA-Z]{24,}"),
    ("GitHub Token", r"\bgithub_pat_[A-Za-z0-9_]{40,}"),
    ("Slack Webhook", r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9_/]{20,}"),
    ("Mailgun API Key", r"\bkey-[0-9a-f]{32}\b"),
    ("Slack Token", r"\bxox[abposr]-(?:\d+-)+[A-Za-z0-9]+"),
]
# Generic patterns run last, so that a provider format wins when both match.
GENERIC: list[tuple[str, str]] = [
    (
        "Authorization Value",
        r"(?i:authorization)[\"']?\s*[:=]\s*[\"']?(?:Bearer|Basic|Token|Bot|Key)\s+(?:token=)?"
        r"(?![<{$\[]|your|YOUR|xxx|XXX|\.\.\.)([A-Za-z0-9._~+/=\-]{12,})",
    ),
    (
        "Secret-named Value",
        r"(?i:api[_-]?key|apikey|secret|password|passwd|token|access[_-]?key|private[_-]?key|"
        r"client[_-]?secret|routing[_-]?key|auth)[\"']?\s*[:=]\s*[\"']"
        r"([A-Za-z0-9+/_\-.=]{16,})[\"']",
    ),
    # The same unquoted (YAML, headers, prose, a table row), and in a URL's query string.
    (
        "Secret-named Value",
        r"(?i:api[_-]?key|apikey|secret|password|passwd|token|access[_-]?key|private[_-]?key|"
        r"client[_-]?secret|routing[_-]?key)\s*[:=|]\s*([A-Za-z0-9+/_\-.=]{16,})(?![\w+/=.\-(])",
    ),
    (
        "Secret-named Value",
        r"[?&](?i:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|key|secret|"
        r"client[_-]?secret|password|signature|sig)=([^&\s#\"'<>]{12,})",
    ),
    # A credential written without its header name: an `Authorization` enum or default value.
    ("Authorization Value", r"\b(?:Bearer|Basic|Bot)\s+([A-Za-z0-9._~+/\-]{16,}=*)"),
]

# The detectors read, as (module in detect_secrets.plugins, class).
_DETECTORS = (
    ("aws", "AWSKeyDetector"),
    ("slack", "SlackDetector"),
    ("stripe", "StripeDetector"),
    ("twilio", "TwilioKeyDetector"),
    ("sendgrid", "SendGridDetector"),
    ("openai", "OpenAIDetector"),
    ("github_token", "GitHubTokenDetector"),
    ("gitlab_token", "GitLabTokenDetector"),
    ("jwt", "JwtTokenDetector"),
    ("private_key", "PrivateKeyDetector"),
    ("basic_auth", "BasicAuthDetector"),
    ("npm", "NpmDetector"),
    ("pypi_token", "PypiTokenDetector"),
    ("discord", "DiscordBotTokenDetector"),
    ("mailchimp", "MailchimpDetector"),
    ("artifactory", "ArtifactoryDetector"),
    ("azure_storage_key", "AzureStorageKeyDetector"),
    ("square_oauth", "SquareOAuthDetector"),
    ("telegram_token", "TelegramBotTokenDetector"),
)
CACHE_ENV = "APIPLAN_CACHE_DIR"
_CACHE_MAX_BYTES = 1 << 18
"""A cache file larger than this is not ours (the patterns take about 4 KB)."""


def _imported() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for module, name in _DETECTORS:
        detector = getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), name)
        out += [(str(detector.secret_type), _with_flags(p)) for p in detector.denylist]
    return out


_SCOPED_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


def _with_flags(pattern: re.Pattern[str]) -> str:
    """The pattern's text with its flags written into it, as a scoped group: joined into one
    union, a detector compiled case-insensitive (AWS's `aws...key = '...'`, Slack's `xox...`)
    would otherwise become case-sensitive."""
    letters = "".join(letter for flag, letter in _SCOPED_FLAGS if pattern.flags & flag)
    return f"(?{letters}:{pattern.pattern})" if letters else pattern.pattern


def cache_dir() -> Path | None:
    """Where apiplan keeps its cache; None when the user asked for none."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home.startswith("~"):  # no home folder known: no cache, never one in the cwd
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "apiplan"


def _stamp() -> str | None:
    """Size and modification time of each detector's module, hashed; None when not found."""
    spec = importlib.util.find_spec("detect_secrets")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "plugins"
    seen: list[str] = []
    for module, name in _DETECTORS:
        try:
            st = os.stat(folder / f"{module}.py")
        except OSError:
            return None
        seen.append(f"{module}.{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(seen).encode()).hexdigest()[:16]


def _read(path: Path) -> list[tuple[str, str]] | None:
    """The patterns in a cache file; None when absent, unreadable or not of our shape."""
    try:
        # Only a regular file, opened without blocking (a FIFO put there must not hang a run).
        data = json.loads(read_regular(path, str(path), max_bytes=_CACHE_MAX_BYTES))
    except (DocumentError, ValueError):  # absent, not a file, too large, not JSON
        return None
    pairs = data.get("patterns") if isinstance(data, dict) else None
    if not isinstance(pairs, list) or not pairs:
        return None
    out: list[tuple[str, str]] = []
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2):
            return None
        kind, pattern = pair
        if not (isinstance(kind, str) and isinstance(pattern, str)):
            return None
        out.append((kind, pattern))
    return out


def _write(path: Path, pairs: list[tuple[str, str]]) -> None:
    """Written whole or not at all (``atomic_write``): readers never see half a file."""
    from ._output import atomic_write  # here: most runs only read the cache

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, json.dumps({"patterns": pairs}).encode("utf-8"))
    except (OSError, UsageError):
        return  # a read-only or full disk only costs the next run the import


def detector_patterns() -> list[tuple[str, str]]:
    """(kind, pattern) of every detect-secrets detector apiplan uses, from the cache when it
    is current."""
    folder, stamp = cache_dir(), _stamp()
    # v2: patterns carry their flags (v1 files, written before, did not).
    path = folder / f"detect-secrets-v2-{stamp}.json" if folder is not None and stamp else None
    cached = _read(path) if path is not None else None
    if cached is not None:
        return cached
    pairs = _imported()
    if path is not None:
        _write(path, pairs)
    return pairs


@lru_cache(maxsize=1)
def combined() -> tuple[re.Pattern[str], list[tuple[str, str]]]:
    """The union of every pattern (the fast look), and each pattern's text by kind, in order.

    Only the union is compiled here; each pattern is compiled by :func:`compiled` when a
    union match is first tried against its kind: most runs give the union no match, and
    compiling every pattern up front cost 6 ms of each.
    """
    pairs = EXTRA + detector_patterns() + GENERIC
    try:
        union = re.compile(_joined(pairs))
    except re.error:  # a damaged cache file: read the detectors themselves
        pairs = EXTRA + _imported() + GENERIC
        union = re.compile(_joined(pairs))
    return union, pairs


def _joined(pairs: list[tuple[str, str]]) -> str:
    return "|".join(f"(?:{p})" for _, p in pairs)


_COMPILED: dict[str, re.Pattern[str]] = {}


def compiled(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, kept here (``re``'s own cache evicts when other code fills it)."""
    rx = _COMPILED.get(pattern)
    if rx is None:
        rx = _COMPILED[pattern] = re.compile(pattern)
    return rx
