"""Paragraphs and list items: endpoints named in text, section descriptions, status lines
with their example bodies, pagination notes, a stated base URL, required headers, OAuth scopes."""

from __future__ import annotations

import re

from ..schemas import (
    Parameter,
    ProseNote,
    SecurityRequirement,
    Server,
)
from ._endpoints import (
    split_target,
)
from ._prose_blocks import (
    Block,
)
from ._prose_fields import _Fields
from ._prose_patterns import (
    _HTTP_STATUS_LINE,
    _METHODS,
    _REQ_HEADERS,
)
from ._prose_sections import _Sections
from ._prose_text import (
    _span,
)


class _Paragraphs(_Sections, _Fields):
    def _para(self, b: Block) -> None:
        self._liquid_params(b)
        stripped = re.sub(r"\{%.*?%\}", "", b.text, flags=re.S).strip()
        if self._last_response is not None and stripped[:1] in ("{", "["):
            self._example_into(self._last_response, Block("code", stripped, b.line, b.end))
            self._last_response = None
            return
        if not _HTTP_STATUS_LINE.search(b.text):
            self._last_response = None
        ops_before = len(self.ops)
        self._endpoints_in_text(b)
        if b.kind == "para" and len(self.ops) == ops_before:
            self._describe(b)
        anchor = re.search(r"\{%\s*endanchor\s*%\}\s*([^{\n][^\n]*)", b.text)
        if anchor and re.search(rf"\{{%\s*anchor[^%]*%\}}\s*({_METHODS})\s*\{{%", b.text):
            self._pending_heading = anchor.group(1).strip()
            self._pending_level = 2
            self.current = None
        if (
            self.current is not None
            and self.current.fields_mode == "request"
            and self.fmt in ("markdown", "mdx")
        ):
            self._definition_params(b)
        for hm in _HTTP_STATUS_LINE.finditer(b.text):
            line = b.line + b.text[: hm.start()].count("\n")
            meaning = (hm.group(2) or "").strip().title() or None
            if self.current is not None:
                resp = self._add_response(self.current.op, hm.group(1), meaning, line, hm.group(0))
            else:
                self._api_response(hm.group(1), meaning, line, hm.group(0))
                resp = next(r for r in self.facts.api_responses if r.status == hm.group(1))
            tail = re.sub(r"\{%.*?%\}", "", b.text[hm.end() :], flags=re.S)
            self._last_response = resp
            if "{" in tail:
                self._example_into(resp, Block("code", tail[tail.index("{") :], line, line))
                self._last_response = None
        low = b.text.lower()
        if "link" in low and "header" in low and ("page" in low or "pagination" in low):
            self.facts.notes.append(
                ProseNote(topic="pagination", detail=_span(b.text), source=self.src(b.line, b.text))
            )
        if re.search(r"\bbase url\b|\bbase uri\b", low):
            # Only a URL written as code counts (a link to an RFC is not a base URL).
            url = re.search(r"`(https?://[^\s`<]+)`", b.text) or re.search(
                r"^\s*(https?://[^\s<>]+)\s*$", self._next_lines(b.end, 6), re.M
            )
            if url:
                base = url.group(1).rstrip(".,")
                if not any(s.url == base for s in self.facts.servers):
                    self.facts.servers.append(Server(url=base, source=self.src(b.line, b.text)))
                stated = split_target(base)[1].rstrip("/")
                if stated and self._stated_base is None and "{" not in stated:
                    # Paths on the page are relative to it ("all routes are given relative to
                    # the base URL"); the facts carry the whole path.
                    self._stated_base = stated
        for h in _REQ_HEADERS.finditer(b.text):
            if re.search(r"\b(must|required|requires|need to|should)\b", low):
                name = h.group(1).replace("User Agent", "User-Agent")
                if not any(p.name == name for p in self.facts.global_parameters):
                    self.facts.global_parameters.append(
                        Parameter(
                            name=name,
                            location="header",
                            required=True,
                            description=_span(b.text, 200),
                            source=self.src(b.line, b.text),
                        )
                    )
        self._status_list(b)
        oauth = re.search(r"\*\*OAuth:?\*\*:?\s*(.+)", b.text)
        if oauth and self.current is not None:
            scopes = re.findall(r"`([a-z]+:[a-z:_]+|read|write|follow|push)`", oauth.group(1))
            sch = self._scheme("oauth2", "oauth2", None, b.line, oauth.group(0), detail="")
            for sc in scopes:
                for flow in sch.flows:
                    flow.scopes.setdefault(sc, "")
            self.current.op.security = [SecurityRequirement(schemes={sch.name: scopes})]
            self.current.op.security_origin = "operation"
            self.current.op.security_source = self.src(b.line, oauth.group(0))
