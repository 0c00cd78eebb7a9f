"""Prose documents -> a flat list of blocks with line numbers, one front end per format.

Markdown and MDX go through markdown-it-pyrs (CommonMark + tables, with source maps), reStructuredText
through docutils, HTML through the standard library's parser (it reports positions). MDX imports,
YAML front matter and template tags are blanked first, keeping every line where it was, so that
line numbers always refer to the file as the user has it.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Block:
    kind: str  # heading, para, code, row, item, html, hr
    text: str
    line: int  # 1-based first line
    end: int  # 1-based last line
    level: int = 0
    info: str = ""
    cells: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    body_line: int = 0  # first line of a code block's content (after a fence line, if any)

    def __post_init__(self) -> None:
        if not self.body_line:
            self.body_line = self.line


_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def front_matter(text: str) -> tuple[str, str | None]:
    """(text with front matter blanked, its title)."""
    m = _FRONT.match(text)
    if not m:
        return text, None
    title = re.search(r"^title:\s*(.+)$", m.group(0), re.M)
    blank = "\n" * m.group(0).count("\n")
    return blank + text[m.end() :], title.group(1).strip().strip("'\"") if title else None


def _blank_mdx(text: str) -> str:
    # ESM imports/exports at the top level of MDX are code, not content.
    return re.sub(r"^(?:import|export)\s.*$", "", text, flags=re.M)


_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*$", re.S | re.I)
_MD_INLINE_PARENTS = frozenset({"heading", "paragraph", "tcell"})
_MD_CONTAINERS = frozenset({"root", "bullet_list", "ordered_list", "blockquote", "list_item"})


class _MdSource:
    """Byte offsets (what markdown-it-pyrs reports) -> text and 1-based lines."""

    def __init__(self, text: str) -> None:
        self.raw = text.encode("utf-8")
        self.starts = [0] + [m.end() for m in re.finditer(b"\n", self.raw)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def slice(self, start: int, end: int) -> str:
        return self.raw[start:end].decode("utf-8", "replace")


def markdown_blocks(text: str, *, mdx: bool = False) -> list[Block]:
    """Markdown via markdown-it-pyrs (the Rust port of markdown-it: CommonMark + tables, about
    twenty times faster than markdown-it-py on multi-megabyte pages). Block texts are the
    page's own source spans, so a block quotes exactly what the page says."""
    from markdown_it_pyrs import MarkdownIt

    if mdx:
        text = _blank_mdx(text)
    root = MarkdownIt("commonmark").enable("table").tree(text)
    src = _MdSource(text)
    out: list[Block] = []

    def span(node: object) -> tuple[int, int]:
        return getattr(node, "srcmap", None) or (0, 0)

    def inline_text(nodes: list[object]) -> str:
        maps = [span(n) for n in nodes if getattr(n, "srcmap", None)]
        if not maps:
            return ""
        raw = src.slice(min(m[0] for m in maps), max(m[1] for m in maps))
        return "\n".join(ln.strip() for ln in raw.splitlines())

    def lines(node: object) -> tuple[int, int]:
        start, end = span(node)
        return src.line(start), src.line(max(end - 1, start))

    def visit(node: object, parent: str) -> None:
        name = getattr(node, "name", "")
        children = list(getattr(node, "children", []))
        meta = getattr(node, "meta", {}) or {}
        first, last = lines(node)
        if name == "heading":
            out.append(Block("heading", inline_text(children), first, last, level=meta["level"]))
        elif name == "paragraph":
            kind = "item" if parent == "list_item" else "para"
            out.append(Block(kind, inline_text(children), first, last))
        elif name in ("fence", "code_block"):
            body = first + 1 if name == "fence" else first
            info = str(meta.get("info", "")).strip()
            out.append(
                Block("code", meta.get("content", ""), first, last, info=info, body_line=body)
            )
        elif name == "html_block":
            content = str(meta.get("content", ""))
            h = _HTML_HEADING.match(content)
            if h:  # a raw HTML heading (Hugo, Jekyll pages): a section like any other
                title = html.unescape(re.sub(r"<[^>]+>", "", h.group(2)))
                title = " ".join(title.split()).rstrip(" ¶#")  # drop the permalink mark
                out.append(Block("heading", title, first, last, level=int(h.group(1))))
            else:
                # An HTML table or list written into the Markdown is read as HTML.
                inner = html_blocks(content) if "<t" in content or "<li" in content else []
                # A Markdown heading written right after a closing tag is swallowed into the
                # HTML block by CommonMark; it still opens a section.
                inner += [
                    Block("heading", m.group(2).strip(), n, n, level=len(m.group(1)))
                    for n, m in enumerate(
                        (re.match(r"^(#{1,6})\s+(.+)$", ln) for ln in content.splitlines()), 1
                    )
                    if m
                ]
                if any(x.kind in ("row", "heading", "item") for x in inner):
                    for x in sorted(inner, key=lambda x: x.line):
                        x.line, x.end = x.line + first - 1, x.end + first - 1
                        x.body_line += first - 1
                        out.append(x)
                else:
                    out.append(Block("html", content, first, last))
        elif name == "hr":
            out.append(Block("hr", "", first, last))
        elif name == "table":
            header: list[str] = []
            for part in children:
                for row in getattr(part, "children", []):
                    cells = [inline_text(list(c.children)) for c in row.children]
                    row_line = lines(row)[0]
                    if part.name == "thead":
                        header = cells
                    else:
                        out.append(
                            Block(
                                "row",
                                " | ".join(cells),
                                row_line,
                                row_line,
                                cells=cells,
                                header=header,
                            )
                        )
        elif name in _MD_CONTAINERS:
            if name == "list_item":
                # A tight list item holds its inline text directly, not in a paragraph.
                inline = [c for c in children if c.name not in _BLOCK_NODES]
                if inline:
                    out.append(Block("item", inline_text(inline), first, lines(inline[-1])[1]))
            for c in children:
                visit(c, name)

    visit(root, "")
    return out


