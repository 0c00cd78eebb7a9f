"""The user's own constraints, read from the goal and --context: recognised ones shape the plan,
and every sentence is kept so that nothing the user said is dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

_SECONDS = {
    "ms": 0.001,
    "millisecond": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
}
_DURATION = r"(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hours?)\b"
_DEADLINE = re.compile(
    r"(?:within|under|below|less than|at most|no more than|deadline(?: of)?|timeout(?: of)?|"
    r"p9[59](?: latency)?(?: of)?|budget(?: of)?)\s*" + _DURATION,
    re.I,
)
_VOLUME = re.compile(
    r"(\d[\d,.]*\s*[km]?)\s*(?:requests?|calls?|messages?|events?|emails?|charges?|orders?|jobs?)?"
    r"\s*(?:per|/|a|an|each)\s*(second|sec|s|minute|min|hour|h|day|d)\b",
    re.I,
)
_USES: tuple[tuple[Literal["interactive", "batch", "alerting"], re.Pattern[str]], ...] = (
    (
        "alerting",
        re.compile(r"\b(alert(?:s|ing)?|pag(?:e|ing) (?:the )?on-?call|pager|on-?call)\b"),
    ),
    ("batch", re.compile(r"\b(batch|nightly|cron|background|backfill|queue worker|offline job)\b")),
    (
        "interactive",
        re.compile(
            r"\b(interactive|user[- ]facing|request path|checkout|real[- ]time|synchronous|"
            r"while the user waits)\b"
        ),
    ),
)
"""Words that say what a call is for, first match wins: paging or alerting (a lost call is
costly) before batch, since 'alert when the nightly job fails' is an alert sent from a batch."""
_LIBRARIES = ("httpx", "requests", "aiohttp", "urllib3", "urllib")


@dataclass
class UserContext:
    """What the user told us, parsed where we understand it."""

    sentences: list[str] = field(default_factory=list[str])
    deadline_seconds: float | None = None
    deadline_text: str | None = None
    volume_per_second: float | None = None
    volume_text: str | None = None
    mode: Literal["interactive", "batch", "alerting"] | None = None
    mode_text: str | None = None
    mode_word: str | None = None
    library: str | None = None
    is_async: bool = False
    used: set[str] = field(default_factory=set[str])

    def unused(self) -> list[str]:
        """Sentences that shaped nothing: echoed in the blueprint as stated context."""
        return [s for s in self.sentences if s not in self.used]


def _unit_seconds(unit: str) -> float:
    u = unit.lower().rstrip("s") or "s"
    for key, value in _SECONDS.items():
        if u == key or u == key.rstrip("s"):
            return value
    return 1.0


def _number(text: str) -> float:
    t = text.strip().lower().replace(",", "")
    mult = 1000.0 if t.endswith("k") else 1_000_000.0 if t.endswith("m") else 1.0
    return float(t.rstrip("km").strip()) * mult


def _read_use(ctx: UserContext, sentence: str, low: str) -> None:
    for mode, pattern in _USES:
        if m := pattern.search(low):
            ctx.mode, ctx.mode_text, ctx.mode_word = mode, sentence, m.group(0)
            ctx.used.add(sentence)
            return


def parse_context(goal: str, context: list[str] | None = None) -> UserContext:
    """Read deadlines, volumes, interactive/batch use and the HTTP library from the user's words."""
    ctx = UserContext()
    texts = [goal, *(context or [])]
    for text in texts:
        for sentence in re.split(r"(?<=[.;!?])\s+|\n+", text):
            sentence = sentence.strip()
            if sentence and text is not goal:
                ctx.sentences.append(sentence)
            if not sentence:
                continue
            m = _DEADLINE.search(sentence)
            if m and ctx.deadline_seconds is None:
                ctx.deadline_seconds = float(m.group(1)) * _unit_seconds(m.group(2))
                ctx.deadline_text = m.group(0)
                ctx.used.add(sentence)
            m = _VOLUME.search(sentence)
            if m and ctx.volume_per_second is None:
                per = {
                    "s": 1,
                    "sec": 1,
                    "second": 1,
                    "min": 60,
                    "minute": 60,
                    "h": 3600,
                    "hour": 3600,
                    "d": 86400,
                    "day": 86400,
                }[m.group(2).lower()]
                ctx.volume_per_second = _number(m.group(1)) / per
                ctx.volume_text = m.group(0).strip()
                ctx.used.add(sentence)
            low = sentence.lower()
            if ctx.mode is None:
                _read_use(ctx, sentence, low)
            for lib in _LIBRARIES:
                if ctx.library is None and re.search(rf"\b{lib}\b", low):
                    ctx.library = lib
                    ctx.used.add(sentence)
            if re.search(r"\b(async|asyncio|await)\b", low):
                ctx.is_async = True
                ctx.used.add(sentence)
    return ctx
