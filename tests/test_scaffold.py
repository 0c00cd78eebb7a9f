"""`apiplan scaffold`: the generated client passes its own tests, ruff and the risk check, and a
planted defect in it makes its tests fail (the tests are real tests)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import apiplan
from apiplan._eval_cases import load_case
from apiplan.exceptions import UsageError
from apiplan.scaffold import MANIFEST, render_scaffold, write_scaffold
from apiplan.scaffold._build import build_model
from apiplan.scaffold._fields import body_models
from apiplan.schemas import Blueprint, Facts, FieldSpec, RiskCheck

from .conftest import CORPUS, EXAMPLES, ROOT
from .test_cli_facts import run

GENERATED_TESTS_TIMEOUT = 300
"""Seconds the generated tests get in a subprocess: all golden scaffolds take ~15 s; the bound
stops a hang."""
RUFF_ARGS = ("check", "--isolated", "--no-cache", "--select", "E,F,W,I,B,UP,SIM,RUF")
"""The repository's own rule set, applied to generated files outside the repository."""
RUFF_MORE = ("--ignore", "E501", "--target-version", "py310", ".")
PARCELBOX_GOAL = "create a shipment label for each paid order"
PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error")
"""Generated tests run with warnings as errors, like the repository's own."""
GOLDEN = ROOT / "evals" / "golden"
HARNESS = """\
# Written by apiplan's tests/test_scaffold.py: runs many scaffold folders in one pytest session.
# Each folder's client module has a name another folder may share (stripe_client), so it is
# imported afresh, from its own folder, when that folder's tests are collected.
import sys

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    if not isinstance(collector, pytest.Module):
        return (yield)
    folder = str(collector.path.parent)
    for name in [n for n in sys.modules if n.endswith("_client") and "." not in n]:
        del sys.modules[name]
    sys.path.insert(0, folder)
    try:
        return (yield)
    finally:
        sys.path.remove(folder)
"""
"""A conftest for the folder that holds every golden scaffold (test infrastructure only)."""
KINDS: dict[str, Callable[[Blueprint], bool]] = {
    "idempotency header": lambda bp: any(
        p.dedup is not None and p.dedup.location == "header" for p in bp.plan.retry_policies
    ),
    "body dedup field": lambda bp: any(
        p.dedup is not None and p.dedup.location == "body" for p in bp.plan.retry_policies
    ),
    "outcome inside a 2xx body": lambda bp: any(
        r.error_class == "error-in-body" for r in bp.deliverable.error_map
    ),
    "async completion polled": lambda bp: any(c.mechanism == "poll" for c in bp.plan.completions),
    "pagination": lambda bp: any(p.kind == "list" for p in bp.plan.paging),
    "prose documents": lambda bp: any(
        not d.endswith((".json", ".yaml", ".yml")) for d in bp.documents
    ),
}
"""Kinds of golden case the scaffold must cover (issue 19's bar), each as a blueprint test."""


def _resolve(ref: str, case: Path) -> Path:
    if ref.startswith("corpus:"):
        return CORPUS / ref.removeprefix("corpus:")
    path = Path(ref)
    return path if path.is_absolute() else ROOT / path


@dataclass
class GoldenScaffolds:
    """Every golden case whose blueprint selects a workflow, scaffolded (and async where that
    exercises something new)."""

    root: Path
    folders: dict[str, Path] = field(default_factory=dict)
    blueprints: dict[str, Blueprint] = field(default_factory=dict)
    no_workflow: list[str] = field(default_factory=list)
    runs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    async_features: set[str] = field(default_factory=set)
    async_cases: list[str] = field(default_factory=list)


def _features(bp: Blueprint) -> set[str]:
    """What an async scaffold of ``bp`` exercises: auth, body, dedup, outcome, poll, paging..."""
    found: set[str] = set()
    for s in build_model(bp).steps:
        found |= {
            f"auth {s.auth}",
            f"body {s.body_kind}",
            f"dedup {s.dedup.location if s.dedup else None}",
            f"outcome {s.body_outcome is not None}",
            f"nested {bool(s.nested)}",
            f"headers {bool(s.headers)}",
            f"credential field {s.credential_field is not None}",
            f"resend after send {s.policy.retry_after_send}",
            f"retry-after {s.policy.honour_retry_after}",
        }
        if s.poll:
            found.add(f"poll {s.poll.pending is not None}")
        if s.page:
            found.add(f"page {s.page.style} {s.page_by_caller}")
    return found


