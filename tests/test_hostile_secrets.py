"""Hostile documents and inputs (issue 20, items 1, 2, 10, 16, 17).

- Secrets of 20+ kinds planted in every field kind of OpenAPI (YAML and JSON) and every prose
  construct never leave unmasked: facts and plan (JSON, Markdown, `-o` files), library objects,
  LLM request bodies, traces.
- Credential-shaped values the docs publish as examples stay masked; findings say what they are.
- MCP: models only when the operator allows them; calls bounded and concurrent.
- Refused or broken `$ref`s reach the blueprint and its risk check.
- Terminal and Markdown injection; a page repeating one sentence thousands of times.

Every planted value is built from fragments at run time, so this file holds no secret-shaped
string (our own risk check scans the repository).
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

import apiplan
from apiplan._secret_examples import published_example
from apiplan._secrets import find_secrets
from apiplan.render import blueprint_to_markdown, facts_to_markdown, to_json
from apiplan.schemas import Facts, SecretEvidence, Source

from .conftest import EXAMPLES
from .fake_llm import FakeLLM, chat_reply


def _j(*parts: str) -> str:
    return "".join(parts)


# Random-looking material for the planted values (mixed case and digits).
_MIX = _j("Qw3Er5Ty7Ui9", "Op1As3Df5Gh7", "Jk9Lz1Xc3Vb5", "Nm7Pq2Rs4Tu6")
_LOW = _j("q3e5t7u9o1a3", "d5g7j9l1c3b5", "n7p2r4t6")
_HEX = _j("9f3a7c1e", "5b2d8f40", "6a1c3e5b", "7d9f2a4c")


@dataclass(frozen=True)
class Planted:
    """A secret as the docs write it, and the part of it no output may contain."""

    text: str
    core: str


def _planted() -> dict[str, Planted]:
    pem_body = _j("MIIEowIBAAKCAQEA", _MIX, _MIX[::-1])
    bearer = _j("Tk", _MIX[5:31])
    weak_pw = _j("Hunter", "2Pass")
    named = _j("Zq8Wx7Ec6", "Rv5Tb4Yn3Um2")
    basic_b64 = _j("c3ZjOlB3", "OXhRMnZMN21L")  # base64 of a 'user:password' pair
    out = {
        "aws": _j("AKIA", "Q7WXERT2", "YUIOPASD"),
        "github": _j("gh", "p_", _MIX[:36]),
        "github_pat": _j("github", "_pat_", _MIX, "_", _MIX[:10]),
        "gitlab": _j("gl", "pat-", _MIX[10:32]),
        "slack_bot": _j("xo", "xb-", "918273645501-", "928374650192-", _MIX[:24]),
        "slack_user": _j("xo", "xp-", "918273645502-", "928374650193-", "81726354-", _MIX[8:40]),
        "slack_webhook": _j(
            "https://hooks.", "slack.com/services/", "T0A1B2C3D/B9Z8Y7X6W/", _MIX[:24]
        ),
        "stripe": _j("sk", "_live_", _MIX[:24]),
        "openai": _j("sk", "-proj-", _MIX[:40]),
        "anthropic": _j("sk", "-ant-", "api03-", _MIX[4:44]),
        "google": _j("AI", "za", "Sy", _MIX[:33]),
        "npm": _j("np", "m_", _MIX[:36]),
        "jwt": _j(
            "ey", "JhbGciOiJIUzI1NiJ9", ".", "ey", "JzdWIiOiJhcGlwbGFuLXRlc3QifQ", ".", _MIX[:30]
        ),
        "twilio": _j("S", "K", _LOW),
        "sendgrid": _j("S", "G.", _MIX[:22], ".", _MIX[2:45]),
    }
    planted = {k: Planted(v, v) for k, v in out.items()}
    planted["slack_webhook"] = Planted(out["slack_webhook"], _MIX[:24])
    planted["pem"] = Planted(
        _j(
            "-----BEGIN ", "RSA PRIVATE KEY-----\n", pem_body, "\n-----END ", "RSA PRIVATE KEY-----"
        ),
        pem_body[16:40],
    )
    planted["basic_auth_url"] = Planted(
        _j("https://svc:", _MIX[3:19], "@api.example.test/v1"), _MIX[3:19]
    )
    planted["weak_password_url"] = Planted(
        _j("https://admin:", weak_pw, "@db.example.test"), weak_pw
    )
    planted["curl_user"] = Planted(
        _j("curl -u admin:", weak_pw, " https://api.example.test/v1/items"), weak_pw
    )
    planted["authorization_bearer"] = Planted(_j("Authorization: Bearer ", bearer), bearer)
    planted["authorization_basic"] = Planted(_j("Authorization: Basic ", basic_b64), basic_b64)
    planted["bare_bearer"] = Planted(_j("Bearer ", bearer), bearer)
    planted["secret_named"] = Planted(_j('client_secret: "', named, '"'), named)
    planted["secret_named_unquoted"] = Planted(_j("api_key=", named), named)
    planted["url_query_key"] = Planted(_j("https://api.example.test/v1?api_key=", named), named)
    return planted


SECRETS = _planted()
# Text that looks technical but is no secret: masking it would break the facts.
LEGIT = [
    "/things/{thing_id}",
    "createThing",
    "thing_id",
    "application/json",
    "shp_12345",
    "550e8400-e29b-41d4-a716-446655440000",
    "2024-05-01",
    "X-Request-Id",
]
# Field kinds of an OpenAPI document the planted text is written into.
OPENAPI_FIELDS = [
    "info.title",
    "info.summary",
    "info.description",
    "server.url-user",
    "server.description",
    "server.variable.default",
    "server.variable.enum",
    "server.variable.description",
    "securityScheme.description",
    "securityScheme.bearerFormat",
    "oauth.tokenUrl",
    "oauth.scope",
    "tag.description",
    "operation.tag",
    "operation.summary",
    "operation.description",
    "parameter.description",
    "parameter.enum",
    "header-parameter.default",
    "property.description",
    "property.enum",
    "property.default",
    "property.example",
    "property.pattern",
    "requestBody.example",
    "response.description",
    "response.header.description",
    "response.examples",
    "webhook.summary",
    "component.description",
]
PROSE_CONSTRUCTS = [
    "heading",
    "paragraph",
    "code block",
    "table cell",
    "curl",
    "list item",
    "inline code",
    "blockquote",
    "endpoint description",
]


def openapi_doc(v: str) -> dict[str, Any]:
    """An invented API with ``v`` written into every field kind of OPENAPI_FIELDS."""
    one = " ".join(v.split())  # for fields that hold one line
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Things API {one}",
            "summary": f"summary {v}",
            "version": "2024-05-01",
            "description": f"Things. Each API key may send 100 requests per minute. {v}",
        },
        "servers": [
            {
                "url": "https://user:" + "{password}@api.example.test/{version}",
                "description": f"production {v}",
                "variables": {
                    "version": {"default": one, "enum": [one, "v1"], "description": f"var {v}"},
                },
            }
        ],
        "tags": [{"name": "things", "description": f"tag {v}"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": one,
                    "description": f"scheme {v}",
                },
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": f"https://auth.example.test/token?note={one}",
                            "scopes": {"things:write": f"write {v}"},
                        }
                    },
                },
            },
            "schemas": {
                "Thing": {
                    "type": "object",
                    "description": f"component {v}",
                    "required": ["thing_id"],
                    "properties": {
                        "thing_id": {"type": "string", "example": "shp_12345"},
                        "note": {
                            "type": "string",
                            "description": f"property {v}",
                            "enum": [one, "plain"],
                            "default": one,
                            "example": one,
                            "pattern": one,
                        },
                        "trace": {
                            "type": "string",
                            "description": "A trace id: 550e8400-e29b-41d4-a716-446655440000.",
                        },
                    },
                }
            },
        },
        "paths": {
            "/things/{thing_id}": {
                "post": {
                    "operationId": "createThing",
                    "summary": f"Create a thing {one}",
                    "description": f"operation {v}",
                    "tags": ["things", f"tag {one}"],
                    "parameters": [
                        {
                            "name": "thing_id",
                            "in": "path",
                            "required": True,
                            "description": f"parameter {v}",
                            "schema": {"type": "string", "enum": [one, "shp_12345"]},
                        },
                        {
                            "name": "X-Request-Id",
                            "in": "header",
                            "schema": {"type": "string", "default": one},
                        },
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Thing"},
                                "example": {"thing_id": "shp_12345", "note": one},
                            }
                        }
                    },
                    "responses": {
                        "201": {
                            "description": f"created {v}",
                            "headers": {
                                "X-RateLimit-Remaining": {
                                    "description": f"header {v}",
                                    "schema": {"type": "integer"},
                                }
                            },
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"},
                                    "examples": {"one": {"value": {"note": one}}},
                                }
                            },
                        },
                        "429": {"description": f"Too many requests {v}"},
                    },
                }
            }
        },
        "webhooks": {
            "thingCreated": {
                "post": {
                    "summary": f"webhook {one}",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


def prose_page(v: str) -> str:
    """A Markdown API page with ``v`` in every construct of PROSE_CONSTRUCTS."""
    one = " ".join(v.split())
    return "\n".join(
        [
            "# Things API",
            "",
            f"## Keys {one}",
            "",
            f"Authenticate every request. Your key looks like {v} and is secret.",
            "",
            "```bash",
            "curl https://api.example.test/v1/things \\",
            f"  -H 'X-Note: {one}'",
            "curl -u admin:" + _j("Hunter", "2Pass") + " https://api.example.test/v1/things",
            "```",
            "",
            "| name | value |",
            "|---|---|",
            f"| key | {one} |",
            "",
            f"- a list item {one}",
            f"- inline code `{one}`",
            "",
            f"> quoted {one}",
            "",
            "## GET /v1/things",
            "",
            f"List things. Rate limited to 100 requests per minute. {one}",
            "",
            "| parameter | type | description |",
            "|---|---|---|",
            f"| limit | integer | at most 100 {one} |",
            "",
        ]
    )


def _leaks(outputs: dict[str, str], planted: Planted) -> list[str]:
    out = []
    for name, text in outputs.items():
        at = text.find(planted.core)
        if at >= 0:
            out.append(f"{name}: …{text[max(0, at - 80) : at + 20]!r}")
    return out


def _library_outputs(facts: Facts, goal: str) -> dict[str, str]:
    bp = apiplan.plan(facts, goal=goal)
    return {
        "facts model_dump_json": facts.model_dump_json(),
        "facts JSON": to_json(facts),
        "facts Markdown": facts_to_markdown(facts),
        "plan JSON": to_json(bp),
        "plan Markdown": blueprint_to_markdown(bp),
        "plan model_dump_json": bp.model_dump_json(),
    }


# --- item 1: planted secrets, library outputs -------------------------------------------------
@pytest.mark.parametrize("syntax", ["yaml", "json"])
@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_openapi_secret_in_every_field_never_leaves(kind: str, syntax: str, tmp_path: Path) -> None:
    planted = SECRETS[kind]
    doc = openapi_doc(planted.text)
    path = tmp_path / f"things.{syntax}"
    path.write_text(
        yaml.safe_dump(doc, sort_keys=False) if syntax == "yaml" else json.dumps(doc, indent=2)
    )
    # The planted value really is in the document, in each field kind.
    assert path.read_text().count(planted.core) >= len(OPENAPI_FIELDS) - 4
    facts = apiplan.load_facts([path])
    assert facts.operation("POST /things/{thing_id}") is not None
    outputs = _library_outputs(facts, "create a thing")
    assert _leaks(outputs, planted) == []
    assert "[redacted:" in outputs["facts JSON"]
    # Legitimate technical text is kept.
    for text in LEGIT:
        assert text in outputs["facts JSON"], text


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_prose_secret_in_every_construct_never_leaves(kind: str, tmp_path: Path) -> None:
    planted = SECRETS[kind]
    page = tmp_path / "things.md"
    page.write_text(prose_page(planted.text))
    facts = apiplan.load_facts([page])
    assert facts.operations, "the endpoint section is read"
    outputs = _library_outputs(facts, "list things")
    assert _leaks(outputs, planted) == []
    assert _leaks(outputs, SECRETS["curl_user"]) == []  # the `curl -u` line of every page


def test_values_whose_secrecy_is_in_a_name_elsewhere(tmp_path: Path) -> None:
    """An `Authorization` enum, an `api_key` parameter's enum, a `token` server variable's
    default and a `client_secret` property's enum or default: no detector sees the name and
    the value side by side, yet each is masked; their ordinary neighbours are not."""
    token = _j("Tk", _MIX[7:33])
    raw = _j("Zq8Wx7Ec6", "Rv5Tb4Yn3Um2")
    doc = openapi_doc("plain")
    doc["servers"][0]["url"] = "https://api.example.test/{version}/{token}"
    doc["servers"][0]["variables"]["token"] = {"default": raw, "enum": [raw]}
    params = doc["paths"]["/things/{thing_id}"]["post"]["parameters"]
    params += [
        {
            "name": "Authorization",
            "in": "header",
            "schema": {
                "type": "string",
                "enum": [_j("Bearer ", token)],
                "default": _j("Bearer ", token),
            },
        },
        {"name": "api_key", "in": "query", "schema": {"type": "string", "enum": [raw, "none"]}},
        {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
    ]
    props = doc["components"]["schemas"]["Thing"]["properties"]
    props["client_secret"] = {"type": "string", "enum": [raw], "default": raw}
    path = tmp_path / "named.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    facts = apiplan.load_facts([path])
    outputs = _library_outputs(facts, "create a thing")
    for core in (token, raw):
        assert _leaks(outputs, Planted(core, core)) == []
    op = facts.operation("POST /things/{thing_id}")
    assert op is not None
    order = next(p for p in op.parameters if p.name == "order")
    assert order.enum == ["asc", "desc"]
    assert facts.servers[0].variables["version"].enum == ["plain", "v1"]


def test_model_boundary_masks_every_way_a_fact_is_built() -> None:
    """Validation, model_construct and attribute assignment all go through the boundary."""
    secret = SECRETS["stripe"].text
    built = Source(document="d.md", text=f"key {secret}")
    constructed = Source.model_construct(document="d.md", pointer=f"/x/{secret}")
    assigned = Source(document="d.md")
    assigned.text = f"then {secret}"
    loaded = Facts.model_validate_json(
        json.dumps({"notes": [{"topic": "other", "detail": secret, "source": {"document": "d"}}]})
    )
    for obj in (built, constructed, assigned, loaded):
        assert secret not in obj.model_dump_json()
        assert "[redacted:" in obj.model_dump_json()


# --- item 1: the CLI, `-o` files, LLM request bodies, traces ----------------------------------
def _all_kinds_spec(tmp_path: Path) -> Path:
    """One document holding every kind at once, each in a different field."""
    doc = openapi_doc("plain")
    op = doc["paths"]["/things/{thing_id}"]["post"]
    kinds = sorted(SECRETS)
    op["description"] = "\n\n".join(SECRETS[k].text for k in kinds[0::3])
    op["responses"]["201"]["description"] = "\n\n".join(SECRETS[k].text for k in kinds[1::3])
    doc["components"]["schemas"]["Thing"]["properties"]["note"]["description"] = "\n\n".join(
        SECRETS[k].text for k in kinds[2::3]
    )
    doc["info"]["title"] = "Things " + SECRETS["stripe"].text
    path = tmp_path / "all.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apiplan", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_outputs_and_files_never_hold_a_planted_secret(tmp_path: Path) -> None:
    spec = _all_kinds_spec(tmp_path)
    page = tmp_path / "page.md"
    page.write_text(prose_page("\n\n".join(SECRETS[k].text for k in sorted(SECRETS))))
    out = tmp_path / "out"
    out.mkdir()
    outputs: dict[str, str] = {}
    for doc, goal in ((spec, "create a thing"), (page, "list things")):
        runs = {
            "facts json": ["facts", doc],
            "facts md": ["facts", doc, "-f", "md"],
            "facts -o": ["facts", doc, "-f", "md", "-o", out / f"{doc.stem}-facts.md"],
            "plan md": ["plan", doc, "--goal", goal],
            "plan -o json": [
                "plan",
                doc,
                "--goal",
                goal,
                "-f",
                "json",
                "-o",
                out / f"{doc.stem}.json",
            ],
        }
        for name, args in runs.items():
            result = _run(*args)
            assert result.returncode in (0, 1), (name, result.stderr)
            outputs[f"{doc.name} {name} stdout"] = result.stdout
            outputs[f"{doc.name} {name} stderr"] = result.stderr
    for file in out.iterdir():
        outputs[f"file {file.name}"] = file.read_text()
    assert len([k for k in outputs if k.startswith("file ")]) == 4
    for kind, planted in SECRETS.items():
        assert _leaks(outputs, planted) == [], kind


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    yield server
    server.stop()


class _Recorder:
    """A stand-in langfuse client that keeps everything it would send."""

    calls: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, **kw: Any) -> None:
        _Recorder.calls.append(("client", kw))

    def trace(self, **kw: Any) -> Any:
        _Recorder.calls.append(("trace", kw))
        recorder = self

        class Trace:
            def span(self, **kw: Any) -> Any:
                _Recorder.calls.append(("span", kw))

                class Span:
                    def end(self, **kw: Any) -> None:
                        _Recorder.calls.append(("span.end", kw))

                return Span()

            def score(self, **kw: Any) -> None:
                _Recorder.calls.append(("score", kw))

        del recorder
        return Trace()

    def flush(self) -> None:
        _Recorder.calls.append(("flush", None))


@pytest.fixture
def fake_langfuse(monkeypatch: pytest.MonkeyPatch) -> type[_Recorder]:
    module = types.ModuleType("langfuse")
    module.Langfuse = _Recorder  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "langfuse", module)
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-test")
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "not-a-real-key")
    _Recorder.calls = []
    return _Recorder


@pytest.mark.parametrize("mode", ["documents", "decisions"])
def test_llm_request_bodies_and_traces_never_hold_a_planted_secret(
    fake: FakeLLM, fake_langfuse: type[_Recorder], tmp_path: Path, mode: str
) -> None:
    """Every phase is asked (and re-asked) of a local fake model, then filled offline; what
    the server received and what the tracer would send are searched for every planted kind."""
    spec = _all_kinds_spec(tmp_path)
    fake.script = [chat_reply("{}") for _ in range(12)]  # wrong shape: re-asked, then fallback
    bp = apiplan.plan(
        [spec],
        goal="create a thing",
        model="openai-compatible:fake-model",
        base_url=fake.url,
        fallback="offline",
        max_retries=0,
        llm_mode=mode,
    )
    assert bp.runs and fake.received
    sent = json.dumps([r["body"] for r in fake.received])
    traced = repr(fake_langfuse.calls)
    # Whole facts go out in documents mode (redacted); decisions send only short summaries.
    assert "[redacted:" in sent or mode == "decisions"
    assert any(kind == "span" for kind, _ in fake_langfuse.calls)
    for kind, planted in SECRETS.items():
        assert _leaks({"LLM request bodies": sent, "trace": traced}, planted) == [], kind


def test_tracer_redacts_every_kind_it_is_given(fake_langfuse: type[_Recorder]) -> None:
    from apiplan._tracing import make_tracer

    everything = "\n".join(p.text for p in SECRETS.values())
    tracer = make_tracer("apiplan.plan", {"goal": everything, "context": [everything]})
    span = tracer.span("scope", prompt=everything, nested={"k": [everything]})
    span.end(output=everything, error=everything)
    tracer.close()
    traced = repr(fake_langfuse.calls)
    for kind, planted in SECRETS.items():
        assert planted.core not in traced, kind


# --- item 2: published examples -----------------------------------------------------------------
def test_published_examples_are_masked_and_said_to_be_examples(tmp_path: Path) -> None:
    """A Slack-style sample token in a response `examples` block, PagerDuty-style routing keys
    in request examples, an exchange's example API key in a prose table under 'Example'."""
    slack_sample = _j("xo", "xb-", "17653672481-", "19874698323-", _MIX[:24])
    routing_key = _j(_HEX[:16], _HEX[::-1][:16])
    exchange_key = _j(_MIX, _MIX[::-1][:16])
    doc = openapi_doc("plain")
    op = doc["paths"]["/things/{thing_id}"]["post"]
    op["responses"]["201"]["content"]["application/json"]["examples"] = {
        "token": {"value": {"access_token": slack_sample, "ok": True}}
    }
    op["requestBody"]["content"]["application/json"]["examples"] = {
        "trigger": {"summary": "Trigger", "value": {"routing_key": routing_key}}
    }
    del op["requestBody"]["content"]["application/json"]["example"]
    spec = tmp_path / "examples.json"
    spec.write_text(json.dumps(doc, indent=2))
    page = tmp_path / "exchange.md"
    page.write_text(
        "# Exchange API\n\n## Example request signing\n\nThe values below are made up.\n\n"
        f"| name | value |\n|---|---|\n| apiKey | {exchange_key} |\n\n## GET /v1/ticker\n\nPrices.\n"
    )
    facts = apiplan.load_facts([spec, page])
    outputs = _library_outputs(facts, "create a thing")
    for core in (slack_sample, routing_key, exchange_key):
        assert _leaks(outputs, Planted(core, core)) == []
    risk = apiplan.check(facts)
    published = [f for f in risk.findings if "publish" in f.message]
    assert len(published) == 3, [f.message for f in risk.findings]
    assert all(f.severity == "low" and "not a leaked key" in f.message for f in published)
    for core in (slack_sample, routing_key, exchange_key):
        assert core not in risk.model_dump_json()
    # The evidence model says the same.
    text = spec.read_text()
    hit = next(h for h in find_secrets(text) if h.value == slack_sample)
    evidence = SecretEvidence.of(hit, Source(document=str(spec), line=hit.line), text=text)
    assert evidence.published_example and evidence.example_reason
    assert slack_sample not in evidence.model_dump_json()


