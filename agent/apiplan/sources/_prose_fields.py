"""Parameters and body fields (field tables, definition lists, Liquid tags) and example bodies."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from ..schemas import (
    Body,
    Operation,
    Parameter,
    Response,
    SchemaField,
)
from ._prose_blocks import (
    Block,
)
from ._prose_patterns import (
    _STATUS_HEAD,
    _STATUS_ROW,
)
from ._prose_state import (
    _State,
)
from ._prose_text import (
    _span,
)


class _Fields(_State):
    if TYPE_CHECKING:  # given by _Sections in the extractor that mixes both in

        def _row_endpoints(self, b: Block, cells: list[str]) -> bool: ...

    def _liquid_params(self, b: Block) -> None:
        """SendGrid's Jekyll tags: {% parameter name Yes 'String. Max 30 characters' '...' %}.

        They come before the example that names the endpoint, so they wait for it."""
        for n, line in enumerate(b.text.splitlines()):
            m = re.search(r"\{%\s*parameter\s+(\w+)\s+(Yes|No)\s+(?:(\w+)\s+)?'([^']*)'", line)
            if m:
                typ = re.match(
                    r"(String|Integer|Boolean|Array|Object|Number)", m.group(3) or m.group(4)
                )
                self._waiting_params.append(
                    (
                        m.group(1),
                        typ.group(1).lower() if typ else None,
                        m.group(2) == "Yes",
                        b.line + n,
                        line.strip(),
                    )
                )

    def _definition_params(self, b: Block) -> None:
        """Hugo-style definition lists: ':id' / ': {{<required>}} String. The ID'."""
        raw = b.text.splitlines()
        for i in range(len(raw) - 1):
            name, desc = raw[i].strip(), raw[i + 1].strip()
            if (name and not name.startswith(":") and desc.startswith(": ")) or (
                name.startswith(":") and desc.startswith(": ")
            ):
                pname = name.lstrip(":").strip().strip("`")
                if not re.fullmatch(r"[A-Za-z_][\w\[\].-]*", pname):
                    continue
                if self.current is None:
                    continue  # a definition list before any endpoint names nothing to attach to
                loc = self.current.param_loc
                required = "required" in desc.lower()
                typ = re.search(r"\b(String|Integer|Boolean|Array|Hash|Number|Object)\b", desc)
                line = b.line + i
                op = self.current.op
                if loc in ("path", "query", "header", "cookie"):
                    if not any(p.name == pname and p.location == loc for p in op.parameters):
                        op.parameters.append(
                            Parameter(
                                name=pname,
                                location=loc,
                                required=required,
                                type=typ.group(1).lower() if typ else None,
                                description=_span(desc.lstrip(": "), 200),
                                source=self.src(line, name + " " + desc),
                            )
                        )
                else:
                    self._body_field(
                        op,
                        pname,
                        typ.group(1).lower() if typ else None,
                        required,
                        line,
                        name + " " + desc,
                    )

    def _row(self, b: Block) -> None:
        cells = [c.strip() for c in b.cells]
        if not cells:
            return
        if self._row_endpoints(b, cells):
            return
        st = _STATUS_ROW.match(cells[0]) or _STATUS_HEAD.match(cells[0])
        if st and len(cells) >= 2:
            meaning = cells[1] if _STATUS_ROW.match(cells[0]) else st.group(2)
            if self.current is not None:
                self._add_response(self.current.op, st.group(1), meaning, b.line, b.text)
            else:
                self._api_response(st.group(1), meaning, b.line, b.text)
            return
        header = [h.lower() for h in b.header]
        if (
            self.current is not None
            and header
            and ("field" in header[0] or "name" in header[0] or "parameter" in header[0])
        ):
            name = re.sub(r"[?*\\]|`", "", cells[0]).strip()
            if not re.fullmatch(r"[A-Za-z_][\w.\[\]-]*", name):
                return
            typ = (
                cells[1].strip("` ")
                if len(cells) > 1 and "type" in (header[1] if len(header) > 1 else "")
                else None
            )
            optional = "?" in cells[0] or bool(typ and typ.startswith("?"))
            req_col = next(
                (i for i, h in enumerate(header) if "required" in h or "mandatory" in h), None
            )
            required = (
                (not optional)
                if req_col is None
                else cells[req_col]
                .strip("`*_ ")
                .lower()
                .startswith(("yes", "true", "required", "mandatory", "✓", "✔"))
            )
            section = " ".join(t for _, t in self.headings[-2:]).lower()
            if "response" in section or "structure" in section or "object" in section:
                return  # an object's structure, not this endpoint's request
            self._body_field(
                self.current.op, name, typ.lstrip("?") if typ else None, required, b.line, b.text
            )

    def _example_fields(self, op: Operation, status: str, b: Block) -> None:
        resp = next((r for r in op.responses if r.status == status), None) or self._add_response(
            op, status, None, b.line, b.text
        )
        self._example_into(resp, b)

    def _example_into(self, resp: Response, b: Block) -> None:
        """Top-level keys of an example body; invalid JSON is read leniently and labelled."""
        body = b.text
        try:
            parsed, valid = json.loads(body), True
        except (ValueError, RecursionError):
            # Documentation JSON often has trailing commas or // comments: read it leniently.
            lenient = re.sub(r",\s*([}\]])", r"\1", re.sub(r"(?<![:\"])//[^\n]*", "", body))
            try:
                parsed = json.loads(lenient)
            except (ValueError, RecursionError):
                parsed = None
            valid = False
        keys: list[tuple[str, int]] = []
        if isinstance(parsed, dict):
            keys = [(k, 0) for k in parsed]
        elif isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
            # Every element's keys: SendGrid's second item has a 'description 2' typo to flag.
            keys = [
                (k, 0)
                for k in dict.fromkeys(k for item in parsed if isinstance(item, dict) for k in item)
            ]
        else:
            depth = 0
            for n, line in enumerate(body.splitlines()):
                m = re.match(r'\s*"([^"\n]{1,60})"\s*:', line)
                if m and depth == 1:
                    keys.append((m.group(1), n))
                depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
        body_lines = body.splitlines() or [""]
        for k, off in keys:
            # A key with a space ('description 2') is a typo or a placeholder, not a field name.
            confidence = "uncertain" if re.search(r"\s", k) else "example"
            n_off = off or next((i for i, ln in enumerate(body_lines) if f'"{k}"' in ln), 0)
            line = b.body_line + n_off
            if resp.body is None:
                resp.body = Body(source=self.src(line, body_lines[n_off]))
            if not any(x.path == k for x in resp.body.fields):
                note = None if valid else "read from an example that is not valid JSON"
                resp.body.fields.append(
                    SchemaField(
                        path=k,
                        name=k,
                        confidence=confidence,
                        description=note,
                        source=self.src(line, body_lines[n_off]),
                    )
                )