def _write(out: GoldenScaffolds, case: str, bp: Blueprint) -> None:
    """The sync scaffold always; the async one too when it exercises something new (each
    feature in both variants, without running near-identical async suites 86 times)."""
    name = case.replace("-", "_")
    write_scaffold(bp, out.root / "sync" / name)
    new = _features(bp) - out.async_features
    if new:
        write_scaffold(bp, out.root / "async" / name, aio=True)
        out.async_features |= new
        out.async_cases.append(case)
    out.folders[case] = out.root / "sync" / name
    out.blueprints[case] = bp


@pytest.fixture(scope="session")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GoldenScaffolds]:
    """Plans each golden case once (documents read once per set) and writes its scaffolds."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus {CORPUS} not present")
    out = GoldenScaffolds(tmp_path_factory.mktemp("golden-scaffolds"))
    facts: dict[tuple[str, ...], Facts] = {}
    # The repository's own example (an Idempotency-Key header) rides along with the golden cases.
    example = apiplan.plan([EXAMPLES / "parcelbox-openapi.yaml"], goal=PARCELBOX_GOAL)
    _write(out, "example-parcelbox", example)
    for path in sorted(GOLDEN.glob("*.yaml")):
        case = load_case(path)
        docs = [_resolve(d, path) for d in case.docs]
        if not all(d.exists() for d in docs):
            continue
        key = tuple(map(str, docs))
        try:
            if key not in facts:
                facts[key] = apiplan.load_facts(docs)
            bp = apiplan.plan(
                facts[key],
                goal=case.goal,
                context=case.context,
                code=[_resolve(c, path) for c in case.code],
                operations=case.operations,
            )
        except UsageError:  # a case that expects planning to fail (no operations)
            out.no_workflow.append(path.stem)
            continue
        if not (bp.scope.workflow and bp.scope.workflow.steps):
            out.no_workflow.append(path.stem)
            continue
        _write(out, path.stem, bp)
    (out.root / "conftest.py").write_text(HARNESS, encoding="utf-8")
    # The generated tests and the risk check run side by side while other tests go on.
    logs = out.root.parent
    files = sorted(map(str, out.root.glob("*/*/*.py")))
    out.runs["pytest"] = _start(
        [*PYTEST, str(out.root), "--import-mode=importlib", "--rootdir", str(out.root)],
        out.root,
        logs / "pytest.out",
    )
    codes = [arg for f in files for arg in ("--code", f)]
    out.runs["check"] = _start(
        [sys.executable, "-m", "apiplan", "check", *codes, "-f", "json", "--fail-on", "low"],
        out.root,
        logs / "check.json",
    )
    try:
        yield out
    finally:
        for proc in out.runs.values():
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def _start(args: list[str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink, log.with_suffix(".err").open("wb") as errors:
        return subprocess.Popen(args, cwd=cwd, stdout=sink, stderr=errors)


def _finish(golden: GoldenScaffolds, run: str, log: str) -> tuple[int, str]:
    """The exit code and output of a run the fixture started."""
    code = golden.runs[run].wait(timeout=GENERATED_TESTS_TIMEOUT)
    out = golden.root.parent / log
    errors = out.with_suffix(".err").read_text(encoding="utf-8")
    return code, out.read_text(encoding="utf-8") + ("\n" + errors if code not in (0, 1) else "")


def _pytest(folder: Path, *more: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTEST, str(folder), *more],
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


@pytest.fixture(scope="module")
def parcelbox() -> Blueprint:
    return apiplan.plan([EXAMPLES / "parcelbox-openapi.yaml"], goal=PARCELBOX_GOAL)


def test_every_golden_workflow_is_scaffolded_and_every_kind_is_covered(
    golden: GoldenScaffolds,
) -> None:
    cases = sorted(GOLDEN.glob("*.yaml"))
    # every case is scaffolded or selects no workflow (a case may only lack its corpus file)
    assert len(golden.folders) - 1 + len(golden.no_workflow) >= len(cases) - 5
    assert len(golden.folders) >= 60
    for kind, holds in KINDS.items():
        assert any(holds(bp) for bp in golden.blueprints.values()), kind
    polled = [c for c, f in golden.folders.items() if "def wait_" in _client_text(f)]
    paged = [c for c, f in golden.folders.items() if "def iter_" in _client_text(f)]
    assert polled, "no golden scaffold polls for an asynchronous outcome"
    assert paged, "no golden scaffold pages through a listing"


def _client_text(folder: Path) -> str:
    client = next(p for p in folder.glob("*_client.py") if not p.name.startswith("test_"))
    return client.read_text(encoding="utf-8")


def test_every_golden_scaffold_passes_its_own_tests(golden: GoldenScaffolds) -> None:
    """One pytest session over every folder, sync and async (the harness conftest keeps each
    folder's client apart)."""
    code, output = _finish(golden, "pytest", "pytest.out")
    assert code == 0, output[-6000:]
    passed = re.search(r"(\d+) passed", output)
    assert passed is not None
    assert int(passed.group(1)) >= 10 * (len(golden.folders) + len(golden.async_cases))


def test_every_golden_scaffold_passes_ruff(golden: GoldenScaffolds) -> None:
    lint = _ruff(golden.root)
    assert lint.returncode == 0, lint.stdout[-4000:]


def test_every_golden_scaffold_passes_the_risk_check(golden: GoldenScaffolds) -> None:
    """`apiplan check --code` over every generated file: nothing at medium or above."""
    code, output = _finish(golden, "check", "check.json")
    risk = RiskCheck.model_validate_json(output)
    assert "missing-timeout" in risk.rules_run
    checked = {loc.rsplit(":", 1)[0] for loc in (f.location for f in risk.findings)}
    assert checked <= {str(p) for p in golden.root.glob("*/*/*.py")}
    serious = [
        f"{f.location}: {f.severity} {f.message}" for f in risk.findings if f.severity != "low"
    ]
    assert serious == []
    assert code == (1 if risk.findings else 0)


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


INVENTED_REPORTS = """\
# Invented for apiplan's tests (no real API): a report job answers 202 and is polled until ready.
openapi: 3.0.3
info: {title: Invented Reports API, version: "1"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  schemas:
    Report:
      type: object
      required: [id, status]
      properties:
        id: {type: string}
        status: {type: string, enum: [queued, running, done, failed]}
security: [{bearer: []}]
paths:
  /reports:
    post:
      operationId: createReport
      summary: Start generating a report
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [kind, title, filters]
              properties:
                kind: {type: string, enum: [sales, stock]}
                title: {type: string, minLength: 3, maxLength: 40, pattern: '^[A-Za-z ]+$'}
                filters:
                  type: array
                  items:
                    type: object
                    required: [column]
                    properties:
                      column: {type: string, maxLength: 12}
                      values: {type: array, items: {type: string}}
      responses:
        '202':
          description: Accepted; the report is generated in the background.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Report'}
        '429': {description: Too many requests}
  /reports/{report_id}:
    get:
      operationId: getReport
      summary: Get a report and its status
      parameters:
        - {name: report_id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The report
          headers:
            Retry-After: {description: Seconds until the report is worth asking for again, schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Report'}
        '404': {description: No such report}
"""
REPORTS_GOAL = "generate a sales report and wait until it is ready"
LISTING_GOAL = "list all shipments"
PLANTED: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "timeout removed": ("create", [("                    timeout=timeout,\n", "")]),
    "retry loop uncapped": (
        "create",
        [
            ("        while attempt < policy.max_attempts:\n", "        while True:\n"),
            ("if not retry or attempt >= policy.max_attempts:", "if not retry:"),
        ],
    ),
    "key regenerated per attempt": (
        "create",
        [
            (
                "            attempt += 1\n",
                "            attempt += 1\n"
                "            if dedup is not None and dedup[0] == 'header':\n"
                "                request_headers[dedup[1]] = __import__('uuid').uuid4().hex\n",
            )
        ],
    ),
    "poll bound removed": (
        "poll",
        [
            (
                "        while polls < policy.max_polls and self._monotonic() + wait <= deadline:\n",
                "        while True:\n",
            )
        ],
    ),
    "page cap removed": (
        "list",
        [("        for _ in range(max_pages):\n", "        while True:\n")],
    ),
}
"""Defect -> the scaffold it is planted in, and the edits to its client module."""