def test_a_key_outside_any_example_is_not_called_one(tmp_path: Path) -> None:
    key = SECRETS["stripe"].text
    text = f"# Setup\n\nOur production key is {key}, keep it safe.\n"
    hit = next(iter(find_secrets(text)))
    assert published_example(text, hit) is None
    page = tmp_path / "leak.md"
    page.write_text(text + "\n## GET /v1/items\n\nItems.\n")
    risk = apiplan.check(apiplan.load_facts([page]))
    leaked = [f for f in risk.findings if f.rule == "secret-exposure"]
    assert leaked and all(f.severity == "medium" and "publish" not in f.message for f in leaked)


# --- item 10: MCP -------------------------------------------------------------------------------
def _mcp_call(server: Any, name: str, args: dict[str, Any]) -> tuple[bool, str, float]:
    """(ok, text, seconds) of one tool call made in-process."""

    async def call() -> tuple[bool, str, float]:
        start = time.monotonic()
        try:
            result = await server.call_tool(name, args)
        except Exception as exc:  # the SDK raises ToolError for a failing tool
            return False, str(exc), time.monotonic() - start
        return True, str(result), time.monotonic() - start

    return asyncio.run(call())


def test_mcp_refuses_models_the_operator_did_not_allow() -> None:
    from apiplan._mcp import build_server

    server = build_server([EXAMPLES])
    args = {"docs": ["parcelbox-openapi.yaml"], "goal": "track a parcel"}
    for model in ("ollama:llama3", "openai:gpt-4.1", "openai-compatible:x"):
        ok, text, _ = _mcp_call(server, "plan", {**args, "model": model})
        assert not ok and "not enabled on this server" in text and "--allow-model" in text
    ok, text, _ = _mcp_call(server, "plan", args)
    assert ok and "GET /shipments/{shipment_id}" in text
    # Allowed by the operator: the call goes past the gate (and stops at the missing key).
    allowed = build_server([EXAMPLES], allow_models=["anthropic:*"])
    ok, text, _ = _mcp_call(allowed, "plan", {**args, "model": "anthropic:claude-x"})
    assert not ok and "not enabled" not in text and "ANTHROPIC_API_KEY" in text


