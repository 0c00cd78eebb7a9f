"""Code blocks: request lines and commands (curl) that name endpoints, status fields and HTTP
status lines with their example bodies, curl basic auth, rate-limit headers."""

from __future__ import annotations

import re

from ._endpoints import (
    scan_commands,
    scan_line,
)
from ._prose_blocks import (
    Block,
)
from ._prose_fields import _Fields
from ._prose_patterns import (
    _HTTP_STATUS_LINE,
    _RL_HEADER,
    _STATUS_FIELD,
)
from ._prose_text import (
    _hit_kind,
    _prep,
)


class _CodeBlocks(_Fields):
    def _code(self, b: Block) -> None:
        lines = b.text.splitlines()
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        if first is not None and self._pending_method is not None:
            method, _ = self._pending_method
            target = lines[first].strip()
            if re.fullmatch(r"(?:https?://\S+|/\S*)", target):
                # A real host (localhost:7474) marks a filled-in example of the endpoint.
                concrete = bool(re.match(r"https?://[\w.-]+(?::\d+)?/", target))
                self._start_op_here(
                    method,
                    target,
                    b.body_line + first,
                    f"{method} {target}",
                    kind="example" if concrete else "definition",
                )
        self._pending_method = None
        for i, raw in enumerate(lines):
            if not raw.strip():
                continue
            line = b.body_line + i
            st = _STATUS_FIELD.match(raw)
            if st and self.current is not None:
                self._add_response(self.current.op, st.group(1), st.group(2), line, raw.strip())
                continue
            for hit in scan_line(_prep(raw)):
                lone = i == first and hit.column <= 12
                if hit.how == "directive" or (
                    lone and (self.current is None or not self.current.status)
                ):
                    kind = _hit_kind(hit)
                    if (
                        kind == "example"
                        and hit.how == "line"
                        and hit.target.startswith("/")
                        and self._defs == self._sec_defs
                    ):
                        # The request sample under a heading that defines nothing else is that
                        # section's endpoint ('Get Entry IDs' / 'GET /v1/entries/ids?status=...').
                        kind = "definition"
                    self._start_op_here(hit.method, hit.target, line, raw.strip(), kind=kind)
                else:
                    self._endpoint(
                        hit.method,
                        hit.target,
                        line,
                        raw.strip(),
                        heading=self._section_title(),
                        kind="example",
                    )
        for hit, off in scan_commands(b.text):
            line = b.body_line + off
            quote = lines[off].strip() if off < len(lines) else hit.target
            op = self._endpoint(
                hit.method, hit.target, line, quote, heading=self._section_title(), kind="example"
            )
            if self.current is None and op.op.key in self.ops:
                self.current = op
        for um in re.finditer(r"(?:--user|-u)\s+['\"]?([^:'\"\s]+):", b.text):
            line = b.body_line + b.text[: um.start()].count("\n")
            self._scheme(
                "basic",
                "http",
                "basic",
                line,
                f"--user {um.group(1)}:… (curl basic auth)",
                detail=f"user `{um.group(1)}`, API key as password",
            )
        for hm in _HTTP_STATUS_LINE.finditer(b.text):
            line = b.body_line + b.text[: hm.start()].count("\n")
            target = self.current.op if self.current else None
            meaning = (hm.group(2) or "").strip().title() or None
            if target is not None:
                resp = self._add_response(target, hm.group(1), meaning, line, hm.group(0))
            else:
                self._api_response(hm.group(1), meaning, line, hm.group(0))
                resp = next(r for r in self.facts.api_responses if r.status == hm.group(1))
            tail = b.text[hm.end() :]
            if "{" in tail:
                start = tail.index("{")
                self._example_into(
                    resp, Block("code", tail[start:], line + tail[:start].count("\n"), line)
                )
        for n_off, line_text in enumerate(b.text.splitlines()):
            hdr = _RL_HEADER.search(line_text)
            if hdr and ":" in line_text:
                self._rate("header", hdr.group(1), b.body_line + n_off, line_text)
        if self.current is not None and self.current.status and "{" in b.text:
            self._example_fields(self.current.op, self.current.status, b)
        if "retry_after" in b.text:
            n_off = b.text[: b.text.index("retry_after")].count("\n")
            self._rate(
                "field",
                "429 body field `retry_after`",
                b.body_line + n_off,
                b.text.splitlines()[n_off],
            )