@pytest.fixture(scope="module")
def blueprints(
    parcelbox: Blueprint, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Blueprint]:
    spec = tmp_path_factory.mktemp("invented") / "reports-openapi.yaml"
    spec.write_text(INVENTED_REPORTS, encoding="utf-8")
    return {
        "create": parcelbox,
        "poll": apiplan.plan([spec], goal=REPORTS_GOAL),
        "list": apiplan.plan([EXAMPLES / "parcelbox-openapi.yaml"], goal=LISTING_GOAL),
    }


def test_planted_defects_fail_the_generated_tests(
    blueprints: dict[str, Blueprint], tmp_path: Path
) -> None:
    """Each defect, in the sync and the async client, makes its generated tests fail; the same
    scaffolds unchanged pass (one pytest session over all of them)."""
    folders: dict[str, Path] = {}
    for aio in (False, True):
        for kind, bp in blueprints.items():
            name = f"{'async' if aio else 'sync'}_control_{kind}"
            write_scaffold(bp, tmp_path / name, aio=aio)
            folders[name] = tmp_path / name
        for defect, (kind, edits) in PLANTED.items():
            name = f"{'async' if aio else 'sync'}_{defect.replace(' ', '_')}"
            folder = tmp_path / name
            write_scaffold(blueprints[kind], folder, aio=aio)
            client = next(p for p in folder.glob("*_client.py") if not p.name.startswith("test_"))
            text = client.read_text(encoding="utf-8")
            for old, new in edits:
                old, new = (old, new) if not aio else (old.replace("= self.", "= await self."), new)
                assert text.count(old) == 1, (name, old)
                text = text.replace(old, new)
            client.write_text(text, encoding="utf-8")
            folders[name] = folder
    (tmp_path / "conftest.py").write_text(HARNESS, encoding="utf-8")
    result = _pytest(tmp_path, "--import-mode=importlib", "--rootdir", str(tmp_path), "-rf")
    failed = {
        line.split()[1].split("/")[0]
        for line in result.stdout.splitlines()
        if line.startswith("FAILED ")
    }
    assert failed == {n for n in folders if "_control_" not in n}, result.stdout[-4000:]


