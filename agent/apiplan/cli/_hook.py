"""pre-commit entry points: ``python -m apiplan.cli._hook check|diff [OPTIONS] FILES...``.

pre-commit appends the changed files to a hook's arguments. ``apiplan check`` takes each code
file through its own ``--code`` and the documents as arguments, and ``apiplan diff`` compares two
files, so this module turns "options, then changed files" into those command lines:

- ``check --docs openapi.yaml [--goal TEXT] [--fail-on LEVEL] FILES...``: one
  ``apiplan check DOCS... --code FILE...`` over the changed client files.
- ``diff [--base REV] [--goal TEXT] [--fail-on LEVEL] FILES...``: for each changed spec,
  ``apiplan diff`` of its version at ``REV`` (default ``HEAD``, the last commit) against the
  file being committed. A spec that is new at ``REV`` has nothing to break and is skipped.

The exit code is the worst of the runs: 0 clean, 1 findings at or above ``--fail-on``, 2 bad input.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ._common import EXIT_OK, PROG

DEFAULT_BASE = "HEAD"
"""pre-commit runs before the commit: HEAD holds the spec version clients integrate against."""
SEVERITIES = ("high", "medium", "low")
"""apiplan.schemas.SEVERITIES, spelt out: the hook starts without loading the models."""


def _apiplan(args: Sequence[str]) -> int:
    """Run the CLI in a child process, output passed through, and return its exit code."""
    return subprocess.run([sys.executable, "-m", PROG, *args], check=False).returncode


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--goal", help="select the operations this goal needs")
    parser.add_argument("--operation", action="append", default=[], metavar="METHOD:PATH")
    parser.add_argument("--fail-on", choices=SEVERITIES, default="high")
    parser.add_argument("files", nargs="*", type=Path, help="changed files (pre-commit adds them)")


def _selection(ns: argparse.Namespace) -> list[str]:
    args = ["--fail-on", ns.fail_on]
    if ns.goal:
        args += ["--goal", ns.goal]
    for op in ns.operation:
        args += ["--operation", op]
    return args


def run_check(ns: argparse.Namespace) -> int:
    if not ns.files:
        return EXIT_OK
    code = [arg for f in ns.files for arg in ("--code", str(f))]
    return _apiplan(["check", *map(str, ns.docs), *code, *_selection(ns)])


def _committed(base: str, path: Path) -> bytes | None:
    """The file as it is at ``base``, or None when it is not there (a new spec)."""
    shown = subprocess.run(
        ["git", "show", f"{base}:./{path.as_posix()}"], capture_output=True, check=False
    )
    return shown.stdout if shown.returncode == 0 else None


def run_diff(ns: argparse.Namespace) -> int:
    worst = EXIT_OK
    for path in ns.files:
        before = _committed(ns.base, path)
        if before is None:
            continue
        with tempfile.TemporaryDirectory(prefix="apiplan-hook-") as tmp:
            old = Path(tmp) / path.name  # same name: the format is sniffed by extension
            old.write_bytes(before)
            worst = max(worst, _apiplan(["diff", str(old), str(path), *_selection(ns)]))
    return worst


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{PROG}-hook", description=(__doc__ or PROG).splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check changed client code against the docs")
    check.add_argument("--docs", action="append", default=[], type=Path, metavar="DOC")
    _common(check)
    diff = commands.add_parser("diff", help="diff each changed spec against its committed version")
    diff.add_argument("--base", default=DEFAULT_BASE, metavar="REV")
    _common(diff)
    ns = parser.parse_args(argv)  # a usage error exits 2, as apiplan's own do
    return run_check(ns) if ns.command == "check" else run_diff(ns)


if __name__ == "__main__":
    sys.exit(main())
