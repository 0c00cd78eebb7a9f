"""Markdown and MDX -> blocks, via markdown-it-pyrs; HTML written into the Markdown is read as
HTML (``_prose_html``)."""

from __future__ import annotations

import bisect
import html
import re

from ._prose_blocks import Block
from ._prose_html import html_blocks


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
