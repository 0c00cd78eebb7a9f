"""The GitHub Action's step: run ``apiplan check`` or ``apiplan diff`` and write SARIF.

Inputs come from the environment (``action.yml`` maps the action's inputs onto these names), so
the script runs the same way on a laptop:

    APIPLAN_DOCS=openapi.yaml APIPLAN_CODE='src/**/*.py' python action/run.py

``APIPLAN_COMMAND``  ``check`` (default) or ``diff``.
``APIPLAN_DOCS``     documents, separated by spaces or new lines; globs are expanded. For ``diff``:
                     exactly two, the old version then the new one.
``APIPLAN_CODE``     client code files or globs (``check`` only).
``APIPLAN_GOAL``     select the operations this goal needs.
``APIPLAN_FAIL_ON``  ``high`` (default), ``medium`` or ``low``.
``APIPLAN_SARIF``    where to write the SARIF (default ``apiplan.sarif``).
``GITHUB_OUTPUT``    when set (on a runner), ``sarif-file`` and ``exit-code`` are appended to it.

Exit code: 2 when apiplan refused the input (there is no SARIF to upload); otherwise 0, with
apiplan's own code (0 clean, 1 findings at or above the threshold) in ``exit-code``, so that
the action uploads the SARIF first and fails after.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

COMMANDS = ("check", "diff")
SEVERITIES = ("high", "medium", "low")
DEFAULT_SARIF = "apiplan.sarif"
EXIT_OK = 0
EXIT_BAD_INPUT = 2
"""apiplan's exit code for usage errors and unreadable input; the script's own errors use it too."""


def expand(value: str) -> list[str]:
    """Space- or newline-separated paths and globs (``**`` included), in a stable order.

    A pattern that matches nothing is kept as written, so apiplan names the missing file.
    """
    paths: list[str] = []
    for word in value.split():
        matches = sorted(glob.glob(word, recursive=True)) if glob.has_magic(word) else []
        paths += matches or [word]
    return paths


def command_line(env: Mapping[str, str]) -> list[str]:
    """The apiplan arguments the inputs ask for; ValueError names a bad input."""
    command = env.get("APIPLAN_COMMAND", "check").strip() or "check"
    if command not in COMMANDS:
        raise ValueError(f"command must be one of {', '.join(COMMANDS)}, not {command!r}")
    fail_on = env.get("APIPLAN_FAIL_ON", "high").strip() or "high"
    if fail_on not in SEVERITIES:
        raise ValueError(f"fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    docs = expand(env.get("APIPLAN_DOCS", ""))
    code = expand(env.get("APIPLAN_CODE", ""))
    sarif = env.get("APIPLAN_SARIF", "").strip() or DEFAULT_SARIF
    args = [command]
    if command == "diff":
        if len(docs) != 2 or code:
            raise ValueError("diff needs exactly two docs (old, then new) and no code")
        args += docs
    else:
        if not docs and not code:
            raise ValueError("check needs docs, code or both")
        args += docs + [arg for path in code for arg in ("--code", path)]
    if goal := env.get("APIPLAN_GOAL", "").strip():
        args += ["--goal", goal]
    # --force: the SARIF file is this action's own output, replaced on every run.
    return [*args, "--fail-on", fail_on, "--format", "sarif", "-o", sarif, "--force"]


def _set_outputs(env: Mapping[str, str], outputs: Mapping[str, str]) -> None:
    target = env.get("GITHUB_OUTPUT")
    if target:
        with Path(target).open("a", encoding="utf-8") as fh:
            fh.writelines(f"{key}={value}\n" for key, value in outputs.items())


def main(env: Mapping[str, str] | None = None, python: Sequence[str] = (sys.executable,)) -> int:
    env = os.environ if env is None else env
    try:
        args = command_line(env)
    except ValueError as exc:
        print(f"apiplan action: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print("apiplan " + " ".join(args), file=sys.stderr)
    code = subprocess.run([*python, "-m", "apiplan", *args], check=False).returncode
    if code == EXIT_BAD_INPUT:
        return code
    _set_outputs(env, {"sarif-file": args[-2], "exit-code": str(code)})
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
