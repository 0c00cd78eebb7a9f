"""reStructuredText -> blocks, via docutils (no file inclusion, no config files read)."""

from __future__ import annotations

from ._prose_blocks import Block


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
