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
]
# Patterns whose last group is the secret itself (the rest is context such as a header name).
_SECRET_GROUP = {
    "Basic Auth Credentials",
    "Authorization Value",
    "Secret-named Value",
    "NPM tokens",
}
_NEEDS_ENTROPY = {"Secret-named Value", "Authorization Value"}
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


def find_secrets(text: str) -> Iterator[SecretHit]:
    """Credential-shaped values in ``text``, most specific kind first, each reported once."""
    union, compiled = _combined()
    line_starts: list[int] | None = None
    for m in union.finditer(text):
        window = text[max(0, m.start() - 2) : m.end() + 2]
        for kind, rx in compiled:
            inner = rx.search(text, m.start(), m.end() + 1) or rx.search(window)
            if inner is None:
                continue
            value = inner.group(0)
            if kind in _SECRET_GROUP and inner.lastindex:
                value = inner.group(inner.lastindex) or value
            if kind != "Private Key":
                # Documentation examples: 'ACaaaa…', 'chatkit_token_123', '<your-key>'.
                if entropy(value) < 3.0 or _PLACEHOLDER.match(value):
                    continue
                if kind in _NEEDS_ENTROPY and _WORDY.search(value):
                    continue
            if line_starts is None:
                line_starts = _line_starts(text)
            line = bisect.bisect_right(line_starts, m.start())
            yield SecretHit(kind=kind, start=m.start(), end=m.end(), line=line, value=value)
            break


def redact(text: str) -> str:
    """``text`` with every credential-shaped value replaced by ``[redacted:<kind>]``."""
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


_B64_RUN = re.compile(r"(?:[A-Za-z0-9+/]|%2[bBfF]|%3[dD]){40,}={0,2}")
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
    for m in _B64_RUN.finditer(text):
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
