"""`apiplan check` on whole specs: wall time and peak memory, against Spectral with the OWASP
ruleset. Target (issues 5 and 16): at most 1/20 of Spectral's time (and memory).

Two modes:
- default: the four largest corpus specs against the figures measured here for Spectral on the
  Stripe spec (77 s, 2.5 GB; 11,588 findings);
- ``--spectral DIR``: Spectral itself, installed with npm in DIR
  (``npm install @stoplight/spectral-cli @stoplight/spectral-owasp-ruleset``), run on the same
  specs in the same run (default: Discord and Slack), so the ratio is measured on one machine
  at one load. Each tool is run ``--repeat`` times and its best time kept.

    python benchmarks/check.py [--spectral DIR] [--specs NAME...] [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _installed import compiled

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "openapi"
SPECTRAL_SECONDS = 77.0
SPECTRAL_BYTES = 2.5e9
LIVE_SPECS = ["discord-openapi-oas31.json", "slack-web-api-swagger2.json"]
RULESET = 'extends: ["spectral:oas", "@stoplight/spectral-owasp-ruleset"]\n'


def _run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak MB of the child (the largest so far) and its stdout."""
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=cwd)
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):  # both tools: 1 means findings, more means it failed
        sys.exit(f"check.py: {cmd[0]} failed: {result.stderr.strip()[:300]}")
    if "Error running" in result.stdout + result.stderr:
        sys.exit(f"check.py: {cmd[0]} failed: {(result.stdout + result.stderr).strip()[:300]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mb, result.stdout


def _apiplan(spec: Path) -> tuple[float, float, str]:
    return _run([sys.executable, "-m", "apiplan", "check", str(spec), "-f", "json"])


def recorded() -> None:
    specs = sorted(CORPUS.iterdir(), key=lambda p: p.stat().st_size, reverse=True)[:4]
    print(
        f"{'spec':40} {'seconds':>8} {'peak MB':>8} {'x Spectral time':>15} {'x Spectral mem':>14} findings"
    )
    for spec in specs:
        seconds, peak_mb, out = _apiplan(spec)
        print(
            f"{spec.name:40} {seconds:8.2f} {peak_mb:8.0f} {seconds / SPECTRAL_SECONDS:15.3f} "
            f"{peak_mb * 1024 * 1024 / SPECTRAL_BYTES:14.3f} {out.count(chr(34) + 'rule' + chr(34) + ':')}"
        )
    print("target: <= 0.050 of Spectral's time and memory (peak MB is the largest child so far)")


def live(spectral_dir: Path, names: list[str], repeat: int) -> None:
    binary = spectral_dir / "node_modules" / ".bin" / "spectral"
    if not binary.exists():
        sys.exit(f"check.py: no Spectral in {spectral_dir} (npm install @stoplight/spectral-cli)")
    # The ruleset sits beside node_modules: Spectral resolves the OWASP package from its folder.
    with tempfile.TemporaryDirectory(dir=spectral_dir) as tmp:
        ruleset = Path(tmp) / ".spectral.yaml"
        ruleset.write_text(
            RULESET.replace("@stoplight/", "../node_modules/@stoplight/"), encoding="utf-8"
        )
        print(f"{'spec':34} {'apiplan s':>9} {'Spectral s':>10} {'ratio':>7}  target <= 0.050")
        for name in names:
            spec = CORPUS / name
            if not spec.exists():
                print(f"{name:34} skipped: not in {CORPUS}")
                continue
            ours = min(_apiplan(spec)[0] for _ in range(repeat))
            cmd = [str(binary), "lint", "-r", str(ruleset), str(spec), "-q", "-f", "json"]
            theirs = min(_run(cmd, cwd=spectral_dir)[0] for _ in range(repeat))
            print(f"{name:34} {ours:9.2f} {theirs:10.2f} {ours / theirs:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spectral", type=Path, help="folder where Spectral is npm-installed")
    parser.add_argument("--specs", nargs="+", default=LIVE_SPECS, help="corpus spec file names")
    parser.add_argument("--repeat", type=int, default=2, help="runs per tool (best kept)")
    args = parser.parse_args()
    compiled()
    if args.spectral is None:
        recorded()
    else:
        live(args.spectral, args.specs, max(1, args.repeat))


if __name__ == "__main__":
    main()
