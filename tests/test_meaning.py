"""Issue 14: the plan reads what the documents mean (dedup fields, outcomes inside bodies,
asynchronous completion, the whole request contract, honest silence)."""

from __future__ import annotations

from pathlib import Path

import pytest

import apiplan
from apiplan.validators._known import Known
from apiplan.validators._silent import check_plan_silent_failures

from .conftest import corpus, shared_corpus_facts

_EVENTS_SPEC = """
openapi: 3.0.3
info: {title: Events, version: "1"}
servers:
  - url: https://{region}.events.example/v1
    variables:
      region: {default: eu, enum: [eu, us]}
paths:
  /events:
    post:
      summary: Send an event
      parameters:
        - {name: User-Agent, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [event, properties]
              properties:
                event: {type: string, maxLength: 255}
                properties:
                  type: object
                  required: [insert_id, time]
                  properties:
                    insert_id:
                      type: string
                      maxLength: 36
                      description: Events with identical (event, time, insert_id) are considered duplicates.
                    time: {type: integer, minimum: 0}
      responses:
        "200":
          description: Accepted or refused.
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, enum: [accepted, refused]}
        "409": {description: Duplicate event, already received.}
    get:
      summary: Find events
      parameters:
        - {name: insert_id, in: query, schema: {type: string}}
      responses:
        "200": {description: The events.}
  /exports:
    post:
      summary: Start an export
      responses:
        "202":
          description: Accepted, processing has not been completed.
          content:
            application/json:
              schema:
                type: object
                properties:
                  export_id: {type: string}
  /exports/{export_id}:
    get:
      summary: Read an export
      parameters:
        - {name: export_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The export.
          content:
            application/json:
              schema:
                type: object
                properties:
                  state: {type: string, enum: [pending, done, failed]}
"""


@pytest.fixture
def events_spec(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(_EVENTS_SPEC, encoding="utf-8")
    return path


def _plan(spec: Path, *ops: str) -> apiplan.Blueprint:
    return apiplan.plan([spec], goal="send events and exports", operations=list(ops))


def test_dedup_field_in_a_nested_body_drives_the_retry_policy(events_spec: Path) -> None:
    bp = _plan(events_spec, "POST:/events")
    policy = bp.plan.retry_policies[0]
    assert policy.idempotent
    assert policy.dedup is not None
    assert policy.dedup.field == "properties.insert_id"
    assert "deterministically" in policy.dedup.derive and "maxLength 36" in policy.dedup.derive
    assert "409" in policy.dedup.on_repeat and "already done" in policy.dedup.on_repeat
    assert policy.dedup.reconcile_operation == "GET /events"


def test_status_enum_in_a_200_becomes_an_error_row_and_a_test(events_spec: Path) -> None:
    bp = _plan(events_spec, "POST:/events")
    rows = [r for r in bp.deliverable.error_map if r.body_field == "status"]
    assert rows and rows[0].error_class == "error-in-body" and "refused" in rows[0].status
    assert any(t.text.endswith(f"{rows[0].status}.") for t in bp.deliverable.test_matrix)


def test_silent_failure_rule_fails_a_plan_that_treats_the_2xx_as_success(
    events_spec: Path,
) -> None:
    bp = _plan(events_spec, "POST:/events")
    known = Known.of(apiplan.load_facts([events_spec]))
    assert all("`status`" not in f.message for f in check_plan_silent_failures(bp, known))
    stripped = bp.model_copy(deep=True)
    stripped.deliverable.error_map = [
        r for r in stripped.deliverable.error_map if r.error_class != "error-in-body"
    ]
    found = check_plan_silent_failures(stripped, known)
    assert any(f.severity == "high" and "`status`" in f.message for f in found)


def test_202_gets_a_bounded_completion_and_the_rule_wants_one(events_spec: Path) -> None:
    bp = _plan(events_spec, "POST:/exports")
    [done] = bp.plan.completions
    assert done.mechanism == "poll" and done.poll_operation == "GET /exports/{export_id}"
    assert done.max_wait_seconds and done.interval_cap_seconds
    assert "not done" in done.until_then or "pending" in done.until_then
    without = bp.model_copy(deep=True)
    without.plan.completions = []
    known = Known.of(apiplan.load_facts([events_spec]))
    assert any("final outcome" in f.message for f in check_plan_silent_failures(without, known))


def test_the_whole_request_contract(events_spec: Path) -> None:
    bp = _plan(events_spec, "POST:/events")
    [ep] = bp.scope.endpoints
    names = {f.name for f in ep.request}
    assert {"properties.insert_id", "properties.time", "User-Agent"} <= names
    contract = " ".join(c.text for c in ep.contract)
    assert "application/json" in contract and "`User-Agent`" in contract
    assert "{region}" in contract and "eu, us" in contract
    limits = " ".join(c.text for c in ep.limits)
    assert "maxLength 255" in limits
    assert not bp.risk.findings or all(f.rule != "undocumented-field" for f in bp.risk.findings)


def test_honest_silence_in_the_markdown(events_spec: Path) -> None:
    text = apiplan.blueprint_to_markdown(_plan(events_spec, "POST:/exports"))
    assert "The docs state no" not in text and "The docs do not say" not in text
    assert "apiplan found no" in text


def test_corpus_signals() -> None:
    twilio = shared_corpus_facts("openapi", "twilio-api-v2010.json")
    key = "POST /2010-04-01/Accounts/{AccountSid}/Messages.json"
    status = next(o for o in twilio.body_outcomes if o.operation == key and o.field == "status")
    assert {"failed", "undelivered"} <= set(status.failure_values)
    assert "queued" in status.pending_values
    assert any(s.operation == key and "1,600" in s.detail for s in twilio.size_limits)
    discord = shared_corpus_facts("openapi", "discord-openapi-oas31.json")
    dedup = [
        i.detail
        for i in discord.idempotency
        if i.operation == "POST /channels/{channel_id}/messages" and i.kind == "field"
    ]
    assert dedup == ["nonce"]  # enforce_nonce is its switch, not a dedup value
    pagerduty = shared_corpus_facts("openapi", "pagerduty-events-v2-oas30.json")
    assert any(m.kind == "accepted" for m in pagerduty.async_markers)


def test_paging_and_batching_from_the_operation_facts() -> None:
    stripe = corpus("openapi", "stripe-spec3-2021-06.json")
    [page] = apiplan.plan([stripe], goal="list charges", operations=["GET:/v1/charges"]).plan.paging
    assert page.style == "cursor" and "`starting_after`" in page.text and page.page_size_max == 100
    discord = corpus("openapi", "discord-openapi-oas31.json")
    bp = apiplan.plan([discord], goal="ban", operations=["POST:/guilds/{guild_id}/bulk-ban"])
    [batch] = bp.plan.paging
    assert batch.batch_max_items == 200 and "`failed_users`" in batch.text
