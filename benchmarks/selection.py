"""Operation selection against the golden workflow expectations: precision, recall and order.

Every golden case with a `workflow` expectation (evals/golden/*.yaml) is run through selection
alone (the facts of each document set are loaded once, outside the timing). Prints one row per
case and the totals, then the selection time on the largest corpus spec.

    python benchmarks/selection.py [-v] [--legacy FILE.py] [CASE.yaml ...]

`--legacy FILE.py` scores another implementation instead: any module with
`select_operations(facts, goal)` (for example an older `planner/_select.py` saved to a file).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from apiplan import Facts, load_facts
from apiplan._eval_cases import find_cases, load_case, resolve
from apiplan._eval_score import WorkflowScore
from apiplan.exceptions import ApiplanError
from apiplan.planner import select_operations

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
"""The corpus beside this checkout, which the golden cases' corpus: references name."""
TARGETS = {"recall": 0.95, "precision": 0.90, "order": 0.90}
"""The bar of issue 13 on the development set."""
TIME_BUDGET_SECONDS = 0.2
"""Selection on the largest corpus spec, facts already loaded."""
TIMING_GOAL = "charge a customer's card for an order and refund it if the order is cancelled"

Select = Callable[[Facts, str], list[str]]


def _ours(facts: Facts, goal: str) -> list[str]:
    return [c.key for c in select_operations(facts, goal)]


def _legacy(path: Path) -> Select:
    spec = importlib.util.spec_from_file_location("legacy_select", path)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    module.__package__ = "apiplan.planner"
    sys.modules["legacy_select"] = module
    spec.loader.exec_module(module)
    return lambda facts, goal: [c.key for c in module.select_operations(facts, goal)]


def _fmt(v: float | None) -> str:
    return "" if v is None else f"{v:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="print each case's problems")
    ap.add_argument("--legacy", type=Path, help="score select_operations of this module instead")
    args = ap.parse_args()
    select = _legacy(args.legacy) if args.legacy else _ours
    paths = find_cases(args.cases or [Path(__file__).resolve().parents[1] / "evals" / "golden"])
    facts_by_docs: dict[tuple[str, ...], Facts] = {}
    rows = []
    totals = {"p": 0.0, "r": 0.0, "n": 0, "ordered": 0, "order_ok": 0, "exact": 0, "errors": 0}
    docs_used: set[str] = set()
    print(f"{'case':44} {'P':>5} {'R':>5} {'order':>5} {'exact':>5} {'ms':>7}  selected")
    for path in paths:
        case = load_case(path)
        if case.expect.workflow is None or case.operations:
            continue
        docs = tuple(case.docs)
        if docs not in facts_by_docs:
            facts_by_docs[docs] = load_facts([resolve(d, case=path, corpus=CORPUS) for d in docs])
        docs_used.update(docs)
        start = time.perf_counter()
        try:
            selected = select(facts_by_docs[docs], case.goal)
            error = None
        except ApiplanError as exc:
            selected, error = [], str(exc)
        ms = (time.perf_counter() - start) * 1000
        score = WorkflowScore(case.expect.workflow, selected)
        totals["p"] += score.precision
        totals["r"] += score.recall
        totals["n"] += 1
        totals["errors"] += error is not None
        if score.order is not None:
            totals["ordered"] += 1
            totals["order_ok"] += score.order == 1.0
        totals["exact"] += score.exact
        shown = ", ".join(selected) if selected else f"ERROR {error}"
        print(
            f"{path.stem:44} {score.precision:5.2f} {score.recall:5.2f} {_fmt(score.order):>5} "
            f"{'yes' if score.exact else 'no':>5} {ms:7.1f}  {shown}"
        )
        if args.verbose and score.problems:
            for p in score.problems:
                print(f"{'':46}- {p}")
        rows.append(score)
    n = max(1, totals["n"])
    precision, recall = totals["p"] / n, totals["r"] / n
    order = totals["order_ok"] / totals["ordered"] if totals["ordered"] else None
    print()
    print(
        f"TOTAL {totals['n']} cases over {len(docs_used)} documents: precision {precision:.3f} "
        f"(target {TARGETS['precision']:.2f}), recall {recall:.3f} (target {TARGETS['recall']:.2f}), "
        f"order right in {totals['order_ok']}/{totals['ordered']} multi-step cases "
        f"= {_fmt(order)} (target {TARGETS['order']:.2f}), exact workflows {totals['exact']}/{totals['n']}, "
        f"errors (exit 2) {totals['errors']}"
    )
    _timing(select)
    return 0


def _timing(select: Select) -> None:
    """Selection time on the largest corpus spec, after its facts are loaded."""
    specs = sorted((CORPUS / "openapi").glob("*"), key=lambda p: p.stat().st_size)
    if not specs:
        return
    largest = specs[-1]
    facts = load_facts([largest])
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        select(facts, TIMING_GOAL)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    verdict = "within" if best <= TIME_BUDGET_SECONDS else "OVER"
    print(
        f"selection on {largest.name} ({len(facts.operations)} operations): {best * 1000:.0f} ms "
        f"(best of 3; {verdict} the {TIME_BUDGET_SECONDS * 1000:.0f} ms budget)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
