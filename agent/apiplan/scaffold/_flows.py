"""Polling for an asynchronous outcome and paging through a listing, as the blueprint plans them.

Both loops are bounded twice: polling by the blueprint's total wait and a poll count derived from
its schedule (first wait, doubling up to the interval cap); paging by a page cap. Where the
blueprint does not say how a page names the next one, or what a finished job looks like, the
generated method asks the caller for it (a required argument) instead of guessing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..schemas import Completion, EndpointScope, ErrorRow, Paging
from ._fields import FieldModel, cite, snake

DEFAULT_MAX_PAGES = 100
"""Page cap when the blueprint leaves it to the user ('a page cap you configure')."""
_FAILED = re.compile(r"`([\w-]+)` on every \d{3}: (?P<bad>[^;.]*?) means failed")
_PENDING = re.compile(r"(?:: |; )(?P<wait>[^;.:]*?) means not final yet")
_FLAG = re.compile(r"with\s+`?(\w+)`?\s*:\s*`?(false|true)`?", re.I)
_PASS = re.compile(r"pass `([^`]+)` from the previous page")
_STOP = re.compile(r"stop when `([^`]+)` is empty or false")
_INCREASE = re.compile(r"increase `([^`]+)`")
_OFFSET = {"offset", "skip", "start"}
_LINK = re.compile(r"^next(?:_?page)?(?:_?(?:uri|url|link|href))?$", re.I)
"""A response field holding the next page's URL: its query names the next call's arguments."""
_NEXT_NAMES = ("next_{}", "next_cursor", "next_page_token", "next_token", "next_marker")


@dataclass(frozen=True)
class OutcomeModel:
    """An outcome inside a 2xx body: the field, the values meaning failed or not final yet."""

    field: str
    failed: Sequence[object]
    pending: list[str]
    exception: str


@dataclass(frozen=True)
class PollModel:
    """Waiting for the outcome of ``start`` by calling the step it belongs to again."""

    start: str
    constant: str
    first_wait: float
    interval_cap: float
    max_wait: float
    max_polls: int
    pending: OutcomeModel | None
    honour_retry_after: bool
    text: str
    cite: str


@dataclass(frozen=True)
class PageModel:
    """Paging a listing step: which query parameter moves, and how the next value is found."""

    constant: str
    max_pages: int
    style: str
    """'cursor' (a token), 'link' (a next-page URL), 'offset' (items skipped) or 'page'."""
    param: FieldModel
    next_field: FieldModel | None
    """Response field holding the next cursor; None: the caller says (or offset counts)."""
    items_field: FieldModel | None
    """The response's list of items (offset and page styles count or test it)."""
    text: str
    cite: str


def body_outcome(rows: list[ErrorRow], exception_of: dict[str, str]) -> OutcomeModel | None:
    """The top-level outcome field of a 2xx body, from the error map's error-in-body row."""
    for row in rows:
        if row.error_class != "error-in-body":
            continue
        exc = exception_of[row.status]
        if flag := _FLAG.search(row.status):
            return OutcomeModel(flag.group(1), [flag.group(2).lower() == "true"], [], exc)
        bad = _FAILED.search(row.action)
        if not bad or "each item" in row.action:
            continue
        name = bad.group(1)
        if "." in name or "[" in name:
            continue
        wait = _PENDING.search(row.action[bad.start() :])
        return OutcomeModel(name, _values(bad.group("bad")), _values(wait.group("wait")) if wait else [], exc)  # fmt: skip
    for row in rows:  # pending values alone ('processing, queued means not final yet')
        if row.error_class == "error-in-body" and row.body_field and "." not in row.body_field:
            wait = _PENDING.search(row.action)
            if wait and "each item" not in row.action:
                exc = exception_of[row.status]
                return OutcomeModel(row.body_field, [], _values(wait.group("wait")), exc)
    return None


def _values(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip() and "…" not in v]


def max_polls(first: float, cap: float, total: float) -> int:
    """Polls that fit in ``total`` seconds when the wait starts at ``first`` and doubles to
    ``cap``: the count bound that stops the loop even if the clock misbehaves."""
    waited, wait, count = 0.0, max(first, 0.001), 0
    while waited + wait <= total and count < 100_000:
        waited += wait
        count += 1
        wait = min(cap, wait * 2)
    return max(count, 1)


def poll_model(
    completion: Completion, function: str, endpoint: EndpointScope, outcome: OutcomeModel | None
) -> PollModel:
    first = completion.first_wait_seconds or 1.0
    cap = max(completion.interval_cap_seconds or first, first)
    total = completion.max_wait_seconds or math.ceil(cap * 10)
    documented = any(
        f.location == "response-header" and f.name.lower() == "retry-after"
        for f in endpoint.response
    )
    return PollModel(
        start=completion.operation,
        constant=f"{function.upper()}_POLL",
        first_wait=first,
        interval_cap=cap,
        max_wait=total,
        # a documented Retry-After may shorten a wait down to the first one: more polls fit
        max_polls=math.ceil(total / first) if documented else max_polls(first, cap, total),
        pending=outcome if outcome is not None and outcome.pending else None,
        honour_retry_after=documented,
        text=completion.text,
        cite=cite(completion.evidence) or (completion.assumption or ""),
    )


def page_model(
    paging: Paging, function: str, query: list[FieldModel], response: list[FieldModel]
) -> PageModel | None:
    """The paging of a listing step, or None when the blueprint's style is not one the scaffold
    generates (a Link header, a batch)."""
    if paging.kind != "list" or paging.style not in ("cursor", "page"):
        return None
    by_name = {f.name: f for f in query}
    moved = _PASS.search(paging.text) or _INCREASE.search(paging.text)
    param = by_name.get(moved.group(1)) if moved else None
    if param is None:
        return None
    lists = [f for f in response if f.annotation.startswith("list[")]
    items = lists[0] if len(lists) == 1 else None
    style = "cursor"
    next_field: FieldModel | None = None
    if paging.style == "page":
        style = "offset" if param.name.lower() in _OFFSET else "page"
    else:
        stop = _STOP.search(paging.text)
        fields = {f.name: f for f in response if f.annotation in ("str", "Any")}
        names = [stop.group(1)] if stop else []
        names += [n.format(param.name) for n in _NEXT_NAMES]
        next_field = next((fields[n] for n in names if n in fields), None)
        if next_field is None:
            link = next((f for f in fields.values() if _LINK.match(f.name)), None)
            style, next_field = ("link", link) if link is not None else (style, None)
    return PageModel(
        constant=f"{function.upper()}_MAX_PAGES",
        max_pages=DEFAULT_MAX_PAGES,
        style=style,
        param=param,
        next_field=next_field,
        items_field=items,
        text=paging.text,
        cite=cite(paging.evidence) or (paging.assumption or ""),
    )


def needs_caller(page: PageModel) -> bool:
    """True when the blueprint does not say how the next page is named: the caller says."""
    if page.style in ("cursor", "link"):
        return page.next_field is None
    # A page number's first value is not documented (0 or 1): the caller names the next one.
    return page.style == "page" or page.items_field is None


__all__ = [
    "DEFAULT_MAX_PAGES",
    "OutcomeModel",
    "PageModel",
    "PollModel",
    "body_outcome",
    "max_polls",
    "needs_caller",
    "page_model",
    "poll_model",
    "snake",
]
