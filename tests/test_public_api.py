"""The library surface: exactly what __all__ promises, the README example runs, no global state."""

from __future__ import annotations

import concurrent.futures
import re
from pathlib import Path

import apiplan

from .conftest import EXAMPLES, ROOT
from .fake_llm import FakeLLM, chat_reply

EXPECTED = [
    "ApiplanError",
    "Blueprint",
    "DocumentError",
    "Facts",
    "PhaseError",
    "PhaseProvider",
    "RefError",
    "Source",
    "UsageError",
    "__version__",
    "aplan",
    "blueprint_to_markdown",
    "check",
    "check_blueprint",
    "facts_to_markdown",
    "load_facts",
    "plan",
    "to_json",
]


def test_all_is_exactly_the_public_surface() -> None:
    assert sorted(apiplan.__all__) == sorted(EXPECTED)
    for name in apiplan.__all__:
        assert getattr(apiplan, name) is not None
    public = {n for n in dir(apiplan) if not n.startswith("_")}
    assert public <= set(EXPECTED) | {"annotations", "importlib", "TYPE_CHECKING", "Any"}


def test_readme_library_example_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Library\n\n```python\n(.*?)```", readme, re.S)
    assert block, "README has a library example"
    namespace: dict[str, object] = {"print": lambda *a, **k: namespace.setdefault("printed", a)}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    assert "Integration blueprint" in namespace["printed"][0]  # type: ignore[index]


def test_two_plans_with_different_models_at_once() -> None:
    """No global state: an offline plan and an LLM plan run side by side in one process."""
    from apiplan.planner import PlanInput, parse_context, select_operations
    from apiplan.providers import OfflineProvider

    goal = "create a shipment label for each paid order"
    facts = apiplan.load_facts([EXAMPLES / "parcelbox-openapi.yaml"])
    inp = PlanInput(
        facts=facts, goal=goal, ctx=parse_context(goal), selection=select_operations(facts, goal)
    )
    off = OfflineProvider()
    scope = off.scope(inp)
    plan = off.plan(inp, scope)
    parts = [
        scope.model_dump_json(),
        plan.model_dump_json(),
        off.deliverable(inp, scope, plan).model_dump_json(),
    ]
    fake = FakeLLM(script=[chat_reply(p) for p in parts]).start()
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            llm = pool.submit(
                apiplan.plan,
                facts,
                goal=goal,
                model="openai-compatible:m",
                base_url=fake.url,
                llm_mode="documents",  # the script holds whole-phase answers
            )
            offline = pool.submit(apiplan.plan, facts, goal=goal, deadline=3)
            a, b = llm.result(timeout=60), offline.result(timeout=60)
    finally:
        fake.stop()
    assert a.runs[0].model == "openai-compatible:m" and b.runs[0].model == "offline"
    assert b.plan.retry_policies[0].timeouts.total_deadline_seconds == 3
    assert a.plan.retry_policies[0].timeouts.total_deadline_seconds != 3


def test_library_never_prints(capsys) -> None:  # type: ignore[no-untyped-def]
    apiplan.plan([Path(EXAMPLES / "parcelbox-openapi.yaml")], goal="track a parcel")
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_async_twin_and_check() -> None:
    import asyncio

    bp = asyncio.run(apiplan.aplan([EXAMPLES / "parcelbox-openapi.yaml"], goal="track a parcel"))
    assert bp.scope.selection[0].key == "GET /shipments/{shipment_id}"
    facts = apiplan.load_facts([EXAMPLES / "parcelbox-openapi.yaml"])
    assert apiplan.check(facts, blueprint=bp).findings == []
