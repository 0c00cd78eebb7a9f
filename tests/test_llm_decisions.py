"""Decisions mode (the default): the model answers small structured questions, streamed, and the
offline planner renders the rest. Through the real openai SDK against the local fake server: what
is sent (compact prompts, constrained decoding, Literal choices), what is accepted, what is kept
offline and why, and the hostile modes (junk, malformed JSON, 500, 429 with Retry-After, a server
that never answers, a stream that stalls). No network, no key. The API is the invented example."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

import apiplan
from apiplan import PhaseError
from apiplan.providers._decisions import clean_reason
from apiplan.providers._deliverable_questions import allowed_classes
from apiplan.render import blueprint_to_markdown

from .conftest import EXAMPLES
from .fake_llm import FakeLLM, stream_reply

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"
GOAL = "create a shipment label for each paid order"
MODEL = "openai-compatible:fake-model"

WORKFLOW = {
    "steps": [{"operation": "POST /shipments", "why": "It buys the label the goal asks for"}]
}
RETRY = {
    "operations": [
        {
            "operation": "POST /shipments",
            "safe_to_repeat": True,
            "dedup": "Idempotency-Key",
            "why": "A repeated Idempotency-Key returns the first response",
        }
    ]
}
ERRORS = {
    "rows": [
        {"row": "E1", "error_class": "client", "retry": False},
        {"row": "E2", "error_class": "auth", "retry": False},
        {"row": "E3", "error_class": "conflict", "retry": False},
        {"row": "E4", "error_class": "throttled", "retry": True},
    ]
}


def decision_replies(**kw: Any) -> list[dict[str, Any]]:
    """Valid streamed answers to the three questions the example asks (workflow, retry, errors)."""
    return [stream_reply(json.dumps(d), **kw) for d in (WORKFLOW, RETRY, ERRORS)]


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    yield server
    server.stop()


def _plan(url: str, **kw: Any) -> apiplan.Blueprint:
    return apiplan.plan([EXAMPLE], goal=GOAL, model=MODEL, base_url=url, **kw)


def _decisions(bp: apiplan.Blueprint) -> list[Any]:
    return [d for r in bp.runs for d in r.decisions]


def test_decisions_are_asked_small_and_applied(fake: FakeLLM) -> None:
    fake.script = decision_replies(usage={"prompt_tokens": 410, "completion_tokens": 40})
    bp = _plan(fake.url)
    offline = apiplan.plan([EXAMPLE], goal=GOAL)
    assert len(fake.received) == 3
    for sent in fake.received:
        body = sent["body"]
        assert body["stream"] is True and body["temperature"] == 0
        assert body["response_format"]["type"] == "json_object"  # grammar-constrained on llama.cpp
        assert body["max_tokens"] <= 700
        prompt = body["messages"][1]["content"]
        assert len(prompt) < 6000 and "<documents>" not in prompt  # never the whole facts
    # Operation keys and row ids are closed choices: nothing else can be expressed.
    workflow_schema = json.dumps(fake.received[0]["body"]["response_format"]["schema"])
    assert '"enum": ["POST /shipments"' in workflow_schema.replace('"const"', '"enum"') or (
        "POST /shipments" in workflow_schema
    )
    decisions = _decisions(bp)
    assert [d.source for d in decisions] == ["model"] * 6, decisions
    assert bp.scope.workflow is not None
    # The model's reason is reported as its own, never written into an evidenced claim.
    assert decisions[0].note == "It buys the label the goal asks for."
    assert bp.scope.workflow.steps[0].text == offline.scope.workflow.steps[0].text
    row400 = next(r for r in bp.deliverable.error_map if r.status == "400")
    assert row400.error_class == "client"  # the model's class, with the offline action for it
    assert bp.runs[0].prompt_tokens == 410 and bp.runs[0].completion_tokens == 40
    assert not [f for f in bp.risk.findings if f.rule == "undocumented-field"]
    # Mechanical parts are the offline planner's, untouched.
    assert bp.plan.retry_policies == offline.plan.retry_policies
    assert {r.status for r in bp.deliverable.error_map} == {
        r.status for r in offline.deliverable.error_map
    }


def test_an_invented_operation_is_refused_and_reasked(fake: FakeLLM) -> None:
    invented = {"steps": [{"operation": "POST /labels/bulk", "why": "Bulk labels"}]}
    fake.script = [stream_reply(json.dumps(invented))] * 3 + decision_replies()[1:]
    bp = _plan(fake.url, fallback="offline")
    reask = fake.received[1]["body"]["messages"]
    assert reask[-1]["role"] == "user" and "does not match the schema" in reask[-1]["content"]
    assert "POST /labels/bulk" not in bp.model_dump_json()
    scope = bp.runs[0]
    assert scope.fallback and scope.fallback_reason == "invalid after 2 re-asks"
    assert scope.decisions[0].source == "offline" and "re-asks" in (scope.decisions[0].reason or "")
    assert bp.runs[1].decisions[0].source == "model"  # the next phase still asks


def test_wrong_or_ungrounded_decisions_keep_the_offline_one(fake: FakeLLM) -> None:
    workflow = {
        "steps": [
            {"operation": "POST /shipments", "why": "Send the X-Label-Token header with it"},
            {"operation": "GET /shipments", "why": "It lists shipments"},
        ]
    }
    retry = {
        "operations": [
            {**RETRY["operations"][0], "safe_to_repeat": True, "dedup": "none", "why": "safe"}
        ]
    }
    errors = {
        "rows": [
            {"row": "E1", "error_class": "throttled", "retry": True},
            *ERRORS["rows"][1:3],
            {"row": "E4", "error_class": "throttled", "retry": False},
        ]
    }
    fake.script = [stream_reply(json.dumps(d)) for d in (workflow, retry, errors)]
    bp = _plan(fake.url, fallback="offline")
    by_item = {(d.decision, d.item): d for d in _decisions(bp)}
    assert "do not hold" in (by_item[("workflow", "POST /shipments")].reason or "")
    assert "selection stands" in (by_item[("workflow", "GET /shipments")].reason or "")
    assert "misses the documented" in (by_item[("retry", "POST /shipments")].reason or "")
    assert "does not fit HTTP 400" in (
        by_item[("error-action", "POST /shipments 400")].reason or ""
    )
    assert "contradicts the retry policy" in (
        by_item[("error-action", "POST /shipments 429")].reason or ""
    )
    assert "X-Label-Token" not in bp.model_dump_json()  # not even in the refusal's reason
    assert "X-Label-Token" not in blueprint_to_markdown(bp, "full")
    assert [c.key for c in bp.scope.selection] == ["POST /shipments"]


def test_reasons_may_only_name_documented_things() -> None:
    names = {"Idempotency-Key", "reference", "POST /shipments"}
    assert clean_reason("A repeated `Idempotency-Key` is answered once", names)[0] == (
        "A repeated 'Idempotency-Key' is answered once."
    )
    prose = "A re-sent POST is non-idempotent, e.g. it may create twice"
    assert clean_reason(prose, names)[0] == prose + "."
    for bad in (
        "Send client_token too",
        "use the X-Request-Id header",
        "or x-request-id",
        "send the api-key",
        "set dedupKey",
        "x" * 300,
    ):
        text, problem = clean_reason(bad, names)
        assert text is None and problem
    assert allowed_classes("429") == ("throttled",) and "server" in allowed_classes("599")
    assert allowed_classes("default") == ()


def test_junk_and_malformed_json_are_reasked_then_filled_offline(fake: FakeLLM) -> None:
    fake.script = [
        stream_reply("Sure! Here is the plan you asked for."),
        stream_reply('{"steps": [{"operation": "POST /shipments", "why": '),
        stream_reply(json.dumps(WORKFLOW)),
        *decision_replies()[1:],
    ]
    bp = _plan(fake.url, fallback="offline")
    assert len(fake.received) == 5 and bp.runs[0].decisions[0].source == "model"


def test_without_fallback_a_failed_decision_is_a_phase_error(fake: FakeLLM) -> None:
    fake.script = [stream_reply("no json")] * 3
    with pytest.raises(PhaseError) as err:
        _plan(fake.url)
    assert err.value.phase == "scope" and err.value.reason == "invalid after 2 re-asks"
    assert fake.url in str(err.value)


def test_500_and_429_are_bounded_and_retry_after_is_honoured(fake: FakeLLM) -> None:
    fake.script = [
        {"status": 429, "headers": {"Retry-After": "1"}, "body": {"error": {"message": "busy"}}},
        *decision_replies(),
    ]
    bp = _plan(fake.url, fallback="offline")
    assert fake.received[1]["time"] - fake.received[0]["time"] >= 0.9
    assert all(d.source == "model" for d in _decisions(bp))
    fake.received.clear()
    fake.script = [{"status": 500, "body": {"error": {"message": "boom"}}}] * 10
    bp = _plan(fake.url, fallback="offline", max_retries=1)
    assert len(fake.received) == 2 * 3  # one retry per phase; the phase's other questions skip
    assert bp.runs[0].fallback_reason == "HTTP 500"
    assert all(d.source == "offline" for d in _decisions(bp))


def test_first_token_and_idle_timeouts_are_separate(fake: FakeLLM) -> None:
    fake.hang_seconds = 20
    fake.script = ["hang"] * 3
    bp = _plan(fake.url, fallback="offline", timeout=0.5, phase_deadline=30)
    # Each phase ended at the 0.5 s first-token timeout, not at the 20 s hang or the deadline.
    assert all(r.seconds < 4 for r in bp.runs[:3]), [r.seconds for r in bp.runs]
    assert bp.runs[0].fallback_reason == "first-token timeout"
    # A stream that starts and then stalls: the idle bound, not the first-token one, ends it.
    fake.script = [stream_reply(json.dumps(WORKFLOW), pieces=6, gap=1.5), *decision_replies()[1:]]
    from apiplan.providers._llm import LLMProvider
    from apiplan.providers._settings import LLMSettings

    settings = LLMSettings(
        provider="openai-compatible",
        model="fake-model",
        base_url=fake.url,
        read_timeout=10,
        idle_timeout=0.6,
        fallback_offline=True,
    )
    provider = LLMProvider(settings)
    bp = apiplan.phases.run_phases(_input(), provider)
    assert bp.runs[0].fallback_reason == "idle timeout between chunks"


def _input() -> Any:
    from apiplan.planner import PlanInput, build_workflow, parse_context, selection_of

    facts = apiplan.load_facts([EXAMPLE])
    workflow = build_workflow(facts, GOAL, pins=[])
    return PlanInput(
        facts=facts,
        goal=GOAL,
        ctx=parse_context(GOAL),
        selection=selection_of(workflow),
        workflow=workflow,
    )


def test_a_question_that_cannot_fit_is_never_sent(fake: FakeLLM) -> None:
    fake.script = []
    bp = _plan(fake.url, fallback="offline", context_window=1024)
    assert fake.received == []
    assert {r.fallback_reason for r in bp.runs[:3]} == {"context window"}


def test_the_process_exits_within_2s_of_the_phase_deadline(fake: FakeLLM) -> None:
    fake.hang_seconds = 60
    fake.script = ["hang"] * 3
    deadline = 2.0
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "apiplan",
            "plan",
            str(EXAMPLE),
            "--goal",
            GOAL,
            "--model",
            MODEL,
            "--base-url",
            fake.url,
            "--llm-timeout",
            "60",
            "--phase-deadline",
            str(deadline),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    ended = time.monotonic()
    assert len(fake.received) == 1
    assert ended - fake.received[0]["time"] <= deadline + 2, ended - fake.received[0]["time"]
    assert r.returncode == 3, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "phase scope" in lines[0] and "deadline" in lines[0]
    assert fake.url in lines[0]


def test_a_local_server_never_receives_the_openai_key(
    fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = "sk-proj-" + "Hq4" * 12
    monkeypatch.setenv("OPENAI_API_KEY", planted)
    fake.script = decision_replies()
    _plan(fake.url)
    assert planted not in json.dumps(fake.received)


def test_the_run_deadline_bounds_all_phases(fake: FakeLLM) -> None:
    fake.hang_seconds = 30
    fake.script = ["hang"] * 3
    start = time.monotonic()
    bp = _plan(fake.url, fallback="offline", timeout=30, phase_deadline=30, run_deadline=1.5)
    assert time.monotonic() - start < 10
    assert len(fake.received) == 1  # later phases are not even asked once the run is over
    assert [r.fallback_reason for r in bp.runs[:3]] == ["deadline"] * 3
