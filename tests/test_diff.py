"""`apiplan diff`: breaking changes between two spec versions, scoped to the selected operations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import apiplan
from apiplan.validators import diff_operations

from .conftest import EXAMPLES, corpus
from .test_cli_facts import run

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"


def _v2(tmp_path: Path) -> Path:
    d = yaml.safe_load(EXAMPLE.read_text())
    d["components"]["schemas"]["ShipmentRequest"]["required"].append("service")
    d["components"]["schemas"]["Shipment"]["properties"].pop("tracking_number")
    d["components"]["schemas"]["Shipment"]["properties"]["created_at"] = {"type": "integer"}
    d["paths"]["/shipments"]["post"]["responses"]["402"] = {"description": "Payment required"}
    d["components"]["securitySchemes"]["bearerAuth"] = {
        "type": "apiKey",
        "in": "query",
        "name": "key",
    }
    del d["paths"]["/shipments/{shipment_id}/cancel"]
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    return path


def test_breaking_changes_are_reported(tmp_path: Path) -> None:
    old, new = apiplan.load_facts([EXAMPLE]), apiplan.load_facts([_v2(tmp_path)])
    keys = [op.key for op in old.operations]
    messages = [f.message for f in diff_operations(old, new, keys).findings]
    assert "POST /shipments/{shipment_id}/cancel was removed" in messages
    assert "POST /shipments: new required request field `service`" in messages
    assert any("`tracking_number`" in m and "removed" in m for m in messages)
    assert any("`created_at` changed type string -> integer" in m for m in messages)
    assert "POST /shipments: new error status 402" in messages
    assert any("bearerAuth changed how the credential is sent" in m for m in messages)


@pytest.mark.parametrize(
    "spec",
    ["stripe-spec3-2021-06.json", "slack-web-api-swagger2.json", "pagerduty-events-v2-oas30.json"],
)
def test_a_spec_against_itself_has_no_changes(spec: str) -> None:
    facts = apiplan.load_facts([corpus("openapi", spec)])
    assert diff_operations(facts, facts, [op.key for op in facts.operations]).findings == []


def test_diff_cli_scoped_by_goal(tmp_path: Path) -> None:
    new = _v2(tmp_path)
    r = run("diff", EXAMPLE, new, "--goal", "track a parcel")
    assert r.returncode == 1
    assert "GET /shipments/{shipment_id}" in r.stdout and "cancel was removed" not in r.stdout
    r = run("diff", EXAMPLE, EXAMPLE)
    assert r.returncode == 0 and "no findings" in r.stdout


def _pair(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Messages of the diff between two invented specs, every old operation compared."""
    paths = []
    for name, spec in (("old", old), ("new", new)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False))
        paths.append(path)
    before, after = apiplan.load_facts([paths[0]]), apiplan.load_facts([paths[1]])
    keys = [op.key for op in before.operations]
    return [f"{f.severity} {f.message}" for f in diff_operations(before, after, keys).findings]


def _api(
    *,
    path: str = "/orders/{order_id}",
    op_id: str = "updateOrder",
    query: dict[str, Any] | None = None,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    statuses: tuple[str, ...] = ("200", "404"),
    server: str = "https://api.shop.example/v1",
    version: str = "3.0.3",
) -> dict[str, Any]:
    """An invented shop API with one operation; each test changes one part of it."""
    params: list[dict[str, Any]] = [
        {
            "name": path.split("{")[1].rstrip("}"),
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
        }
    ]
    if query is not None:
        params.append({"name": "expand", "in": "query", **query})
    responses: dict[str, Any] = {s: {"description": s} for s in statuses}
    if "200" in responses:
        responses["200"]["content"] = {
            "application/json": {
                "schema": response or {"type": "object", "properties": {"id": {"type": "string"}}}
            }
        }
    return {
        "openapi": version,
        "info": {"title": "Shop", "version": "1"},
        "servers": [{"url": server}],
        "paths": {
            path: {
                "patch": {
                    "operationId": op_id,
                    "parameters": params,
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": request
                                or {"type": "object", "properties": {"note": {"type": "string"}}}
                            }
                        }
                    },
                    "responses": responses,
                }
            }
        },
    }


def _obj(required: list[str] | None = None, **props: dict[str, Any]) -> dict[str, Any]:
    return (
        {"type": "object", "required": required or [], "properties": props}
        if required
        else {
            "type": "object",
            "properties": props,
        }
    )


