"""How the prose readers see a line and quote it: a line prepared for the endpoint recogniser,
a quoted span (redacted), a path cleaned into a template, the kind of a hit, a rate window."""

from __future__ import annotations

import html
import re

from .._secrets import redact
from ._endpoints import (
    Hit,
    plausible_path,
    split_target,
    template,
)
from ._prose_patterns import _UNIT


def _span(text: str, limit: int = 240) -> str:
    flat = " ".join(text[: limit * 4].split())  # only what the quote can hold is flattened
    return redact(flat[:limit])


def _clean_path(raw: str) -> str:
    """'/channels/[\\{channel.id\\}](/x#y)/webhooks' -> '/channels/{channel.id}/webhooks'."""
    return template(split_target(raw)[1])


def _split_url(url: str) -> tuple[str | None, str]:
    host, path = split_target(url)
    return host, template(path)


_ITALIC_PARAM = re.compile(r"(?<=/)<(?:i|em|var)>([\w.-]+)</(?:i|em|var)>")
_CODE_END = re.compile(r"</(?:code|tt|kbd|samp)>(?=[-–—:,;]\s)")
_INLINE_TAG = re.compile(r"</?(?:code|b|strong|span|a|em|i|tt|kbd|var|samp)\b[^>]*>")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_PATH_ROLE = re.compile(r":[\w-]+:`(/[^`<]*?)\s*(?:<[^>`]*>)?`")
_CODE_IN_PATH = re.compile(r"(?<=/)`([^`\s/]+)`(?=/|\s|$|`)")
_ADOC_LINK = re.compile(r"link:[^\[\s]*\[([^\]]*)\]")
_TYPED_PARAM = re.compile(r"\((\w+):\s+([\w.-]+)\)")


def _prep(line: str) -> str:
    """A line as the recogniser reads it: entities decoded, inline tags and link targets gone."""
    line = html.unescape(line) if "&" in line else line
    if "<" in line:
        line = _ITALIC_PARAM.sub(r"{\1}", line)
        line = _CODE_END.sub(" ", line)
        line = _INLINE_TAG.sub("", line)
    if "](" in line:
        line = _LINK_TARGET.sub("]", line)
    if "`" in line:
        # A role around a path (':ref:`/channels/(id) <target>`') is the path; a code span
        # inside a path ('/api/index/`${INDEX_NAME}`/count') is part of it.
        line = _PATH_ROLE.sub(r"\1", line)
        line = _CODE_IN_PATH.sub(r"\1", line)
    if "link:" in line:  # AsciiDoc 'link:#anchor[text]' inside a path is its text
        line = _ADOC_LINK.sub(r"\1", line)
    if "\\{" in line:
        line = line.replace("\\{", "{").replace("\\}", "}")
    # httpdomain '(string: name)' is one parameter even with a space after the colon.
    return _TYPED_PARAM.sub(r"(\1:\2)", line) if "(" in line else line


def _heading_paths(text: str) -> list[str]:
    """The paths a heading consists of ('/rest/config', '`/a`, `/b`'), or [] for any other."""
    bare = _prep(text).replace("`", "").replace("**", "").strip()
    parts = [p.strip() for p in re.split(r",|\band\b|&", bare) if p.strip()]
    if not parts or not all(re.fullmatch(r"(?:https?://\S+|/\S*)", p) for p in parts):
        return []
    paths = [_clean_path(p) for p in parts]
    return [p for p in paths if p != "/" and plausible_path(p)]


def _hit_kind(hit: Hit) -> str:
    """A request as sent (a request line, a query string, a real host with no parameter) is an
    example; a bare ``METHOD /path`` standing on its own is the page's definition."""
    concrete_url = hit.target.startswith(("http://", "https://")) and not re.search(
        r"[{<:\[(]", hit.target.split("//", 1)[-1].split("/", 1)[-1]
    )
    if hit.how == "request-line" or "?" in hit.target or concrete_url:
        return "example"
    return "definition"


def _window(num: str | None, unit: str) -> float:
    n = float(num.strip()) if num and num.strip() else 1.0
    return n * _UNIT[unit.lower()[0]]