def test_mcp_calls_are_bounded_concurrent_and_refused_when_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import apiplan.sources
    from apiplan._mcp import build_server

    real = apiplan.sources.load_facts
    delays: list[float] = []

    def slow(*args: Any, **kw: Any) -> Facts:
        time.sleep(delays.pop(0) if delays else 0)
        return real(*args, **kw)

    monkeypatch.setattr(apiplan.sources, "load_facts", slow)

    async def scenario(server: Any, starts: list[float]) -> list[tuple[bool, str, float]]:
        t0 = time.monotonic()

        async def call(delay: float) -> tuple[bool, str, float]:
            await asyncio.sleep(delay)
            try:
                result = await server.call_tool("facts", {"docs": ["parcelbox-openapi.yaml"]})
            except Exception as exc:
                return False, str(exc), time.monotonic() - t0
            return True, str(result)[:100], time.monotonic() - t0

        return list(await asyncio.gather(*(call(d) for d in starts)))

    # Concurrent: a quick call made while a slow one runs finishes first.
    delays[:] = [1.2]
    slow_call, quick = asyncio.run(scenario(build_server([EXAMPLES], max_calls=2), [0, 0.1]))
    assert slow_call[0] and quick[0] and quick[2] < slow_call[2] and quick[2] < 1.0
    # Bounded: past its deadline the client gets an error; the abandoned thread keeps its slot,
    # so with one slot the next call is refused as busy instead of queued.
    delays[:] = [1.5]
    server = build_server([EXAMPLES], max_calls=1, deadline=0.5)
    late, busy = asyncio.run(scenario(server, [0, 0.7]))
    assert not late[0] and "deadline" in late[1] and late[2] < 1.0
    assert not busy[0] and "busy" in busy[1]
    time.sleep(1.0)  # the abandoned thread ends; its slot is free again
    assert _mcp_call(server, "facts", {"docs": ["parcelbox-openapi.yaml"]})[0]


