"""Does the cited prose support the claim? The simple, checkable cases.

A citation can point at the right line and still say the opposite: "no more Basic
authentication" is not evidence for Basic auth; a "NO" under "Mandatory" is not evidence that a
parameter is required; an endpoint cited to a line that says it was removed is not a live
endpoint. This rule reads the quoted span of each prose fact (OpenAPI facts cite structure, not
sentences, and are skipped) and reports the claims their own words contradict.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..sources import REMOVED, negates
from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Facts, Finding, Source

_SCHEME_WORDS = {
    "basic": r"basic(?:\s+auth\w*)?",
    "bearer": r"bearer",
    "oauth2": r"oauth\s*2?",
    "apiKey": r"api[\s_-]?key",
}
_NO_CELL = re.compile(r"\|\s*(?:no|false|optional)\s*(?:\||$)", re.I)
_YES_CELL = re.compile(r"\|\s*(?:yes|true|required|mandatory)\s*(?:\||$)", re.I)


def _prose(source: Source | None) -> bool:
    return bool(source and source.text and source.pointer is None)


def check_citation_meaning(facts: Facts) -> list[Finding]:
    out: list[Finding] = []
    for s in facts.security_schemes:
        if not _prose(s.source):
            continue
        term = _SCHEME_WORDS.get(s.scheme or "", _SCHEME_WORDS.get(s.type, re.escape(s.name)))
        if negates(s.source.text or "", term):
            out.append(
                finding(
                    "unsupported-citation",
                    "high",
                    f"auth scheme {s.name} is cited to a line that says it is not used: "
                    f"{s.source.text!r}",
                    "do not implement this scheme on that evidence; find where the docs state "
                    "the auth that applies",
                    s.source.cite(),
                    s.source,
                )
            )
    for op in facts.operations:
        if _prose(op.source) and not op.deprecated and REMOVED.search(op.source.text or ""):
            out.append(
                finding(
                    "unsupported-citation",
                    "medium",
                    f"{op.key} is cited to a line that marks it deprecated or removed",
                    "treat it as deprecated: prefer its replacement, or confirm with the API owner",
                    op.source.cite(),
                    op.source,
                )
            )
        fields = [
            *(p for p in op.parameters if p.location != "path"),
            *(op.request_body.fields if op.request_body else []),
        ]
        for f in fields:
            text = f.source.text or ""
            if (
                f.required
                and _prose(f.source)
                and _NO_CELL.search(text)
                and not _YES_CELL.search(text)
            ):
                out.append(
                    finding(
                        "unsupported-citation",
                        "medium",
                        f"{op.key}: `{f.name}` is marked required, but its cited row says "
                        f"no/optional: {f.source.text!r}",
                        "treat it as optional unless another place in the docs requires it",
                        f.source.cite(),
                        f.source,
                    )
                )
    return out
