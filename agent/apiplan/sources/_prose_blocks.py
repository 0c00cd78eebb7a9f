"""Prose documents -> a flat list of blocks with line numbers, one front end per format.

Markdown and MDX go through markdown-it-py (CommonMark + tables, with line maps), reStructuredText
through docutils, HTML through the standard library's parser (it reports positions). MDX imports,
YAML front matter and template tags are blanked first, keeping every line where it was, so that
line numbers always refer to the file as the user has it.
"""

from __future__ import annotations

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


def markdown_blocks(text: str, *, mdx: bool = False) -> list[Block]:
    from markdown_it import MarkdownIt

    if mdx:
        text = _blank_mdx(text)
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    tokens = md.parse(text)
    out: list[Block] = []
    header: list[str] = []
    row: list[str] | None = None
    in_head = False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        mp = t.map or [0, 0]
        if t.type == "heading_open":
            inline = tokens[i + 1]
            out.append(Block("heading", inline.content, mp[0] + 1, mp[1], level=int(t.tag[1:])))
            i += 3
            continue
        if t.type == "paragraph_open":
            inline = tokens[i + 1]
            kind = "item" if i > 0 and tokens[i - 1].type == "list_item_open" else "para"
            out.append(Block(kind, inline.content, mp[0] + 1, mp[1]))
            i += 3
            continue
        if t.type in ("fence", "code_block"):
            body = mp[0] + 2 if t.type == "fence" else mp[0] + 1
            out.append(
                Block("code", t.content, mp[0] + 1, mp[1], info=t.info.strip(), body_line=body)
            )
        elif t.type == "html_block":
            out.append(Block("html", t.content, mp[0] + 1, mp[1]))
        elif t.type == "hr":
            out.append(Block("hr", "", mp[0] + 1, mp[1]))
        elif t.type == "thead_open":
            in_head, header = True, []
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            row = []
            row_line = mp[0] + 1
        elif t.type == "inline" and row is not None:
            row.append(t.content)
        elif t.type == "tr_close" and row is not None:
            if in_head:
                header = row
            else:
                out.append(
                    Block("row", " | ".join(row), row_line, row_line, cells=row, header=header)
                )
            row = None
        i += 1
    return out


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
            cells = [e.astext().replace("\n", " ") for e in node.findall(nodes.entry)]
            line = locate(node, cells[0] if cells else "")
            out.append(Block("row", " | ".join(cells), line, line, cells=cells))
        elif isinstance(node, nodes.paragraph) and not isinstance(node.parent, nodes.entry):
            t = node.astext()
            line = locate(node, t)
            kind = "item" if isinstance(node.parent, nodes.list_item) else "para"
            out.append(Block(kind, t, line, line + t.count("\n")))
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.stack.append((tag, self.getpos()[0], []))
        elif tag == "tr":
            self.row, self.row_line = [], self.getpos()[0]
        elif tag in self._BLOCK:
            self.stack.append((tag, self.getpos()[0], []))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            if tag == "tr" and self.row is not None:
                if self.row and not self.header and all(c for c in self.row):
                    pass
                self.blocks.append(
                    Block(
                        "row",
                        " | ".join(self.row),
                        self.row_line,
                        self.row_line,
                        cells=self.row,
                        header=self.header,
                    )
                )
                self.row = None
            return
        name, line, parts = self.stack.pop()
        text = "".join(parts).strip()
        end = self.getpos()[0]
        if name in ("script", "style") or (not text and name != "pre"):
            return
        if name in ("td", "th") and self.row is not None:
            self.row.append(" ".join(text.split()))
            if name == "th":
                self.header.append(" ".join(text.split()))
            return
        if name.startswith("h") and len(name) == 2:
            self.blocks.append(
                Block("heading", " ".join(text.split()), line, end, level=int(name[1]))
            )
        elif name == "pre":
            self.blocks.append(Block("code", "".join(parts), line, end))
        elif name == "li":
            self.blocks.append(Block("item", " ".join(text.split()), line, end))
        else:
            self.blocks.append(Block("para", " ".join(text.split()), line, end))

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] not in ("script", "style"):
            self.stack[-1][2].append(data)


def html_blocks(text: str) -> list[Block]:
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    return parser.blocks
