"""Sections that write methods and paths apart, key-value forms, endpoint lines in text and
table rows, status lists and descriptions."""

from __future__ import annotations

import re

from ._endpoints import (
    ALL_METHODS,
    Hit,
    plausible_path,
    scan_components,
    scan_line,
)
from ._meaning import (
    REMOVED,
)
from ._prose_blocks import (
    Block,
)
from ._prose_patterns import (
    _APIB,
    _DEFAULT_METHOD,
    _KEY_METHOD,
    _KEY_PATH,
    _LEAD_MAX,
    _LONE_METHOD,
    _MARK,
    _METHOD_CELL,
    _METHOD_THEN_PATH,
    _METHODS,
    _MIN_DESCRIPTION,
    _NAMED_METHOD,
    _STATUS_ITEM,
)
from ._prose_state import (
    _State,
)
from ._prose_text import (
    _clean_path,
    _heading_paths,
    _hit_kind,
    _prep,
    _span,
)


class _Sections(_State):
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
