"""Facts from every real spec in the corpus, checked against what a person reads in them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from apiplan.schemas import Facts

from .conftest import openapi_specs, raw_load, shared_corpus_facts

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _count_ops(raw: dict) -> int:
    # Independent count: every method key under every path (path-item $refs do not occur here).
    return sum(
        1
        for path, item in (raw.get("paths") or {}).items()
        if not path.startswith("x-")
        for m in item
        if m in METHODS
    )


@pytest.mark.parametrize("spec", openapi_specs(), ids=lambda p: p.name)
def test_every_corpus_spec_gives_facts(spec: Path) -> None:
    facts = shared_corpus_facts("openapi", spec.name)
    raw = raw_load(spec)
    assert len(facts.operations) == _count_ops(raw)
    assert facts.documents[0].sha256 and len(facts.documents[0].sha256) == 64
    keys = [op.key for op in facts.operations]
    assert len(keys) == len(set(keys))
    # JSON output round-trips through the strict model.
    Facts.model_validate_json(facts.model_dump_json())


def _op(facts: Facts, key: str):
    op = facts.operation(key)
    assert op is not None, f"{key} missing"
    return op


def test_petstore_swagger2() -> None:
    facts = shared_corpus_facts("openapi", "oai-petstore-swagger2.json")
    assert facts.documents[0].version == "2.0"
    assert [s.url for s in facts.servers] == ["http://petstore.swagger.io/v1"]
    op = _op(facts, "GET /pets")
    assert op.operation_id == "listPets"
    assert [p.name for p in op.parameters] == ["limit"]
    assert op.parameters[0].location == "query" and op.parameters[0].type == "integer"
    assert [r.status for r in op.responses] == ["200", "default"]
    assert [h.name for h in op.responses[0].headers] == ["x-next"]
    assert op.security_origin == "unspecified"
    show = _op(facts, "GET /pets/{petId}")
    assert show.parameters[0].required is True and show.parameters[0].location == "path"


def test_pagerduty_events() -> None:
    facts = shared_corpus_facts("openapi", "pagerduty-events-v2-oas30.json")
    keys = {op.key for op in facts.operations}
    assert keys == {"POST /enqueue", "POST /change/enqueue"}
    assert [s.url for s in facts.servers] == ["https://events.pagerduty.com/v2"]
    enqueue = _op(facts, "POST /enqueue")
    assert {r.status for r in enqueue.responses} >= {"202", "400", "429"}
    assert enqueue.request_body is not None
    assert "application/json" in enqueue.request_body.content_types
    assert any(r.kind == "status" and r.detail.startswith("429") for r in facts.rate_limits)
    # The routing key travels in the body; the spec defines no security scheme.
    assert facts.security_schemes == []


def test_stripe_cycles_and_default_errors() -> None:
    facts = shared_corpus_facts("openapi", "stripe-spec3-2021-06.json")
    assert len(facts.operations) == 374
    create = _op(facts, "POST /v1/charges")
    statuses = [r.status for r in create.responses]
    assert statuses == ["200", "default"]
    assert create.request_body is not None
    assert create.request_body.content_types == ["application/x-www-form-urlencoded"]
    paths = {f.path for f in create.request_body.fields}
    assert {"amount", "currency", "customer", "source"} <= paths
    assert {s.name for s in facts.security_schemes} == {"basicAuth", "bearerAuth"}
    charge = next(v for k, v in facts.schemas.items() if k.endswith("/components/schemas/charge"))
    names = {f.path for f in charge.fields}
    assert {"amount", "captured", "customer", "billing_details"} <= names
    # Named sub-objects are linked, and the path still resolves through the links.
    city = facts.field_at(charge.fields, "billing_details.address.city")
    assert city is not None and city.source.pointer.endswith(
        "/components/schemas/address/properties/city"
    )
    assert facts.field_at(charge.fields, "billing_details.address.galaxy") is None
    customer = next(f for f in charge.fields if f.path == "customer")
    assert customer.type == "string|object" and customer.nullable
    assert any(r.endswith("/components/schemas/customer") for r in customer.refs)


def test_kubernetes_swagger2_is_complete_and_bounded() -> None:
    facts = shared_corpus_facts("openapi", "kubernetes-v1.29-swagger2.json")
    assert len(facts.operations) == 878
    assert [s.name for s in facts.security_schemes] == ["BearerToken"]
    scheme = facts.security_schemes[0]
    assert (
        scheme.type == "apiKey"
        and scheme.location == "header"
        and scheme.param_name == "authorization"
    )
    pod = next(
        v for k, v in facts.schemas.items() if k.endswith("/definitions/io.k8s.api.core.v1.Pod")
    )
    assert {"metadata", "spec", "status"} <= {f.path for f in pod.fields}
    # Global "security" applies to every operation.
    assert all(op.security_origin == "global" for op in facts.operations)


def test_slack_reports_body_errors_and_tokens() -> None:
    facts = shared_corpus_facts("openapi", "slack-web-api-swagger2.json")
    post = _op(facts, "POST /chat.postMessage")
    assert [r.status for r in post.responses] == ["200", "default"]
    token = next(p for p in post.parameters if p.name == "token")
    assert token.location == "header" and token.required
    # Errors come back in a 200 body: the default response's `ok` is boolean enum [false].
    default = next(r for r in post.responses if r.status == "default")
    assert default.body is not None
    ok = next(f for f in default.body.fields if f.path == "ok")
    assert ok.type == "boolean" and ok.enum == ["false"]
    assert "error" in {f.path for f in default.body.fields}
    scheme = facts.security_schemes[0]
    assert scheme.type == "oauth2" and "chat:write:bot" in scheme.flows[0].scopes


def test_openai_yaml_31_webhooks_and_bearer(corpus_facts: Callable[..., Facts]) -> None:
    facts = corpus_facts("openapi", "openai-openapi-oas31.yaml")
    assert facts.documents[0].version.startswith("3.1")
    assert any(s.type == "http" and s.scheme == "bearer" for s in facts.security_schemes)
    assert len(facts.webhooks) > 5
    assert facts.operation("POST /chat/completions") is not None


def test_webhook_example_31() -> None:
    facts = shared_corpus_facts("openapi", "oai-webhook-example-oas31.json")
    assert facts.operations == []
    assert [(w.name, w.method) for w in facts.webhooks] == [("newPet", "POST")]
    assert facts.webhooks[0].request_body is not None


def test_jira_minified_json_lines_are_one() -> None:
    facts = shared_corpus_facts("openapi", "jira-software-cloud-oas30.min.json")
    assert facts.documents[0].lines == 1
    assert {op.source.line for op in facts.operations} == {1}
    assert {s.type for s in facts.security_schemes} >= {"oauth2"}


def test_twilio_basic_auth_and_form_bodies() -> None:
    facts = shared_corpus_facts("openapi", "twilio-api-v2010.json")
    assert [(s.type, s.scheme) for s in facts.security_schemes] == [("http", "basic")]
    msg = _op(facts, "POST /2010-04-01/Accounts/{AccountSid}/Messages.json")
    assert msg.request_body is not None
    assert msg.request_body.content_types == ["application/x-www-form-urlencoded"]
    assert {"To", "Body", "From"} <= {f.path for f in msg.request_body.fields}
    assert [r.status for r in msg.responses] == ["201"]


def test_matrix_external_refs_missing_are_warnings() -> None:
    facts = shared_corpus_facts("openapi", "matrix-cs-login-oas31-extrefs.yaml")
    assert len(facts.operations) == 2
    missing = [w for w in facts.warnings if w.code == "unresolved-ref"]
    assert any("definitions/errors/error.yaml" in w.message for w in missing)
    for w in missing:
        assert w.source is not None and w.source.pointer.endswith("/$ref") and w.source.line


def test_discord_rate_limits_per_operation() -> None:
    facts = shared_corpus_facts("openapi", "discord-openapi-oas31.json")
    op = _op(facts, "POST /channels/{channel_id}/messages")
    assert "429" in {r.status for r in op.responses}
    assert any(r.operation == op.key and r.kind == "status" for r in facts.rate_limits)
    assert {s.name for s in facts.security_schemes} >= {"BotToken"}
