"""The embedding seam: plan(model=<PhaseProvider>), the shipped test double, parameter-named
errors, and SDK errors kept as the cause of PhaseError."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import apiplan
from apiplan import UsageError
from apiplan.planner import PlanInput
from apiplan.schemas import Deliverable, ErrorRow, Scope, Source
from apiplan.testing import TestProvider

from .conftest import EXAMPLES
from .fake_llm import FakeLLM
from .test_cli_facts import run

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"
GOAL = "create a shipment label for each paid order"


def _phases(bp: apiplan.Blueprint) -> tuple[str, str, str]:
    return (
        bp.scope.model_dump_json(),
        bp.plan.model_dump_json(),
        bp.deliverable.model_dump_json(),
    )


def test_default_double_answers_like_the_offline_planner_and_records_calls() -> None:
    provider = TestProvider()
    bp = apiplan.plan([EXAMPLE], goal=GOAL, model=provider)
    offline = apiplan.plan([EXAMPLE], goal=GOAL)
    assert _phases(bp) == _phases(offline)
    assert [c.phase for c in provider.calls] == ["scope", "plan", "deliverable"]
    assert all(c.goal == GOAL for c in provider.calls)
    assert provider.calls[0].operations == [c.key for c in bp.scope.selection]
    # Each phase is handed what the earlier ones returned.
    assert provider.calls[1].scope == bp.scope
    assert provider.calls[2].plan == bp.plan
    assert [r.model for r in bp.runs] == ["test", "test", "test", "validators"]


def test_canned_answers_go_through_the_risk_check() -> None:
    """What a host's model returns is checked like an LLM's: an invented status is found."""
    base = apiplan.plan([EXAMPLE], goal=GOAL)
    op = base.scope.selection[0].key
    invented = ErrorRow(
        operation=op,
        status="418",
        error_class="client",
        action="give up",
        retry=False,
        text="the API answers 418 when the label printer is a teapot",
        evidence=[Source(document=str(EXAMPLE), line=1)],
    )
    canned = base.deliverable.model_copy(
        update={"error_map": [*base.deliverable.error_map, invented]}
    )
    provider = TestProvider(deliverable=canned, name="host:model")
    bp = apiplan.plan([EXAMPLE], goal=GOAL, model=provider)
    assert any(r.status == "418" for r in bp.deliverable.error_map)
    flagged = [f for f in bp.risk.findings if f.rule == "undocumented-field"]
    assert any("418" in f.message for f in flagged), bp.risk.findings
    assert bp.runs[2].model == "host:model"
    # A canned object is copied per call: the blueprint does not share it.
    assert bp.deliverable is not canned and canned.error_map[-1].status == "418"


def test_answer_functions_receive_the_phase_arguments() -> None:
    seen: list[tuple[str, int]] = []

    def scope(inp: PlanInput) -> Scope:
        from apiplan.planner import build_scope

        out = build_scope(inp)
        seen.append((inp.goal, len(out.endpoints)))
        return out

    def deliverable(inp: PlanInput, scope: Scope, plan: object) -> Deliverable:
        from apiplan.planner import build_deliverable

        seen.append(("deliverable", len(scope.endpoints)))
        return build_deliverable(inp, plan)  # type: ignore[arg-type]

    bp = apiplan.plan(
        [EXAMPLE], goal=GOAL, model=TestProvider(scope=scope, deliverable=deliverable)
    )
    assert seen == [(GOAL, len(bp.scope.endpoints)), ("deliverable", len(bp.scope.endpoints))]


def test_run_info_is_what_the_blueprint_reports() -> None:
    from apiplan.providers._llm import PhaseInfo

    info = {
        "plan": PhaseInfo(
            model="host:model", fallback=True, reason="deadline", errors=["took too long"]
        ),
        "scope": PhaseInfo(model="host:model", prompt_tokens=321, completion_tokens=12),
    }
    bp = apiplan.plan([EXAMPLE], goal=GOAL, model=TestProvider(run_info=info, name="host:model"))
    scope, plan = bp.runs[0], bp.runs[1]
    assert (scope.prompt_tokens, scope.completion_tokens, scope.fallback) == (321, 12, False)
    assert plan.fallback and plan.model == "offline"
    assert (plan.fallback_reason, plan.fallback_error) == ("deadline", "took too long")


def test_an_instance_refuses_the_options_of_a_named_model() -> None:
    for kw in ({"base_url": "http://127.0.0.1:9"}, {"timeout": 5.0}, {"fallback": "offline"}):
        with pytest.raises(UsageError) as info:
            apiplan.plan([EXAMPLE], goal=GOAL, model=TestProvider(), **kw)  # type: ignore[arg-type]
        (name,) = kw
        assert info.value.parameter == name and str(info.value).startswith(name)
    with pytest.raises(UsageError, match="object has no 'name'") as info:
        apiplan.plan([EXAMPLE], goal=GOAL, model=object())  # type: ignore[arg-type]
    assert info.value.parameter == "model"


@pytest.mark.parametrize(
    ("kw", "parameter"),
    [
        ({"goal": " "}, "goal"),
        ({"goal": GOAL, "deadline": -1.0}, "deadline"),
        ({"goal": GOAL, "operations": ["no pin"]}, "operations"),
        ({"goal": GOAL, "operations": ["DELETE:/nowhere"]}, "operations"),
        ({"goal": GOAL, "phase_deadline": float("nan")}, "phase_deadline"),
    ],
)
def test_library_errors_name_parameters_not_flags(kw: dict[str, object], parameter: str) -> None:
    with pytest.raises(UsageError) as info:
        apiplan.plan([EXAMPLE], **kw)  # type: ignore[arg-type]
    assert info.value.parameter == parameter
    assert str(info.value).startswith(parameter) and "--" not in str(info.value)


def test_the_cli_says_its_own_option_names() -> None:
    r = run("plan", EXAMPLE, "--goal", GOAL, "--operation", "nopin")
    assert r.returncode == 2 and "error: --operation: 'nopin' is not METHOD:PATH" in r.stderr
    r = run("plan", EXAMPLE, "--goal", " ")
    assert r.returncode == 2 and "error: --goal is empty" in r.stderr


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM().start()
    yield server
    server.stop()


def test_a_failed_llm_phase_keeps_the_sdk_error_as_its_cause(fake: FakeLLM) -> None:
    fake.script = [{"status": 500, "body": {"error": {"message": "boom"}}}] * 10
    with pytest.raises(apiplan.PhaseError) as info:
        apiplan.plan(
            [EXAMPLE],
            goal=GOAL,
            model="openai-compatible:fake-model",
            base_url=fake.url,
            max_retries=0,
            llm_mode="documents",  # the decisions path (providers/_ask.py) is not chained yet
        )
    assert info.value.__cause__ is not None
    assert "500" in str(info.value.__cause__) or "boom" in str(info.value.__cause__)
