"""The console entry point: every command registered, every error one line."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import typer

from ..exceptions import ApiplanError
from . import _cmd_docs, _cmd_gate, _cmd_runs  # noqa: F401  (each registers its commands on `app`, in this order)
from ._common import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_LLM_FAILED,
    EXIT_OK,
    PROG,
    RunMode,
    _fail,
    _one_line,
    app,
)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: every error, usage or input, is one line on stderr.

    Click runs without its standalone mode so that its usage errors come back here instead of
    printing a box: ``apiplan: error: MESSAGE (hint)``, exit 2, like our own errors. Called
    with ``argv`` (tests, a program of the user's), it ends in ``SystemExit`` as usual; as the
    console command, the process ends as soon as its output is flushed (see ``_end``).
    """
    # `apiplan` alone shows the help (exit 0, like gh) rather than a usage error.
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    if argv is not None or sys.gettrace() is not None or sys.getprofile() is not None:
        # In-process callers, and runs under a debugger, profiler or coverage (which write
        # their results after the program ends): the ordinary SystemExit and teardown.
        _run(args)
    try:
        _run(args, console=True)
    except SystemExit as exc:
        _end(exc.code)


def _end(code: object) -> NoReturn:
    """End the console process once its output is flushed, without the interpreter's teardown.

    The teardown frees every object of the run one by one (a tenth of a check of a large spec,
    40 ms of Slack's 0.5 s) for a process that is about to vanish; mypy ends the same way.
    Nothing of apiplan's waits for it: files are written and closed, temporary folders removed
    by their ``with`` blocks, traces flushed when their run closes, threads joined or daemons.
    """
    if isinstance(code, int):
        status = code
    elif code is None:
        status = EXIT_OK
    else:  # what SystemExit does with a message: print it, exit 1
        sys.stderr.write(f"{code}\n")
        status = 1
    for stream in (sys.stdout, sys.stderr):
        # A reader such as `head` left, or the stream was closed: nothing more to say.
        with contextlib.suppress(BrokenPipeError, ValueError):
            stream.flush()
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    os._exit(status)


def _run(args: list[str], *, console: bool = False) -> NoReturn:
    """The command line's run; ends in ``SystemExit`` with apiplan's exit status. Commands see
    ``console`` as their context's ``obj`` (a check may fork only in a console process)."""
    try:
        code: Any = app(args=args, prog_name=PROG, standalone_mode=False, obj=RunMode(console))
    except typer.TyperException as exc:
        # Click's usage errors (unknown option, missing argument, bad value) carry their context.
        ctx = getattr(exc, "ctx", None)
        command = ctx.command_path if ctx is not None else _command_path(args)
        _fail(exc.format_message(), f"see '{command} --help'", exc.exit_code)
    except ApiplanError as exc:
        hint = f"see '{_command_path(args)} --help'" if _is_usage(exc) else None
        if _is_phase_failure(exc) and _abandoned_calls():
            # An abandoned LLM call may still hold a socket in a daemon thread, and tearing
            # down the SDKs' modules takes seconds on a busy machine: nothing is left to write,
            # so the process ends at once (the deadline is the user's, not the interpreter's).
            typer.echo(f"{PROG}: error: {_one_line(_cli_wording(exc))}", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_LLM_FAILED)
        _fail(
            _cli_wording(exc), hint, EXIT_LLM_FAILED if _is_phase_failure(exc) else EXIT_BAD_INPUT
        )
    except MemoryError:
        _fail("out of memory while reading the input", None, EXIT_BAD_INPUT)
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted", None, EXIT_INTERRUPTED)
    except BrokenPipeError:
        # A reader such as `head` left: not an error of ours; keep Python from complaining.
        sys.stderr = sys.stdout = open(_DEVNULL, "w")  # noqa: SIM115
        code = EXIT_FINDINGS
    sys.exit(code if isinstance(code, int) else EXIT_OK)


_DEVNULL = "/dev/null"


def _is_usage(exc: ApiplanError) -> bool:
    from ..exceptions import UsageError

    return isinstance(exc, UsageError)


def _abandoned_calls() -> bool:
    """An LLM call left running in its daemon thread after a deadline or timeout."""
    import threading

    return any(t.daemon and t.name.startswith("apiplan-") for t in threading.enumerate())


def _is_phase_failure(exc: ApiplanError) -> bool:
    from ..exceptions import PhaseError

    return isinstance(exc, PhaseError)


def _command_path(args: list[str]) -> str:
    """``apiplan plan`` for ``plan ...`` arguments: where the hint sends the user."""
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    command = next((a for a in args if not a.startswith("-")), "")
    return f"{PROG} {command}" if command in names else PROG


# The library names its parameters; the CLI says its options instead.
_OPTION_OF = {
    "goal": "--goal",
    "deadline": "--deadline",
    "operations": "--operation",
    "timeout": "--llm-timeout",
    "phase_deadline": "--phase-deadline",
    "run_deadline": "--run-deadline",
    "context_window": "--context-window",
    "api_key_env": "--api-key-env",
    "llm_mode": "--llm-mode",
    "base_url": "--base-url",
    "fallback": "--fallback",
    "model": "--model",
}


def _cli_wording(exc: ApiplanError) -> str:
    """The error's message, its leading parameter name replaced by the option that sets it."""
    from ..exceptions import FALLBACK_HINT

    text = str(exc).replace(FALLBACK_HINT, "--fallback offline fills it from the offline planner")
    param = getattr(exc, "parameter", None)
    option = _OPTION_OF.get(param) if isinstance(param, str) else None
    if param and option and text.startswith(param):
        return option + text[len(param) :]
    return text
