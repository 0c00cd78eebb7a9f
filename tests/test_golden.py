"""Golden blueprints, reviewed by reading them as a user would. Regenerate with
UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py, then read the diff before committing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import apiplan

from .conftest import ROOT, corpus

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "petstore": ("oai-petstore-swagger2.json", "list pets", []),
    "pagerduty-events": (
        "pagerduty-events-v2-oas30.json",
        "trigger an alert when the nightly job fails",
        ["POST:/enqueue"],
    ),
    "discord-messages": (
        "discord-openapi-oas31.json",
        "send a message to a channel",
        ["POST:/channels/{channel_id}/messages"],
    ),
    "stripe-charges": ("stripe-spec3-2021-06.json", "create a charge", ["POST:/v1/charges"]),
    "slack-post-message": (
        "slack-web-api-swagger2.json",
        "post a message to a channel when a deploy finishes",
        [],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_blueprint(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, goal, pins = CASES[name]
    path = corpus("openapi", spec)
    monkeypatch.chdir(ROOT)
    doc = os.path.relpath(path, ROOT)
    text = apiplan.blueprint_to_markdown(apiplan.plan([doc], goal=goal, operations=pins))
    path = GOLDEN / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")
