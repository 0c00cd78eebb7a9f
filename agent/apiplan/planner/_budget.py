"""Retry budgets from context: the call's use, the user's deadline and volume, and the docs'
advice, fitted so that the worst case never exceeds the deadline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._constants import (
    BACKOFF_BASE_SECONDS,
    HIGH_VOLUME_MAX_ATTEMPTS,
    HIGH_VOLUME_PER_SECOND,
    MIN_RETRY_AFTER_CEILING_SECONDS,
    UNSAFE_MAX_ATTEMPTS,
    USE_BUDGETS,
)
from ..schemas import Operation, RetryGuidance, Source
from ._common import PlanInput, rate_limits_for, retry_guidance_for

_BACKOFF_ADVICE = re.compile(r"\bback[- ]?off\b|\bback\s+off\b", re.I)
_BAN_WARNING = re.compile(r"\b(ban(?:s|ned)?|418|blocked|suspend(?:ed)?|blacklist(?:ed)?)\b", re.I)


@dataclass(frozen=True)
class Budget:
    """Fitted bounds of one operation, and the one-line reasoning behind them."""

    attempts: int
    connect: float
    read: float
    deadline: float
    backoff_cap: float
    retry_after_ceiling: float
    worst: float
    reason: str
    sources: tuple[Source, ...]


def worst_case(attempts: int, connect: float, read: float, cap: float, ceiling: float) -> float:
    """Every attempt runs to its timeouts and every wait is the longer of backoff and Retry-After."""
    waits = sum(max(min(cap, BACKOFF_BASE_SECONDS * 2**i), ceiling) for i in range(attempts - 1))
    return round(attempts * (connect + read) + waits, 1)


def _advice(inp: PlanInput, op: Operation) -> tuple[list[str], list[Source]]:
    """What the docs advise about pacing retries: exponential backoff, bans after ignoring 429."""
    notes: list[str] = []
    sources: list[Source] = []
    texts: list[tuple[str, Source]] = [
        (g.detail, g.source) for g in retry_guidance_for(inp.facts, op)
    ] + [(r.detail, r.source) for r in rate_limits_for(inp.facts, op) if r.kind == "text"]
    backoff = next(((t, src) for t, src in texts if _BACKOFF_ADVICE.search(t)), None)
    if backoff is not None:
        kind = "exponential backoff" if "exponential" in backoff[0].lower() else "backoff"
        notes.append(f"{kind} between retries as the docs advise")
        sources.append(backoff[1])
    ban = next((src for text, src in texts if _BAN_WARNING.search(text)), None)
    if ban is not None:
        notes.append("never retry before Retry-After has passed: the docs warn of bans")
        sources.append(ban)
    retry_429: RetryGuidance | None = next(
        (g for g in retry_guidance_for(inp.facts, op) if g.condition == "429" and g.retry), None
    )
    if retry_429 is not None:
        notes.append("429 retried as the docs ask")
        sources.append(retry_429.source)
    return notes, sources


def _deadline(inp: PlanInput, default: float) -> tuple[float, str]:
    if inp.deadline is not None:
        return inp.deadline, "--deadline"
    if inp.ctx.deadline_seconds is not None:
        return inp.ctx.deadline_seconds, f"your '{inp.ctx.deadline_text}'"
    return default, "default for this use"


def fit_budget(inp: PlanInput, op: Operation, *, safe: bool) -> Budget:
    """Start from the use's budget, apply the deadline, volume and docs, then fit the worst case
    into the deadline: lower the Retry-After ceiling first, then drop attempts."""
    use = USE_BUDGETS[inp.use]
    deadline, origin = _deadline(inp, use.deadline)
    connect = round(min(use.connect, max(0.2, deadline / 4)), 2)
    read = round(min(use.read, max(0.3, deadline - connect)), 2)
    said = f" (you said '{inp.ctx.mode_word}')" if inp.ctx.mode_word else ""
    why = [f"{use.label}{said}: {use.why}", f"deadline {deadline:g} s ({origin})"]
    attempts = use.attempts if safe else min(use.attempts, UNSAFE_MAX_ATTEMPTS)
    if not safe:
        why.append("not safe to repeat, so one retry for failures that were never acted on")
    volume = inp.ctx.volume_per_second
    if (
        volume is not None
        and volume >= HIGH_VOLUME_PER_SECOND
        and attempts > HIGH_VOLUME_MAX_ATTEMPTS
    ):
        attempts = HIGH_VOLUME_MAX_ATTEMPTS
        why.append(f"at {inp.ctx.volume_text} more retries would feed a retry storm")
    cap = min(use.backoff_cap, max(BACKOFF_BASE_SECONDS, deadline / 4))
    ceiling = min(use.retry_after_ceiling, max(MIN_RETRY_AFTER_CEILING_SECONDS, deadline / 2))
    notes, sources = _advice(inp, op)
    planned = attempts
    while worst_case(attempts, connect, read, cap, ceiling) > deadline:
        spare = deadline - attempts * (connect + read)
        fitted = float(int(spare / (attempts - 1))) if attempts > 1 else 0.0
        if (
            attempts > 1
            and fitted >= max(cap, MIN_RETRY_AFTER_CEILING_SECONDS)
            and fitted < ceiling
        ):
            ceiling = fitted
        elif attempts > 1:
            attempts -= 1
        else:
            break
    if ceiling < use.retry_after_ceiling and attempts > 1:
        why.append(f"Retry-After ceiling lowered to {ceiling:g} s to fit the deadline")
    if attempts < planned:
        why.append(f"{planned} attempts cut to {attempts} to fit the deadline")
    worst = worst_case(attempts, connect, read, cap, ceiling)
    return Budget(
        attempts=attempts,
        connect=connect,
        read=read,
        deadline=deadline,
        backoff_cap=cap,
        retry_after_ceiling=ceiling,
        worst=worst,
        reason="; ".join(why + notes),
        sources=tuple(sources),
    )
