"""RAML -> endpoints with their responses, read by indentation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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
