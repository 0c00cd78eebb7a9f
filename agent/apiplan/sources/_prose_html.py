"""HTML -> blocks, via the standard library's parser (it reports positions); hand-written tables,
client-side templates and italic path parameters included."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ._prose_blocks import Block


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
