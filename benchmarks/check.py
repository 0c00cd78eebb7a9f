"""`apiplan check` on whole large specs: wall time and peak memory, against the figures measured
here for Spectral with the OWASP ruleset on the Stripe spec (77 s, 2.5 GB; 11,588 findings).
Target (issue 5): at most 1/20 of both.

    python benchmarks/check.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "openapi"
SPECTRAL_SECONDS = 77.0
SPECTRAL_BYTES = 2.5e9


def main() -> None:
    specs = sorted(CORPUS.iterdir(), key=lambda p: p.stat().st_size, reverse=True)[:4]
    print(
        f"{'spec':40} {'seconds':>8} {'peak MB':>8} {'x Spectral time':>15} {'x Spectral mem':>14} findings"
    )
    for spec in specs:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "apiplan", "check", str(spec), "-f", "json"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        seconds = time.perf_counter() - start
        peak_kb = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        findings = result.stdout.count('"rule":')
        print(
            f"{spec.name:40} {seconds:8.2f} {peak_kb / 1024:8.0f} {seconds / SPECTRAL_SECONDS:15.3f} "
            f"{peak_kb * 1024 / SPECTRAL_BYTES:14.3f} {findings}"
        )
    print("target: <= 0.050 of Spectral's time and memory (peak MB is the largest child so far)")


if __name__ == "__main__":
    main()
