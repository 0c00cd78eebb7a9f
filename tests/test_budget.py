"""Retry budgets come from the call's use, the user's deadline and volume, and the docs' advice,
and their worst case always fits the deadline."""

from __future__ import annotations

import pytest

import apiplan
from apiplan.planner import parse_context

from .conftest import EXAMPLES, corpus

EXAMPLE = str(EXAMPLES / "parcelbox-openapi.yaml")


def _policy(goal: str, context: list[str] | None = None, deadline: float | None = None):
    bp = apiplan.plan([EXAMPLE], goal=goal, context=context or [], deadline=deadline)
    return bp.plan.retry_policies[0]


@pytest.mark.parametrize(
    ("words", "mode"),
    [
        ("trigger an alert when the nightly job fails", "alerting"),
        ("page the on-call engineer", "alerting"),
        ("backfill last year's shipments", "batch"),
        ("show shipments on the checkout page", "interactive"),
        ("list shipments", None),
    ],
)
def test_use_is_read_from_the_goal(words: str, mode: str | None) -> None:
    assert parse_context(words).mode == mode


@pytest.mark.parametrize(
    ("context", "deadline"),
    [
        ([], None),
        (["interactive checkout page"], None),
        (["nightly backfill"], None),
        (["alert the on-call"], None),
        ([], 2.0),
        (["nightly backfill"], 45.0),
        (["page the on-call within 20 seconds"], None),
    ],
)
def test_worst_case_fits_the_deadline(context: list[str], deadline: float | None) -> None:
    p = _policy("list shipments", context, deadline)
    assert p.worst_case_seconds <= p.timeouts.total_deadline_seconds
    assert f"fits the {p.timeouts.total_deadline_seconds:g} s deadline" in p.text


def test_interactive_fails_faster_than_batch() -> None:
    fast = _policy("list shipments", ["interactive checkout page"])
    slow = _policy("list shipments", ["nightly backfill"])
    assert fast.timeouts.total_deadline_seconds < slow.timeouts.total_deadline_seconds
    assert fast.retry_after_ceiling_seconds < slow.retry_after_ceiling_seconds


def test_alerting_retries_longest() -> None:
    alert = _policy("list shipments", ["alert the on-call"])
    default = _policy("list shipments")
    assert alert.max_attempts > default.max_attempts
    assert alert.budget_reason and alert.budget_reason.startswith("paging or alerting")


def test_high_volume_cuts_attempts() -> None:
    p = _policy("list shipments", ["nightly backfill", "about 50 requests per second"])
    assert p.max_attempts == 3
    assert "retry storm" in (p.budget_reason or "")


def test_reasoning_names_the_deadline_origin_and_what_was_cut() -> None:
    p = _policy("list shipments", ["interactive checkout page"], deadline=5)
    assert "deadline 5 s (--deadline)" in (p.budget_reason or "")
    assert "Why: " in p.text and p.text.count("Why: ") == 1


def test_docs_advice_shapes_the_reasoning() -> None:
    bp = apiplan.plan(
        [str(corpus("openapi", "pagerduty-events-v2-oas30.json"))],
        goal="trigger an alert when the nightly job fails",
        operations=["POST:/enqueue"],
    )
    reason = bp.plan.retry_policies[0].budget_reason or ""
    assert "backoff between retries as the docs advise" in reason
    assert "429 retried as the docs ask" in reason
