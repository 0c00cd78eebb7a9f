"""Batch evaluation: every golden case runs offline in CI; no invented item, no leak, no regression."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from apiplan._eval import run_eval
from apiplan._eval_score import score_case
from apiplan.schemas import GoldenCase

from .conftest import ROOT, corpus
from .test_cli_facts import run

BASELINE = json.loads((ROOT / "evals" / "baseline.json").read_text())
GOLDEN = ROOT / "evals" / "golden"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return run_eval([GOLDEN], jobs=2, corpus=corpus())


def test_at_least_15_cases_valid_against_the_exported_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "golden-case.schema.json").read_text())
    cases = sorted(GOLDEN.glob("*.yaml"))
    assert len(cases) >= 15
    kinds = {"openapi": 0, "prose": 0, "code": 0}
    for path in cases:
        data = yaml.safe_load(path.read_text())
        jsonschema.validate(data, schema)
        case = GoldenCase.model_validate(data)
        for ref in case.docs + case.code:
            kinds[ref.removeprefix("corpus:").split("/")[0]] += 1
    assert all(kinds.values()), kinds


def test_offline_eval_has_no_invention_no_leak_no_regression(report) -> None:  # type: ignore[no-untyped-def]
    assert report.invented == 0 and report.leaks == 0
    assert all(c.ok for c in report.cases), [(c.name, c.problems) for c in report.cases if not c.ok]
    for case in report.cases:
        assert case.score >= BASELINE[case.name] - 1e-6, (case.name, case.score, case.problems)


def test_scoring_catches_invented_and_missing_things(report) -> None:  # type: ignore[no-untyped-def]
    import apiplan

    case = GoldenCase.model_validate(
        yaml.safe_load((GOLDEN / "slack-post-message.yaml").read_text())
    )
    bp = apiplan.plan([corpus("openapi", "slack-web-api-swagger2.json")], goal=case.goal)
    bad = bp.model_copy(deep=True)
    bad.deliverable.error_map = [
        r for r in bad.deliverable.error_map if r.error_class != "error-in-body"
    ]
    bad.deliverable.security_notes[0].text += " | 429 |"
    scored = score_case("x", case, bad, None, 0.0)
    assert scored.invented == 1 and not scored.ok
    assert scored.error_coverage == 0.5 and scored.score < 1


def test_eval_cli_formats_and_exit_codes(tmp_path: Path) -> None:
    corpus("openapi", "oai-petstore-swagger2.json")  # the cases below read the corpus
    out = tmp_path / "report.md"
    r = run(
        "eval",
        GOLDEN / "petstore-list.yaml",
        GOLDEN / "mastodon-lists.yaml",
        "-f",
        "md",
        "-o",
        out,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    assert "| petstore-list | yes |" in out.read_text()
    r = run(
        "eval",
        "--cases",
        GOLDEN / "petstore-list.yaml",
        "--min-score",
        "1.0",
        "-f",
        "json",
        cwd=ROOT,
    )
    assert r.returncode == 0 and json.loads(r.stdout)["cases"][0]["name"] == "petstore-list"
    bad = tmp_path / "bad.yaml"
    bad.write_text("goal: x\n")
    r = run("eval", bad)
    assert r.returncode == 2 and "not a golden case" in r.stderr
    r = run("eval", GOLDEN / "petstore-list.yaml", "--model", "ollama:m")
    assert r.returncode == 1 and "--live" in r.stderr
