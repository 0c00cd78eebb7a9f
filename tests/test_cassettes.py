"""Recorded HTTP (vcrpy) replayed through the real openai/anthropic SDKs and instructor.

Replay needs no server, no key and no network. To record again (then review the YAML):
    APIPLAN_RECORD=fake python -m pytest tests/test_cassettes.py        # the local fake server
    APIPLAN_RECORD=llamacpp python -m pytest tests/test_cassettes.py -k llamacpp
        # with a llama.cpp server on 127.0.0.1:8765 serving SmolLM2-135M-Instruct
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr

import apiplan
from apiplan._secrets import find_secrets
from apiplan.planner import PlanInput, parse_context, select_operations
from apiplan.providers import OfflineProvider

from .conftest import ROOT
from .fake_llm import FakeLLM, anthropic_reply, chat_reply

CASSETTES = Path(__file__).parent / "cassettes" / "test_cassettes"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
EXAMPLE = "examples/parcelbox-openapi.yaml"  # relative: the recorded answers cite it as the docs do
GOAL = "create a shipment label for each paid order"
RECORD = os.environ.get("APIPLAN_RECORD", "")

recorder = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="all" if RECORD else "none",
    match_on=["method", "scheme", "host", "port", "path"],
    filter_headers=[
        "authorization",
        "x-api-key",
        "api-key",
        "cookie",
        "openai-organization",
        "anthropic-api-key",
    ],
    decode_compressed_response=True,
)


def _offline_parts() -> dict[str, str]:
    facts = apiplan.load_facts([EXAMPLE])
    inp = PlanInput(
        facts=facts, goal=GOAL, ctx=parse_context(GOAL), selection=select_operations(facts, GOAL)
    )
    off = OfflineProvider()
    scope = off.scope(inp)
    plan = off.plan(inp, scope)
    return {
        "scope": scope.model_dump_json(),
        "plan": plan.model_dump_json(),
        "deliverable": off.deliverable(inp, scope, plan).model_dump_json(),
    }


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture
def fake_when_recording() -> Iterator[FakeLLM | None]:
    if RECORD != "fake":
        yield None
        return
    server = FakeLLM(port=PORT).start()
    yield server
    server.stop()


def test_openai_compatible_plan_replayed(fake_when_recording: FakeLLM | None) -> None:
    if fake_when_recording is not None:
        parts = _offline_parts()
        bad = json.loads(parts["scope"])
        bad["endpoints"][0]["purpose"]["text"] += " Send `gift_wrap` too."
        fake_when_recording.script = [
            chat_reply(json.dumps(bad)),
            chat_reply(parts["scope"]),
            chat_reply(parts["plan"]),
            chat_reply(parts["deliverable"]),
        ]
    with recorder.use_cassette("openai_compatible_plan.yaml") as cassette:
        bp = apiplan.plan(
            [EXAMPLE],
            goal=GOAL,
            model="openai-compatible:fake-model",
            base_url=f"{BASE}/v1",
            llm_mode="documents",  # recorded whole-phase answers
        )
    assert len(cassette.requests) == 4  # the invented field cost one re-ask
    assert "gift_wrap" not in bp.scope.model_dump_json()
    assert all(r.model == "openai-compatible:fake-model" for r in bp.runs[:3])
    assert bp.risk.findings == []


def test_anthropic_scope_replayed(fake_when_recording: FakeLLM | None) -> None:
    parts = _offline_parts()
    if fake_when_recording is not None:
        fake_when_recording.script = [
            anthropic_reply("Scope", json.loads(parts["scope"])),
            anthropic_reply("WorkingPlan", json.loads(parts["plan"])),
            anthropic_reply("Deliverable", json.loads(parts["deliverable"])),
        ]
    with recorder.use_cassette("anthropic_plan.yaml"):
        bp = apiplan.plan(
            [EXAMPLE],
            goal=GOAL,
            model="anthropic:fake-claude",
            base_url=BASE,
            llm_mode="documents",  # recorded whole-phase answers
        )
    assert bp.runs[0].model == "anthropic:fake-claude" and bp.runs[0].completion_tokens == 80
    assert bp.scope.endpoints[0].operation == "POST /shipments"


@pytest.mark.skipif(
    not (CASSETTES / "llamacpp_smollm2_plan.yaml").exists() and RECORD != "llamacpp",
    reason="no llama.cpp cassette recorded",
)
def test_llamacpp_smollm2_junk_is_caught_and_falls_back() -> None:
    """A real 135M model (SmolLM2 on llama.cpp) answers junk: the validators re-ask, then the
    offline planner fills the phase and the blueprint says so."""
    from apiplan.phases import run_phases
    from apiplan.providers._llm import LLMProvider
    from apiplan.providers._settings import LLMSettings

    facts = apiplan.load_facts([EXAMPLE])
    inp = PlanInput(
        facts=facts, goal=GOAL, ctx=parse_context(GOAL), selection=select_operations(facts, GOAL)
    )
    settings = LLMSettings(
        provider="llamacpp",
        model="smollm2",
        base_url=f"{BASE}/v1",
        max_reasks=1,
        max_output_tokens=700,
        read_timeout=300,
        phase_deadline=900,
        fallback_offline=True,
        mode="documents",  # recorded whole-phase answers (see tests/test_llm_cassettes.py)
    )
    with recorder.use_cassette("llamacpp_smollm2_plan.yaml") as cassette:
        bp = run_phases(inp, LLMProvider(settings))
    assert len(cassette.requests) >= 3
    assert any(r.fallback for r in bp.runs), "junk must not pass the validators"
    assert not [f for f in bp.risk.findings if f.severity == "high"]


KEY_SHAPES = re.compile(
    r"\bsk-[A-Za-z0-9_-]{16,}|\bsk-ant-[A-Za-z0-9_-]{16,}|Bearer\s+(?!not-needed)[A-Za-z0-9._-]{12,}|x-api-key:\s*\S{12,}",
    re.I,
)


def test_no_cassette_holds_a_key() -> None:
    files = sorted(CASSETTES.glob("*.yaml"))
    assert files, "cassettes are committed"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not KEY_SHAPES.search(text), path.name
        assert not list(find_secrets(text)), path.name
        # No header line carries a credential (the docs' own prose may say "authorization").
        assert not re.search(r"^\s+(authorization|x-api-key):\s*$", text, re.I | re.M), path.name
