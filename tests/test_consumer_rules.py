"""`apiplan check` on a spec alone: the findings a client team can act on, and honest reporting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

import apiplan
from apiplan.schemas import Finding
from apiplan.validators import check

from .conftest import corpus
from .test_cli_facts import run

_ERROR = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string", "enum": ["not_found", "invalid"]}},
}
_HOOK = {
    "type": "object",
    "required": ["id", "url"],
    "properties": {"id": {"type": "string"}, "url": {"type": "string"}},
}


def _spec(tmp_path: Path, **overrides: Any) -> Path:
    """An invented API: a hook endpoint with a token in its path, examples, a bare 429."""
    spec: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Hooks", "version": "1"},
        "servers": [{"url": "https://api.hooks.example/v1"}],
        "paths": {
            "/hooks/{hook_id}/{hook_token}": {
                "post": {
                    "operationId": "runHook",
                    "parameters": [
                        {
                            "name": "hook_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "hook_token",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": _HOOK, "example": {"id": "h1"}}
                            },
                        },
                        "404": {
                            "description": "missing",
                            "content": {
                                "application/json": {
                                    "schema": _ERROR,
                                    "examples": {"gone": {"value": {"code": "hook_gone"}}},
                                }
                            },
                        },
                        "429": {"description": "slow down"},
                    },
                }
            },
            "/status": {
                "get": {
                    "operationId": "status",
                    "responses": {"200": {"description": "ok"}},
                }
            },
        },
    }
    spec.update(overrides)
    path = tmp_path / "hooks.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def _findings(path: Path, **kwargs: Any) -> list[Finding]:
    return check(apiplan.load_facts([path]), **kwargs).findings


def test_a_token_in_the_path_makes_the_url_a_secret(tmp_path: Path) -> None:
    hits = [f for f in _findings(_spec(tmp_path)) if "`hook_token`" in f.message]
    assert len(hits) == 1 and hits[0].severity == "high" and hits[0].rule == "secret-exposure"
    assert "log the route template" in hits[0].fix
    assert hits[0].evidence[0].pointer and "parameters" in hits[0].evidence[0].pointer


def test_examples_that_contradict_their_schema(tmp_path: Path) -> None:
    drift = [f for f in _findings(_spec(tmp_path)) if f.rule == "schema-drift"]
    messages = " | ".join(f.message for f in drift)
    assert "200 example of POST /hooks/{hook_id}/{hook_token}" in messages
    assert "required field `url` is missing" in messages
    assert "`code` is 'hook_gone', not one of the documented values" in messages
    assert all("accept and log" in f.fix for f in drift)
    assert all(f.evidence[0].line for f in drift)


def test_a_bare_429_and_operations_silent_on_throttling(tmp_path: Path) -> None:
    retry = [f for f in _findings(_spec(tmp_path)) if f.rule == "unbounded-retry"]
    bare = next(f for f in retry if "429 without Retry-After" in f.message)
    assert bare.severity == "medium" and "back off exponentially" in bare.fix
    silent = next(f for f in retry if "no 429 and no 5xx" in f.message)
    assert silent.severity == "low" and "GET /status" in silent.message


def test_a_429_with_retry_after_needs_no_guidance(tmp_path: Path) -> None:
    d = yaml.safe_load(_spec(tmp_path).read_text())
    d["paths"]["/hooks/{hook_id}/{hook_token}"]["post"]["responses"]["429"]["headers"] = {
        "Retry-After": {"schema": {"type": "integer"}}
    }
    (tmp_path / "hooks.yaml").write_text(yaml.safe_dump(d))
    assert not any("429 without" in f.message for f in _findings(tmp_path / "hooks.yaml"))


def test_server_problems(tmp_path: Path) -> None:
    servers = [
        {"url": "https://sandbox.hooks.example/v1", "description": "Sandbox"},
        {"url": "http://api.hooks.example/{version}", "variables": {"version": {"default": ""}}},
        {"url": "http://localhost:8080"},
    ]
    found = [f for f in _findings(_spec(tmp_path, servers=servers)) if f.rule == "server-config"]
    messages = " | ".join(f.message for f in found)
    assert "http://api.hooks.example/{version} is plain http" in messages
    assert "localhost" not in messages  # a local server is not a network risk
    assert "variables without a default (version)" in messages
    mixed = next(f for f in found if "is the sandbox" in f.message)
    assert mixed.severity == "medium"  # generated clients default to the first: the sandbox


def test_production_listed_first_is_no_finding(tmp_path: Path) -> None:
    servers = [
        {"url": "https://api.hooks.example/v1", "description": "Production"},
        {"url": "https://sandbox.hooks.example/v1", "description": "Sandbox"},
    ]
    assert not any(f.rule == "server-config" for f in _findings(_spec(tmp_path, servers=servers)))


def test_scoped_to_the_selected_operations(tmp_path: Path) -> None:
    found = _findings(_spec(tmp_path), operations=["GET /status"])
    assert not any("hook_token" in f.message or "example" in f.message for f in found)


def test_rules_run_are_only_those_with_something_to_examine(tmp_path: Path) -> None:
    risk = check(apiplan.load_facts([_spec(tmp_path)]))
    assert "missing-timeout" not in risk.rules_run and "undocumented-field" not in risk.rules_run
    skipped = {s.rule: s.reason for s in risk.rules_skipped}
    assert skipped["missing-timeout"] == "needs --code or --blueprint"
    assert set(risk.rules_run) | set(skipped) == set(apiplan.validators.RULES)
    assert not set(risk.rules_run) & set(skipped)


def test_text_output_says_what_ran_in_one_line(tmp_path: Path) -> None:
    r = run("check", _spec(tmp_path), "--fail-on", "low")
    last = r.stdout.strip().splitlines()[-1]
    assert (
        last.startswith("rules run: secret-exposure") and "missing-timeout, silent-failure" in last
    )
    assert "(needs --code or --blueprint)" in last


def test_cli_check_scoped_by_operation(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    r = run("check", spec, "--operation", "GET:/status", "--format", "json")
    data = json.loads(r.stdout)
    assert not any("`hook_token`" in f["message"] for f in data["findings"])


def test_discord_tokens_in_paths() -> None:
    path = corpus("openapi", "discord-openapi-oas31.json")
    messages = [f.message for f in _findings(path) if f.rule == "secret-exposure"]
    assert any("`webhook_token`" in m for m in messages)
    assert any("`interaction_token`" in m for m in messages)


def test_slack_error_examples_outside_their_enum() -> None:
    path = corpus("openapi", "slack-web-api-swagger2.json")
    messages = [f.message for f in _findings(path) if f.rule == "schema-drift"]
    assert any("'invalid_auth', not one of the documented values" in m for m in messages)
