"""Prose API docs (Markdown, MDX, reStructuredText, HTML, AsciiDoc, API Blueprint, RAML) -> the
same facts as OpenAPI.

Every fact carries ``source = {document, line, text}``, the text being the quoted span (with any
credential-shaped value redacted). The page's own parser (one front end per format, producing the
``_prose_blocks.Block`` list) turns it into blocks with lines; each block is read for endpoints
(``_endpoints`` recognises them in any context), fields, statuses, auth, limits and advice by the
readers composed here (``_prose_sections``, ``_prose_fields``, ``_prose_code``, ``_prose_paras``,
``_prose_auth``); ``_prose_fold`` then makes one endpoint per template and says what was read.
What a page only transcludes at build time is reported, not invented.
"""

from __future__ import annotations

import re
import time
from dataclasses import (
    dataclass,
)

from .._secret_examples import find_encoded_secrets
from .._secrets import find_secrets
from ..schemas import (
    DocFormat,
    DocumentInfo,
    Facts,
    FactWarning,
    ProseNote,
    SecretEvidence,
    SecurityRequirement,
    Source,
)
from ._endpoints import (
    scan_components,
    scan_line,
)
from ._prose_adoc import (
    adoc_attributes,
    adoc_blocks,
)
from ._prose_auth import _Auth
from ._prose_blocks import (
    Block,
    front_matter,
)
from ._prose_code import _CodeBlocks
from ._prose_fields import _Fields
from ._prose_fold import _Fold
from ._prose_html import html_blocks
from ._prose_markdown import markdown_blocks
from ._prose_paras import _Paragraphs
from ._prose_patterns import (
    _APIB,
    _MAX_BLOCK_CHARS,
    _STATUS_HEAD,
    _TIME_BUDGET_S,
    _TRANSCLUDE,
)
from ._prose_raml import raml_endpoints
from ._prose_rst import rst_blocks
from ._prose_sections import _Sections
from ._prose_text import (
    _prep,
    _span,
)


@dataclass
class ProseExtractor(_Paragraphs, _CodeBlocks, _Sections, _Fields, _Auth, _Fold):
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
            source = Source(document=self.display, line=hit.line)
            self.facts.secrets.append(SecretEvidence.of(hit, source))
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
