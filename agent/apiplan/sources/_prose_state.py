"""The prose extractor's state and the operations every reader shares: the endpoint
registry, citations, responses, body fields, auth schemes, rate evidence. The readers (sections,
fields, auth, code blocks, paragraphs, folding) are mixins over this state, one concern each;
``_prose`` composes them. What they recognise is in ``_prose_patterns``, how they prepare and quote
a line in ``_prose_text``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..schemas import (
    Body,
    DocFormat,
    Facts,
    OAuthFlow,
    Operation,
    Parameter,
    RateLimitEvidence,
    Response,
    SchemaField,
    SecurityScheme,
    Server,
    Source,
)
from ._endpoints import (
    illustrative,
    plausible_path,
)
from ._meaning import REMOVED
from ._prose_text import (
    _span,
    _split_url,
)


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
class _State:
    display: str
    text: str
    fmt: DocFormat
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

    def _heading_before(self, line: int) -> str | None:
        for n in range(line - 1, max(line - 12, 0), -1):
            t = self.lines[n - 1].strip()
            if t.startswith("#"):
                return t.lstrip("#").strip()
        return None

    def _section_title(self) -> str | None:
        return self.headings[-1][1] if self.headings else None

    def _next_lines(self, end: int, n: int) -> str:
        return "\n".join(self.lines[end : end + n])

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
        confidence: Literal["documented", "example", "uncertain"] = "documented",
    ) -> None:
        f = SchemaField(
            path=name,
            name=name.rsplit(".", 1)[-1],
            type=typ,
            required=required,
            confidence=confidence,
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

    def _rate(
        self, kind: Literal["header", "text", "field"], detail: str, line: int, quote: str
    ) -> None:
        op = self.current.op.key if self.current is not None and kind != "header" else None
        if kind in ("header", "field"):
            key = (kind, detail.lower())
            if key in self._seen_rates:
                return
            self._seen_rates.add(key)
        self.facts.rate_limits.append(
            RateLimitEvidence(kind=kind, detail=detail, operation=op, source=self.src(line, quote))
        )

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
