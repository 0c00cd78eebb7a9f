"""Finding, masking and redacting credential-shaped values.

Provider key formats come from detect-secrets' own detectors (their ``denylist`` patterns); we
scan with one combined pattern over the whole text instead of calling each plugin per line,
because a 3.5 MB spec has 100k lines and twenty plugins per line would take seconds. Formats
detect-secrets lacks (Anthropic, Google, npm tokens, Authorization values, secret-named
high-entropy values) are added here.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class SecretHit:
    """A credential-shaped value found in a text (the value itself is never shown unmasked)."""

    kind: str
    start: int
    end: int
    line: int
    value: str

    @property
    def masked(self) -> str:
        return mask(self.value)


def mask(value: str) -> str:
    """Enough to recognise the value, never enough to use it: 'sk_l…(32 chars)'."""
    keep = 4 if len(value) >= 16 else 0
    return f"{value[:keep]}…({len(value)} chars)"


# Our own additions; detect-secrets' detectors are added below at first use.
_EXTRA: list[tuple[str, str]] = [
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
_GENERIC: list[tuple[str, str]] = [
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
# Patterns whose last group is the secret itself (the rest is context such as a header name).
_SECRET_GROUP = {
    "Basic Auth Credentials",
    "curl Credentials",
    "curl API Key",
    "Authorization Value",
    "Secret-named Value",
    "NPM tokens",
}
_NEEDS_ENTROPY = {"Secret-named Value", "Authorization Value"}
# A password is a secret however weak it is: no entropy test, only the placeholder test.
_ANY_ENTROPY = {"Private Key", "Basic Auth Credentials", "curl Credentials"}
# Generic patterns also need a value that looks random (two character classes), so that
# `Bearer authentication_header` in prose is not taken for a token.
_NEEDS_MIX = {"Secret-named Value", "Authorization Value", "curl API Key"}
_WORDY = re.compile(r"token|secret|key|test|example|sample|dummy|fake|demo|changeme|_123", re.I)
_PLACEHOLDER = re.compile(
    r"^(?:x+|\*+|0+|1234.*|abcd.*|example.*|your.*|test.*|dummy.*|fake.*|sample.*|placeholder.*|"
    r".*(?:xxxx|XXXX|\.\.\.|<|>|\{|\}|\$).*)$",
    re.I,
)


def _detect_secrets_patterns() -> list[tuple[str, str]]:
    from detect_secrets.plugins import (
        artifactory,
        aws,
        azure_storage_key,
        basic_auth,
        discord,
        github_token,
        gitlab_token,
        jwt,
        mailchimp,
        npm,
        openai,
        private_key,
        pypi_token,
        sendgrid,
        slack,
        square_oauth,
        stripe,
        telegram_token,
        twilio,
    )

    classes = [
        aws.AWSKeyDetector,
        slack.SlackDetector,
        stripe.StripeDetector,
        twilio.TwilioKeyDetector,
        sendgrid.SendGridDetector,
        openai.OpenAIDetector,
        github_token.GitHubTokenDetector,
        gitlab_token.GitLabTokenDetector,
        jwt.JwtTokenDetector,
        private_key.PrivateKeyDetector,
        basic_auth.BasicAuthDetector,
        npm.NpmDetector,
        pypi_token.PypiTokenDetector,
        discord.DiscordBotTokenDetector,
        mailchimp.MailchimpDetector,
        artifactory.ArtifactoryDetector,
        azure_storage_key.AzureStorageKeyDetector,
        square_oauth.SquareOAuthDetector,
        telegram_token.TelegramBotTokenDetector,
    ]
    out = []
    for cls in classes:
        for pattern in cls.denylist:
            out.append((cls.secret_type, pattern.pattern))
    return out


@lru_cache(maxsize=1)
def _combined() -> tuple[re.Pattern[str], list[tuple[str, re.Pattern[str]]]]:
    pairs = _EXTRA + _detect_secrets_patterns() + _GENERIC
    compiled = [(kind, re.compile(p)) for kind, p in pairs]
    union = re.compile("|".join(f"(?:{p})" for _, p in pairs))
    return union, compiled


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for c in value:
        counts[c] = counts.get(c, 0) + 1
    n = len(value)
    return -sum(k / n * math.log2(k / n) for k in counts.values())


_SECRET_NAME = re.compile(
    r"api[_-]?key|apikey|secret|token|passw|auth(?!or)|credential|private[_-]?key|signature",
    re.I,
)
NAMED_VALUE_KIND = "Secret-named Value"


def is_secret_name(name: str) -> bool:
    """Whether a parameter, field or variable name says its value is a credential."""
    return bool(_SECRET_NAME.search(name))


def is_named_secret_value(value: str) -> bool:
    """Whether the value of a secret-named item is a key rather than a placeholder or a word.

    Used where the name and the value are apart (an `api_key` parameter's enum, a `token`
    server variable's default), so that no detector sees them side by side.
    """
    return (
        len(value) >= 8
        and not value.startswith("[redacted:")
        and entropy(value) >= 3.0
        and looks_random(value)
        and not _PLACEHOLDER.match(value)
        and not _WORDY.search(value)
    )


def _is_name(value: str) -> bool:
    """`Environment.GetEnvironmentVariable`, `payment_intent_v2`: names, not keys."""
    return all(_WORD_SEGMENT.fullmatch(seg) for seg in _NAME_SPLIT.split(value) if seg)


def looks_random(value: str) -> bool:
    """At least two of lower case, upper case and digits: a key, not a word or identifier."""
    classes = (
        any(c.islower() for c in value),
        any(c.isupper() for c in value),
        any(c.isdigit() for c in value),
    )
    return sum(classes) >= 2


def _unescaped(text: str) -> str:
    """``text`` with JSON-pointer escapes shown as separators, at the same offsets.

    In ``#/paths/~1keys~1sk_live_…`` the ``~1`` stands for ``/``: without this view the key
    would follow the digit ``1`` and no detector would see where it starts.
    """
    if "~" not in text:
        return text
    return text.replace("~1", "~/").replace("~0", "~ ")


def find_secrets(text: str) -> Iterator[SecretHit]:
    """Credential-shaped values in ``text``, most specific kind first, each reported once."""
    text = _unescaped(text)
    union, compiled = _combined()
    line_starts: list[int] | None = None
    spans = [(0, len(text))] if len(text) <= _WINDOWED_ABOVE else _windows(text)
    matches = (m for start, end in spans for m in union.finditer(text, start, end))
    for m in matches:
        window = text[max(0, m.start() - 2) : m.end() + 2]
        for kind, rx in compiled:
            inner = rx.search(text, m.start(), m.end() + 1) or rx.search(window)
            if inner is None:
                continue
            value = inner.group(0)
            if kind in _SECRET_GROUP and inner.lastindex:
                value = inner.group(inner.lastindex) or value
            if kind in _ANY_ENTROPY:
                if kind != "Private Key" and (_PLACEHOLDER.match(value) or value.isdigit()):
                    continue  # a template, a variable, or a uid and gid pair (docker's option)
            else:
                # Documentation examples: 'ACaaaa…', 'chatkit_token_123', '<your-key>'.
                if entropy(value) < 3.0 or _PLACEHOLDER.match(value):
                    continue
                if kind in _NEEDS_ENTROPY and _WORDY.search(value):
                    continue
            if kind in _NEEDS_MIX and (not looks_random(value) or _is_name(value)):
                continue
            if line_starts is None:
                line_starts = _line_starts(text)
            line = bisect.bisect_right(line_starts, m.start())
            yield SecretHit(kind=kind, start=m.start(), end=m.end(), line=line, value=value)
            break


# A cheap look before the full scan. Every detector needs one of: a URL with a user, a PEM
# header, a user option, or a run of key characters that mixes letters and digits (or is long and
# mixed-case, or starts like a provider key). Most document text has none, and the full scan
# of 40 patterns costs about 0.5 µs per character (0.6 s over a large spec's facts). Runs right
# after '~' are JSON pointer escapes (`~1v1~1customers`), not keys.
_TRIGGER = re.compile(
    r"(?P<context>://[^\s/@]*@|PRIVATE KEY|PuTTY|(?<![\w-])(?:-u|--user)[\s=])|"
    r"(?P<run>(?<![A-Za-z0-9_+=~\-])(?=[a-z_+=\-]*[A-Z0-9])[A-Za-z0-9_+=\-]{10,})"
)
_PROVIDER_PREFIX = re.compile(
    r"(?:AKIA|ASIA|ABIA|ACCA|A3T|xox|sk[_-]|rk_|gh[pousr]_|github_|gl[a-z]{2,5}-|AIza|npm_|SG\.|"
    r"eyJ|whsec_|key-|pypi-|sq0csp-|AKC|AP)"
)
# Segments of names, not keys: `swagger2`, `oas31`, `2021`, `HorizontalPodAutoscaler`, `APIService`.
_WORD_SEGMENT = re.compile(
    r"[a-z]*\d{0,4}|[A-Z]*\d{0,4}|\d+|"
    r"(?:[a-z]+|[A-Z]{1,5}[a-z]{2,})(?:[A-Z]{1,5}[a-z]{2,})*[A-Z]{0,5}\d{0,2}"
)
_SEGMENT_SPLIT = re.compile(r"[_+=\-]")
_NAME_SPLIT = re.compile(r"[_+=\-./]")
_CONTEXT_BEFORE = 160
"""Characters before a candidate run that a detector may need (`Authorization: Bearer `)."""
_MIXED_CASE_MIN = 20
"""A run without digits is a candidate only this long and mixed-case (3% of random keys)."""


_CANDIDATES: dict[str, bool] = {}
"""``_candidate`` by run: a pure function of the run, and a large spec repeats its runs
(`resource1234` in every pointer under one path). Emptied when full."""
_CANDIDATES_SIZE = 1 << 14
_CANDIDATES_MAX_CHARS = 256


def _candidate(run: str) -> bool:
    hit = _CANDIDATES.get(run)
    if hit is None:
        hit = _is_candidate(run)
        if len(run) <= _CANDIDATES_MAX_CHARS:  # a blob is not kept alive as a key
            if len(_CANDIDATES) >= _CANDIDATES_SIZE:
                _CANDIDATES.clear()
            _CANDIDATES[run] = hit
    return hit


def _is_candidate(run: str) -> bool:
    if _PROVIDER_PREFIX.match(run):
        return True
    if all(_WORD_SEGMENT.fullmatch(seg) for seg in _SEGMENT_SPLIT.split(run)):
        return False
    has_digit = any(c.isdigit() for c in run)
    has_alpha = any(c.isalpha() for c in run)
    if has_digit and has_alpha:
        return True
    return len(run) >= _MIXED_CASE_MIN and not run.islower() and not run.isupper()


_WINDOWED_ABOVE = 16_384
"""Longer texts (whole pages) are scanned only around trigger candidates: the 40-pattern union
costs about 1.2 s a megabyte, the trigger 0.2 s, and only the windows can match (the same test
``may_hold_secret`` makes)."""
_CONTEXT_AFTER = 4096
"""Characters after a context trigger a detector may need (a PEM block after its header)."""
_RUN_AFTER = 64


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged spans of ``text`` around every trigger candidate."""
    spans: list[tuple[int, int]] = []
    for m in _TRIGGER.finditer(text):
        if m.lastgroup == "context":
            after = _CONTEXT_AFTER
        elif _candidate(m.group(0)):
            after = _RUN_AFTER
        else:
            continue
        start, end = max(0, m.start() - _CONTEXT_BEFORE), min(len(text), m.end() + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


_UNION_HITS: dict[tuple[str, int], bool] = {}
"""Whether the union matches in a short window, by (text up to the window's end, its start)."""
_UNION_HITS_SIZE = 1 << 14
_UNION_HITS_CHARS = 512
"""Longer prefixes are searched every time rather than kept alive as keys."""


def _union_hit(text: str, start: int, end: int) -> bool:
    """Whether the 40-pattern union matches in ``text[start:end]`` (looking behind ``start``).

    With ``endpos`` the engine treats the text as ``text[:end]``, so the answer depends on
    ``text[:end]`` and ``start`` alone and can be remembered by them: every pointer under one
    path shares the prefix around a key-like path segment (``resource14075``), and the union is
    the costly part of ``may_hold_secret``.
    """
    end = min(end, len(text))
    if end > _UNION_HITS_CHARS:
        return _combined()[0].search(text, start, end) is not None
    key = (text[:end], start)
    hit = _UNION_HITS.get(key)
    if hit is None:
        if len(_UNION_HITS) >= _UNION_HITS_SIZE:
            _UNION_HITS.clear()
        hit = _UNION_HITS[key] = _combined()[0].search(text, start, end) is not None
    return hit


def may_hold_secret(text: str) -> bool:
    """False when no detector can match ``text`` (a fast, conservative test)."""
    if "~" in text:
        text = _unescaped(text)
    for m in _TRIGGER.finditer(text):
        if m.lastgroup == "context":
            return True
        if _candidate(m.group(0)) and _union_hit(
            text, max(0, m.start() - _CONTEXT_BEFORE), m.end() + 2
        ):
            return True
    return False


def redact(text: str) -> str:
    """``text`` with every credential-shaped value replaced by ``[redacted:<kind>]``."""
    if not may_hold_secret(text):
        return text
    hits = list(find_secrets(text))
    if not hits:
        return text
    out = []
    last = 0
    for h in sorted(hits, key=lambda h: h.start):
        if h.start < last:
            continue
        vstart = text.find(h.value, h.start, h.end + 2)
        vstart = vstart if vstart >= 0 else h.start
        out.append(text[last:vstart])
        out.append(f"[redacted:{h.kind}]")
        last = vstart + len(h.value)
    out.append(text[last:])
    return "".join(out)


# Where documentation publishes a credential-shaped value on purpose: an `example`/`examples`
# key above it (OpenAPI), or words saying so in the sentence, code block intro or heading
# before it (prose). Such values stay masked; findings only say what they are.
_EXAMPLE_KEY = re.compile(
    r"""^\s*(?:-\s*)?["']?(?:x-)?(?:examples?|samples?|code-?samples?|codeSamples)["']?\s*:""",
    re.I,
)
# Not `api.example.com`: a domain name says nothing about the value after it.
_EXAMPLE_WORDS = re.compile(
    r"(?<![\w.])(?:examples?|samples?|e\.g\.|for instance|dummy|demo|placeholder|sandbox)(?![\w.])",
    re.I,
)
_EXAMPLE_VALUE = re.compile(r"example|sample|dummy|fake|demo", re.I)
_HEADING = re.compile(r"^(?:#{1,6}\s.*|.+\n[=\-~^]{3,})$", re.M)
EXAMPLE_LOOKBACK_LINES = 300
"""Lines walked up through enclosing keys (an OpenAPI `examples` block can be that deep)."""
EXAMPLE_LOOKBACK_CHARS = 300
"""Prose before a value read for words that present it as an example."""
EXAMPLE_HEADING_CHARS = 3000
"""How far back the heading of a value's section is looked for."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def published_example(text: str, hit: SecretHit) -> str | None:
    """Why ``hit`` looks like an example the documentation publishes, or None.

    A published example (PagerDuty's routing keys, Slack's sample `xoxb-…` token) is not a
    leaked key, but it is still never copied into an output unmasked.
    """
    if _EXAMPLE_VALUE.search(hit.value):
        return "the value itself says it is an example"
    # Enclosing keys of a YAML or pretty-printed JSON document: walk up by indentation.
    end = text.rfind("\n", 0, hit.start) + 1
    nl = text.find("\n", end)
    line = text[end : nl if nl >= 0 else len(text)]
    if _EXAMPLE_KEY.match(line):
        return "it is the value of an `example` key"
    indent = _indent(line)
    for _ in range(EXAMPLE_LOOKBACK_LINES):
        if end == 0 or indent == 0:
            break
        start = text.rfind("\n", 0, end - 1) + 1
        line = text[start : end - 1]
        end = start
        if line.strip() and _indent(line) < indent:
            indent = _indent(line)
            if _EXAMPLE_KEY.match(line):
                key = line.strip().lstrip("- ").split(":")[0].strip("\"' ")
                return f"it is inside the `{key}` block"
    # Prose: the words just before it, then the heading of its section.
    before = text[max(0, hit.start - EXAMPLE_LOOKBACK_CHARS) : hit.start]
    words = _EXAMPLE_WORDS.search(before)
    if words:
        return f"the docs present it as an example ('{words.group(0)}' just before it)"
    headings = list(_HEADING.finditer(text, max(0, hit.start - EXAMPLE_HEADING_CHARS), hit.start))
    if headings and _EXAMPLE_WORDS.search(headings[-1].group(0)):
        return "it is in a section whose heading says example"
    return None


_B64_RUN = re.compile(r"(?:[A-Za-z0-9+/]|%2[bBfF]|%3[dD]){40,}={0,2}")
_B64_AREA = re.compile(r"[A-Za-z0-9+/%=]{40,}")
"""Where a base64 run can be: every ``_B64_RUN`` match lies inside one of these runs, and a
character class is scanned about five times faster than the run's alternation."""
_SECRET_KEY_NAME = re.compile(r"api[_-]?key|secret|token|passw|auth|credential|private", re.I)


def _decode(blob: str) -> str | None:
    import base64
    from urllib.parse import unquote

    raw = unquote(blob)
    try:
        data = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=False)
        text = data.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\t")
    return text if text and printable / len(text) > 0.95 else None


def find_encoded_secrets(text: str, *, depth: int = 2) -> Iterator[SecretHit]:
    """Credentials hidden in base64 blobs (a Postman environment in a page's HTML, say).

    The decoded text is scanned like any other; JSON key/value lists (Postman's format) are read
    for secret-named keys; a decoded value may itself be base64 ('api:<key>' basic credentials).
    """
    line_starts: list[int] | None = None
    runs = (m for area in _B64_AREA.finditer(text) for m in _B64_RUN.finditer(text, *area.span()))
    for m in runs:
        decoded = _decode(m.group(0))
        if decoded is None:
            continue
        if line_starts is None:
            line_starts = _line_starts(text)
        line = bisect.bisect_right(line_starts, m.start())
        found: list[tuple[str, str]] = [(h.kind, h.value) for h in find_secrets(decoded)]
        try:
            parsed = json.loads(decoded)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            for item in parsed:
                if (
                    isinstance(item, dict)
                    and isinstance(item.get("value"), str)
                    and isinstance(item.get("key"), str)
                ):
                    value = item["value"]
                    if (
                        _SECRET_KEY_NAME.search(item["key"])
                        and len(value) >= 8
                        and entropy(value) >= 3.0
                    ):
                        found.append((f"secret-named value `{item['key']}`", value))
        if depth > 1:
            found += [(h.kind, h.value) for h in find_encoded_secrets(decoded, depth=depth - 1)]
        if re.fullmatch(r"[\w.-]+:[^\s:]{8,}", decoded.strip()):
            found.append(("basic credentials", decoded.strip()))
        for kind, value in found:
            yield SecretHit(
                kind=f"{kind.removesuffix(' (base64-encoded)')} (base64-encoded)",
                start=m.start(),
                end=m.end(),
                line=line,
                value=value,
            )