_BLOCK_NODES = frozenset(
    {
        "paragraph",
        "heading",
        "fence",
        "code_block",
        "html_block",
        "hr",
        "table",
        "bullet_list",
        "ordered_list",
        "blockquote",
        "list_item",
    }
)


def rst_blocks(text: str) -> list[Block]:
    """reStructuredText via docutils; Sphinx-only roles and directives are kept as text."""
    from docutils import nodes
    from docutils.core import publish_doctree

    settings = {
        "report_level": 5,
        "halt_level": 5,
        "warning_stream": False,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "input_encoding": "unicode",
        # Never read docutils.conf, ~/.docutils or DOCUTILSCONFIG: a config file there could
        # turn file inclusion back on and pull text from outside the docs into the facts.
        "_disable_config": True,
    }
    tree = publish_doctree(text, settings_overrides=settings)
    lines = text.splitlines()
    out: list[Block] = []
    last = 1

    def locate(node: nodes.Node, snippet: str) -> int:
        nonlocal last
        line = getattr(node, "line", None)
        if line:
            return int(line)
        probe = snippet.strip().splitlines()[0][:40] if snippet.strip() else ""
        if probe:
            for n in range(max(last - 1, 0), len(lines)):
                if probe in lines[n]:
                    return n + 1
        return last

    for node in tree.findall():
        if not isinstance(node, nodes.literal_block) and any(
            isinstance(a, nodes.system_message) for a in _ancestors(node)
        ):
            # docutils' own complaints; the source of an unknown (Sphinx) directive it quotes
            # as a literal block is kept: that is the page's text.
            continue
        if isinstance(node, nodes.title):
            t = node.astext()
            line = locate(node, t)
            out.append(Block("heading", t, line, line, level=2))
        elif isinstance(node, nodes.literal_block):
            t = node.astext()
            line = locate(node, t)
            out.append(
                Block("code", t, line, line + t.count("\n"), info=" ".join(node.get("classes", [])))
            )
        elif isinstance(node, nodes.row):
            cells = [_astext(e).replace("\n", " ") for e in node.findall(nodes.entry)]
            line = locate(node, cells[0] if cells else "")
            out.append(Block("row", " | ".join(cells), line, line, cells=cells))
        elif isinstance(node, nodes.paragraph) and not isinstance(node.parent, nodes.entry):
            t = node.astext()
            line = locate(node, t)
            kind = "item" if isinstance(node.parent, nodes.list_item) else "para"
            out.append(Block(kind, t, line, line + t.count("\n")))
        elif isinstance(node, nodes.line_block) and not isinstance(node.parent, nodes.line_block):
            t = "\n".join(ln.astext() for ln in node.findall(nodes.line))
            line = locate(node, t)
            out.append(Block("para", t, line, line + t.count("\n")))
        elif isinstance(node, nodes.raw):
            t = node.astext()
            line = locate(node, t)
            out.append(Block("html", t, line, line + t.count("\n")))
        else:
            continue
        last = out[-1].line
    # A title's level: underline characters in order of first use, as reST defines it.
    adornments: list[str] = []
    for b in out:
        if b.kind == "heading" and b.line < len(lines):
            under = lines[b.line] if b.line < len(lines) else ""
            ch = under[:1] if under and len(set(under.strip())) == 1 else "?"
            if ch not in adornments:
                adornments.append(ch)
            b.level = adornments.index(ch) + 1
    return out