def test_polling_and_paging_are_generated_from_the_blueprint(
    blueprints: dict[str, Blueprint],
) -> None:
    poll = render_scaffold(blueprints["poll"])
    client = poll["invented_reports_client.py"]
    completion = blueprints["poll"].plan.completions[0]
    assert f"max_wait={completion.max_wait_seconds}," in client
    assert f"first_wait={completion.first_wait_seconds}," in client
    assert f"interval_cap={completion.interval_cap_seconds}," in client
    assert "def wait_get_reports_report_id(" in client
    assert "honour_retry_after=True," in client  # documented on the polled answer
    assert 'not in ["queued", "running"]' in client  # the documented pending values
    # nested request model with its constraints
    assert "filters: list[PostReportsFiltersItem] = Field(" in client
    assert "class PostReportsFiltersItem(BaseModel):" in client
    # the item's required member, with its limit; optional members the contract leaves out
    # are still accepted (the blueprint says it left documented fields out)
    assert 'column: str = Field(alias="column", max_length=12)' in client
    assert "values:" not in client
    assert 'model_config = ConfigDict(extra="allow", populate_by_name=True)' in client
    assert 'kind: Literal["sales", "stock"] = Field(alias="kind")' in client
    assert 'max_length=40, min_length=3, pattern="^[A-Za-z ]+$")' in client
    listing = render_scaffold(blueprints["list"])["parcelbox_shipping_client.py"]
    assert "def iter_get_shipments(" in listing
    assert "position = page.next_cursor" in listing


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
    aio = run("scaffold", "--blueprint", saved, "-o", tmp_path / "aio", "--async")
    assert aio.returncode == 0, aio.stderr
    client = (tmp_path / "aio" / "parcelbox_shipping_client.py").read_text(encoding="utf-8")
    assert "async def post_shipments(" in client
    assert "httpx.AsyncClient(" in client
    again = run("scaffold", "--blueprint", saved, "-o", tmp_path)
    assert again.returncode == 2
    assert "not empty" in again.stderr
    missing = run("scaffold", "-o", tmp_path / "other")
    assert missing.returncode == 2


