"""`apiplan scaffold`: the generated client passes its own tests, ruff and the risk check, and a
planted defect in it makes its tests fail (the tests are real tests)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import apiplan
from apiplan.exceptions import UsageError
from apiplan.scaffold import MANIFEST, render_scaffold, write_scaffold
from apiplan.schemas import Blueprint
from apiplan.validators import check

from .conftest import EXAMPLES, corpus
from .test_cli_facts import run

GENERATED_TESTS_TIMEOUT = 180
"""Seconds the generated tests get in a subprocess: they take ~1 s; the bound stops a hang."""
RUFF_ARGS = ("check", "--isolated", "--no-cache", "--select", "E,F,W,I,B,UP,SIM,RUF")
"""The repository's own rule set, applied to generated files outside the repository."""
RUFF_MORE = ("--ignore", "E501", "--target-version", "py310", ".")
PARCELBOX_GOAL = "create a shipment label for each paid order"
CASES: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    # idempotency header (Idempotency-Key), documented 409 on reuse
    "parcelbox": (("examples/parcelbox-openapi.yaml",), PARCELBOX_GOAL, ()),
    # body dedup field (dedup_key), credential in the body (routing_key), 202
    "pagerduty": (
        ("openapi/pagerduty-events-v2-oas30.json",),
        "trigger an alert when the nightly job fails",
        ("POST:/enqueue",),
    ),
    # no idempotency key in this spec: POST is never resent once sent; form-encoded body
    "stripe-charge": (("openapi/stripe-spec3-2021-06.json",), "create a charge", ()),
    # a listing (cursor paging): GET is retried after a lost answer
    "stripe-list": (
        ("openapi/stripe-spec3-2021-06.json",),
        "list all charges of last month",
        ("GET:/v1/charges",),
    ),
    # errors inside a 200 body (ok: false)
    "slack": (
        ("openapi/slack-web-api-swagger2.json",),
        "post a message to a channel when a deploy finishes",
        (),
    ),
    # async 202 and its status call: a two-step workflow fed by the first step's id
    "box-async": (
        ("openapi/box-platform-v2025.0-oas30.json",),
        "generate contracts from our Doc Gen template and wait until the documents are ready",
        (),
    ),
    # only 201 documented, a path parameter
    "twilio": (("openapi/twilio-api-v2010.json",), "send an SMS to a customer", ()),
    # prose pages; path parameters (one of them a credential)
    "discord-prose": (
        (
            "prose/discord-webhook-resource.mdx",
            "prose/discord-rate-limits.mdx",
            "prose/discord-api-reference.mdx",
        ),
        "execute a webhook",
        (),
    ),
}


def _docs(case: str) -> list[Path]:
    paths, _, _ = CASES[case]
    return [
        EXAMPLES / p.removeprefix("examples/") if p.startswith("examples/") else corpus(p)
        for p in paths
    ]


def _blueprint(case: str) -> Blueprint:
    _, goal, pins = CASES[case]
    return apiplan.plan(_docs(case), goal=goal, operations=list(pins))


def _pytest(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=GENERATED_TESTS_TIMEOUT,
        cwd=folder,
    )


def _ruff(folder: Path) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).with_name("ruff")
    ruff = str(beside) if beside.is_file() else shutil.which("ruff") or "ruff"
    return subprocess.run(
        [ruff, *RUFF_ARGS, *RUFF_MORE],
        capture_output=True,
        text=True,
        timeout=GENERATED_TESTS_TIMEOUT,
        cwd=folder,
    )


def _code_findings(folder: Path) -> list[str]:
    files = sorted(folder.glob("*.py"))
    risk = check(apiplan.load_facts([], code=files), docs=False)
    return [f"{f.location}: {f.severity} {f.message}" for f in risk.findings if f.severity != "low"]


@pytest.fixture(scope="module")
def parcelbox() -> Blueprint:
    return _blueprint("parcelbox")


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_scaffold_passes_its_tests_ruff_and_the_risk_check(
    case: str, tmp_path: Path
) -> None:
    folder = tmp_path / "client"
    written = write_scaffold(_blueprint(case), folder)
    assert {p.name for p in written} >= {"README.md"}
    assert len([p for p in written if p.suffix == ".py"]) == 2
    result = _pytest(folder)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    lint = _ruff(folder)
    assert lint.returncode == 0, lint.stdout[-3000:]
    assert _code_findings(folder) == []