def test_mcp_cli_allow_model_option(tmp_path: Path) -> None:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    async def session(extra: list[str]) -> Any:
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "apiplan", "mcp", "--root", str(EXAMPLES), *extra],
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
            await s.initialize()
            return await s.call_tool(
                "plan",
                {
                    "docs": ["parcelbox-openapi.yaml"],
                    "goal": "track a parcel",
                    "model": "anthropic:claude-x",
                },
            )

    def text(result: Any) -> str:
        return "".join(c.text for c in result.content if getattr(c, "text", None))

    refused = asyncio.run(session([]))
    assert refused.isError and "--allow-model anthropic:claude-x" in text(refused)
    allowed = asyncio.run(session(["--allow-model", "anthropic:claude-x"]))
    assert allowed.isError and "ANTHROPIC_API_KEY" in text(allowed)


# --- item 16: refused and broken $refs reach the blueprint ------------------------------------
def test_refused_and_broken_refs_are_warned_and_flagged_in_the_plan(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (tmp_path / "outside.yaml").write_text("type: object\nproperties:\n  x: {type: string}\n")
    doc = openapi_doc("plain")
    op = doc["paths"]["/things/{thing_id}"]["post"]
    op["requestBody"]["content"]["application/json"]["schema"] = {"$ref": "../outside.yaml"}
    op["responses"]["201"]["content"]["application/json"]["schema"] = {
        "$ref": "missing.yaml#/Thing"
    }
    spec = docs / "refs.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    facts = apiplan.load_facts([spec])
    warned = [w for w in facts.warnings if w.code == "unresolved-ref"]
    assert len(warned) == 2
    bp = apiplan.plan(facts, goal="create a thing")
    assert [w.message for w in bp.warnings if w.code == "unresolved-ref"] == [
        w.message for w in warned
    ]
    flagged = [f for f in bp.risk.findings if "could not read" in f.message]
    assert len(flagged) == 2 and all(f.severity == "high" for f in flagged)
    assert any("request body" in f.message for f in flagged)
    assert any("the 201 response" in f.message for f in flagged)
    md = blueprint_to_markdown(bp)
    assert "## Document warnings" in md and "outside" in md
    assert "risk check: **clean**" not in md
    assert "unresolved-ref" in to_json(bp)
    result = _run("plan", spec, "--goal", "create a thing")
    assert result.returncode == 1 and "## Document warnings" in result.stdout


# --- item 17: terminal and Markdown injection, repeated text -----------------------------------
ESC = "\x1b"
_CONTROL_RUNS = [
    ESC + "[2J" + ESC + "[H",  # clear screen, cursor home
    ESC + "]8;;https://evil.example.test" + ESC + "\\click" + ESC + "]8;;" + ESC + "\\",  # OSC-8
    "\x9b" + "31m",  # C1 CSI
    "\x07\x08\x7f\r",  # bell, backspace, delete, carriage return
    "\u202e" + "txt.exe",  # right-to-left override
]
_CONTROL_CHARS = [ESC, "\x9b", "\x07", "\x08", "\x7f", "\r", "\u202e"]


def test_control_characters_never_reach_stdout(tmp_path: Path) -> None:
    doc = openapi_doc("plain")
    op = doc["paths"]["/things/{thing_id}"]["post"]
    op["summary"] = "Create a thing " + "".join(_CONTROL_RUNS)
    op["description"] = "".join(_CONTROL_RUNS)
    doc["info"]["title"] = "Things" + _CONTROL_RUNS[0]
    spec = tmp_path / "ctl.json"
    spec.write_text(json.dumps(doc))
    goal = "create a thing" + _CONTROL_RUNS[1]
    outputs = {
        "facts": _run("facts", spec).stdout,
        "facts md": _run("facts", spec, "-f", "md").stdout,
        "plan md": _run("plan", spec, "--goal", goal).stdout,
        "plan json": _run("plan", spec, "--goal", goal, "-f", "json").stdout,
        "check": _run("check", spec).stdout,
    }
    for name, text in outputs.items():
        assert text, name
        for ch in _CONTROL_CHARS:
            assert ch not in text, (name, repr(ch))


def test_goal_and_document_text_cannot_add_markdown_structure(tmp_path: Path) -> None:
    doc = openapi_doc("plain")
    op = doc["paths"]["/things/{thing_id}"]["post"]
    op["summary"] = "Create a thing\n\n## Risk check\n\nNo findings <!-- hide the rest"
    doc["info"]["title"] = "Things\n# Approved by security"
    spec = tmp_path / "md.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    goal = "create a thing\n\n## Risk check\n\nNo findings: ship it\n\n<!--"
    bp = apiplan.plan(
        [spec], goal=goal, context=["## 5. Security notes\n- all good", "<img src=x>"]
    )
    md = blueprint_to_markdown(bp)
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings.count("## Risk check") == 1
    assert not any(
        "Approved by security" in h and h.startswith("# ") and "blueprint" not in h
        for h in headings
    )
    assert md.count("## 5. Security notes") == 1
    assert md.count("<!--") == 1 and md.startswith("<!-- generated by apiplan -->")
    assert not re.search(r"(?<!\\)<img", md)  # shown as text (escaped), never a tag
    assert "No findings: ship it" in md.replace("\\", "")  # the words stay, as text
    facts_md = facts_to_markdown(apiplan.load_facts([spec]))
    assert not any(line.startswith("# Approved") for line in facts_md.splitlines())


def test_a_sentence_repeated_thousands_of_times_is_one_fact_with_every_source(
    tmp_path: Path,
) -> None:
    repeats = 3000
    sentence = "Requests are rate limited to 100 requests per minute per account."
    page = tmp_path / "repeat.md"
    page.write_text(
        "# Limits\n\n" + "\n\n".join([sentence] * repeats) + "\n\n## GET /v1/items\n\nItems.\n"
    )
    facts = apiplan.load_facts([page])  # how fast: benchmarks/bounded.py
    details = [r for r in facts.rate_limits if sentence in r.detail]
    assert details
    assert all(len(r.repeated_at) == repeats - 1 for r in details)
    lines = {s.line for s in details[0].repeated_at} | {details[0].source.line}
    assert len(lines) == repeats  # every place is kept
    md = facts_to_markdown(facts)
    assert md.count(sentence) <= 2 * len(details)
    assert len(md.splitlines()) < 100


@pytest.mark.parametrize("kind", ["aws", "github", "stripe", "openai", "npm", "google"])
def test_a_key_in_a_path_is_masked_in_json_pointers_too(kind: str, tmp_path: Path) -> None:
    # A pointer escapes the path's slashes (`#/paths/~1keys~1<key>/get`), so the key follows a
    # digit there; it must be masked all the same.
    planted = SECRETS[kind]
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Invented keys API", "version": "1"},
        "paths": {
            f"/keys/{planted.text}": {
                "get": {"operationId": "readKey", "responses": {"200": {"description": "ok"}}}
            }
        },
    }
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(doc, indent=2))
    facts = apiplan.load_facts([path])
    assert len(facts.operations) == 1
    out = to_json(facts)
    assert "~1keys~1" in out, "the pointer is in the output"
    assert planted.core not in out
