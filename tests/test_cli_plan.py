"""`apiplan plan` and `apiplan schema` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from apiplan.schemas import Blueprint

from .conftest import EXAMPLES
from .test_cli_facts import run

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"


def test_plan_markdown_with_progress_on_stderr() -> None:
    result = run(
        "plan",
        EXAMPLE,
        "--goal",
        "create a shipment label for each paid order",
        "--context",
        "We use httpx.",
        "-v",  # stderr is a pipe here: progress shows with -v only
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in (
        "## 1. Integration plan",
        "## 2. Request/response contract",
        "## 3. Error map",
        "## 4. Test cases",
        "## 5. Security notes",
        "## Open questions",
        "## Risk check",
    ):
        assert heading in out
    assert "parcelbox-openapi.yaml#/paths/~1shipments/post:21" in out
    assert "phase scope" in result.stderr and "phase risk" in result.stderr


def test_plan_json_is_a_blueprint(tmp_path: Path) -> None:
    out = tmp_path / "bp.json"
    result = run(
        "plan", EXAMPLE, "-g", "track a parcel", "-f", "json", "-o", out, "-q", "--deadline", "5"
    )
    assert result.returncode == 0, result.stderr
    bp = Blueprint.model_validate_json(out.read_text())
    assert bp.plan.retry_policies[0].timeouts.total_deadline_seconds == 5
    assert json.loads(out.read_text())["generator"].startswith("apiplan ")


def test_plan_bad_input_is_one_line() -> None:
    for args, expected in [
        (["--goal", ""], "goal is empty"),
        (["--goal", "x", "--operation", "PATCH:/nope"], "not in the documents"),
        (["--goal", "x", "--deadline", "-1"], "must be a positive"),
        (["--goal", "x", "--model", "gpt"], "expected PROVIDER:MODEL"),
        (["--goal", "x", "--model", "openai:gpt-4.1"], "OPENAI_API_KEY is not set"),
        (["--goal", "x", "--model", "ollama:llama3", "--fallback", "maybe"], "--fallback"),
    ]:
        result = run("plan", EXAMPLE, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_schema_write_and_check(tmp_path: Path) -> None:
    target = tmp_path / "schemas"
    assert run("schema", "--check", "--dir", target).returncode == 1
    assert run("schema", "--dir", target).returncode == 0
    assert run("schema", "--check", "--dir", target).returncode == 0
    (target / "facts.schema.json").write_text("{}")
    result = run("schema", "--check", "--dir", target)
    assert result.returncode == 1 and "facts.schema.json" in result.stderr
