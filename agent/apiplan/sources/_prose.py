"""Prose API docs (Markdown, MDX, reStructuredText, HTML) -> the same facts as OpenAPI.

Every fact carries ``source = {document, line, text}``, the text being the quoted span (with any
credential-shaped value redacted). Endpoints are taken wherever the page writes them: headings,
code blocks, JSX ``<Route>`` components, Liquid ``apiv3example`` tags, curl commands, inline code.
What a page only transcludes at build time (Hugo ``http-api`` shortcodes) is not on the page and
is reported, not invented.
"""

from __future__ import annotations

import html
import json
import re
import time
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
from ._endpoints import (
    ALL_METHODS,
    METHODS,
    Hit,
    generalise,
    illustrative,
    is_suffix,
    matches,
    plausible_path,
    scan_commands,
    scan_components,
    scan_line,
    split_target,
    template,
)
from ._guidance import retry_advice
from ._meaning import REMOVED, negates
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

_METHODS = "|".join(METHODS)
# An API Blueprint heading: "## Messages [/api/v3/messages{?q}]", "### Create [POST]",
# "### Get a post [GET /api/v3/messages/{id}/post]".
_APIB = re.compile(rf"\[\s*(?:({'|'.join(ALL_METHODS)})\s*)?(/[^\]\s]*)?\s*\]\s*$")
_METHOD_CELL = re.compile(
    rf"^(?:[`*_\s]*(?:{'|'.join(ALL_METHODS)})[`*_\s]*(?:[/,&]|\bor\b|\band\b)?\s*)+$"
)
_MARK = re.compile(r"^(?:x|✓|✔|yes|y|\*)$", re.I)
_KEY_METHOD = re.compile(r"^(?:http\s+)?(?:method|verb|request method)s?$", re.I)
_KEY_PATH = re.compile(
    r"^(?:endpoint|url|uri|path|resource|syntax|route|request url|resource url)s?$", re.I
)
# "send a `POST` request to the following endpoint:" - the path comes in the next block.
_METHOD_THEN_PATH = re.compile(
    rf"`?\b({_METHODS})\b`?\s+(?:HTTP\s+)?requests?\b[^.]{{0,120}}?"
    r"(?:following|this|the)\s+(?:endpoint|url|uri|path|resource|address|form)[^.]{0,80}:\s*$",
    re.I,
)
# "All the following endpoints must be accessed with a `GET` HTTP request."
_DEFAULT_METHOD = re.compile(
    rf"\b(?:all|every|each|the following|these)\b[^.]{{0,80}}\bendpoints?\b[^.]{{0,80}}`?\b({_METHODS})\b`?",
    re.I,
)
# Cheap gate before the auth patterns: most blocks say nothing about authentication.
_AUTH_HINT = re.compile(r"authori[sz]ation|bearer|\bbot <|basic|api[-_ ]?key|auth-token|hmac", re.I)
_AUTHZ = re.compile(r"Authorization:?\s*`?\s*(Bearer|Bot|Basic|Token)\b\s*(token=)?")
_KEY_HEADER = re.compile(r"`?(X-[A-Za-z-]*API[-_]?KEY|Api-Key|X-Auth-Token)`?", re.I)
_KEY_QUERY = re.compile(
    r"`(\w*(?:api[_-]?key|apikey|access_token|auth_token))`\s+(?:query(?:\s+string)?|URL)\s+"
    r"param(?:eter)?",
    re.I,
)
_HMAC = re.compile(r"\bHMAC[\s_-]?(SHA-?\d+|MD5)?\b", re.I)
# Reading one page stops here with a warning (a hostile or broken page must not run for
# minutes); a 5 MB reference page takes a few seconds.
_TIME_BUDGET_S = 8.0
# A method named as a method: `GET`, **PUT**, <code>POST</code>, a list item '- GET - Retrieve',
# 'Verb: GET'.
_NAMED_METHOD = re.compile(
    rf"(?:`{{1,3}}|\*\*|<code>)\s*({_METHODS})\s*(?:`{{1,3}}|\*\*|</code>)"
    rf"|^\s*(?:[*+-]\s+|\d+\.\s+)?({_METHODS})\s+[-–—:]\s"
    rf"|\b(?:verb|method)s?\s*[:=]\s*`?({_METHODS})\b",
    re.M | re.I,
)
_LONE_METHOD = re.compile(rf"^[\s`*_]*({_METHODS})[\s`*_]*(?:[-–—:].*)?$")
# Shorter paragraphs ('Example:', 'Response') describe nothing.
_MIN_DESCRIPTION = 24
# Beyond this many characters before a method, the line is a sentence about the endpoint.
_LEAD_MAX = 80
# Unread endpoint-like lines listed one by one; beyond this the coverage line gives the count.
_MAX_UNREAD_LISTED = 20
_STATUS_FIELD = re.compile(r"^\s*:(?:statuscode|status|code)\s+(\d{3})\s*:\s*(.*)$")
_STATUS_HEAD = re.compile(r"^\s*`?(\d{3})`?\s*[:\-–—]\s*(.+)$")
_STATUS_ROW = re.compile(r"^\s*`?(\d{3})`?\s*$")
# '- `404` - Not found', '200 OK: done', '**201 Created** - the item': a status code leading
# a list item or a line, then its meaning.
_STATUS_ITEM = re.compile(
    r"^\s*(?:[*+-]\s+)?[`*_]*(\d{3})[`*_]*(?=[\s:–—-])((?:\s*[A-Z][\w' ]*)?[`*_]*\s*(?:[-–—:]\s*.*)?)$"
)
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


