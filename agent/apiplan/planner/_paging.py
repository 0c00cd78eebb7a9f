"""Pagination and batching, when a selected operation lists or sends many things.

Read from the operation's own facts: its query parameters (cursor, page, offset, page size), the
fields of its success body (next cursor, has_more, next link), a Link response header, the arrays
its request body sends with their maxItems, documented size limits and a list of failed items.
"""

from __future__ import annotations

import re

from ..schemas import Operation, Paging, Source
from ._common import PlanInput, body_fields, grounding, quoted, success_responses
from ._outcomes import outcomes_for

_CURSOR = re.compile(
    r"^(?:cursor|after|before|starting_?after|ending_?before|page_?token|next_?token|"
    r"continuation_?token|continue|marker|since_?id|max_?id)$",
    re.I,
)
_PAGE = re.compile(r"^(?:page|offset|skip|start)$", re.I)
_SIZE = re.compile(r"^(?:limit|per_?page|page_?size|count|max_?results|size|top)$", re.I)
_NEXT = re.compile(
    r"^(?:next|next_?cursor|next_?page(?:_?token|_?url)?|has_?more|cursor|continue|"
    r"next_?link|links\.next|paging\.next|response_metadata\.next_cursor|_links\.next)$",
    re.I,
)
_MAX_IN_WORDS = re.compile(
    r"(?:max(?:imum)?(?: of| is)?|up to|between \d+ and|at most)\s+(\d+)", re.I
)


_BULK = re.compile(r"bulk|batch|import|many|multiple", re.I)
"""An operation named for many items: its optional arrays are the batch too."""


def _max_of(text: str | None) -> str | None:
    m = _MAX_IN_WORDS.search(text or "")
    return m.group(1) if m else None


def _listing(inp: PlanInput, op: Operation) -> Paging | None:
    params = [p for p in op.parameters if p.location == "query"]
    # Forward cursors first: 'starting_after' pages on, 'ending_before' pages back.
    cursor = sorted((p for p in params if _CURSOR.match(p.name)), key=lambda p: "before" in p.name)
    page = [p for p in params if _PAGE.match(p.name)]
    size = next((p for p in params if _SIZE.match(p.name)), None)
    ok = success_responses(op)
    nexts = [f for r in ok[:1] for f in body_fields(inp.facts, r) if _NEXT.match(f.path)]
    link = next((h for r in ok[:1] for h in r.headers if h.name.lower() == "link"), None)
    if not (cursor or page or nexts or link):
        return None
    style = "cursor" if cursor or nexts else "link" if link else "page"
    how = (
        f"pass `{cursor[0].name}` from the previous page" if cursor else
        "follow the Link header's next URL" if link else
        f"increase `{page[0].name}`" if page else "follow the next value"
    )  # fmt: skip
    if nexts:
        how += f"; stop when `{nexts[0].path}` is empty or false"
    biggest = _max_of(size.description) if size else None
    size_text = (
        f"`{size.name}` sets the page size"
        + (
            f", at most {biggest} (documented)"
            if biggest
            else "; apiplan found no documented maximum"
        )
        if size
        else "apiplan found no page-size parameter"
    )
    sources: list[Source | None] = [p.source for p in (*cursor, *page)] + [
        size.source if size else None,
        *(f.source for f in nexts[:1]),
        link.source if link else None,
    ]
    text = (
        f"{op.key} returns one page at a time ({style}): {how}. {size_text}. Every page is one "
        "call under the retry policy; stop after a page cap you configure so a loop cannot run "
        "forever."
    )
    return Paging(
        text=text, operation=op.key, kind="list", style=style,
        page_size_max=int(biggest) if biggest else None,
        **grounding(*sources),
    )  # fmt: skip


def _batch(inp: PlanInput, op: Operation) -> Paging | None:
    fields = inp.facts.body_fields(op.request_body)
    named = bool(_BULK.search(" ".join(x for x in (op.path, op.summary, op.operation_id) if x)))
    arrays = [
        f for f in fields
        if "." not in f.path and (f.required or named)
        and (f.type or "").startswith("array") and f.constraints.get("maxItems")
    ]  # fmt: skip
    sizes = [
        s for s in inp.facts.size_limits if s.operation == op.key and s.unit.lower() != "characters"
    ]
    if not arrays:
        return None  # a size limit alone bounds one item, not a batch (the contract lists it)
    parts = [f"at most {f.constraints['maxItems']} items in `{f.path}`" for f in arrays[:2]]
    parts += [f"{s.amount} {s.unit} ({quoted(s.detail)[:80]})" for s in sizes[:2]]
    failed = next((o for o in outcomes_for(inp, op) if o.kind == "failed-items"), None)
    half = (
        f"a partly accepted batch lists its failures in `{failed.field}`: resend only those"
        if failed
        else "apiplan found no per-item result: after a failed or timed-out batch, resend it "
        "whole only when a repeat is safe (see the retry policy), otherwise reconcile first"
    )
    text = f"{op.key} sends many items per call: split them into batches of {'; '.join(parts)}; {half}."
    return Paging(
        text=text, operation=op.key, kind="batch", style="batch",
        batch_max_items=int(arrays[0].constraints["maxItems"]) if arrays else None,
        **grounding(*(f.source for f in arrays[:2]), *(s.source for s in sizes[:2]),
                    failed.source if failed else None),
    )  # fmt: skip


def paging(inp: PlanInput) -> list[Paging]:
    """Pagination of listing operations and batching of sending ones, per selected operation."""
    out: list[Paging] = []
    for op in inp.operations:
        found = _listing(inp, op) if op.method == "GET" else _batch(inp, op)
        if found is not None:
            out.append(found)
    return out


__all__ = ["paging"]
