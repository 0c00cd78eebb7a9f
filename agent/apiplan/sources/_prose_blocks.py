"""Prose documents -> a flat list of blocks with line numbers: the block every front end produces.

One front end per format turns a page into these blocks: Markdown and MDX (``_prose_markdown``,
markdown-it-pyrs: CommonMark + tables, with source maps), reStructuredText (``_prose_rst``,
docutils), HTML (``_prose_html``, the standard library's parser: it reports positions) and AsciiDoc
(``_prose_adoc``, a line reader); RAML resources are read straight into endpoints
(``_prose_raml``). MDX imports, YAML front matter and template tags are blanked first, keeping every
line where it was, so that line numbers always refer to the file as the user has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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