def test_a_renamed_operation_is_a_move_not_a_removal(tmp_path: Path) -> None:
    messages = _pair(tmp_path, _api(), _api(path="/v2/orders/{order_id}"))
    assert messages == ["high PATCH /orders/{order_id}: moved to PATCH /v2/orders/{order_id}"]


def test_a_renamed_path_parameter_is_no_change(tmp_path: Path) -> None:
    assert _pair(tmp_path, _api(), _api(path="/orders/{id}")) == []


def test_a_parameter_becoming_required(tmp_path: Path) -> None:
    messages = _pair(
        tmp_path,
        _api(query={"required": False, "schema": {"type": "string"}}),
        _api(query={"required": True, "schema": {"type": "string"}}),
    )
    assert any(
        m.startswith("high") and "new required query parameter `expand`" in m for m in messages
    )


def test_request_types_may_widen_but_not_narrow(tmp_path: Path) -> None:
    one = _obj(tags={"type": "string"})
    many = _obj(
        tags={"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    )
    assert _pair(tmp_path, _api(request=one), _api(request=many)) == []
    narrowed = _pair(tmp_path, _api(request=many), _api(request=one))
    assert any(m.startswith("high") and "request field `tags` changed type" in m for m in narrowed)


def test_request_enum_values_removed(tmp_path: Path) -> None:
    old = _obj(state={"type": "string", "enum": ["open", "held", "shipped"]})
    new = _obj(state={"type": "string", "enum": ["open", "shipped"]})
    messages = _pair(tmp_path, _api(request=old), _api(request=new))
    assert any("request field `state` no longer accepts held" in m for m in messages)


def test_new_response_enum_values_are_medium(tmp_path: Path) -> None:
    old = _obj(state={"type": "string", "enum": ["open", "shipped"]})
    new = _obj(state={"type": "string", "enum": ["open", "shipped", "lost"]})
    messages = _pair(tmp_path, _api(response=old), _api(response=new))
    assert messages == [
        "medium PATCH /orders/{order_id}: response field `state` has new values lost"
    ]


def test_response_field_removed_and_made_nullable(tmp_path: Path) -> None:
    old = _obj(id={"type": "string"}, total={"type": "integer"})
    new = _obj(id={"type": "string", "nullable": True})
    messages = _pair(tmp_path, _api(response=old), _api(response=new))
    assert any(
        m.startswith("high") and "response field `total` (200) was removed" in m for m in messages
    )
    assert any(m.startswith("medium") and "`id` may now be null" in m for m in messages)


def test_nullable_30_and_31_spellings_are_the_same(tmp_path: Path) -> None:
    old = _obj(id={"type": "string", "nullable": True})
    new = _obj(id={"type": ["string", "null"]})
    assert _pair(tmp_path, _api(response=old), _api(response=new, version="3.1.0")) == []


def test_required_request_field_added(tmp_path: Path) -> None:
    old = _obj(note={"type": "string"})
    new = _obj(["reason"], note={"type": "string"}, reason={"type": "string"})
    messages = _pair(tmp_path, _api(request=old), _api(request=new))
    assert any("new required request field `reason`" in m for m in messages)


def test_statuses_removed(tmp_path: Path) -> None:
    messages = _pair(tmp_path, _api(statuses=("200", "404")), _api(statuses=("201", "404")))
    assert any(m.startswith("high") and "success status 200 was removed" in m for m in messages)
    messages = _pair(tmp_path, _api(), _api(statuses=("200",)))
    assert messages == ["low PATCH /orders/{order_id}: error status 404 is no longer documented"]


def test_base_url_changed(tmp_path: Path) -> None:
    messages = _pair(tmp_path, _api(), _api(server="https://shop.example/api/v2"))
    assert messages and messages[0].startswith("high the base URL changed")


def test_a_nullable_31_array_keeps_its_item_type(tmp_path: Path) -> None:
    old = _obj(cc={"type": "array", "items": {"type": "string"}})
    new = _obj(cc={"type": ["array", "null"], "items": {"type": "string"}})
    messages = _pair(tmp_path, _api(response=old), _api(response=new, version="3.1.0"))
    assert messages == ["medium PATCH /orders/{order_id}: response field `cc` may now be null"]
