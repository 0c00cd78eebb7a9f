"""The offline planner: grounded, specific to each API, and complete for the selected operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonpointer
import pytest
from pydantic import BaseModel

import apiplan
from apiplan import UsageError
from apiplan.schemas import Blueprint, Claim, FieldSpec
from apiplan.validators import check_blueprint

from .conftest import EXAMPLES, corpus, raw_load, shared_corpus_facts

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"

CASES = [
    ("oai-petstore-swagger2.json", "list pets"),
    ("pagerduty-events-v2-oas30.json", "trigger an alert when the nightly job fails"),
    ("stripe-spec3-2021-06.json", "create a charge"),
    ("slack-web-api-swagger2.json", "post a message to a channel when a deploy finishes"),
    ("discord-openapi-oas31.json", "send a message to a channel"),
    ("twilio-api-v2010.json", "send an SMS to a customer"),
    ("kubernetes-v1.29-swagger2.json", "list pods in a namespace"),
    ("openai-openapi-oas31.yaml", "create a chat completion"),
    ("spotify-web-api-official-oas30.yml", "add tracks to a playlist"),
    ("jira-software-cloud-oas30.min.json", "move issues to a sprint"),
    ("netlify-swagger2.yml", "create a site deploy"),
    ("matrix-cs-login-oas31-extrefs.yaml", "log in with a password"),
]

_BLUEPRINTS: dict[str, tuple[apiplan.Facts, Blueprint]] = {}


def built(spec: str, goal: str) -> tuple[apiplan.Facts, Blueprint]:
    if spec not in _BLUEPRINTS:
        facts = shared_corpus_facts("openapi", spec)
        _BLUEPRINTS[spec] = (facts, apiplan.plan(facts, goal=goal))
    return _BLUEPRINTS[spec]


def claims(model: Any) -> list[Claim]:
    out: list[Claim] = []
    if isinstance(model, Claim):
        out.append(model)
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            out += claims(getattr(model, name))
    elif isinstance(model, list):
        for item in model:
            out += claims(item)
    return out


@pytest.mark.parametrize(("spec", "goal"), CASES, ids=[c[0] for c in CASES])
def test_corpus_blueprints_are_grounded_and_complete(spec: str, goal: str) -> None:
    facts, bp = built(spec, goal)
    assert bp.scope.selection, "an operation is selected"
    # No rule finds anything in what the offline planner writes, except the contract parts
    # built on $refs that could not be read (the matrix spec ships without the files it names).
    unread = [w for w in facts.warnings if w.code == "unresolved-ref"]
    flagged = [f for f in bp.risk.findings if "$ref apiplan could not read" in f.message]
    assert [f for f in bp.risk.findings if f not in flagged] == [], [
        f.message for f in bp.risk.findings
    ]
    assert len(flagged) == len(unread), [f.message for f in flagged]
    # Every claim is grounded or labelled, and every cited source resolves in the raw document.
    raw_cache: dict[str, Any] = {}
    all_claims = claims(bp)
    assert all_claims
    for c in all_claims:
        assert bool(c.evidence) != bool(c.assumption)
        for s in c.evidence:
            if s.document not in raw_cache:
                raw_cache[s.document] = raw_load(Path(s.document))
            assert s.pointer is not None
            jsonpointer.resolve_pointer(raw_cache[s.document], s.pointer)
    # The error map covers every documented non-2xx status of the selected operations.
    for choice in bp.scope.selection:
        op = facts.operation(choice.key)
        assert op is not None
        documented = {r.status for r in op.responses if not r.status.startswith(("1", "2", "3"))}
        mapped = {r.status for r in bp.deliverable.error_map if r.operation == op.key}
        assert documented <= mapped
        assert any(p.operation == op.key for p in bp.plan.retry_policies)
    # Every contract field is a documented one (checked again here, independently of the rule).
    for ep in bp.scope.endpoints:
        op = facts.operation(ep.operation)
        for spec_ in ep.request:
            _assert_documented(facts, op, spec_, request=True)
        for spec_ in ep.response:
            _assert_documented(facts, op, spec_, request=False)


def _assert_documented(facts: apiplan.Facts, op: Any, spec: FieldSpec, *, request: bool) -> None:
    if spec.location in ("path", "query", "header", "cookie"):
        assert any(p.name == spec.name for p in op.parameters), spec.name
    elif spec.location == "response-header":
        assert any(h.name == spec.name for r in op.responses for h in r.headers), spec.name
    elif request:
        assert facts.field_at(facts.body_fields(op.request_body), spec.name) is not None, spec.name
    else:
        assert any(facts.field_at(facts.body_fields(r.body), spec.name) for r in op.responses), (
            spec.name
        )


def test_parcelbox_retry_policy_uses_the_documented_idempotency_key() -> None:
    bp = apiplan.plan(
        [EXAMPLE],
        goal="create a shipment label for each paid order within 3 seconds",
        context=["We use requests.", "Labels are bought in EUR only."],
    )
    assert [c.key for c in bp.scope.selection] == ["POST /shipments"]
    policy = bp.plan.retry_policies[0]
    assert policy.idempotent and policy.idempotency_key == "Idempotency-Key"
    assert policy.timeouts.total_deadline_seconds == 3.0
    assert policy.timeouts.connect_seconds + policy.timeouts.read_seconds <= 3.0
    assert any(r.startswith("429 (documented") for r in policy.retry_on)
    assert any(r.startswith("409") for r in policy.never_retry)
    assert "within 3 seconds" in policy.text and "Retry-After" in policy.text
    assert bp.plan.stack == "requests"
    assert bp.scope.stated_context == ["Labels are bought in EUR only."]
    assert "Idempotency-Key" in [f.name for f in bp.scope.endpoints[0].request]


def test_non_idempotent_post_without_key_is_not_resent() -> None:
    _, bp = built(*CASES[3])  # Slack chat.postMessage: POST, no idempotency key
    policy = bp.plan.retry_policies[0]
    assert not policy.idempotent and policy.max_attempts == 2
    assert not any("read timeout" in r or r.startswith("5") for r in policy.retry_on)
    assert any("read timeout" in r for r in policy.never_retry)
    assert any(t.topic.startswith("retry vs reconcile") for t in bp.deliverable.tradeoffs)
    assert any(q.topic == "idempotency" for q in bp.scope.open_questions)


def test_slack_errors_in_200_bodies_are_mapped() -> None:
    _, bp = built(*CASES[3])
    row = next(r for r in bp.deliverable.error_map if r.error_class == "error-in-body")
    assert row.status == "200 with ok: false"
    assert "`error`" in row.action and "rate_limited" in row.action
    assert any(t.name.endswith("_200_with_ok_false") for t in bp.deliverable.test_matrix)


def test_stripe_default_only_errors() -> None:
    _, bp = built(*CASES[2])
    assert next(c.key for c in bp.scope.selection) == "POST /v1/charges"
    rows = [r for r in bp.deliverable.error_map if r.operation == "POST /v1/charges"]
    assert {r.status for r in rows} >= {"default", "timeout", "malformed body"}
    assert not any(r.status in ("400", "402", "404", "429") for r in rows), "no invented statuses"
    auth = bp.scope.endpoints[0].auth.text
    assert "basicAuth" in auth and "bearerAuth" in auth


def test_twilio_without_error_docs_says_so() -> None:
    _, bp = built(*CASES[5])
    key = bp.scope.selection[0].key
    assert key.endswith("/Messages.json")
    assert any(
        r.operation == key and r.error_class == "undocumented" for r in bp.deliverable.error_map
    )
    assert any(q.topic == "errors" and q.operation == key for q in bp.scope.open_questions)


def test_discord_documented_429_and_bot_token() -> None:
    _, bp = built(*CASES[4])
    key = "POST /channels/{channel_id}/messages"
    assert bp.scope.selection[0].key == key
    row = next(r for r in bp.deliverable.error_map if r.operation == key and r.status == "429")
    assert row.error_class == "throttled" and row.retry
    assert "BotToken" in bp.scope.endpoints[0].auth.text


def test_blueprints_for_different_apis_differ_in_substance() -> None:
    _, slack = built(*CASES[3])
    _, pager = built(*CASES[1])
    _, pets = built(*CASES[0])
    assert slack.scope.endpoints[0].auth.text != pager.scope.endpoints[0].auth.text
    statuses = [{r.status for r in bp.deliverable.error_map} for bp in (slack, pager, pets)]
    assert statuses[0] != statuses[1] != statuses[2]
    assert slack.plan.redaction != pets.plan.redaction
    assert pets.plan.retry_policies[0].idempotent and not slack.plan.retry_policies[0].idempotent


def test_pins_and_bad_requests() -> None:
    bp = apiplan.plan([EXAMPLE], goal="anything", operations=["get:/shipments"])
    assert [c.key for c in bp.scope.selection] == ["GET /shipments"] and bp.scope.selection[
        0
    ].pinned
    with pytest.raises(UsageError, match="not in the documents"):
        apiplan.plan([EXAMPLE], goal="x", operations=["DELETE:/shipments"])
    with pytest.raises(UsageError, match="goal is empty"):
        apiplan.plan([EXAMPLE], goal="  ")
    with pytest.raises(UsageError, match="METHOD:PATH"):
        apiplan.plan([EXAMPLE], goal="x", operations=["shipments"])
    with pytest.raises(UsageError, match="no operation matches"):
        apiplan.plan([corpus("openapi", "stripe-spec3-2021-06.json")], goal="feed the cat")


def test_deadline_shapes_the_policy() -> None:
    slow = apiplan.plan([EXAMPLE], goal="list shipments", context=["nightly batch backfill"])
    fast = apiplan.plan([EXAMPLE], goal="list shipments", deadline=2)
    ps, pf = slow.plan.retry_policies[0], fast.plan.retry_policies[0]
    assert pf.timeouts.total_deadline_seconds == 2
    assert ps.timeouts.total_deadline_seconds > pf.timeouts.total_deadline_seconds
    assert ps.max_attempts > pf.max_attempts
    assert "--deadline" in pf.text


def test_seeded_invented_field_is_caught() -> None:
    facts, bp = built(*CASES[0])
    bad = bp.model_copy(deep=True)
    bad.scope.endpoints[0].request.append(
        FieldSpec(
            text="x",
            name="pet_mood",
            location="body",
            evidence=bad.scope.endpoints[0].purpose.evidence,
        )
    )
    bad.plan.client_boundary[0].text += " Always send `customer_email`."
    findings = check_blueprint(bad, facts).findings
    messages = [f.message for f in findings if f.rule == "undocumented-field"]
    assert any("pet_mood" in m for m in messages)
    assert any("customer_email" in m for m in messages)
    assert all(f.severity == "high" for f in findings if f.rule == "undocumented-field")


def test_blueprint_json_validates_against_the_exported_schema() -> None:
    import jsonschema

    schema = json.loads(
        (Path(__file__).parent.parent / "schemas" / "blueprint.schema.json").read_text()
    )
    _, bp = built(*CASES[0])
    jsonschema.validate(json.loads(bp.model_dump_json()), schema)


def test_schema_files_match_the_models() -> None:
    from apiplan._schema_files import check_schema_files

    assert check_schema_files(Path(__file__).parent.parent / "schemas") == []
