"""The test matrix opens with the goal's core guarantees, each asserting one thing in one line."""

from __future__ import annotations

import pytest

import apiplan
from apiplan.schemas import Blueprint

from .conftest import EXAMPLES, corpus


def _plan(doc: str, goal: str, pins: list[str] | None = None) -> Blueprint:
    return apiplan.plan([doc], goal=goal, operations=pins or [])


def _corpus(name: str) -> str:
    return str(corpus("openapi", name))


def test_idempotency_key_reuse_comes_first() -> None:
    bp = _plan(str(EXAMPLES / "parcelbox-openapi.yaml"), "buy a shipping label")
    first = bp.deliverable.test_matrix[0]
    assert "reuses" in first.name and "Idempotency-Key" in first.expect


def test_rerun_without_duplicates_comes_first_when_a_dedup_field_exists() -> None:
    bp = _plan(
        _corpus("pagerduty-events-v2-oas30.json"),
        "trigger an alert when the nightly job fails",
        ["POST:/enqueue"],
    )
    first = bp.deliverable.test_matrix[0]
    assert first.name == "test_create_v2_event_rerun_sends_the_same_dedup_key"
    assert "`dedup_key`" in first.expect


def test_unsafe_call_is_sent_once_first() -> None:
    bp = _plan(_corpus("slack-web-api-swagger2.json"), "post a message to a channel")
    first = bp.deliverable.test_matrix[0]
    assert first.name.endswith("_unknown_outcome_sends_once")
    assert first.expect == "Exactly one request reaches the server."


@pytest.mark.parametrize(
    ("doc", "goal"),
    [
        ("pagerduty-events-v2-oas30.json", "trigger an alert when the nightly job fails"),
        ("slack-web-api-swagger2.json", "post a message to a channel"),
        ("discord-openapi-oas31.json", "send a message to a channel"),
    ],
)
def test_goal_tests_assert_one_thing_in_one_line(doc: str, goal: str) -> None:
    bp = _plan(_corpus(doc), goal)
    first = bp.deliverable.test_matrix[0]
    assert "\n" not in first.expect and ". " not in first.expect and first.expect.endswith(".")
