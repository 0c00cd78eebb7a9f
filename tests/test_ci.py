"""Where checks run: the GitHub Action's script and the pre-commit hooks, on the corpus, offline."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import ROOT, corpus

ACTION_SCRIPT = ROOT / "action" / "run.py"
CLEAN_CODE = "code/notion-client.py"
"""A corpus client with no high finding: the action and the hook pass on it."""
DEFECT_CODE = "code/pagerduty-events-v2-trigger.py"
"""A corpus client with a high finding (a call without a timeout): they fail on it."""
SPEC = "openapi/oai-petstore-expanded-oas30.yaml"

# The parts of SARIF 2.1.0 apiplan emits, with the constraints the OASIS schema puts on them
# (sarif-schema-2.1.0.json: sarifLog, run, tool, toolComponent, reportingDescriptor, result,
# message, location, physicalLocation, artifactLocation, region). The full schema is not
# available offline; these are its required properties, enums and bounds for those objects.
_MESSAGE = {
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "required": ["text"],
}
SARIF_SUBSET: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "informationUri": {"type": "string", "format": "uri"},
                                    "rules": {
                                        "type": "array",
                                        "uniqueItems": True,
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "fullDescription": _MESSAGE,
                                                "help": _MESSAGE,
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": [
                                                                "none",
                                                                "note",
                                                                "warning",
                                                                "error",
                                                            ]
                                                        }
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {
                                                            "uri": {
                                                                "type": "string",
                                                                "format": "uri-reference",
                                                            }
                                                        },
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                            "startColumn": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            },
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def validate_sarif(path: Path) -> dict[str, Any]:
    sarif = json.loads(path.read_text())
    jsonschema.Draft202012Validator(
        SARIF_SUBSET, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(sarif)
    for run in sarif["runs"]:  # ruleIndex must point at the rule named by ruleId
        rules = run["tool"]["driver"].get("rules", [])
        for result in run.get("results", []):
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    return sarif


def run_action(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], Path]:
    """The action's step as the runner runs it: inputs in the environment, outputs in a file."""
    outputs = tmp_path / "github_output"
    sarif = tmp_path / "apiplan.sarif"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APIPLAN_", "GITHUB_"))}
    env |= {f"APIPLAN_{k.upper()}": v for k, v in inputs.items()}
    env |= {"APIPLAN_SARIF": str(sarif), "GITHUB_OUTPUT": str(outputs)}
    done = subprocess.run(
        [sys.executable, str(ACTION_SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    written = outputs.read_text() if outputs.exists() else ""
    return (
        done.returncode,
        dict(line.split("=", 1) for line in written.splitlines()),
        sarif,
    )


def test_action_passes_on_clean_corpus_code_and_uploads_valid_sarif(tmp_path: Path) -> None:
    code, outputs, sarif = run_action(tmp_path, code=str(corpus(CLEAN_CODE)))
    assert code == 0 and outputs == {"sarif-file": str(sarif), "exit-code": "0"}
    assert validate_sarif(sarif)["runs"][0]["tool"]["driver"]["name"] == "apiplan"


def test_action_fails_on_a_defect_after_writing_the_sarif(tmp_path: Path) -> None:
    defect = corpus(DEFECT_CODE)
    pattern = str(defect.parent / "pagerduty-*.py")  # a glob, as a workflow would give it
    code, outputs, sarif = run_action(tmp_path, code=pattern, **{"fail_on": "high"})
    assert code == 0 and outputs["exit-code"] == "1"
    results = validate_sarif(sarif)["runs"][0]["results"]
    assert any(r["level"] == "error" for r in results)
    assert {Path(loc["physicalLocation"]["artifactLocation"]["uri"]).name for r in results for loc in r["locations"]} >= {defect.name}  # fmt: skip


def test_action_diff_on_a_spec_with_a_removed_endpoint(tmp_path: Path) -> None:
    old = corpus(SPEC)
    spec = yaml.safe_load(old.read_text())
    spec["paths"].pop("/pets/{id}")
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(spec))
    same_code, same, _ = run_action(tmp_path, command="diff", docs=f"{old} {old}")
    assert same_code == 0 and same["exit-code"] == "0"
    code, outputs, sarif = run_action(tmp_path, command="diff", docs=f"{old}\n{new}")
    assert code == 0 and outputs["exit-code"] == "1"
    assert validate_sarif(sarif)["runs"][0]["results"]


@pytest.mark.parametrize(
    "inputs",
    [
        {"command": "lint", "code": "x.py"},
        {"fail_on": "critical", "code": "x.py"},
        {"command": "diff", "docs": "only-one.yaml"},
        {},
        {"docs": "no-such-spec.yaml"},  # apiplan itself refuses it: no SARIF to upload
    ],
)
def test_action_refuses_bad_inputs_with_exit_2(tmp_path: Path, inputs: dict[str, str]) -> None:
    code, outputs, _ = run_action(tmp_path, **inputs)
    assert code == 2 and outputs == {}


def test_action_yml_runs_the_script_with_the_documented_inputs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"docs", "code", "goal", "fail-on"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    run_step = next(s for s in steps if s.get("id") == "run")
    assert "action/run.py" in run_step["run"]
    mapped = {k.removeprefix("APIPLAN_").lower().replace("_", "-") for k in run_step["env"]}
    assert mapped - {"sarif"} <= set(action["inputs"])
    readme = (ROOT / "README.md").read_text()
    assert "uses: OWNER/apiplan@" in readme and "fail-on: medium" in readme


# pre-commit


def hook(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A hook's entry as pre-commit runs it (its `args`, then the changed files)."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    entries = {h["id"]: h["entry"].split() for h in hooks}
    entry = entries[f"apiplan-{args[0]}"]
    assert entry[:3] == ["python", "-m", "apiplan.cli._hook"]
    return subprocess.run(
        [sys.executable, *entry[1:], *map(str, args[1:])],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_check_hook_passes_clean_code_and_fails_a_defect(tmp_path: Path) -> None:
    assert hook("check", corpus(CLEAN_CODE), cwd=tmp_path).returncode == 0
    spec = corpus("openapi/pagerduty-events-v2-oas30.json")
    failed = hook("check", "--docs", spec, corpus(DEFECT_CODE), cwd=tmp_path)
    assert failed.returncode == 1 and "missing-timeout" in failed.stdout
    assert hook("check", "--docs", spec, cwd=tmp_path).returncode == 0  # no changed files


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_hook_compares_the_staged_spec_with_head(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    spec = tmp_path / "openapi.yaml"
    shutil.copyfile(corpus(SPEC), spec)
    git("init", "-q")
    git("add", "openapi.yaml")
    git("commit", "-q", "-m", "spec")
    assert hook("diff", "openapi.yaml", cwd=tmp_path).returncode == 0
    data = yaml.safe_load(spec.read_text())
    data["paths"].pop("/pets/{id}")
    spec.write_text(yaml.safe_dump(data))
    broken = hook("diff", "openapi.yaml", cwd=tmp_path)
    assert broken.returncode == 1, broken.stderr
    (tmp_path / "new.yaml").write_text(spec.read_text())  # not committed yet: nothing to break
    assert hook("diff", "new.yaml", cwd=tmp_path).returncode == 0


def test_pre_commit_config_example_uses_the_defined_hooks() -> None:
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    readme = (ROOT / "README.md").read_text()
    example = readme.split("# .pre-commit-config.yaml", 1)[1].split("```", 1)[0]
    used = {h["id"] for repo in yaml.safe_load(example)["repos"] for h in repo["hooks"]}
    assert used == hooks == {"apiplan-check", "apiplan-diff"}
