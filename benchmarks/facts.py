"""Ingestion speed on every corpus spec, against openapi-spec-validator, measured in one run.

Prints per spec: raw parse time (json / libyaml), apiplan facts time (parse + refs + facts +
lines, as `apiplan facts` does), openapi-spec-validator's validate time, and the ratios.
Targets (issue 2), on the three largest specs: facts <= 0.5x validator and
facts <= parse + 0.4 s.

    python benchmarks/facts.py [--repeat N] [--no-validator]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import time
from pathlib import Path

import yaml

from apiplan import load_facts
from apiplan.render import to_json

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "openapi"


def best_of(repeat: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def raw_parse(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=yaml.CSafeLoader)


def facts_json(path: Path) -> str:
    """What `apiplan facts` does: read, extract, serialise."""
    return to_json(load_facts([path]))


def validate(path: Path) -> None:
    from openapi_spec_validator import validate as osv_validate

    # An invalid spec still costs the validator its time; the verdict does not matter here.
    with contextlib.suppress(Exception):
        osv_validate(raw_parse(path))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-validator", action="store_true")
    args = parser.parse_args()
    specs = sorted(CORPUS.iterdir(), key=lambda p: p.stat().st_size, reverse=True)
    print(
        f"{'spec':42} {'MB':>5} {'parse s':>8} {'facts s':>8} {'valid. s':>8} "
        f"{'facts/val':>9} {'facts-parse':>11}"
    )
    largest = []
    for path in specs:
        parse = best_of(args.repeat, functools.partial(raw_parse, path))
        facts = best_of(args.repeat, functools.partial(facts_json, path))
        val = float("nan") if args.no_validator else best_of(1, functools.partial(validate, path))
        ratio = facts / val if val == val else float("nan")
        size = path.stat().st_size / 1e6
        print(
            f"{path.name:42} {size:5.2f} {parse:8.3f} {facts:8.3f} {val:8.3f} "
            f"{ratio:9.2f} {facts - parse:11.3f}"
        )
        if len(largest) < 3:
            largest.append((path.name, parse, facts, val))
    print()
    for name, parse, facts, val in largest:
        ok_ratio = val != val or facts <= 0.5 * val
        ok_abs = facts <= parse + 0.4
        print(
            f"target {name}: facts/validator {'OK' if ok_ratio else 'MISSED'}, "
            f"facts <= parse + 0.4 s {'OK' if ok_abs else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
