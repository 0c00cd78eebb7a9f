"""`apiplan diff`: the kinds added for real version history (new required headers, fields
required inside an object the client already sends, shapes a field may take, root arrays of
nullable items, restated allOf properties), the operations compared, and SARIF paths.

Every spec here is an invented ticket API, written for the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

import apiplan
from apiplan.render import findings_to_sarif
from apiplan.schemas import Finding, RiskCheck, Source
from apiplan.validators import diff_operations

from .test_cli_facts import run


def _spec(
    *,
    headers: list[dict[str, Any]] | None = None,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    schemas: dict[str, Any] | None = None,
    statuses: tuple[str, ...] = ("200",),
) -> dict[str, Any]:
    """One invented operation, POST /tickets; each test changes one part of it."""
    responses: dict[str, Any] = {s: {"description": s} for s in statuses}
    responses["200"]["content"] = {
        "application/json": {
            "schema": response or {"type": "object", "properties": {"id": {"type": "string"}}}
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Invented tickets", "version": "1"},
        "servers": [{"url": "https://tickets.example.test"}],
        "paths": {
            "/tickets": {
                "post": {
                    "operationId": "createTicket",
                    "parameters": headers or [],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": request
                                or {"type": "object", "properties": {"title": {"type": "string"}}}
                            }
                        }
                    },
                    "responses": responses,
                }
            }
        },
        "components": {"schemas": schemas or {}},
    }


def _diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    paths = []
    for name, spec in (("old", old), ("new", new)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False))
        paths.append(path)
    before, after = apiplan.load_facts([paths[0]]), apiplan.load_facts([paths[1]])
    risk = diff_operations(before, after, [op.key for op in before.operations])
    return [f"{f.severity} {f.message}" for f in risk.findings]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_a_new_required_header_breaks(tmp_path: Path) -> None:
    header = {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
    old = _spec(headers=[header])
    new = _spec(headers=[{**header, "required": True}])
    assert _diff(tmp_path, old, new) == [
        "high POST /tickets: new required header parameter `Idempotency-Key`"
    ]
    assert _diff(tmp_path, _spec(), new) == [
        "high POST /tickets: new required header parameter `Idempotency-Key`"
    ]
    assert _diff(tmp_path, new, old) == []  # a header becoming optional breaks nobody


def _with_contact(*, required: list[str], contact_required: bool) -> dict[str, Any]:
    contact: dict[str, Any] = {
        "type": "object",
        "properties": {"email": {"type": "string"}, "phone": {"type": "string"}},
    }
    if required:
        contact["required"] = required
    body: dict[str, Any] = {"type": "object", "properties": {"contact": contact}}
    if contact_required:
        body["required"] = ["contact"]
    return _spec(request=body)


def test_a_field_required_inside_an_object_the_client_sends(tmp_path: Path) -> None:
    old = _with_contact(required=[], contact_required=True)
    new = _with_contact(required=["email"], contact_required=False)
    # The object became optional, but a client that sends it must now include `email`.
    assert _diff(tmp_path, old, new) == [
        "high POST /tickets: new required request field `contact.email`"
    ]
    # A new object's own required fields come with it: only the object is news.
    bare = _spec(request={"type": "object"})
    added = _with_contact(required=["email"], contact_required=False)
    assert _diff(tmp_path, bare, added) == []


def test_a_response_field_that_may_take_a_new_shape(tmp_path: Path) -> None:
    schemas = {
        "UserRef": {"type": "object", "properties": {"id": {"type": "string"}}},
        "TeamRef": {"type": "object", "properties": {"id": {"type": "string"}}},
    }
    one = {"type": "object", "properties": {"assignee": _ref("UserRef")}}
    two = {
        "type": "object",
        "properties": {"assignee": {"oneOf": [_ref("UserRef"), _ref("TeamRef")]}},
    }
    old, new = _spec(response=one, schemas=schemas), _spec(response=two, schemas=schemas)
    assert _diff(tmp_path, old, new) == [
        "medium POST /tickets: response field `assignee` may now also be TeamRef"
    ]
    assert _diff(tmp_path, new, old) == []  # one shape fewer in a response: narrower


def test_a_request_body_with_a_new_variant_is_wider_not_narrower(tmp_path: Path) -> None:
    def kind(value: int, *, needs: str | None = None) -> dict[str, Any]:
        props = {"kind": {"type": "integer", "enum": [value]}, "data": {"type": "object"}}
        return {
            "type": "object",
            "required": ["kind", *([needs] if needs else [])],
            "properties": props,
        }

    schemas = {"Bug": kind(1), "Task": kind(2), "Incident": kind(3, needs="data")}
    old = _spec(request={"oneOf": [_ref("Bug"), _ref("Task")]}, schemas=schemas)
    new = _spec(request={"oneOf": [_ref("Bug"), _ref("Task"), _ref("Incident")]}, schemas=schemas)
    # Incident requires `data` and says kind 3: neither touches a client sending a bug or a task.
    assert _diff(tmp_path, old, new) == []
    assert _diff(tmp_path, new, old) == [
        "high POST /tickets: request field `kind` no longer accepts 3"
    ]


def test_a_root_array_of_nullable_items_made_strict_is_no_change(tmp_path: Path) -> None:
    schemas = {"Ticket": {"type": "object", "properties": {"id": {"type": "string"}}}}
    nullable_items = {"type": "array", "items": {"oneOf": [{"type": "null"}, _ref("Ticket")]}}
    strict_items = {"type": "array", "items": _ref("Ticket")}
    old = _spec(response=nullable_items, schemas=schemas)
    new = _spec(response=strict_items, schemas=schemas)
    assert _diff(tmp_path, old, new) == []


def test_an_allof_member_that_restates_a_property_gives_its_enum(tmp_path: Path) -> None:
    def target(values: list[str]) -> dict[str, Any]:
        return {
            "Reference": {"type": "object", "properties": {"type": {"type": "string"}}},
            "Target": {
                "allOf": [
                    _ref("Reference"),
                    {"type": "object", "properties": {"type": {"type": "string", "enum": values}}},
                ]
            },
        }

    body = {"type": "object", "properties": {"target": _ref("Target")}}
    old = _spec(response=body, schemas=target(["user", "team"]))
    new = _spec(response=body, schemas=target(["user", "team", "rota"]))
    assert _diff(tmp_path, old, new) == [
        "medium POST /tickets: response field `target.type` has new values rota"
    ]


def test_a_new_error_status_is_a_low_note(tmp_path: Path) -> None:
    assert _diff(tmp_path, _spec(), _spec(statuses=("200", "409"))) == [
        "low POST /tickets: new error status 409"
    ]


def test_the_report_names_the_operations_compared(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(yaml.safe_dump(_spec(), sort_keys=False))
    r = run("diff", old, old)
    assert r.returncode == 0 and "compared 1 operation: POST /tickets" in r.stdout
    r = run("diff", old, old, "--operation", "POST:/tickets", "-f", "json")
    compared = json.loads(r.stdout)["compared"]
    assert [(c["key"], c["pinned"]) for c in compared] == [("POST /tickets", True)]
    r = run("diff", old, old, "--operation", "POST:/tickets")
    assert "POST /tickets (pinned with --operation)" in r.stdout


def test_sarif_paths_are_relative_to_the_root(tmp_path: Path) -> None:
    inside = tmp_path / "src" / "client.py"
    inside.parent.mkdir()
    inside.write_text("print('invented')\n")
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.py"

    def finding(document: Path) -> Finding:
        return Finding(
            rule="missing-timeout",
            severity="high",
            message="m",
            fix="f",
            location=f"{document}:1",
            evidence=[Source(document=str(document), line=1)],
        )

    risk = RiskCheck(rules_run=["missing-timeout"], findings=[finding(inside), finding(outside)])
    sarif = json.loads(findings_to_sarif(risk, root=tmp_path))
    run_ = sarif["runs"][0]
    where = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]
    assert where[0] == {"uri": "src/client.py", "uriBaseId": "%SRCROOT%"}
    assert where[1] == {"uri": outside.as_uri()}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


def test_a_field_of_several_shapes_holds_what_any_of_them_allows(tmp_path: Path) -> None:
    def ref(kind: str, *, required: list[str]) -> dict[str, Any]:
        props = {"kind": {"type": "string", "enum": [kind]}, "name": {"type": "string"}}
        return {"type": "object", "required": required, "properties": props}

    schemas = {
        "UserRef": ref("user", required=["kind", "name"]),
        "TeamRef": ref("team", required=["kind"]),
        "BotRef": ref("bot", required=["kind"]),
    }

    def body(*names: str) -> dict[str, Any]:
        return {"type": "object", "properties": {"owner": {"oneOf": [_ref(n) for n in names]}}}

    old = _spec(response=body("UserRef", "TeamRef"), schemas=schemas)
    new = _spec(response=body("UserRef", "TeamRef", "BotRef"), schemas=schemas)
    # The old field's kind was user or team (not only the last variant's), so bot is the news.
    assert sorted(_diff(tmp_path, old, new)) == [
        "medium POST /tickets: response field `owner.kind` has new values bot",
        "medium POST /tickets: response field `owner` may now also be BotRef",
    ]
