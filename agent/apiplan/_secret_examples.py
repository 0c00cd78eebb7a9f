"""Credentials the documentation publishes on purpose, and credentials hidden in base64."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator

from ._secrets import CharRuns, LineCounter, SecretHit, entropy, find_secrets

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
_B64_AREA = CharRuns(string.ascii_letters + string.digits + "+/%=", 40)
"""Where a base64 run can be: every ``_B64_RUN`` match lies inside one of these runs, which
are found about fifteen times faster than the run's alternation."""
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
    lines = LineCounter(text)
    runs = (m for area in _B64_AREA.spans(text) for m in _B64_RUN.finditer(text, *area))
    for m in runs:
        decoded = _decode(m.group(0))
        if decoded is None:
            continue
        line = lines.at(m.start())
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