def _astext(node: object) -> str:
    """A node's text without docutils' own messages (an unknown Sphinx role's complaint)."""
    from docutils import nodes

    return "".join(
        t.astext()
        for t in node.findall(nodes.Text)  # type: ignore[attr-defined]
        if not any(isinstance(a, nodes.system_message) for a in _ancestors(t))
    )


def _ancestors(node: object) -> list[object]:
    out = []
    parent = getattr(node, "parent", None)
    while parent is not None:
        out.append(parent)
        parent = getattr(parent, "parent", None)
    return out


class _HtmlBlocks(HTMLParser):
    _BLOCK = frozenset(
        {"h1", "h2", "h3", "h4", "h5", "h6", "p", "pre", "li", "td", "th", "tr", "dt", "dd"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.stack: list[tuple[str, int, list[str]]] = []
        self.row: list[str] | None = None
        self.header: list[str] = []
        self.row_line = 0
        self.braces = 0  # open '<i>name</i>' path parameters written as '{name}'

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = dict(attrs).get("type") or ""
        if tag == "script" and ("template" in kind or kind == "text/html"):
            # A client-side template (Handlebars, Underscore): its content is the page's HTML.
            self.stack.append(("template", self.getpos()[0], []))
        elif tag in ("script", "style"):
            self.stack.append((tag, self.getpos()[0], []))
        elif tag in ("i", "em", "var") and self.stack and "".join(self.stack[-1][2]).endswith("/"):
            # '/api/vhosts/<i>name</i>': an italic segment of a path is its parameter.
            self.stack[-1][2].append("{")
            self.braces += 1
        elif tag == "table":
            self._close_row()
            self.header = []
        elif tag == "tr":
            self._close_row()  # hand-written tables leave <tr> and <td> unclosed
            self.row, self.row_line = [], self.getpos()[0]
        elif tag == "br" and self.stack:
            self.stack[-1][2].append("\n")
        elif tag in ("td", "th"):
            if self.stack and self.stack[-1][0] in ("td", "th"):
                self.handle_endtag(self.stack[-1][0])
            self.stack.append((tag, self.getpos()[0], []))
        elif tag in self._BLOCK:
            self.stack.append((tag, self.getpos()[0], []))

    def _close_row(self) -> None:
        if self.stack and self.stack[-1][0] in ("td", "th"):
            self.handle_endtag(self.stack[-1][0])
        if self.row is not None:
            self.handle_endtag("tr")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.stack and self.stack[-1][0] == "template":
            self.stack.pop()
            return
        if tag in ("i", "em", "var") and self.braces and self.stack:
            self.stack[-1][2].append("}")
            self.braces -= 1
            return
        if tag in ("code", "tt", "kbd") and self.stack and self.stack[-1][0] != "pre":
            parts = self.stack[-1][2]
            if parts and (
                not parts[-1].endswith(("/", "(")) or re.search(r"\b[A-Z]{3,7}\s+/$", parts[-1])
            ):
                # '<code>GET /x</code>- returns ...': the code span ends the endpoint; a span
                # ending in '/' continues the path in the next element (Sphinx signatures).
                parts.append(" ")
            return
        if not self.stack or self.stack[-1][0] != tag:
            if tag == "table":
                self._close_row()
            if tag == "tr" and self.row is not None:
                self.blocks.append(
                    Block(
                        "row",
                        " | ".join(self.row),
                        self.row_line,
                        max(self.row_line, self.getpos()[0]),
                        cells=self.row,
                        header=self.header,
                    )
                )
                self.row = None
            return
        name, line, parts = self.stack.pop()
        text = "".join(parts).strip()
        end = self.getpos()[0]
        if name in ("td", "th") and self.row is not None:
            # Empty cells count: in a table with one column per method, the X marks must stay
            # under their own method. A <br> inside a cell separates two values.
            cell = "\n".join(" ".join(ln.split()) for ln in text.splitlines() if ln.strip())
            self.row.append(cell)
            if name == "th":
                self.header.append(cell)
            return
        if name in ("script", "style") or (not text and name != "pre"):
            return
        if name.startswith("h") and len(name) == 2:
            title = " ".join(text.split()).rstrip(" ¶#")  # drop the permalink mark
            self.blocks.append(Block("heading", title, line, end, level=int(name[1])))
        elif name == "pre":
            self.blocks.append(Block("code", "".join(parts), line, end))
        elif name == "li":
            self.blocks.append(Block("item", " ".join(text.split()), line, end))
        else:
            self.blocks.append(Block("para", " ".join(text.split()), line, end))

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "template":
            offset = self.getpos()[0] - 1
            for b in html_blocks(data):
                b.line, b.end, b.body_line = b.line + offset, b.end + offset, b.body_line + offset
                self.blocks.append(b)
        elif self.stack and self.stack[-1][0] not in ("script", "style"):
            self.stack[-1][2].append(data)


def html_blocks(text: str) -> list[Block]:
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    return parser.blocks


# -- AsciiDoc -----------------------------------------------------------------------------------
# No maintained Python parser for AsciiDoc exists (Asciidoctor is Ruby), so a small line reader
# covers what API pages use: section titles, delimited listing blocks, |=== tables, lists and
# paragraphs, with document attributes ({endpoint-uri}) substituted where the page defines them.
_ADOC_ATTR = re.compile(r"^:([\w-]+):[ \t]*(.*)$", re.M)
_ADOC_DELIMS = ("----", "....", "```", "++++", "____")


def adoc_attributes(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in _ADOC_ATTR.finditer(text)}


def _adoc_sub(line: str, attrs: dict[str, str]) -> str:
    if "{" not in line or not attrs:
        return line
    return re.sub(r"\{([\w-]+)\}", lambda m: attrs.get(m.group(1), m.group(0)), line)


def _adoc_table(rows_text: list[tuple[int, str]], cols: int, header: bool) -> list[Block]:
    cells: list[tuple[int, str]] = []
    first_line_cells = 0
    for i, (n, raw) in enumerate(rows_text):
        parts = [p.strip() for p in re.split(r"(?<!\\)\|", raw)]
        if raw.lstrip().startswith("|"):
            parts = parts[1:]
        elif cells:
            prev_n, prev = cells[-1]
            cells[-1] = (prev_n, f"{prev} {raw.strip()}".strip())
            continue
        if i == 0:
            first_line_cells = len(parts)
        cells += [(n, p) for p in parts]
    # Cells written on one line are one row ('|Endpoint |/x'); one cell per line groups by
    # the declared column count.
    width = first_line_cells if first_line_cells > 1 else (cols or 1)
    out: list[Block] = []
    head: list[str] = []
    for start in range(0, len(cells), width):
        row = cells[start : start + width]
        texts = [c for _, c in row]
        if start == 0 and header:
            head = texts
            continue
        out.append(Block("row", " | ".join(texts), row[0][0], row[-1][0], cells=texts, header=head))
    return out


def adoc_blocks(text: str, attrs: dict[str, str]) -> list[Block]:
    lines = text.splitlines()
    out: list[Block] = []
    para: list[tuple[int, str]] = []
    i = 0
    block_attrs = ""

    def flush() -> None:
        if para:
            kind = "item" if re.match(r"\s*(?:[*-]+|\.+|\d+\.)\s", para[0][1]) else "para"
            body = "\n".join(re.sub(r"^\s*(?:[*-]+|\.+)\s+", "", t) for _, t in para)
            out.append(Block(kind, body, para[0][0], para[-1][0]))
            para.clear()

    while i < len(lines):
        n, raw = i + 1, _adoc_sub(lines[i], attrs)
        stripped = raw.strip()
        if stripped.startswith("////"):
            flush()
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("////"):
                i += 1
            i += 1
            continue
        if stripped.startswith("//") or _ADOC_ATTR.match(raw) or stripped.startswith("include::"):
            flush()
            i += 1
            continue
        heading = re.match(r"^(={1,6})\s+(.+)$", raw)
        if heading:
            flush()
            out.append(
                Block("heading", heading.group(2).strip(), n, n, level=len(heading.group(1)))
            )
            i += 1
            continue
        if stripped in _ADOC_DELIMS or re.fullmatch(r"-{4,}|\.{4,}", stripped):
            flush()
            j = i + 1
            while j < len(lines) and lines[j].strip() != stripped:
                j += 1
            body = "\n".join(_adoc_sub(x, attrs) for x in lines[i + 1 : j])
            out.append(Block("code", body, n, j + 1, info=block_attrs, body_line=n + 1))
            block_attrs = ""
            i = j + 1
            continue
        if stripped.startswith("|==="):
            flush()
            j = i + 1
            rows: list[tuple[int, str]] = []
            while j < len(lines) and not lines[j].strip().startswith("|==="):
                if lines[j].strip():
                    rows.append((j + 1, _adoc_sub(lines[j], attrs)))
                j += 1
            cols_spec = re.search(r'cols="([^"]*)"', block_attrs)
            cols = 0
            if cols_spec:
                spec = cols_spec.group(1)
                mult = re.fullmatch(r"(\d+)\*.*", spec)
                cols = int(mult.group(1)) if mult else len(spec.split(","))
            blank_after_first = i + 2 < len(lines) and not lines[i + 2].strip()
            header = "header" in block_attrs or blank_after_first
            out += _adoc_table(rows, cols, header)
            block_attrs = ""
            i = j + 1
            continue
        if re.fullmatch(r"\[.*\]", stripped):
            flush()
            block_attrs = stripped
            i += 1
            continue
        if not stripped:
            flush()
        elif re.match(r"\s*(?:[*-]+|\d+\.)\s", raw) and para:
            flush()
            para.append((n, raw))
        else:
            para.append((n, raw))
        i += 1
    flush()
    return out


# -- RAML ---------------------------------------------------------------------------------------
@dataclass
class RamlEndpoint:
    method: str
    path: str
    line: int
    quote: str
    summary: str | None = None
    responses: list[tuple[str, str | None, int, str]] = field(default_factory=list)


_RAML_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def raml_endpoints(text: str) -> list[RamlEndpoint]:
    """RAML resources nest by indentation ('/modules:' under '/_/proxy:'); a method key under a
    resource is an endpoint. Read by indentation rather than as YAML so that '!include' tags and
    fragments that are not loadable on their own do not stop it."""
    stack: list[tuple[int, str]] = []
    out: list[RamlEndpoint] = []
    current: tuple[int, RamlEndpoint] | None = None
    in_responses: int | None = None
    last_status: tuple[int, int] | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        res = re.match(r"^\s*(/[^:\s]*)\s*:\s*$", line)
        if res:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, res.group(1)))
            current, in_responses = None, None
            continue
        meth = re.match(r"^\s*(" + "|".join(_RAML_METHODS) + r")\??\s*:\s*$", line)
        if meth and stack and indent > stack[-1][0]:
            path = "".join(seg for _, seg in stack)
            ep = RamlEndpoint(meth.group(1).upper(), path, n, f"{path}: {meth.group(1)}:")
            out.append(ep)
            current, in_responses = (indent, ep), None
            continue
        if current is None or indent <= current[0]:
            current = None if current is not None and indent <= current[0] else current
            continue
        key = re.match(r"^\s*([\w-]+)\s*:\s*(.*)$", line)
        if key and key.group(1) == "responses":
            in_responses = indent
        elif (
            key
            and key.group(1) == "description"
            and in_responses is None
            and not current[1].summary
        ):
            current[1].summary = key.group(2).strip(" |>\"'") or None
        elif in_responses is not None and indent > in_responses:
            st = re.match(r"^\s*(\d{3})\s*:", line)
            if st:
                current[1].responses.append((st.group(1), None, n, line.strip()))
                last_status = (indent, len(current[1].responses) - 1)
            elif key and key.group(1) == "description" and last_status and indent > last_status[0]:
                status, _, sline, squote = current[1].responses[last_status[1]]
                meaning = key.group(2).strip(" |>\"'") or None
                current[1].responses[last_status[1]] = (status, meaning, sline, squote)
        elif in_responses is not None and indent <= in_responses:
            in_responses = None
    return out