def test_the_core_guarantee_comes_first(parcelbox: Blueprint) -> None:
    files = render_scaffold(parcelbox)
    tests = files["test_parcelbox_shipping_client.py"]
    first = tests.index("\ndef test_")
    assert tests[first:].startswith("\ndef test_post_shipments_retry_reuses_the_callers_dedup")
    client = files["parcelbox_shipping_client.py"]
    # the blueprint's numbers, exactly
    policy = parcelbox.plan.retry_policies[0]
    assert f"max_attempts={policy.max_attempts}," in client
    assert f"retry_after_ceiling={policy.retry_after_ceiling_seconds}," in client
    assert f"total_deadline={policy.timeouts.total_deadline_seconds}," in client
    assert "idempotency_key: str," in client  # passed in by the caller, never made per attempt
    assert "class ParcelboxShippingConflictError(" in client


PLANTED: dict[str, list[tuple[str, str]]] = {
    "timeout removed": [("                    timeout=timeout,\n", "")],
    "retry loop uncapped": [
        ("        while attempt < policy.max_attempts:\n", "        while True:\n"),
        ("if not retry or attempt >= policy.max_attempts:", "if not retry:"),
    ],
    "key regenerated per attempt": [
        (
            "            attempt += 1\n",
            "            attempt += 1\n"
            "            if dedup is not None and dedup[0] == 'header':\n"
            "                request_headers[dedup[1]] = __import__('uuid').uuid4().hex\n",
        )
    ],
}


@pytest.mark.parametrize("defect", sorted(PLANTED))
def test_a_planted_defect_fails_the_generated_tests(
    defect: str, parcelbox: Blueprint, tmp_path: Path
) -> None:
    folder = tmp_path / "client"
    write_scaffold(parcelbox, folder)
    client = folder / "parcelbox_shipping_client.py"
    text = client.read_text(encoding="utf-8")
    for old, new in PLANTED[defect]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    client.write_text(text, encoding="utf-8")
    result = _pytest(folder)
    assert result.returncode == 1, result.stdout[-2000:]
    assert " failed" in result.stdout


def test_refuses_a_folder_with_user_files(parcelbox: Blueprint, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        write_scaffold(parcelbox, tmp_path)
    with pytest.raises(UsageError, match="not empty"):
        write_scaffold(parcelbox, tmp_path, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_rewrites_its_own_files_and_keeps_edits_unless_forced(
    parcelbox: Blueprint, tmp_path: Path
) -> None:
    folder = tmp_path / "client"
    write_scaffold(parcelbox, folder)
    write_scaffold(parcelbox, folder)  # unchanged: replaced without --force
    readme = folder / "README.md"
    readme.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(UsageError, match="edited"):
        write_scaffold(parcelbox, folder)
    assert readme.read_text(encoding="utf-8") == "my notes\n"
    write_scaffold(parcelbox, folder, force=True)
    assert readme.read_text(encoding="utf-8").startswith("# Parcelbox Shipping API")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generator"].startswith("apiplan ")
    assert sorted(manifest["files"]) == sorted(
        p.name for p in folder.iterdir() if p.name != MANIFEST
    )


def test_without_its_manifest_the_folder_is_the_users(parcelbox: Blueprint, tmp_path: Path) -> None:
    folder = tmp_path / "client"
    write_scaffold(parcelbox, folder)
    (folder / MANIFEST).unlink()  # the files may since have become the user's own
    with pytest.raises(UsageError, match="not empty"):
        write_scaffold(parcelbox, folder, force=True)


def test_cli_scaffold_from_a_saved_blueprint(tmp_path: Path) -> None:
    saved = tmp_path / "bp.json"
    made = run("plan", EXAMPLES / "parcelbox-openapi.yaml", "--goal", PARCELBOX_GOAL)
    assert made.returncode == 0, made.stderr
    plan_json = run(
        "plan", EXAMPLES / "parcelbox-openapi.yaml", "--goal", PARCELBOX_GOAL, "-f", "json"
    )
    saved.write_text(plan_json.stdout, encoding="utf-8")
    result = run("scaffold", "--blueprint", saved, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "parcelbox_shipping_client.py").is_file()
    again = run("scaffold", "--blueprint", saved, "-o", tmp_path)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    missing = run("scaffold", "-o", tmp_path / "other")
    assert missing.returncode == 2
