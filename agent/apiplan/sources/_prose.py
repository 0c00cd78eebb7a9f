"""Prose API docs (Markdown, MDX, reStructuredText, HTML, AsciiDoc, API Blueprint, RAML) -> the
same facts as OpenAPI.

Every fact carries ``source = {document, line, text}``, the text being the quoted span (with any
credential-shaped value redacted). The page's own parser (``_prose_blocks``) turns it into blocks
with lines; each block is read for endpoints (``_endpoints`` recognises them in any context),
fields, statuses, auth, limits and advice by the readers composed here (``_prose_sections``,
``_prose_fields``, ``_prose_auth``); ``_prose_fold`` then makes one endpoint per template and says
what was read. What a page only transcludes at build time is reported, not invented.
"""

from __future__ import annotations

import re
import time
from dataclasses import (
    dataclass,
)

from .._secrets import (
    find_encoded_secrets,
    find_secrets,
)
from ..schemas import (
    DocFormat,
    DocumentInfo,
    Facts,
    FactWarning,
    Parameter,
    ProseNote,
    SecretEvidence,
    SecurityRequirement,
    Server,
    Source,
)
from ._endpoints import (
    scan_commands,
    scan_components,
    scan_line,
    split_target,
)
from ._prose_auth import _Auth
from ._prose_blocks import (
    Block,
    adoc_attributes,
    adoc_blocks,
    front_matter,
    html_blocks,
    markdown_blocks,
    raml_endpoints,
    rst_blocks,
)
from ._prose_fields import _Fields
from ._prose_fold import _Fold
from ._prose_sections import _Sections
from ._prose_state import (
    _APIB,
    _HTTP_STATUS_LINE,
    _MAX_BLOCK_CHARS,
    _METHODS,
    _REQ_HEADERS,
    _RL_HEADER,
    _STATUS_FIELD,
    _STATUS_HEAD,
    _TIME_BUDGET_S,
    _TRANSCLUDE,
    _hit_kind,
    _prep,
    _span,
)


