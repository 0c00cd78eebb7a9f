"""AsciiDoc -> blocks, by a small line reader.

No maintained Python parser for AsciiDoc exists (Asciidoctor is Ruby), so a small line reader
covers what API pages use: section titles, delimited listing blocks, |=== tables, lists and
paragraphs, with document attributes ({endpoint-uri}) substituted where the page defines them.
"""

from __future__ import annotations

import re

from ._prose_blocks import Block

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
