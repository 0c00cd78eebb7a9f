"""Rate limits, auth schemes (headers, query keys, request signing, OAuth) and retry advice."""

from __future__ import annotations

import re

from ..schemas import (
    FactWarning,
    RateLimitEvidence,
    RetryGuidance,
    Source,
)
from ._endpoints import (
    scan_line,
)
from ._guidance import (
    retry_advice,
)
from ._meaning import (
    negates,
)
from ._prose_blocks import (
    Block,
)
from ._prose_patterns import (
    _AUTH_HINT,
    _AUTHZ,
    _HMAC,
    _KEY_HEADER,
    _KEY_QUERY,
    _LIMIT,
    _RATE_WORDS,
    _RL_HEADER,
    _SCOPES,
)
from ._prose_state import (
    _State,
)
from ._prose_text import (
    _clean_path,
    _prep,
    _span,
    _window,
)


class _Auth(_State):
    def _rates(self, b: Block) -> None:
        if b.kind not in ("para", "item", "row", "html"):
            return
        text = " ".join(re.sub(r"<[^>]+>", " ", b.text).split())
        section = " ".join(t for _, t in self.headings).lower()
        rate_context = _RATE_WORDS.search(text) or "rate" in section or "limit" in section
        # What the paragraph says once (its scope, the endpoints it names, its quote), then
        # each limit in it: linear in the paragraph, whatever its length.
        scope_m = _SCOPES.search(text) or _SCOPES.search(section)
        scope = scope_m.group(0).lower().replace("-", " ") if scope_m else None
        ops: list[str] | None = None
        detail: str | None = None
        source: Source | None = None
        for m in _LIMIT.finditer(text):
            if not rate_context and not re.search(r"requests?|calls?|times", m.group(0), re.I):
                continue
            try:
                limit = int(m.group(1).replace(",", ""))
            except ValueError:
                continue
            window = _window(m.group(2), m.group(3))
            if (limit, window, b.line) in self._seen_limits:
                continue
            self._seen_limits.add((limit, window, b.line))
            self._limit_lines.add(b.line)
            if ops is None or detail is None or source is None:  # once, at the first limit
                ops = [f"{h.method} {_clean_path(h.target)}" for h in scan_line(_prep(text))]
                detail, source = _span(text, 300), self.src(b.line, text)
            for key in ops or [None]:
                self.facts.rate_limits.append(
                    RateLimitEvidence(
                        kind="limit",
                        detail=detail,
                        operation=key if key in self.ops else None,
                        limit=limit,
                        window_seconds=window,
                        scope=scope or ("per route" if key else None),
                        source=source,
                    )
                )
        headers = list(_RL_HEADER.finditer(text))
        for hdr in headers:
            self._rate("header", hdr.group(1), b.line, text)
        limited = b.line in self._limit_lines
        if _RATE_WORDS.search(text) and not limited and not headers:
            self._rate("text", _span(text, 300), b.line, text)

    def _auth(self, b: Block) -> None:
        text = b.text
        if not _AUTH_HINT.search(text):
            return
        self._signature_scheme(b)
        for m in _AUTHZ.finditer(text):
            kind = m.group(1)
            if kind == "Basic":
                self._scheme("basic", "http", "basic", b.line, text)
            elif kind == "Token":
                self._scheme(
                    "token",
                    "apiKey",
                    None,
                    b.line,
                    text,
                    location="header",
                    param="Authorization",
                    detail="Authorization: Token token=<key>",
                )
            else:
                self._scheme(
                    kind.lower(),
                    "http",
                    "bearer",
                    b.line,
                    text,
                    detail=f"Authorization: {kind} <token>",
                )
        if re.search(r"\bBearer <|with `Bearer", text):
            self._scheme(
                "bearer", "http", "bearer", b.line, text, detail="Authorization: Bearer <token>"
            )
        if re.search(r"\bBot <", text):
            self._scheme("bot", "http", "bearer", b.line, text, detail="Authorization: Bot <token>")
        if re.search(r"HTTP Basic Auth|basic (?:http )?auth", text, re.I) and not negates(
            text, r"basic(?:\s+http)?(?:\s+auth\w*)?"
        ):
            user = re.search(r"use ``?(\w+)``? as the username", text)
            self._scheme(
                "basic",
                "http",
                "basic",
                b.line,
                text,
                detail=f"username `{user.group(1)}`, API key as password" if user else "",
            )
        for m in _KEY_HEADER.finditer(text):
            self._scheme(
                "apiKeyHeader", "apiKey", None, b.line, text, location="header", param=m.group(1)
            )
        query = _KEY_QUERY.search(text)
        if query and not negates(text, re.escape(query.group(1))):
            self._scheme(
                "apiKeyQuery",
                "apiKey",
                None,
                b.line,
                text,
                location="query",
                param=query.group(1),
                detail=_span(text, 200),
            )

    def _signature_scheme(self, b: Block) -> None:
        """A signed request (HMAC over the query and body): the scheme, its hash and the
        parameter or header that carries the signature."""
        m = _HMAC.search(b.text)
        if not m or not re.search(r"\bsign(?:ed|ature|ing)?\b", b.text, re.I):
            return
        carrier = re.search(r"`([\w-]*sign[\w-]*)`", b.text, re.I)
        self._scheme(
            "signature",
            "signature",
            f"hmac-{(m.group(1) or '').lower()}".rstrip("-"),
            b.line,
            b.text,
            location="header" if carrier and carrier.group(1).lower().startswith("x-") else None,
            param=carrier.group(1) if carrier else None,
            detail=_span(b.text, 200),
        )

    def _advice(self, b: Block) -> None:
        for a in retry_advice(b.text):
            op = self.current.op.key if self.current is not None else None
            self.facts.retry_guidance.append(
                RetryGuidance(
                    condition=a.condition,
                    retry=a.retry,
                    detail=_span(a.detail, 300),
                    operation=op,
                    source=self.src(b.line, b.text),
                )
            )

    def _page_level(self, blocks: list[Block]) -> None:
        limits = [
            r for r in self.facts.rate_limits if r.kind in ("limit", "header", "text", "field")
        ]
        statuses = [r for r in self.facts.rate_limits if r.kind == "status"] or [
            r
            for r in self.facts.rate_limits
            if re.search(r"\b429\b|too many requests", r.detail, re.I)
        ]
        mentions_429 = re.search(r"\b429\b|too many requests", self.text, re.I)
        if limits and not statuses and not mentions_429:
            first = limits[0]
            self.facts.rate_limits.append(
                RateLimitEvidence(
                    kind="absence",
                    detail="the page states rate limits but names no HTTP status for exceeding them; do not assume 429",
                    source=first.source,
                )
            )
        transcluded = [n for n in self.facts.notes if n.topic == "transclusion"]
        if transcluded:
            self.facts.warnings.append(
                FactWarning(
                    code="transcluded",
                    message=f"{len(transcluded)} endpoint groups are transcluded at build time "
                    "(http-api shortcodes) and are not on this page; only endpoints written inline are facts",
                    source=transcluded[0].source,
                )
            )