@dataclass
class ProseExtractor(_Sections, _Fields, _Auth, _Fold):
    """Reads one prose page into facts: parse into blocks, read each block, fold, report."""

    def extract(self) -> Facts:
        text, fm_title = front_matter(self.text)
        front_lines = (
            text[: len(text) - len(text.lstrip("\n"))].count("\n")
            if fm_title or text != self.text
            else 0
        )
        self.lines = self.text.splitlines()
        if self.fmt in ("markdown", "mdx", "apib"):
            blocks = markdown_blocks(text, mdx=self.fmt == "mdx")
        elif self.fmt == "rst":
            blocks = rst_blocks(text)
        elif self.fmt == "asciidoc":
            blocks = adoc_blocks(text, adoc_attributes(text))
        elif self.fmt == "raml":
            blocks = []
            self._raml(text)
        else:
            blocks = html_blocks(text)
        self.title = fm_title or next((b.text for b in blocks if b.kind == "heading"), None)
        started = time.monotonic()
        for b in blocks:
            if time.monotonic() - started > _TIME_BUDGET_S:
                self.facts.warnings.append(
                    FactWarning(
                        code="time-budget",
                        message=f"stopped reading after {_TIME_BUDGET_S:.0f} s at line {b.line}: "
                        "the facts below cover only the page above that line",
                        source=self.src(b.line, b.text),
                    )
                )
                break
            if len(b.text) > _MAX_BLOCK_CHARS:
                # No reference page has a paragraph or code block this long; reading a 10 MB
                # one-line page whole would take minutes. Its beginning is read, and said so.
                self.facts.warnings.append(
                    FactWarning(
                        code="block-truncated",
                        message=f"a block of {len(b.text):,} characters at line {b.line} was "
                        f"read only in its first {_MAX_BLOCK_CHARS:,}",
                        source=self.src(b.line, b.text[:200]),
                    )
                )
                b.text = b.text[:_MAX_BLOCK_CHARS]
                b.end = b.line + b.text.count("\n")
            self._block(b)
        self._flush_section()
        self._raw_scan(front_lines)
        self._fold()
        self._coverage()
        self._page_level(blocks)
        for hit in [*find_secrets(self.text), *find_encoded_secrets(self.text)]:
            self.facts.secrets.append(
                SecretEvidence(
                    kind=hit.kind,
                    masked=hit.masked,
                    source=Source(document=self.display, line=hit.line),
                )
            )
        self.facts.documents = [
            DocumentInfo(
                path=self.display,
                format=self.fmt,
                title=self.title,
                sha256=self.sha256,
                lines=len(self.lines),
            )
        ]
        for o in self.ops.values():
            o.op.mentions = list({(m.line, m.text): m for m in o.mentions}.values())
        self.facts.operations = [o.op for o in self.ops.values()]
        self.facts.security_schemes = list(self.schemes.values())
        if self.schemes and self.facts.security is None:
            self.facts.security = [SecurityRequirement(schemes={n: [] for n in self.schemes})]
            for o in self.facts.operations:
                if o.security is None:
                    o.security = self.facts.security
                    o.security_origin = "global"
        return self.facts

    def _raw_scan(self, front_lines: int) -> None:
        """What the format's parser does not hand over as text: front matter fields (``api:
        POST /x``), component attributes, build-time transclusions."""
        for n, line in enumerate(self.lines[:front_lines], 1):
            for hit in scan_line(_prep(line)):
                self._endpoint(hit.method, hit.target, n, line, heading=self.title)
        if "<" in self.text:
            for hit, off in scan_components(self.text):
                n = off + 1
                self._endpoint(
                    hit.method, hit.target, n, self.lines[off], heading=self._heading_before(n)
                )
        for n, line in enumerate(self.lines, 1):
            if _TRANSCLUDE.search(line):
                self.facts.notes.append(
                    ProseNote(topic="transclusion", detail=_span(line), source=self.src(n, line))
                )

    def _raml(self, text: str) -> None:
        for ep in raml_endpoints(text):
            op = self._endpoint(ep.method, ep.path, ep.line, ep.quote, heading=ep.summary)
            for status, meaning, line, quote in ep.responses:
                self._add_response(op.op, status, meaning, line, quote)

    def _block(self, b: Block) -> None:
        if b.kind == "heading":
            self._heading(b)
            return
        if b.kind == "hr" and self.current is not None and self.fmt != "mdx":
            self.current.status = None
            return
        if b.kind == "code":
            self._code(b)
        elif b.kind in ("para", "item", "html"):
            self._para(b)
        elif b.kind == "row":
            self._row(b)
        if b.kind in ("para", "item", "row", "html"):
            self._section_methods(b)
        self._rates(b)
        self._auth(b)
        self._advice(b)

    def _heading(self, b: Block) -> None:
        text = re.sub(r"\s*\{#[^}]*\}\s*$", "", b.text.strip())  # Hugo heading ids
        self._flush_section()
        self._section_line, self._pending_desc = b.line, None
        while self.headings and self.headings[-1][0] >= b.level:
            self.headings.pop()
        self.headings.append((b.level, text))
        self._kv_method = self._kv_path = self._default_method = None
        while self._resources and self._resources[-1][0] >= b.level:
            self._resources.pop()
        if (
            self._resource is not None
            and b.level <= self._resource[0]
            and not _APIB.search(text)
            and b.level <= 1
        ):
            self._resource = None  # a new API Blueprint group
        self._section_start(text, b)
        hit = self._heading_hit(text, b)
        if hit is not None:
            summary = re.sub(r"\s*\[[^\]]*\]\s*$", "", text).strip() or text
            self.current = self._endpoint(
                hit.method, hit.target, b.line, text, heading=summary, level=b.level
            )
            return
        if self.current is not None and b.level <= self.current.level:
            self.current = None  # a sibling section: the next endpoint will follow
            self._pending_heading = text
        if self.current is None:
            self._pending_heading = text
            self._pending_level = b.level
            return
        low = text.lower()
        st = _STATUS_HEAD.match(text)
        if st:
            self.current.status = st.group(1)
            self._add_response(self.current.op, st.group(1), st.group(2), b.line, text)
            self.current.fields_mode = "response"
        elif "response" in low or "returns" in low:
            self.current.fields_mode, self.current.status = "response", None
        elif any(k in low for k in ("param", "request", "body", "form data", "json")):
            self.current.fields_mode, self.current.status = "request", None
            self.current.param_loc = (
                "path"
                if "path" in low
                else "query"
                if "query" in low
                else "header"
                if "header" in low
                else None
            )
        elif "header" in low:
            self.current.fields_mode, self.current.param_loc = "request", "header"

    def _code(self, b: Block) -> None:
        lines = b.text.splitlines()
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        if first is not None and self._pending_method is not None:
            method, _ = self._pending_method
            target = lines[first].strip()
            if re.fullmatch(r"(?:https?://\S+|/\S*)", target):
                # A real host (localhost:7474) marks a filled-in example of the endpoint.
                concrete = bool(re.match(r"https?://[\w.-]+(?::\d+)?/", target))
                self._start_op_here(
                    method,
                    target,
                    b.body_line + first,
                    f"{method} {target}",
                    kind="example" if concrete else "definition",
                )
        self._pending_method = None
        for i, raw in enumerate(lines):
            if not raw.strip():
                continue
            line = b.body_line + i
            st = _STATUS_FIELD.match(raw)
            if st and self.current is not None:
                self._add_response(self.current.op, st.group(1), st.group(2), line, raw.strip())
                continue
            for hit in scan_line(_prep(raw)):
                lone = i == first and hit.column <= 12
                if hit.how == "directive" or (
                    lone and (self.current is None or not self.current.status)
                ):
                    kind = _hit_kind(hit)
                    if (
                        kind == "example"
                        and hit.how == "line"
                        and hit.target.startswith("/")
                        and self._defs == self._sec_defs
                    ):
                        # The request sample under a heading that defines nothing else is that
                        # section's endpoint ('Get Entry IDs' / 'GET /v1/entries/ids?status=...').
                        kind = "definition"
                    self._start_op_here(hit.method, hit.target, line, raw.strip(), kind=kind)
                else:
                    self._endpoint(
                        hit.method,
                        hit.target,
                        line,
                        raw.strip(),
                        heading=self._section_title(),
                        kind="example",
                    )
        for hit, off in scan_commands(b.text):
            line = b.body_line + off
            quote = lines[off].strip() if off < len(lines) else hit.target
            op = self._endpoint(
                hit.method, hit.target, line, quote, heading=self._section_title(), kind="example"
            )
            if self.current is None and op.op.key in self.ops:
                self.current = op
        for um in re.finditer(r"(?:--user|-u)\s+['\"]?([^:'\"\s]+):", b.text):
            line = b.body_line + b.text[: um.start()].count("\n")
            self._scheme(
                "basic",
                "http",
                "basic",
                line,
                f"--user {um.group(1)}:… (curl basic auth)",
                detail=f"user `{um.group(1)}`, API key as password",
            )
        for hm in _HTTP_STATUS_LINE.finditer(b.text):
            line = b.body_line + b.text[: hm.start()].count("\n")
            target = self.current.op if self.current else None
            meaning = (hm.group(2) or "").strip().title() or None
            if target is not None:
                resp = self._add_response(target, hm.group(1), meaning, line, hm.group(0))
            else:
                self._api_response(hm.group(1), meaning, line, hm.group(0))
                resp = next(r for r in self.facts.api_responses if r.status == hm.group(1))
            tail = b.text[hm.end() :]
            if "{" in tail:
                start = tail.index("{")
                self._example_into(
                    resp, Block("code", tail[start:], line + tail[:start].count("\n"), line)
                )
        for n_off, line_text in enumerate(b.text.splitlines()):
            hdr = _RL_HEADER.search(line_text)
            if hdr and ":" in line_text:
                self._rate("header", hdr.group(1), b.body_line + n_off, line_text)
        if self.current is not None and self.current.status and "{" in b.text:
            self._example_fields(self.current.op, self.current.status, b)
        if "retry_after" in b.text:
            n_off = b.text[: b.text.index("retry_after")].count("\n")
            self._rate(
                "field",
                "429 body field `retry_after`",
                b.body_line + n_off,
                b.text.splitlines()[n_off],
            )

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


