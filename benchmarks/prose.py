"""Endpoint recall and precision of prose ingestion, per page and in total.

Reads every page of ``../shared/corpus/prose/`` in place and compares the operations apiplan
extracts with ``../shared/corpus/truth/endpoints.json`` (what a careful reader found on each page).
Paths are compared with parameter names blanked (``/a/{id}`` == ``/a/{}``) and a trailing slash
ignored: the truth names parameters by reading, the extractor by the page's notation.

    python benchmarks/prose.py            # table + totals
    python benchmarks/prose.py -v         # also list misses and extras per page
    python benchmarks/prose.py --time     # also time a 200 KB and a 5 MB synthetic page
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "agent"))

from apiplan import load_facts  # noqa: E402
from apiplan.sources._endpoints import match_key as endpoint_match_key  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def score(page: Path, truth: list[str]) -> tuple[set[str], set[str], set[str], float]:
    t0 = time.perf_counter()
    facts = load_facts([page])
    took = time.perf_counter() - t0
    got = {endpoint_match_key(o.method, o.path) for o in facts.operations}
    want = {endpoint_match_key(*t.split(" ", 1)) for t in truth}
    return want & got, want - got, got - want, took


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--pages", type=Path, default=CORPUS / "prose", help="folder of pages")
    ap.add_argument(
        "--truth",
        type=Path,
        default=CORPUS / "truth" / "endpoints.json",
        help="JSON: {'<folder name>/<page>': ['METHOD /path', ...]}",
    )
    args = ap.parse_args()
    truth = json.loads(args.truth.read_text())
    tot_hit = tot_want = tot_extra = 0
    print(f"{'page':44} {'want':>5} {'hit':>5} {'extra':>5} {'recall':>7} {'sec':>6}")
    for page in sorted(args.pages.iterdir()):
        key = f"{args.pages.name}/{page.name}"
        want = truth.get(key, [])
        try:
            hit, miss, extra, took = score(page, want)
        except Exception as exc:  # a benchmark reports, it does not stop
            print(f"{page.name:44} ERROR {type(exc).__name__}: {exc}")
            tot_want += len(want)
            continue
        tot_hit += len(hit)
        tot_want += len(want)
        tot_extra += len(extra)
        recall = len(hit) / len(want) if want else 1.0
        print(f"{page.name:44} {len(want):5} {len(hit):5} {len(extra):5} {recall:7.0%} {took:6.2f}")
        if args.verbose:
            for m in sorted(miss):
                print(f"    miss  {m}")
            for e in sorted(extra):
                print(f"    extra {e}")
    print(
        f"TOTAL recall {tot_hit}/{tot_want} = {tot_hit / max(tot_want, 1):.1%}, "
        f"extra (not in truth) {tot_extra}, precision "
        f"{tot_hit / max(tot_hit + tot_extra, 1):.1%}"
    )
    if args.time:
        import tempfile

        unit = (CORPUS / "prose" / "miniflux-api-reference.md").read_text()
        with tempfile.TemporaryDirectory() as tmp:
            for size in (200_000, 5_000_000):
                p = Path(tmp) / f"big-{size}.md"
                p.write_text((unit * (size // len(unit) + 1))[:size])
                t0 = time.perf_counter()
                load_facts([p], max_bytes=10 * size)
                print(f"{size / 1e6:.1f} MB page: {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
