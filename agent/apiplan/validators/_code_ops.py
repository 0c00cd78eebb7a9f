"""Which documented operations a call in client code stands for, and what their documented
responses say about the body the code parses or logs.

Code URLs are partial (``f"{BASE}/users/{user_id}"``, ``self.url + "/messages"``): a call
matches an operation when the end of its path matches the operation's path template, segment by
segment, with ``{...}`` on either side matching any one segment, and the methods agree.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..schemas import Facts, Operation, SchemaField

_BODILESS = ("204", "205")
_HOST = re.compile(r"^[a-z][a-z0-9+.\-]*://[^/]*", re.I)


def _segments(path: str) -> list[str]:
    path = _HOST.sub("", path.split("?", 1)[0].split("#", 1)[0])
    return [s for s in path.split("/") if s]


def _same(code: str, doc: str) -> bool:
    return code == doc or code.startswith("{") or doc.startswith("{")


def operations_for(method: str | None, url: str | None, ops: list[Operation]) -> list[Operation]:
    """The operations a call with this method and URL may stand for (none when unsure)."""
    if not url:
        return []
    code = _segments(url)
    out: list[Operation] = []
    for op in ops:
        if method and op.method != method.upper():
            continue
        doc = _segments(op.path)
        if not doc or len(doc) > len(code) or all(s.startswith("{") for s in doc):
            continue
        if all(_same(c, d) for c, d in zip(code[-len(doc) :], doc, strict=True)):
            out.append(op)
    # The most literal match wins: /users/me over /users/{id}.
    best = max((sum(not s.startswith("{") for s in _segments(o.path)) for o in out), default=0)
    return [o for o in out if sum(not s.startswith("{") for s in _segments(o.path)) == best]


def bodiless_success(op: Operation) -> str | None:
    """The documented success status without a body (204, 205, or every 2xx bodiless)."""
    ok = [r for r in op.responses if r.status.startswith("2")]
    for r in ok:
        if r.status in _BODILESS:
            return r.status
    if ok and all(r.body is None for r in ok):
        return ok[0].status
    return None


def sensitive_response_fields(facts: Facts, ops: list[Operation]) -> list[str]:
    """Response fields of ``ops`` that hold a credential or personal data, per the docs."""
    from ..planner import classify_sensitive  # one classifier for plans and checks

    out: dict[str, None] = {}
    for op in ops:
        for r in op.responses:
            fields: list[SchemaField] = facts.body_fields(r.body)
            for f in fields:
                if classify_sensitive(f.path, f.description or "", f.sensitive):
                    out[f.path] = None
    return list(out)


__all__ = ["bodiless_success", "operations_for", "sensitive_response_fields"]