_BY_SUFFIX: tuple[tuple[str, DocFormat], ...] = (
    (".mdx", "mdx"),
    (".md", "markdown"),
    (".markdown", "markdown"),
    (".rst", "rst"),
    (".html", "html"),
    (".htm", "html"),
    (".adoc", "asciidoc"),
    (".asciidoc", "asciidoc"),
    (".apib", "apib"),
    (".raml", "raml"),
    (".txt", "markdown"),
)


def prose_format(path: str, text: str) -> DocFormat | None:
    """markdown, mdx, rst or html by extension, else by sniffing; None when it is not prose."""
    low = path.lower()
    for ext, fmt in _BY_SUFFIX:
        if low.endswith(ext):
            return fmt
    head = text.lstrip()[:2000]
    if head.startswith("<!DOCTYPE html") or head.lower().startswith("<html"):
        return "html"
    if head.startswith("#%RAML"):
        return "raml"
    if head.startswith("FORMAT: 1A"):
        return "apib"
    if re.search(r"^#{1,6}\s|^```", head, re.M):
        return "markdown"
    if re.search(r"^\.\. \w+::|^={3,}$", head, re.M):
        return "rst"
    return None


def extract_prose(display: str, text: str, sha256: str, fmt: DocFormat) -> Facts:
    return ProseExtractor(display=display, text=text, fmt=fmt, sha256=sha256).extract()
