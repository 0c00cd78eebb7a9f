"""Retry advice written in prose: Markdown tables with a 'Retry?' column, and sentences such as
"be sure to retry on a 429 response code". Shared by OpenAPI descriptions and prose pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_STATUS = re.compile(r"\b([1-5]\d\d|[1-5]XX)\b", re.I)
_NETWORK = re.compile(r"network|connection|timeout|timed out", re.I)
_RETRY = re.compile(r"\bretr(?:y|ies|ied|ying)\b", re.I)
_NEGATIVE = re.compile(
    r"\b(?:do not|don't|never|not|no need to|shouldn't|should not)\b[^.]{0,30}\bretr", re.I
)


@dataclass(frozen=True)
class Advice:
    condition: str
    retry: bool | None
    detail: str


def _conditions(text: str) -> list[str]:
    found = [m.group(1).upper() for m in _STATUS.finditer(text)]
    if _NETWORK.search(text):
        found.append("network")
    return list(dict.fromkeys(found))


def _table_advice(lines: list[str]) -> Iterator[Advice]:
    header: list[str] | None = None
    retry_col = -1
    for line in lines:
        if not line.strip().startswith("|"):
            header, retry_col = None, -1
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            retry_col = next((i for i, c in enumerate(header) if "retry" in c), -1)
            continue
        if retry_col < 0 or set("".join(cells)) <= set("-: "):
            continue
        answer = cells[retry_col].lower() if retry_col < len(cells) else ""
        verdict = True if answer.startswith("yes") else False if answer.startswith("no") else None
        for cond in _conditions(cells[0]):
            yield Advice(cond, verdict, " | ".join(cells)[:300])


def retry_advice(text: str | None) -> list[Advice]:
    """Every piece of retry advice in a description or page."""
    if not text or not _RETRY.search(text):
        return []
    out = list(_table_advice(text.splitlines()))
    for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", text):
        flat = " ".join(sentence.split())
        if flat.startswith("|") or not _RETRY.search(flat):
            continue
        conds = _conditions(flat)
        if not conds:
            continue
        verdict = not _NEGATIVE.search(flat)
        for cond in conds:
            out.append(Advice(cond, verdict, flat[:300]))
    return out
