"""Client code rules read with the spec: JSON parsed from bodies that can be empty, logged bodies
judged by what the documented body holds, constants that name environment variables, and
example values told apart by more than their masked prefix.

Every spec and client here is invented for the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import apiplan
from apiplan.schemas import Finding
from apiplan.validators import check

from .conftest import corpus


def _spec(tmp_path: Path, *, delete_status: str = "204", person: bool = False) -> Path:
    """An invented widget API: GET returns a widget; DELETE returns ``delete_status``, with no
    body when it is 204."""
    props: dict[str, Any] = {"id": {"type": "string"}, "name": {"type": "string"}}
    if person:
        props["owner_email"] = {"type": "string", "format": "email"}
    body = {"application/json": {"schema": {"type": "object", "properties": props}}}
    deleted: dict[str, Any] = {"description": "Deleted"}
    if delete_status != "204":
        deleted["content"] = body  # a 202 that describes the job it started
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Invented widgets", "version": "1"},
        "servers": [{"url": "https://widgets.example.test/v1"}],
        "paths": {
            "/widgets/{widget_id}": {
                "get": {"responses": {"200": {"description": "A widget", "content": body}}},
                "delete": {"responses": {delete_status: deleted}},
            }
        },
    }
    path = tmp_path / "widgets.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _check(tmp_path: Path, code: str, spec: Path | None = None) -> list[Finding]:
    client = tmp_path / "client.py"
    client.write_text(code)
    facts = apiplan.load_facts([spec] if spec else [], code=[client])
    return check(facts, docs=False).findings


def _about(findings: list[Finding], words: str) -> list[Finding]:
    return [f for f in findings if words in f.message]


_ACCEPTS_204 = """import json
import requests

def remove(url):
    r = requests.delete(url, timeout=5)
    if r.status_code in (200, 204):
        print("removed")
    return json.loads(r.content)
"""


def test_parsing_after_accepting_204_is_high(tmp_path: Path) -> None:
    got = _about(_check(tmp_path, _ACCEPTS_204), "which has no body")
    assert [(f.rule, f.severity, f.evidence[0].line) for f in got] == [
        ("silent-failure", "high", 8)
    ]


def test_guarded_parses_are_not_flagged(tmp_path: Path) -> None:
    guards = [
        "    if r.status_code == 204:\n        return None\n    return json.loads(r.content)\n",
        "    if r.content:\n        return json.loads(r.content)\n    return None\n",
        "    try:\n        return json.loads(r.content)\n    except ValueError:\n        return None\n",
        "    return r.json() if r.status_code == 200 else None\n",
    ]
    head = _ACCEPTS_204.split("    return json.loads")[0]
    for guard in guards:
        assert _about(_check(tmp_path, head + guard), "no body") == [], guard


_DELETE_THEN_PARSE = """import requests

BASE = "https://widgets.example.test/v1"

def delete_widget(widget_id):
    r = requests.delete(f"{BASE}/widgets/{widget_id}", timeout=5)
    r.raise_for_status()
    return r.json()

def get_widget(widget_id):
    r = requests.get(f"{BASE}/widgets/{widget_id}", timeout=5)
    r.raise_for_status()
    return r.json()
"""


def test_parsing_a_documented_204_is_found_through_the_spec(tmp_path: Path) -> None:
    got = _about(_check(tmp_path, _DELETE_THEN_PARSE, _spec(tmp_path)), "without a body")
    assert [(f.severity, f.evidence[0].line) for f in got] == [("medium", 8)]
    assert "DELETE /widgets/{widget_id} documents a 204" in got[0].message
    # The same code against a spec whose DELETE returns a body: nothing to say.
    other = tmp_path / "other"
    other.mkdir()
    assert (
        _about(_check(other, _DELETE_THEN_PARSE, _spec(other, delete_status="202")), "body") == []
    )


def test_json_loads_before_any_status_check_is_unchecked(tmp_path: Path) -> None:
    code = "import json, requests\nr = requests.get('https://x.example.test', timeout=5)\ndata = json.loads(r.text)\n"
    got = _about(_check(tmp_path, code), "`.json()` is read from a response")
    assert [f.evidence[0].line for f in got] == [2]


_LOGS = """import logging
import requests

log = logging.getLogger(__name__)
BASE = "https://widgets.example.test/v1"

def get_widget(widget_id):
    r = requests.get(f"{BASE}/widgets/{widget_id}", timeout=5)
    log.info("got %s", r.text)
    if r.status_code != 200:
        log.error("failed: %s", r.text)
    r.raise_for_status()
    return r.json()
"""


def test_body_logs_are_one_low_note_unless_the_body_holds_personal_data(tmp_path: Path) -> None:
    plain = _about(_check(tmp_path, _LOGS, _spec(tmp_path)), "response or request body")
    assert [(f.severity, f.evidence[0].line) for f in plain] == [("low", 9)]
    assert "2 log calls" in plain[0].message and "9, 11" in plain[0].message
    other = tmp_path / "personal"
    other.mkdir()
    personal = _about(_check(other, _LOGS, _spec(other, person=True)), "response or request body")
    assert sorted((f.severity, f.evidence[0].line) for f in personal) == [
        ("medium", 9),
        ("medium", 11),
    ]
    assert all("`owner_email`" in f.message for f in personal)


def test_a_constant_naming_an_environment_variable_is_not_a_credential(tmp_path: Path) -> None:
    code = (
        "import os\n"
        'API_KEY_ENV = "ACME_API_KEY"\n'
        'TOKEN_SETTING = "acmeServiceToken"\n'
        "def key():\n"
        "    return os.environ[API_KEY_ENV] + os.getenv(TOKEN_SETTING, '')\n"
    )
    assert [f for f in _check(tmp_path, code) if f.rule == "secret-exposure"] == []


def test_a_key_in_a_constant_is_still_a_credential(tmp_path: Path) -> None:
    # An invented value with the mix of a key; annotated assignments count too.
    code = 'API_KEY: str = "q8Zr4Lm2Xv9Tb6Wn"\nAUTH_TOKEN = "Zx81Lq0vTr6Wm2Pe"\n'
    got = [f for f in _check(tmp_path, code) if f.rule == "secret-exposure"]
    assert sorted(f.evidence[0].line for f in got) == [1, 2]
    assert all(f.severity == "high" for f in got)


def test_example_values_with_the_same_prefix_are_different_findings(tmp_path: Path) -> None:
    # Two invented routing keys sharing their first 16 characters, one repeated.
    first, second = "737ea619db564d41bd9824063e1f6b08", "737ea619db564d41bd9824063e1f8au1"
    spec = tmp_path / "events.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: Invented events, version: '1'}\npaths: {}\n"
        f"x-notes:\n  - routing_key: {first}\n  - routing_key: {second}\n"
        f"  - routing_key: {first}\n"
    )
    found = [
        f
        for f in check(apiplan.load_facts([spec])).findings
        if f.rule == "secret-exposure" and "737e" in f.message
    ]
    assert len(found) == 2
    assert sum("2 times" in f.message for f in found) == 1
    assert len({f.message for f in found}) == 2  # told apart without showing the values


def test_discord_client_parses_a_204_body() -> None:
    facts = apiplan.load_facts([], code=[corpus("code", "discord-webhook.py")])
    got = _about(check(facts, docs=False).findings, "which has no body")
    # execute(): `if response.status_code in [200, 204]` and then json.loads(response.content)
    assert [(f.severity, f.evidence[0].line) for f in got] == [("high", 473)]
    logs = _about(check(facts, docs=False).findings, "response or request body")
    assert [(f.severity, f.evidence[0].line) for f in logs] == [("low", 464)]
