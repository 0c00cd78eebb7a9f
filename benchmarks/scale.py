"""Scale: `apiplan facts` on a generated spec of 10,000 and 40,000 operations, and start-up time.

The spec is invented here (no corpus needed): resources with a path parameter, a query
parameter, a request body and responses that link a few shared component schemas, plus one
inline body per resource, one key per line, about 430 bytes per operation (40,000 operations ~ 17 MB).

Prints per size: file size, wall and CPU time of `apiplan facts` in a fresh process (best of
N; CPU time is the steadier figure on a shared machine), time per operation, peak resident memory of that process; then the 40k / 10k time ratio and
`apiplan --help` start-up.

The run calls ``main(argv)``, which never forks: these are the figures of one process. The
console command also has a child scan key positions meanwhile, but only up to 8 MB of documents,
so at 40,000 operations the two are the same.

Targets (issue 18): 40,000 operations <= 3 s; linear growth (per-operation time at 40k within
1.3x of 10k); peak RSS <= 10x file size + 150 MB; `apiplan --help` <= 0.25 s.

    python benchmarks/scale.py [--sizes 10000 40000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _installed import compiled

_COMPONENTS = 50


def generate(operations: int) -> dict[str, object]:
    """An invented OpenAPI 3.0 document with ``operations`` operations (two per path item)."""
    schemas: dict[str, object] = {}
    for c in range(_COMPONENTS):
        schemas[f"Thing{c}"] = {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "description": f"Identifier of thing {c}."},
                "name": {"type": "string", "maxLength": 80},
                "count": {"type": "integer", "minimum": 0},
                "owner": {"$ref": f"#/components/schemas/Thing{(c + 1) % _COMPONENTS}"},
            },
        }
    paths: dict[str, object] = {}
    for i in range(operations // 2):
        ref = {"$ref": f"#/components/schemas/Thing{i % _COMPONENTS}"}
        paths[f"/area{i % 97}/resource{i}/{{id}}"] = {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": f"getResource{i}",
                "summary": f"Read resource {i}",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": ref}}},
                },
            },
            "put": {
                "operationId": f"putResource{i}",
                "summary": f"Replace resource {i}",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "label": {"type": "string"},
                                    "size": {"type": "integer"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {
                        "description": "Replaced",
                        "content": {"application/json": {"schema": ref}},
                    }
                },
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Generated scale test", "version": "1.0"},
        "servers": [{"url": "https://api.example.test"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


# The child reports its own peak (VmHWM) so that the parent's memory never counts.
_CHILD = """
import sys, time
start, cpu = time.perf_counter(), time.process_time()
from apiplan.cli import main
try:
    main(["facts", "--quiet", "-o", sys.argv[2], sys.argv[1], "--force"])
except SystemExit:
    pass
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(seconds, cpu, peak)
"""


def run_facts(spec: Path, out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MB) of one `apiplan facts` run in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(spec), str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    seconds, cpu, peak_kb = done.stdout.split()[-3:]
    return float(seconds), float(cpu), int(peak_kb) / 1024


def startup(repeat: int = 5) -> float:
    """Best wall time of `apiplan --help` in a fresh interpreter."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "apiplan", "--help"], capture_output=True, timeout=60, check=True
        )
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    compiled()
    per_op: list[float] = []
    print(
        f"{'operations':>10} {'MB':>6} {'facts s':>8} {'CPU s':>6} {'ms/op':>6} {'peak MB':>8} "
        f"{'RSS target':>10}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            spec = Path(tmp, f"scale-{n}.json")
            spec.write_text(json.dumps(generate(n), indent=0), encoding="utf-8")
            size_mb = spec.stat().st_size / 2**20
            runs = [run_facts(spec, Path(tmp, "facts.json")) for _ in range(args.repeat)]
            seconds = min(s for s, _, _ in runs)
            cpu = min(c for _, c, _ in runs)
            peak = max(p for _, _, p in runs)
            per_op.append(seconds / n)
            print(
                f"{n:10d} {size_mb:6.1f} {seconds:8.2f} {cpu:6.2f} {seconds / n * 1000:6.3f} {peak:8.0f} "
                f"{10 * size_mb + 150:10.0f}"
            )
    if len(per_op) > 1:
        print(f"per-operation time, largest / smallest: {per_op[-1] / per_op[0]:.2f} (linear ~ 1)")
    print(f"apiplan --help: {startup():.3f} s (target <= 0.25 s)")


if __name__ == "__main__":
    main()
