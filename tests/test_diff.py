"""`apiplan diff`: breaking changes between two spec versions, scoped to the selected operations."""

from __future__ import annotations

from pathlib import Path

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
