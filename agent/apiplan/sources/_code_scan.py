"""Line scans for code the reader does not parse: fetch and axios calls in JavaScript and
TypeScript, curl commands in any file, and credential-shaped values in both."""

from __future__ import annotations

import bisect
import re

from .._secrets import find_secrets, redact
from ..schemas import CodeFile, HttpCall, SecretEvidence, Source
from ._code_base import Clock

# A curl *command*: 'curl' followed by a flag, a URL or a quote (not the word in prose).
_CURL = re.compile(r"\bcurl(?=\s+(?:-|https?://|['\"]))(?P<rest>(?:\\\n|[^\n])*)")
_JS_CALL = re.compile(
    r"\b(fetch|axios(?:\.(?:get|post|put|patch|delete|request))?)\s*\(\s*(?P<q>[`'\"])?(?P<url>[^`'\"\s,)]*)"
)


def scan_lines(path: str, text: str, file: CodeFile, *, js: bool, clock: Clock) -> None:
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_at(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    def line_text(line: int) -> str:
        start = newlines[line - 2] + 1 if line > 1 else 0
        end = newlines[line - 1] if line - 1 < len(newlines) else len(text)
        return redact(text[start:end].strip()[:200])

    for m in _CURL.finditer(text):
        clock.tick()
        rest = m.group("rest").replace("\\\n", " ")
        line = line_at(m.start())
        method_m = re.search(r"(?:-X|--request)\s+['\"]?([A-Z]+)", rest)
        url_m = re.search(r"(?:--url\s+)?['\"]?(https?://[^\s'\"]+)", rest)
        timed = re.search(r"--max-time|--connect-timeout|\s-m\s", rest) is not None
        file.calls.append(
            HttpCall(
                library="curl",
                method=method_m.group(1) if method_m else None,
                url=url_m.group(1) if url_m else None,
                timeout="set" if timed else "missing",
                status_checked=bool(re.search(r"--fail|-f\b", rest)),
                source=Source(document=path, line=line, text=line_text(line)),
            )
        )
    if not js:
        return
    for m in _JS_CALL.finditer(text):
        clock.tick()
        line = line_at(m.start())
        # The call's own statement: up to the first ';' at a line end or a blank line.
        tail = text[m.start() : m.start() + 600]
        end = min([i for i in (tail.find(";\n"), tail.find("\n\n")) if i >= 0] or [len(tail)])
        window = tail[: end + 1]
        timed = re.search(r"timeout\s*:|AbortSignal\.timeout|signal\s*:", window) is not None
        checked = re.search(r"\.ok\b|\.status\b|validateStatus|catch", window) is not None
        lib = "fetch" if m.group(1) == "fetch" else "axios"
        method = (
            m.group(1).split(".")[1].upper()
            if "." in m.group(1) and m.group(1).split(".")[1] != "request"
            else None
        )
        file.calls.append(
            HttpCall(
                library=lib,
                method=method,
                url=m.group("url") or None,
                timeout="set" if timed else "missing",
                status_checked=checked,
                source=Source(document=path, line=line, text=line_text(line)),
            )
        )


def secrets_in(display: str, text: str) -> list[SecretEvidence]:
    return [
        SecretEvidence(kind=h.kind, masked=h.masked, source=Source(document=display, line=h.line))
        for h in find_secrets(text)
    ]