CHAT = (sys.executable, "-m", "apiplan", "chat")


def test_chat_scaffold_writes_and_asks_before_replacing_edits(
    parcelbox: Blueprint, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n", encoding="utf-8")
    edited = tmp_path / "edited"
    write_scaffold(parcelbox, edited)
    (edited / "README.md").write_text("my notes\n", encoding="utf-8")
    fresh = tmp_path / "fresh"
    script = "\n".join(
        [
            f"/scaffold {fresh}",
            f"/scaffold {mine}",
            f"/scaffold {edited}",
            "n",
            f"/scaffold --async {edited}",
            "y",
            "/scaffold",
            "quit",
        ]
    )
    result = subprocess.run(
        [*CHAT, str(EXAMPLES / "parcelbox-openapi.yaml"), "--goal", PARCELBOX_GOAL],
        input=script + "\n",
        capture_output=True,
        text=True,
        timeout=GENERATED_TESTS_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert (fresh / "parcelbox_shipping_client.py").is_file()
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]  # never written among yours
    assert "holds no scaffold apiplan wrote" in result.stdout
    assert "README.md was edited since apiplan wrote it. Replace it?" in result.stdout
    assert f"left {edited} as it was" in result.stdout
    # answered yes the second time: replaced, and now the async client
    assert (edited / "README.md").read_text(encoding="utf-8").startswith("# Parcelbox")
    client = (edited / "parcelbox_shipping_client.py").read_text(encoding="utf-8")
    assert "httpx.AsyncClient(" in client
    assert "scaffold needs one folder" in result.stdout


def _spec(name: str, type_: str | None, *, required: bool = False, text: str = "") -> FieldSpec:
    return FieldSpec(
        text=text or f"{name}: {type_}",
        name=name,
        location="body",
        type=type_,
        required=required,
        assumption="invented for this test",
    )


def test_nested_request_models_are_bounded_and_keep_constraints() -> None:
    specs = [
        _spec("order", "object", required=True),
        _spec("order.lines", "array<object>", required=True),
        _spec("order.lines[].sku", "string", required=True),
        _spec("order.lines[].gift", "object"),
        _spec("order.lines[].gift.note", "string"),
        _spec("mode", "string", required=True, text="mode: string, one of fast, slow"),
    ]
    limits = {"order.lines[].sku": "maxLength 8, pattern ^[A-Z]+$"}
    top, nested = body_models(specs, "PostOrders", limits, nested=True)
    names = [n.class_name for n in nested]
    assert names == ["PostOrdersOrderLinesItem", "PostOrdersOrder"]  # innermost first
    line = nested[0].fields
    assert [f.annotation for f in line] == ["str", "dict[str, Any]"]  # the gift is past the bound
    assert line[0].args == 'max_length=8, pattern="^[A-Z]+$"'
    assert line[0].sample == "EXAMPLE"  # the first fixture text the pattern and length allow
    assert [f.annotation for f in top] == ["PostOrdersOrder", 'Literal["fast", "slow"]']
    assert top[0].sample == {"lines": [{"sku": line[0].sample}]}
    assert top[1].sample == "fast"
    flat, none = body_models(specs, "PostOrders", limits, nested=False)
    assert none == []
    assert [f.annotation for f in flat] == ["dict[str, Any]", 'Literal["fast", "slow"]']  # flat