@dataclass
class _Op:
    op: Operation
    level: int
    fields_mode: str = ""  # "request", "response" or "" for the table/list under a subheading
    status: str | None = None
    param_loc: str | None = None
    # How the page wrote it: "definition" (heading, table, directive, component, a line of its
    # own), "example" (a request in a code block, curl) or "mention" (inside a sentence).
    kinds: set[str] = field(default_factory=set)
    mentions: list[Source] = field(default_factory=list)
    section: int = 0  # line of the heading of the section it was written in


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
    _pending_heading: str | None = None
    _pending_level: int = 2
    # An API Blueprint resource heading "## Name [/path]" waiting for its "### Action [GET]".
    _resource: tuple[int, str, int] | None = None
    # A method named in a sentence whose path follows in the next block, and its line.
    _pending_method: tuple[str, int] | None = None
    # "All the following endpoints use GET": the method for path-only rows after it.
    _default_method: tuple[str, int] | None = None
    # "Method: GET" / "Endpoint: /x" written as keys and values (tables, lists) in one section.
    _kv_method: tuple[str, int, str] | None = None
    _kv_path: tuple[str, int, str] | None = None
    _stated_base: str | None = None
    _section_line: int = 0  # line of the current section's heading
    _pending_desc: tuple[int, str] | None = None  # a section's first paragraph, before its op
    # The section being read: the methods it names (`GET`, **PUT**, 'Verb: GET', '- GET -
    # Retrieve') and the paths it gives (a path heading, 'URL: ...', a URL alone in a code
    # block). A section that names both without writing them together still documents them.
    _sec_methods: list[tuple[str, int, str]] = field(default_factory=list)
    _sec_paths: list[tuple[str, int, str]] = field(default_factory=list)
    _sec_defs: int = 0  # endpoints the section's own lines defined
    _defs: int = 0
    # Path headings enclosing the current section ('## /rest/config' over '### GET'): level,
    # paths, line.
    _resources: list[tuple[int, list[str], int]] = field(default_factory=list)
    # Paths with parameters written without a method (`<topic>/json`): what example requests
    # on the page instantiate.
    _templates: set[str] = field(default_factory=set)
    _lines_seen: int = 0  # endpoint-like lines seen, for the coverage report
    _unread: list[tuple[int, str]] = field(default_factory=list)

    def src(self, line: int, text: str) -> Source:
        return Source(document=self.display, line=line, text=_span(text))

    # -- entry ---------------------------------------------------------------------------------
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
                sha256=self.sha256,  # type: ignore[arg-type]
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

    # -- raw line scans: JSX routes, Liquid tags, curl, transclusion ----------------------------------
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

    def _coverage(self) -> None:
        """Say what was read: endpoint-like lines seen, endpoints made, lines not understood.

        A page where nothing was found says that apiplan found none - a statement about the
        extraction, not a claim that the page has none."""
        unread = sorted(set(self._unread))
        doc = Source(document=self.display)
        if not self.ops:
            self.facts.warnings.append(
                FactWarning(
                    code="no-endpoints",
                    message="apiplan found no endpoint on this page"
                    + (
                        f" ({len(unread)} endpoint-like lines were not understood)"
                        if unread
                        else ""
                    ),
                    source=doc,
                )
            )
        if unread:
            self.facts.warnings.append(
                FactWarning(
                    code="coverage",
                    message=f"{self._lines_seen} endpoint-like lines read, {len(self.ops)} "
                    f"endpoints; {len(unread)} lines not understood (listed as unread-endpoint)",
                    source=doc,
                )
            )
            for line, quote in unread[:_MAX_UNREAD_LISTED]:
                self.facts.warnings.append(
                    FactWarning(
                        code="unread-endpoint",
                        message=f"not read as an endpoint: {_span(quote, 120)}",
                        source=self.src(line, quote),
                    )
                )

    # -- one endpoint per template -----------------------------------------------------------------
    def _fold(self) -> None:
        """Examples and mentions join the definition they instantiate; example ids become
        parameters; a base path the page states goes in front of relative paths."""
        renames: dict[str, str] = {}
        base = self._stated_base
        for o in list(self.ops.values()):
            path = o.op.path
            if base and not path.startswith(base + "/") and path != base:
                path = base + path
            path = generalise(path)
            if path != o.op.path:
                self._move(o, path, renames)
        for o in list(self.ops.values()):
            if "definition" in o.kinds:
                continue
            # Paths written without a method, and the paths of the page's definitions of other
            # methods: an example '/db/neo4j/tx/{id}' instantiates '/db/{databaseName}/tx/{id}'.
            shapes = self._templates | {
                d.op.path for d in self.ops.values() if "definition" in d.kinds
            }
            tmpl = next((t for t in sorted(shapes) if matches(o.op.path, t)), None)
            if tmpl is not None:
                self._move(o, tmpl, renames)
        defs = [o for o in self.ops.values() if "definition" in o.kinds]
        for o in list(self.ops.values()):
            if "definition" in o.kinds:
                continue
            into = next(
                (
                    d
                    for d in defs
                    if d is not o
                    and d.op.method == o.op.method
                    and (
                        matches(o.op.path, d.op.path)
                        or is_suffix(o.op.path, d.op.path, template_is_long=True)
                        or is_suffix(d.op.path, o.op.path, template_is_long=False)
                    )
                ),
                None,
            )
            if into is not None:
                self._merge(o, into, renames)
        by_shape: dict[str, _Op] = {}
        for o in list(self.ops.values()):
            shape = f"{o.op.method} " + re.sub(r"\{[^}]*\}", "{}", o.op.path.rstrip("/") or "/")
            first = by_shape.get(shape)
            if first is None:
                by_shape[shape] = o
            elif "definition" in o.kinds and "definition" not in first.kinds:
                self._merge(first, o, renames)
                by_shape[shape] = o
            else:
                self._merge(o, first, renames)
        for o in self.ops.values():
            self._path_params(o.op)
        for item in [*self.facts.rate_limits, *self.facts.idempotency, *self.facts.retry_guidance]:
            if item.operation in renames:
                item.operation = renames[item.operation]

    def _move(self, o: _Op, path: str, renames: dict[str, str]) -> None:
        old = o.op.key
        key = f"{o.op.method} {path}"
        self.ops.pop(old, None)
        if key in self.ops:
            self._merge(o, self.ops[key], renames)
            return
        o.op.path, o.op.key = path, key
        self.ops[key] = o
        renames[old] = key
        for k, v in renames.items():
            if v == old:
                renames[k] = key

    def _merge(self, o: _Op, into: _Op, renames: dict[str, str]) -> None:
        """Fold ``o`` into ``into``, keeping every place ``o`` was written as evidence."""
        if o is into:
            return
        self.ops.pop(o.op.key, None)
        into.mentions += [o.op.source, *o.mentions]
        into.kinds |= o.kinds
        if into.op.summary is None:
            into.op.summary = o.op.summary
        for r in o.op.responses:
            if not any(x.status == r.status for x in into.op.responses):
                into.op.responses.append(r)
        for p in o.op.parameters:
            if p.location != "path" and not any(
                x.name == p.name and x.location == p.location for x in into.op.parameters
            ):
                into.op.parameters.append(p)
        if into.op.request_body is None:
            into.op.request_body = o.op.request_body
        if o.op.security is not None and into.op.security is None:
            into.op.security = o.op.security
            into.op.security_origin = o.op.security_origin
            into.op.security_source = o.op.security_source
        renames[o.op.key] = into.op.key
        for k, v in renames.items():
            if v == o.op.key:
                renames[k] = into.op.key
        if self.current is o:
            self.current = into

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
        kind: str = "definition",
    ) -> _Op:
        base, path = _split_url(target)
        method = method.upper()
        self._lines_seen += 1
        # An example of a form ('GET /v3/resource HTTP/1.1') illustrates; it is no endpoint.
        if not plausible_path(path) or (kind != "definition" and illustrative(path)):
            self._unread.append((line, quote))
            return _Op(
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
        key = f"{method} {path}"
        existing = self.ops.get(key)
        if existing is None:
            op = Operation(
                key=key,
                method=method,
                path=path,
                summary=heading,
                security_origin="unspecified",
                source=self.src(line, quote),
            )
            existing = _Op(op, level, section=self._section_line)
            self.ops[key] = existing
            if self._pending_desc and self._pending_desc[0] == self._section_line:
                op.description = self._pending_desc[1]
                op.deprecated = bool(REMOVED.search(op.description))
        elif kind == "definition" and "definition" not in existing.kinds:
            # The page's own definition is the better citation than an earlier example.
            existing.mentions.append(existing.op.source)
            existing.op.source = self.src(line, quote)
            existing.op.summary = heading or existing.op.summary
        else:
            existing.mentions.append(self.src(line, quote))
        existing.kinds.add(kind)
        if kind == "definition":
            self._defs += 1
        return existing

    # -- sections that name methods and paths apart -------------------------------------------
    def _section_start(self, text: str, b: Block) -> None:
        self._sec_methods, self._sec_paths, self._sec_defs = [], [], self._defs
        paths = _heading_paths(text)
        if paths:
            self._resources.append((b.level, paths, b.line))
            self._sec_paths = [(p, b.line, text) for p in paths]
            return
        only = _LONE_METHOD.match(_prep(text))
        if only and self._resources:
            self._sec_methods.append((only.group(1).upper(), b.line, text))

    def _section_methods(self, b: Block) -> None:
        """Methods a block names as methods: code spans, bold, a list item that starts with one."""
        # The page's own lines: a parser's text loses the marks (reST ``GET``, <code>GET</code>)
        # that say a word is a method.
        raw = "\n".join(self.lines[b.line - 1 : b.end]) if b.line else b.text
        text = _prep(raw) if "&" in raw else raw
        if not _NAMED_METHOD.search(text):
            text = b.text
        for m in _NAMED_METHOD.finditer(text):
            method = (m.group(1) or m.group(2) or m.group(3) or "").upper()
            line = b.line + text.count("\n", 0, m.start())
            self._sec_methods.append((method, line, _span(text.splitlines()[0] if text else "")))

    def _flush_section(self) -> None:
        """Pair what a section named apart: one path with each method, or one method with each
        path; paths from a heading go with every method named under it. Anything more
        ambiguous is left alone."""
        named = [*self._sec_methods, *([self._kv_method] if self._kv_method else [])]
        given = [*self._sec_paths, *([self._kv_path] if self._kv_path else [])]
        made = self._defs > self._sec_defs
        self._sec_methods, self._sec_paths = [], []
        if made or not named:
            return
        resource = self._resources[-1] if self._resources else None
        from_heading = bool(resource) and bool(given) and given[0][1] == resource[2]
        if not given and resource is not None:
            given = [(p, resource[2], p) for p in resource[1]]
            from_heading = True
        methods = {m: (ln, q) for m, ln, q in reversed(named)}  # each method's first mention
        paths = {p: (ln, q) for p, ln, q in reversed(given)}
        if not paths or (len(paths) > 1 and len(methods) > 1 and not from_heading):
            return
        for path, (pline, pquote) in reversed(list(paths.items())):
            for method, (line, quote) in reversed(list(methods.items())):
                op = self._endpoint(method, path, line, quote, heading=self._section_title())
                if op.op.key in self.ops:
                    op.mentions.append(self.src(pline, pquote))

    def _path_params(self, op: Operation) -> None:
        for name in re.findall(r"\{([^}]+)\}", op.path):
            if not any(p.name == name and p.location == "path" for p in op.parameters):
                op.parameters.append(
                    Parameter(name=name, location="path", required=True, source=op.source)
                )
            if re.search(r"txn|transaction", name, re.I) and not any(
                i.operation == op.key and i.detail == name for i in self.facts.idempotency
            ):
                self.facts.idempotency.append(
                    IdempotencyEvidence(
                        kind="path", detail=name, operation=op.key, source=op.source
                    )
                )

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

    def _heading_hit(self, text: str, b: Block) -> Hit | None:
        """An endpoint a heading names: 'GET /x', 'Create [POST /x]', or '[GET]' under '[/x]'."""
        apib = _APIB.search(text)
        if apib and (apib.group(1) or apib.group(2)):
            if apib.group(1) is None:
                self._resource = (b.level, apib.group(2), b.line)
                return None
            path = apib.group(2) or (self._resource[1] if self._resource else None)
            return Hit(apib.group(1), path, 0, "definition") if path else None
        prepared = _prep(text)
        return next(iter(scan_line(prepared)), None)

    def _start_op_here(
        self, method: str, target: str, line: int, quote: str, *, kind: str = "definition"
    ) -> None:
        heading, level = self._pending_heading, self._pending_level
        op = self._endpoint(method, target, line, quote, heading=heading, level=level, kind=kind)
        if self.ops.get(op.op.key) is not op:
            return
        self.current = op
        op = op.op
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
                    self._start_op_here(
                        hit.method, hit.target, line, raw.strip(), kind=_hit_kind(hit)
                    )
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

    def _describe(self, b: Block) -> None:
        """The first sentence-like paragraph of an endpoint's section is its description (it
        may come before the endpoint line: '## Push a blob / Push a file ... / POST /x')."""
        text = " ".join(b.text.split())
        if len(text) < _MIN_DESCRIPTION or not re.search(r"[a-z]{3,}\s+[a-z]{2,}", text):
            return
        cur = self.current
        if cur is not None and cur.op.description is None and cur.section == self._section_line:
            cur.op.description = _span(text, 400)
            cur.op.deprecated = cur.op.deprecated or bool(REMOVED.search(text))
        elif self._pending_desc is None:
            self._pending_desc = (self._section_line, _span(text, 400))

    def _endpoints_in_text(self, b: Block) -> None:
        """Endpoints in a paragraph, list item or HTML block, and the sentences that set one up."""
        for n, raw in enumerate(b.text.splitlines()):
            prepared = _prep(raw)
            line = b.line + n
            for hit in scan_line(prepared):
                # Only markup, a method or a template tag's opening ({% apiv3example post ...)
                # before the target: the line is the endpoint's own, not a sentence about it.
                lead = prepared[: hit.column] if hit.column <= _LEAD_MAX else "(a sentence)"
                lead = re.sub(r"^\s*\{[%{]<?\s*[\w.-]+(?:\s+[\w.-]+)*\s*", "", lead)
                lead = re.sub(rf"[`*_\[\]()#>\s:|•-]|\b(?:{_METHODS})\b", "", lead)
                if not lead or hit.how == "directive":
                    self._start_op_here(
                        hit.method, hit.target, line, raw.strip(), kind=_hit_kind(hit)
                    )
                else:
                    self._endpoint(
                        hit.method,
                        hit.target,
                        line,
                        raw.strip(),
                        heading=self._section_title(),
                        kind="mention",
                    )
            role = re.match(r"^\s*\|?\s*:([\w-]+):`([^`]+)`\s*$", raw)
            if role:  # reST field-like roles: ':method:`post`', ':path:`/v2/x/`'
                prepared = f"{role.group(1)}: {role.group(2)}"
            kv = re.match(
                r"^\s*(?:[*+-]\s+)?[*_`]*([A-Za-z][\w ]{1,24}?)[*_`]*\s*:\s*(.+?)\s*$", prepared
            )
            if kv:
                self._key_value(kv.group(1), kv.group(2), line, raw.strip())
        for span in re.findall(r"`([^`\s]*/[^`\s]*)`", b.text):
            path = _clean_path(span)
            if "{" in path and plausible_path(path):
                self._templates.add(path)
        if "<" in b.text:
            for hit, off in scan_components(b.text):
                self._start_op_here(hit.method, hit.target, b.line + off, b.text.splitlines()[off])
        text = " ".join(_prep(b.text).split())
        pending = _METHOD_THEN_PATH.search(text)
        if pending:
            self._pending_method = (pending.group(1).upper(), b.line)
        default = _DEFAULT_METHOD.search(text)
        if default:
            self._default_method = (default.group(1).upper(), b.line)

    def _status_list(self, b: Block) -> None:
        """'Response Codes' lists and definition lists: '- `404` - Not found', '200 OK: done'.

        Taken under a heading about statuses/responses/errors, or in a list item that starts
        with the code; a number in running text ('200 requests per minute') is not a status."""
        section = (self._section_title() or "").lower()
        about = re.search(r"status|response|return|error|code", section)
        if b.kind != "item" and not about:
            return
        for n, raw in enumerate(b.text.splitlines()):
            m = _STATUS_ITEM.match(raw)
            if not m or not 100 <= int(m.group(1)) <= 599:
                continue
            meaning = m.group(2).strip(" `*_-–—:") or None
            if self.current is not None:
                self._add_response(self.current.op, m.group(1), meaning, b.line + n, raw.strip())
            else:
                self._api_response(m.group(1), meaning, b.line + n, raw.strip())

    def _key_value(self, key: str, value: str, line: int, quote: str) -> None:
        """'Method: GET' and 'Endpoint: /x' in one section make one endpoint."""
        value = value.strip("`*_ ")
        if _KEY_METHOD.match(key.strip()) and value.upper() in ALL_METHODS:
            self._kv_method = (value.upper(), line, quote)
        elif _KEY_PATH.match(key.strip()) and re.match(
            r"(?:https?://\S+|/\S*|\{[\w-]+\}\S*)$", value
        ):
            self._kv_path = (value, line, quote)
        else:
            return
        if self._kv_method and self._kv_path:
            (method, mline, mquote), (path, pline, pquote) = self._kv_method, self._kv_path
            self._kv_method = self._kv_path = None
            first = min(mline, pline)
            self._start_op_here(method, path, first, f"{mquote} {pquote}")

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

    def _row_endpoints(self, b: Block, cells: list[str]) -> bool:
        """A table row naming endpoints: method and path cells, method columns marked 'X',
        'Method | GET' key-value rows, path-only rows under a page-wide method, or a cell that
        holds 'METHOD path' (several, separated by line breaks)."""
        prepared = [_prep(c) for c in cells]
        if len(cells) == 2:
            self._key_value(prepared[0].strip("*_`: "), prepared[1], b.line, b.text)
        methods = [
            m.upper()
            for c in prepared
            if _METHOD_CELL.match(c)
            for m in re.findall(rf"\b({'|'.join(ALL_METHODS)})\b", c)
        ]
        header = [_prep(h).strip("`*_ ").upper() for h in b.header]
        if not methods:
            methods = [
                header[i]
                for i, c in enumerate(cells)
                if i < len(header) and header[i] in ALL_METHODS and _MARK.match(c.strip())
            ]
        parts = [p.strip().strip("`*_ ") for c in prepared for p in re.split(r"<br\s*/?>|\n", c)]
        paths = [
            p
            for p in parts
            if re.fullmatch(
                r"(?:https?://\S+|(?:\$\{?\w+\}?|\{\{\s*\w+\s*\}\}|[A-Z][A-Z0-9_]{2,})?/\S*)", p
            )
        ]
        if not methods and paths and self._default_method is not None:
            methods = [self._default_method[0]]
        found = False
        # A row's own words ('Lists all the HTTP routers') say more than the table's heading.
        words = [
            c
            for c in prepared
            if not _METHOD_CELL.match(c) and c.strip("`*_ ") not in paths and len(c.split()) >= 2
        ]
        if methods and paths:
            for path in paths:
                for method in dict.fromkeys(methods):
                    self._start_op_here(method, path, b.line, b.text)
                    found = True
                    if words and self.current is not None:
                        self.current.op.summary = _span(words[0], 120)
        for part in parts:
            for hit in scan_line(part):
                self._start_op_here(hit.method, hit.target, b.line, b.text)
                found = True
        return found

    def _row(self, b: Block) -> None:
        cells = [c.strip() for c in b.cells]
        if not cells:
            return
        if self._row_endpoints(b, cells):
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
            req_col = next(
                (i for i, h in enumerate(header) if "required" in h or "mandatory" in h), None
            )
            required = (
                (not optional)
                if req_col is None
                else cells[req_col]
                .strip("`*_ ")
                .lower()
                .startswith(("yes", "true", "required", "mandatory", "✓", "✔"))
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
        # What the paragraph says once (its scope, the endpoints it names, its quote), then
        # each limit in it: linear in the paragraph, whatever its length.
        scope_m = _SCOPES.search(text) or _SCOPES.search(section)
        scope = scope_m.group(0).lower().replace("-", " ") if scope_m else None
        ops: list[str] | None = None
        detail = source = None
        for m in _LIMIT.finditer(text):
            if not rate_context and not re.search(r"requests?|calls?|times", m.group(0), re.I):
                continue
            try:
                limit = int(m.group(1).replace(",", ""))
            except ValueError:
                continue
            window = _window(m.group(2), m.group(3))
            if (limit, window, b.line) in self._seen_limits:
                continue
            self._seen_limits.add((limit, window, b.line))
            self._limit_lines.add(b.line)
            if ops is None:
                ops = [f"{h.method} {_clean_path(h.target)}" for h in scan_line(_prep(text))]
                detail, source = _span(text, 300), self.src(b.line, text)
            for key in ops or [None]:
                self.facts.rate_limits.append(
                    RateLimitEvidence(
                        kind="limit",
                        detail=detail,
                        operation=key if key in self.ops else None,
                        limit=limit,
                        window_seconds=window,
                        scope=scope or ("per route" if key else None),
                        source=source,
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
        if not _AUTH_HINT.search(text):
            return
        self._signature_scheme(b)
        for m in _AUTHZ.finditer(text):
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
        if re.search(r"HTTP Basic Auth|basic (?:http )?auth", text, re.I) and not negates(
            text, r"basic(?:\s+http)?(?:\s+auth\w*)?"
        ):
            user = re.search(r"use ``?(\w+)``? as the username", text)
            self._scheme(
                "basic",
                "http",
                "basic",
                b.line,
                text,
                detail=f"username `{user.group(1)}`, API key as password" if user else "",
            )
        for m in _KEY_HEADER.finditer(text):
            self._scheme(
                "apiKeyHeader", "apiKey", None, b.line, text, location="header", param=m.group(1)
            )
        query = _KEY_QUERY.search(text)
        if query and not negates(text, re.escape(query.group(1))):
            self._scheme(
                "apiKeyQuery",
                "apiKey",
                None,
                b.line,
                text,
                location="query",
                param=query.group(1),
                detail=_span(text, 200),
            )

    def _signature_scheme(self, b: Block) -> None:
        """A signed request (HMAC over the query and body): the scheme, its hash and the
        parameter or header that carries the signature."""
        m = _HMAC.search(b.text)
        if not m or not re.search(r"\bsign(?:ed|ature|ing)?\b", b.text, re.I):
            return
        carrier = re.search(r"`([\w-]*sign[\w-]*)`", b.text, re.I)
        self._scheme(
            "signature",
            "signature",
            f"hmac-{(m.group(1) or '').lower()}".rstrip("-"),
            b.line,
            b.text,
            location="header" if carrier and carrier.group(1).lower().startswith("x-") else None,
            param=carrier.group(1) if carrier else None,
            detail=_span(b.text, 200),
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
        (".adoc", "asciidoc"),
        (".asciidoc", "asciidoc"),
        (".apib", "apib"),
        (".raml", "raml"),
        (".txt", "markdown"),
    ):
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


def extract_prose(display: str, text: str, sha256: str, fmt: str) -> Facts:
    return ProseExtractor(display=display, text=text, fmt=fmt, sha256=sha256).extract()
