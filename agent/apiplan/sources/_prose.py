"""Prose API docs (Markdown, MDX, reStructuredText, HTML) -> the same facts as OpenAPI.

Every fact carries ``source = {document, line, text}``, the text being the quoted span (with any
credential-shaped value redacted). Endpoints are taken wherever the page writes them: headings,
code blocks, JSX ``<Route>`` components, Liquid ``apiv3example`` tags, curl commands, inline code.
What a page only transcludes at build time (Hugo ``http-api`` shortcodes) is not on the page and
is reported, not invented.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .._secrets import find_encoded_secrets, find_secrets, redact
from ..schemas import (
    Body,
    DocumentInfo,
    Facts,
    FactWarning,
    IdempotencyEvidence,
    OAuthFlow,
    Operation,
    Parameter,
    ProseNote,
    RateLimitEvidence,
    Response,
    RetryGuidance,
    SchemaField,
    SecretEvidence,
    SecurityRequirement,
    SecurityScheme,
    Server,
    Source,
)
from ._guidance import retry_advice
from ._prose_blocks import Block, front_matter, html_blocks, markdown_blocks, rst_blocks

_METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"
_ENDPOINT_LINE = re.compile(
    rf"^\s*[<>]?\s*({_METHODS})\s+(https?://\S+|/\S*)(?:\s+HTTP/[\d.]+)?\s*$"
)
_INLINE_ENDPOINT = re.compile(rf"`({_METHODS})\s+(https?://[^`\s]+|/[^`\s]*)`")
_ROUTE = re.compile(rf"<Route\s+method=[\"']({_METHODS})[\"']\s*>(.*?)</Route>", re.I)
_LIQUID = re.compile(rf"\{{%\s*apiv3example\s+\S+\s+({_METHODS})\s+(https?://\S+)", re.I)
_CURL = re.compile(r"\bcurl(?=\s+(?:-|https?://|['\"]))((?:\\\n|[^\n])*)")
_HEADING_ENDPOINT = re.compile(rf"^({_METHODS})\s+(/\S*|https?://\S+)")
_STATUS_HEAD = re.compile(r"^\s*`?(\d{3})`?\s*[:\-–—]\s*(.+)$")
_STATUS_ROW = re.compile(r"^\s*`?(\d{3})`?\s*$")
_HTTP_STATUS_LINE = re.compile(r"HTTP/[\d.]+\s+(\d{3})\s*([A-Za-z][A-Za-z ]*)?")
_TRANSCLUDE = re.compile(r"\{\{%\s*http-api\s+[^%]*%\}\}")
_LIMIT = re.compile(
    r"(\d[\d,]*)\s*(?:requests?|calls?|times|messages?|emails?|events?)?\s*"
    r"(?:per|every|within|each|in|an?|/)\s*(?:a\s+|an\s+|one\s+)?(\d+(?:\.\d+)?\s*)?"
    r"(seconds?|secs?|minutes?|mins?|hours?|days?)\b",
    re.I,
)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_WORDS = re.compile(r"rate[- ]?limit|throttl|too many requests|\b429\b", re.I)
_RL_HEADER = re.compile(r"\b(X-RateLimit-[A-Za-z-]+|RateLimit-[A-Za-z-]+|Retry-After)\b", re.I)
_SCOPES = re.compile(
    r"per[- ](route|ip|account|user|bot|application|app|key|token|guild|channel|endpoint)|\bglobal(?:ly)?\b",
    re.I,
)
_REQ_HEADERS = re.compile(
    r"\b(User[- ]Agent|Content-Type|Accept|[A-Z][A-Za-z]+-Version|X-[A-Za-z-]*Version)\b"
)


def _span(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return redact(flat[:limit])


def _clean_path(raw: str) -> str:
    """'/channels/[\\{channel.id\\}](/x#y)/webhooks' -> '/channels/{channel.id}/webhooks'."""
    p = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    p = p.replace("\\{", "{").replace("\\}", "}").replace("\\_", "_").strip("`'\" .,;")
    p = re.sub(r"/:([A-Za-z_][A-Za-z0-9_]*)", r"/{\1}", p)
    return p.split("?")[0].split("#")[0] or "/"


def _split_url(url: str) -> tuple[str | None, str]:
    m = re.match(r"(https?://[^/\s]+)(/[^\s?#]*)?", url)
    if not m:
        return None, _clean_path(url)
    return m.group(1), _clean_path(m.group(2) or "/")


def _window(num: str | None, unit: str) -> float:
    n = float(num.strip()) if num and num.strip() else 1.0
    return n * _UNIT[unit.lower()[0]]


@dataclass
class _Op:
    op: Operation
    level: int
    fields_mode: str = ""  # "request", "response" or "" for the table/list under a subheading
    status: str | None = None
    param_loc: str | None = None


@dataclass
class ProseExtractor:
    display: str
    text: str
    fmt: str
    sha256: str
    title: str | None = None
    facts: Facts = field(default_factory=Facts)
    lines: list[str] = field(default_factory=list)
    ops: dict[str, _Op] = field(default_factory=dict)
    current: _Op | None = None
    headings: list[tuple[int, str]] = field(default_factory=list)
    schemes: dict[str, SecurityScheme] = field(default_factory=dict)
    _waiting_params: list[tuple[str, str | None, bool, int, str]] = field(default_factory=list)
    _last_response: Response | None = None
    _seen_rates: set[tuple[str, str]] = field(default_factory=set)
    _seen_limits: set[tuple[int, float, int]] = field(default_factory=set)
    _limit_lines: set[int] = field(default_factory=set)

    def src(self, line: int, text: str) -> Source:
        return Source(document=self.display, line=line, text=_span(text))

    # -- entry ---------------------------------------------------------------------------------
    def extract(self) -> Facts:
        text, fm_title = front_matter(self.text)
        self.lines = self.text.splitlines()
        if self.fmt in ("markdown", "mdx"):
            blocks = markdown_blocks(text, mdx=self.fmt == "mdx")
        elif self.fmt == "rst":
            blocks = rst_blocks(text)
        else:
            blocks = html_blocks(text)
        self.title = fm_title or next((b.text for b in blocks if b.kind == "heading"), None)
        for b in blocks:
            self._block(b)
        self._raw_scan()
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
                sha256=self.sha256,  # type: ignore[arg-type]
                lines=len(self.lines),
            )
        ]
        self.facts.operations = [o.op for o in self.ops.values()]
        self.facts.security_schemes = list(self.schemes.values())
        if self.schemes and self.facts.security is None:
            self.facts.security = [SecurityRequirement(schemes={n: [] for n in self.schemes})]
            for o in self.facts.operations:
                if o.security is None:
                    o.security = self.facts.security
                    o.security_origin = "global"
        return self.facts

    # -- raw line scans: JSX routes, Liquid tags, curl, transclusion ----------------------------------
    def _raw_scan(self) -> None:
        for n, line in enumerate(self.lines, 1):
            for m in _ROUTE.finditer(line):
                self._endpoint(m.group(1), m.group(2), n, line, heading=self._heading_before(n))
            for m in _LIQUID.finditer(line):
                self._endpoint(m.group(1), m.group(2), n, line, heading=self._heading_before(n))
            if _TRANSCLUDE.search(line):
                self.facts.notes.append(
                    ProseNote(topic="transclusion", detail=_span(line), source=self.src(n, line))
                )

    def _heading_before(self, line: int) -> str | None:
        for n in range(line - 1, max(line - 12, 0), -1):
            t = self.lines[n - 1].strip()
            if t.startswith("#"):
                return t.lstrip("#").strip()
        return None

    def _endpoint(
        self,
        method: str,
        target: str,
        line: int,
        quote: str,
        *,
        heading: str | None,
        level: int = 2,
    ) -> _Op:
        base, path = _split_url(target)
        if re.search(r"[!$<>%\"']|\s", path):
            # A filled-in example ('/rooms/!roomid:domain/...'), not an endpoint template.
            return self.current or _Op(
                Operation(
                    key=f"{method} {path}",
                    method=method,
                    path=path,
                    security_origin="unspecified",
                    source=self.src(line, quote),
                ),
                level,
            )
        if base and not any(s.url == base for s in self.facts.servers):
            self.facts.servers.append(Server(url=base, source=self.src(line, quote)))
        key = f"{method.upper()} {path}"
        existing = self.ops.get(key)
        if existing is None:
            op = Operation(
                key=key,
                method=method.upper(),
                path=path,
                summary=heading,
                security_origin="unspecified",
                source=self.src(line, quote),
            )
            existing = _Op(op, level)
            self.ops[key] = existing
            for name in re.findall(r"\{([^}]+)\}", path):
                op.parameters.append(
                    Parameter(
                        name=name, location="path", required=True, source=self.src(line, quote)
                    )
                )
                if re.search(r"txn|transaction", name, re.I):
                    self.facts.idempotency.append(
                        IdempotencyEvidence(
                            kind="path", detail=name, operation=key, source=self.src(line, quote)
                        )
                    )
        return existing

    # -- blocks ----------------------------------------------------------------------------------------
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
        self._rates(b)
        self._auth(b)
        self._advice(b)

    def _heading(self, b: Block) -> None:
        text = re.sub(r"\s*\{#[^}]*\}\s*$", "", b.text.strip())  # Hugo heading ids
        while self.headings and self.headings[-1][0] >= b.level:
            self.headings.pop()
        self.headings.append((b.level, text))
        m = _HEADING_ENDPOINT.match(text)
        if m:
            self.current = self._endpoint(
                m.group(1), m.group(2), b.line, text, heading=text, level=b.level
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

    def _start_op_here(self, method: str, target: str, line: int, quote: str) -> None:
        heading = getattr(self, "_pending_heading", None)
        level = getattr(self, "_pending_level", 2)
        self.current = self._endpoint(method, target, line, quote, heading=heading, level=level)
        op = self.current.op
        if op.summary is None and heading:
            op.summary = heading
        for name, typ, req, pline, pquote in self._waiting_params:
            if op.method in ("GET", "DELETE", "HEAD"):
                if not any(p.name == name for p in op.parameters):
                    op.parameters.append(
                        Parameter(
                            name=name,
                            location="query",
                            required=req,
                            type=typ,
                            source=self.src(pline, pquote),
                        )
                    )
            else:
                self._body_field(op, name, typ, req, pline, pquote)
        self._waiting_params = []

    def _code(self, b: Block) -> None:
        first = b.text.strip().splitlines()[0] if b.text.strip() else ""
        m = _ENDPOINT_LINE.match(first)
        if m and (self.current is None or not self.current.status):
            self._start_op_here(m.group(1), m.group(2), b.body_line, first)
        for cm in _CURL.finditer(b.text):
            rest = cm.group(1).replace("\\\n", " ")
            url = re.search(r"(https?://[^\s'\"]+)", rest)
            if not url:
                continue
            method = re.search(r"(?:-X|--request)\s+['\"]?([A-Z]+)", rest)
            verb = (
                method.group(1)
                if method
                else ("POST" if re.search(r"\s(-d|--data|-F|--form)\b", rest) else "GET")
            )
            line = b.body_line + b.text[: cm.start()].count("\n")
            if (
                self.current is None
                or self.current.op.key != f"{verb} {_split_url(url.group(1))[1]}"
            ):
                op = self._endpoint(
                    verb, url.group(1), line, "curl" + rest, heading=self._section_title()
                )
                if self.current is None:
                    self.current = op
            user = re.search(r"(?:--user|-u)\s+['\"]?([^:'\"\s]+):", rest)
            if user:
                self._scheme(
                    "basic",
                    "http",
                    "basic",
                    line,
                    f"--user {user.group(1)}:… (curl basic auth)",
                    detail=f"user `{user.group(1)}`, API key as password",
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
        for m in _ROUTE.finditer(b.text):
            self._start_op_here(m.group(1), m.group(2), b.line, m.group(0))
        for m in _LIQUID.finditer(b.text):
            self._start_op_here(m.group(1), m.group(2), b.line, m.group(0))
        anchor = re.search(r"\{%\s*endanchor\s*%\}\s*([^{\n][^\n]*)", b.text)
        if anchor and re.search(rf"\{{%\s*anchor[^%]*%\}}\s*({_METHODS})\s*\{{%", b.text):
            self._pending_heading = anchor.group(1).strip()
            self._pending_level = 2
            self.current = None
        for m in _INLINE_ENDPOINT.finditer(b.text):
            self._endpoint(m.group(1), m.group(2), b.line, b.text, heading=self._section_title())
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

    def _liquid_params(self, b: Block) -> None:
        """SendGrid's Jekyll tags: {% parameter name Yes 'String. Max 30 characters' '...' %}.

        They come before the example that names the endpoint, so they wait for it."""
        for n, line in enumerate(b.text.splitlines()):
            m = re.search(r"\{%\s*parameter\s+(\w+)\s+(Yes|No)\s+(?:(\w+)\s+)?'([^']*)'", line)
            if m:
                typ = re.match(
                    r"(String|Integer|Boolean|Array|Object|Number)", m.group(3) or m.group(4)
                )
                self._waiting_params.append(
                    (
                        m.group(1),
                        typ.group(1).lower() if typ else None,
                        m.group(2) == "Yes",
                        b.line + n,
                        line.strip(),
                    )
                )

    def _next_lines(self, end: int, n: int) -> str:
        return "\n".join(self.lines[end : end + n])

    def _definition_params(self, b: Block) -> None:
        """Hugo-style definition lists: ':id' / ': {{<required>}} String. The ID'."""
        raw = b.text.splitlines()
        for i in range(len(raw) - 1):
            name, desc = raw[i].strip(), raw[i + 1].strip()
            if (name and not name.startswith(":") and desc.startswith(": ")) or (
                name.startswith(":") and desc.startswith(": ")
            ):
                pname = name.lstrip(":").strip().strip("`")
                if not re.fullmatch(r"[A-Za-z_][\w\[\].-]*", pname):
                    continue
                loc = self.current.param_loc if self.current else None
                required = "required" in desc.lower()
                typ = re.search(r"\b(String|Integer|Boolean|Array|Hash|Number|Object)\b", desc)
                line = b.line + i
                op = self.current.op  # type: ignore[union-attr]
                if loc in ("path", "query", "header", "cookie"):
                    if not any(p.name == pname and p.location == loc for p in op.parameters):
                        op.parameters.append(
                            Parameter(
                                name=pname,
                                location=loc,
                                required=required,  # type: ignore[arg-type]
                                type=typ.group(1).lower() if typ else None,
                                description=_span(desc.lstrip(": "), 200),
                                source=self.src(line, name + " " + desc),
                            )
                        )
                else:
                    self._body_field(
                        op,
                        pname,
                        typ.group(1).lower() if typ else None,
                        required,
                        line,
                        name + " " + desc,
                    )

    def _body_field(
        self,
        op: Operation,
        name: str,
        typ: str | None,
        required: bool,
        line: int,
        quote: str,
        *,
        response: str | None = None,
        confidence: str = "documented",
    ) -> None:
        f = SchemaField(
            path=name,
            name=name.rsplit(".", 1)[-1],
            type=typ,
            required=required,
            confidence=confidence,  # type: ignore[arg-type]
            source=self.src(line, quote),
        )
        if response is None:
            if op.request_body is None:
                op.request_body = Body(
                    content_types=["application/json"], source=self.src(line, quote)
                )
            if not any(x.path == name for x in op.request_body.fields):
                op.request_body.fields.append(f)
        else:
            resp = next((r for r in op.responses if r.status == response), None)
            if resp is None:
                resp = self._add_response(op, response, None, line, quote)
            if resp.body is None:
                resp.body = Body(source=self.src(line, quote))
            if not any(x.path == name for x in resp.body.fields):
                resp.body.fields.append(f)

    def _row(self, b: Block) -> None:
        cells = [c.strip() for c in b.cells]
        if not cells:
            return
        st = _STATUS_ROW.match(cells[0]) or _STATUS_HEAD.match(cells[0])
        if st and len(cells) >= 2:
            meaning = cells[1] if _STATUS_ROW.match(cells[0]) else st.group(2)
            if self.current is not None:
                self._add_response(self.current.op, st.group(1), meaning, b.line, b.text)
            else:
                self._api_response(st.group(1), meaning, b.line, b.text)
            return
        header = [h.lower() for h in b.header]
        if (
            self.current is not None
            and header
            and ("field" in header[0] or "name" in header[0] or "parameter" in header[0])
        ):
            name = re.sub(r"[?*\\]|`", "", cells[0]).strip()
            if not re.fullmatch(r"[A-Za-z_][\w.\[\]-]*", name):
                return
            typ = (
                cells[1].strip("` ")
                if len(cells) > 1 and "type" in (header[1] if len(header) > 1 else "")
                else None
            )
            optional = "?" in cells[0] or bool(typ and typ.startswith("?"))
            req_col = next((i for i, h in enumerate(header) if "required" in h), None)
            required = (
                (not optional)
                if req_col is None
                else cells[req_col].lower().startswith(("yes", "true", "required"))
            )
            section = " ".join(t for _, t in self.headings[-2:]).lower()
            if "response" in section or "structure" in section or "object" in section:
                return  # an object's structure, not this endpoint's request
            self._body_field(
                self.current.op, name, typ.lstrip("?") if typ else None, required, b.line, b.text
            )

    def _example_fields(self, op: Operation, status: str, b: Block) -> None:
        resp = next((r for r in op.responses if r.status == status), None) or self._add_response(
            op, status, None, b.line, b.text
        )
        self._example_into(resp, b)

    def _example_into(self, resp: Response, b: Block) -> None:
        """Top-level keys of an example body; invalid JSON is read leniently and labelled."""
        body = b.text
        try:
            parsed, valid = json.loads(body), True
        except (ValueError, RecursionError):
            # Documentation JSON often has trailing commas or // comments: read it leniently.
            lenient = re.sub(r",\s*([}\]])", r"\1", re.sub(r"(?<![:\"])//[^\n]*", "", body))
            try:
                parsed = json.loads(lenient)
            except (ValueError, RecursionError):
                parsed = None
            valid = False
        keys: list[tuple[str, int]] = []
        if isinstance(parsed, dict):
            keys = [(k, 0) for k in parsed]
        elif isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
            # Every element's keys: SendGrid's second item has a 'description 2' typo to flag.
            keys = [
                (k, 0)
                for k in dict.fromkeys(k for item in parsed if isinstance(item, dict) for k in item)
            ]
        else:
            depth = 0
            for n, line in enumerate(body.splitlines()):
                m = re.match(r'\s*"([^"\n]{1,60})"\s*:', line)
                if m and depth == 1:
                    keys.append((m.group(1), n))
                depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
        body_lines = body.splitlines() or [""]
        for k, off in keys:
            # A key with a space ('description 2') is a typo or a placeholder, not a field name.
            confidence = "uncertain" if re.search(r"\s", k) else "example"
            n_off = off or next((i for i, ln in enumerate(body_lines) if f'"{k}"' in ln), 0)
            line = b.body_line + n_off
            if resp.body is None:
                resp.body = Body(source=self.src(line, body_lines[n_off]))
            if not any(x.path == k for x in resp.body.fields):
                note = None if valid else "read from an example that is not valid JSON"
                resp.body.fields.append(
                    SchemaField(
                        path=k,
                        name=k,
                        confidence=confidence,
                        description=note,  # type: ignore[arg-type]
                        source=self.src(line, body_lines[n_off]),
                    )
                )

    def _add_response(
        self, op: Operation, status: str, meaning: str | None, line: int, quote: str
    ) -> Response:
        existing = next((r for r in op.responses if r.status == status), None)
        if existing is not None:
            return existing
        r = Response(
            status=status,
            description=_span(meaning, 200) if meaning else None,
            source=self.src(line, quote),
        )
        op.responses.append(r)
        if status in ("429", "503"):
            self.facts.rate_limits.append(
                RateLimitEvidence(
                    kind="status",
                    detail=f"{status}: {meaning or ''}".strip(": "),
                    operation=op.key,
                    source=r.source,
                )
            )
        return r

    def _api_response(self, status: str, meaning: str | None, line: int, quote: str) -> None:
        if any(r.status == status for r in self.facts.api_responses):
            return
        r = Response(
            status=status,
            description=_span(meaning, 200) if meaning else None,
            source=self.src(line, quote),
        )
        self.facts.api_responses.append(r)
        if status in ("429", "503"):
            self.facts.rate_limits.append(
                RateLimitEvidence(
                    kind="status", detail=f"{status}: {meaning or ''}".strip(": "), source=r.source
                )
            )

    def _section_title(self) -> str | None:
        return self.headings[-1][1] if self.headings else None

    # -- rate limits, auth, retry advice ------------------------------------------------------------
    def _rate(self, kind: str, detail: str, line: int, quote: str, **extra: object) -> None:
        op = self.current.op.key if self.current is not None and kind != "header" else None
        if kind in ("header", "field"):
            key = (kind, detail.lower())
            if key in self._seen_rates:
                return
            self._seen_rates.add(key)
        self.facts.rate_limits.append(
            RateLimitEvidence(
                kind=kind, detail=detail, operation=op, source=self.src(line, quote), **extra
            )
        )  # type: ignore[arg-type]

    def _rates(self, b: Block) -> None:
        if b.kind not in ("para", "item", "row", "html"):
            return
        text = " ".join(re.sub(r"<[^>]+>", " ", b.text).split())
        section = " ".join(t for _, t in self.headings).lower()
        rate_context = _RATE_WORDS.search(text) or "rate" in section or "limit" in section
        for m in _LIMIT.finditer(text):
            if not rate_context and not re.search(r"requests?|calls?|times", m.group(0), re.I):
                continue
            try:
                limit = int(m.group(1).replace(",", ""))
            except ValueError:
                continue
            scope_m = _SCOPES.search(text) or _SCOPES.search(section)
            scope = scope_m.group(0).lower().replace("-", " ") if scope_m else None
            ops = [
                f"{e.group(1)} {_clean_path(e.group(2))}" for e in _INLINE_ENDPOINT.finditer(text)
            ]
            window = _window(m.group(2), m.group(3))
            if (limit, window, b.line) in self._seen_limits:
                continue
            self._seen_limits.add((limit, window, b.line))
            self._limit_lines.add(b.line)
            for key in ops or [None]:
                self.facts.rate_limits.append(
                    RateLimitEvidence(
                        kind="limit",
                        detail=_span(text, 300),
                        operation=key if key in self.ops else None,
                        limit=limit,
                        window_seconds=window,
                        scope=scope or ("per route" if key else None),
                        source=self.src(b.line, text),
                    )
                )
        headers = list(_RL_HEADER.finditer(text))
        for hdr in headers:
            self._rate("header", hdr.group(1), b.line, text)
        limited = b.line in self._limit_lines
        if _RATE_WORDS.search(text) and not limited and not headers:
            self._rate("text", _span(text, 300), b.line, text)

    def _scheme(
        self,
        name: str,
        type_: str,
        scheme: str | None,
        line: int,
        quote: str,
        *,
        detail: str = "",
        location: str | None = None,
        param: str | None = None,
    ) -> SecurityScheme:
        if name not in self.schemes:
            flows = [OAuthFlow(flow="unspecified")] if type_ == "oauth2" else []
            self.schemes[name] = SecurityScheme(
                name=name,
                type=type_,
                scheme=scheme,
                location=location,
                param_name=param,
                flows=flows,
                description=detail or None,
                source=self.src(line, quote),
            )
        return self.schemes[name]

    def _auth(self, b: Block) -> None:
        text = b.text
        for m in re.finditer(
            r"Authorization:?\s*`?\s*(Bearer|Bot|Basic|Token)\b\s*(token=)?", text
        ):
            kind = m.group(1)
            if kind == "Basic":
                self._scheme("basic", "http", "basic", b.line, text)
            elif kind == "Token":
                self._scheme(
                    "token",
                    "apiKey",
                    None,
                    b.line,
                    text,
                    location="header",
                    param="Authorization",
                    detail="Authorization: Token token=<key>",
                )
            else:
                self._scheme(
                    kind.lower(),
                    "http",
                    "bearer",
                    b.line,
                    text,
                    detail=f"Authorization: {kind} <token>",
                )
        if re.search(r"\bBearer <|with `Bearer", text):
            self._scheme(
                "bearer", "http", "bearer", b.line, text, detail="Authorization: Bearer <token>"
            )
        if re.search(r"\bBot <", text):
            self._scheme("bot", "http", "bearer", b.line, text, detail="Authorization: Bot <token>")
        if re.search(r"HTTP Basic Auth|basic (?:http )?auth", text, re.I):
            user = re.search(r"use ``?(\w+)``? as the username", text)
            self._scheme(
                "basic",
                "http",
                "basic",
                b.line,
                text,
                detail=f"username `{user.group(1)}`, API key as password" if user else "",
            )
        for m in re.finditer(r"`?(X-[A-Za-z-]*(?:Api|API)[-_]?Key|Api-Key|X-Auth-Token)`?", text):
            self._scheme(
                "apiKeyHeader", "apiKey", None, b.line, text, location="header", param=m.group(1)
            )

    def _advice(self, b: Block) -> None:
        for a in retry_advice(b.text):
            op = self.current.op.key if self.current is not None else None
            self.facts.retry_guidance.append(
                RetryGuidance(
                    condition=a.condition,
                    retry=a.retry,
                    detail=_span(a.detail, 300),
                    operation=op,
                    source=self.src(b.line, b.text),
                )
            )

    def _page_level(self, blocks: list[Block]) -> None:
        limits = [
            r for r in self.facts.rate_limits if r.kind in ("limit", "header", "text", "field")
        ]
        statuses = [r for r in self.facts.rate_limits if r.kind == "status"] or [
            r
            for r in self.facts.rate_limits
            if re.search(r"\b429\b|too many requests", r.detail, re.I)
        ]
        mentions_429 = re.search(r"\b429\b|too many requests", self.text, re.I)
        if limits and not statuses and not mentions_429:
            first = limits[0]
            self.facts.rate_limits.append(
                RateLimitEvidence(
                    kind="absence",
                    detail="the page states rate limits but names no HTTP status for exceeding them; do not assume 429",
                    source=first.source,
                )
            )
        transcluded = [n for n in self.facts.notes if n.topic == "transclusion"]
        if transcluded:
            self.facts.warnings.append(
                FactWarning(
                    code="transcluded",
                    message=f"{len(transcluded)} endpoint groups are transcluded at build time "
                    "(http-api shortcodes) and are not on this page; only endpoints written inline are facts",
                    source=transcluded[0].source,
                )
            )


def prose_format(path: str, text: str) -> str | None:
    """markdown, mdx, rst or html by extension, else by sniffing; None when it is not prose."""
    low = path.lower()
    for ext, fmt in (
        (".mdx", "mdx"),
        (".md", "markdown"),
        (".markdown", "markdown"),
        (".rst", "rst"),
        (".html", "html"),
        (".htm", "html"),
        (".txt", "markdown"),
    ):
        if low.endswith(ext):
            return fmt
    head = text.lstrip()[:2000]
    if head.startswith("<!DOCTYPE html") or head.lower().startswith("<html"):
        return "html"
    if re.search(r"^#{1,6}\s|^```", head, re.M):
        return "markdown"
    if re.search(r"^\.\. \w+::|^={3,}$", head, re.M):
        return "rst"
    return None


def extract_prose(display: str, text: str, sha256: str, fmt: str) -> Facts:
    return ProseExtractor(display=display, text=text, fmt=fmt, sha256=sha256).extract()
