"""One table of figures, measured in one run on this machine:

- per corpus spec: raw parse, facts, plan (offline, a fixed goal), peak memory of a fresh process
  doing facts+plan, and facts / openapi-spec-validator time;
- `apiplan --help` start-up time;
- scaling: one spec's paths repeated 1x, 2x, 4x, 8x — time per operation must stay flat.

Targets (issues 2 and 8): facts <= 0.5x the validator on the three largest specs; start-up <= 0.3 s;
linear growth.

    python benchmarks/run.py [--no-validator]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from facts import CORPUS, best_of, facts_json, raw_parse, validate

import apiplan

GOALS = {
    "stripe-spec3-2021-06.json": "create a charge",
    "kubernetes-v1.29-swagger2.json": "list pods in a namespace",
    "openai-openapi-oas31.yaml": "create a chat completion",
    "twilio-api-v2010.json": "send an SMS",
    "slack-web-api-swagger2.json": "post a message to a channel",
    "discord-openapi-oas31.json": "send a message to a channel",
    "jira-software-cloud-oas30.min.json": "move issues to a sprint",
    "spotify-web-api-official-oas30.yml": "add tracks to a playlist",
    "box-platform-v2025.0-oas30.json": "create a hub",
    "netlify-swagger2.yml": "create a site deploy",
    "twilio-lookups-v2.yaml": "look up a phone number",
    "pagerduty-events-v2-oas30.json": "send an event",
    "matrix-cs-login-oas31-extrefs.yaml": "log in",
    "oai-uber-swagger2.yaml": "estimate the price of a ride",
    "oai-petstore-expanded-oas30.yaml": "add a pet",
    "oai-link-example-oas30.yaml": "get a user's repositories",
    "oai-petstore-swagger2.json": "list pets",
}

_PEAK = """
import sys, apiplan
facts = apiplan.load_facts([sys.argv[1]])
try:
    apiplan.plan(facts, goal=sys.argv[2])
except apiplan.ApiplanError:
    pass
# VmHWM: the peak of this process's own memory (ru_maxrss would carry the parent's over exec).
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""


def peak_mb(spec: Path, goal: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, str(spec), goal], capture_output=True, text=True, timeout=600
    )
    return int(out.stdout.strip() or 0) / 1024


def plan_seconds(spec: Path, goal: str) -> float:
    facts = apiplan.load_facts([spec])
    start = time.perf_counter()
    try:
        apiplan.plan(facts, goal=goal)
    except apiplan.ApiplanError:
        return float("nan")
    return time.perf_counter() - start


def startup() -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "apiplan", "--help"], capture_output=True, timeout=60)
        times.append(time.perf_counter() - start)
    return min(times)


def scaling() -> list[tuple[int, int, float]]:
    base = json.loads((CORPUS / "box-platform-v2025.0-oas30.json").read_text())
    rows = []
    for k in (1, 2, 4, 8):
        doc = dict(base)
        doc["paths"] = {
            f"{p}/copy{i}" if i else p: item for i in range(k) for p, item in base["paths"].items()
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(doc, fh, indent=2)
        path = Path(fh.name)
        seconds = best_of(3, lambda path=path: facts_json(path))
        n = len(apiplan.load_facts([path]).operations)
        rows.append((k, n, seconds))
        path.unlink()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-validator", action="store_true")
    args = parser.parse_args()
    specs = sorted(CORPUS.iterdir(), key=lambda p: p.stat().st_size, reverse=True)
    print(
        f"{'spec':40} {'MB':>5} {'parse s':>8} {'facts s':>8} {'plan s':>7} {'peak MB':>8} {'facts/validator':>15}"
    )
    for spec in specs:
        goal = GOALS.get(spec.name, "list items")
        parse = best_of(2, lambda spec=spec: raw_parse(spec))
        facts = best_of(2, lambda spec=spec: facts_json(spec))
        plan = plan_seconds(spec, goal)
        val = float("nan") if args.no_validator else best_of(1, lambda spec=spec: validate(spec))
        print(
            f"{spec.name:40} {spec.stat().st_size / 1e6:5.2f} {parse:8.3f} {facts:8.3f} {plan:7.3f} "
            f"{peak_mb(spec, goal):8.0f} {facts / val if val == val else float('nan'):15.2f}"
        )
    print(f"\napiplan --help start-up: {startup():.3f} s (target <= 0.3 s)")
    print("\nscaling (Box spec paths repeated):")
    rows = scaling()
    for k, n, seconds in rows:
        print(
            f"  {k}x: {n:5d} operations, facts {seconds:.3f} s, {seconds / n * 1000:.2f} ms per operation"
        )
    per_op = [s / n for _, n, s in rows]
    print(f"  per-operation time 8x / 1x: {per_op[-1] / per_op[0]:.2f} (flat is ~1)")


if __name__ == "__main__":
    main()
