"""The golden set against a real model behind any OpenAI-compatible URL (decisions mode).

Per case it prints: decisions accepted from the model vs kept from the offline planner, invented
items, the eval score against the offline planner's, LLM calls, prompt and completion tokens
(as the server counted them: its usage field, or its tokenizer for the prompt and the streamed
chunks for the answer), the largest single prompt, and wall time. Where the model is too small to
help, the figures say so.

    python benchmarks/llm_live.py --model llamacpp-python:qwen --base-url http://127.0.0.1:8000/v1 \\
        [--record] [CASE.yaml ...]

`--record` writes each case's HTTP exchange as evals/cassettes/<case>.<model>.yaml (keys
filtered), which `apiplan eval --model ...` and tests/test_llm_cassettes.py replay.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from apiplan._eval import case_input
from apiplan._eval_cases import find_cases, load_case
from apiplan._eval_cassettes import cassette_recorder
from apiplan._eval_score import score_case
from apiplan.exceptions import ApiplanError
from apiplan.phases import run_phases
from apiplan.planner import PlanInput
from apiplan.providers import OfflineProvider, resolve_provider
from apiplan.schemas import Blueprint

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CASSETTES = ROOT / "evals" / "cassettes"
DEFAULT_CASES = [
    "petstore-list",
    "stripe-charge",
    "slack-post-message",
    "pagerduty-enqueue",
    "twilio-sms",
    "wf-petstore-list-and-add",
]


def _input(path: Path) -> tuple[PlanInput, list[Path]]:
    return case_input(path, corpus=CORPUS)


def _run(
    path: Path, model: str, base_url: str, record: bool, deadline: float, window: int
) -> dict[str, object]:
    case = load_case(path)
    inp, docs = _input(path)
    offline_bp = run_phases(inp, OfflineProvider())
    offline = score_case(path.stem, case, offline_bp, None, 0.0, docs=docs)
    inp, docs = _input(path)  # fresh notes: nothing of the offline run leaks into the LLM's
    provider = resolve_provider(
        model,
        base_url=base_url,
        fallback="offline",
        bounds={"phase_deadline": deadline, "read_timeout": deadline, "context_window": window},
    )
    start = time.perf_counter()
    bp: Blueprint | None = None
    error = None
    try:
        if record:
            import vcr

            CASSETTES.mkdir(parents=True, exist_ok=True)
            cassette = CASSETTES / f"{path.stem}.{model.replace(':', '_')}.yaml"
            cassette.unlink(missing_ok=True)
            recorder = cassette_recorder(vcr.VCR, record=True)
            with recorder.use_cassette(str(cassette)):
                bp = run_phases(inp, provider)
        else:
            bp = run_phases(inp, provider)
    except ApiplanError as exc:
        error = str(exc)
    seconds = time.perf_counter() - start
    live = score_case(path.stem, case, bp, error, seconds, docs=docs)
    decisions = [d for r in (bp.runs if bp else []) for d in r.decisions]
    info = getattr(provider, "run_info", {})
    return {
        "case": path.stem,
        "model": sum(d.source == "model" for d in decisions),
        "offline": sum(d.source == "offline" for d in decisions),
        "invented": live.invented,
        "score": live.score,
        "offline_score": offline.score,
        "calls": sum(i.calls for i in info.values()),
        "prompt": sum(i.prompt_tokens or 0 for i in info.values()),
        "completion": sum(i.completion_tokens or 0 for i in info.values()),
        "largest": max((i.largest_prompt for i in info.values()), default=0),
        "seconds": seconds,
        "error": error,
        "reasons": sorted({d.reason or "" for d in decisions if d.source == "offline"}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", type=Path)
    parser.add_argument("--model", required=True, help="PROVIDER:MODEL, e.g. llamacpp-python:qwen")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--record", action="store_true", help="write evals/cassettes/")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds per phase")
    parser.add_argument("--context-window", type=int, default=8192, help="the server's n_ctx")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print why decisions fell back"
    )
    args = parser.parse_args()
    paths = (
        find_cases(args.cases)
        if args.cases
        else [ROOT / "evals" / "golden" / f"{n}.yaml" for n in DEFAULT_CASES]
    )
    head = (
        f"{'case':32} {'model':>5} {'offl':>4} {'inv':>3} {'score':>5} {'offl.':>5} "
        f"{'calls':>5} {'prompt':>6} {'compl':>5} {'max':>5} {'s':>6}"
    )
    print(head)
    rows = []
    for path in paths:
        r = _run(path, args.model, args.base_url, args.record, args.deadline, args.context_window)
        rows.append(r)
        print(
            f"{r['case']:32} {r['model']:>5} {r['offline']:>4} {r['invented']:>3} "
            f"{r['score']:>5.3f} {r['offline_score']:>5.3f} {r['calls']:>5} {r['prompt']:>6} "
            f"{r['completion']:>5} {r['largest']:>5} {r['seconds']:>6.1f}",
            flush=True,
        )
        if r["error"]:
            print(f"  error: {r['error']}")
        if args.verbose:
            for reason in r["reasons"]:  # type: ignore[attr-defined]
                print(f"  offline because: {reason}")
    n = len(rows)
    taken = sum(int(r["model"]) for r in rows)  # type: ignore[call-overload]
    kept = sum(int(r["offline"]) for r in rows)  # type: ignore[call-overload]
    print(
        f"total: {taken} decisions from the model, {kept} offline; "
        f"{sum(1 for r in rows if r['model'])} of {n} cases with at least one accepted; "
        f"invented {sum(int(r['invented']) for r in rows)}; "  # type: ignore[call-overload]
        f"cases below offline {sum(1 for r in rows if r['score'] < r['offline_score'])}"  # type: ignore[operator]
    )


if __name__ == "__main__":
    main()
