"""The command line as a new user meets it: help, version, one-line errors, progress, stable JSON."""

from __future__ import annotations

import json
import os
import re
import sys

import pytest

from apiplan import __version__
from apiplan.cli import app, main

from .conftest import EXAMPLES, ROOT
from .test_cli_facts import run

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]
EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"
# What Typer shows when a parameter has no metavar: <bool>, <str>, <list[str]>, <path>, {docs}.
IMPLEMENTATION_TYPE = re.compile(r"<[a-zA-Z][\w\[\], |]*>|\{\w+\}")


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the console entry point in this process: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out, err = capsys.readouterr()
    code = stop.value.code
    return (code if isinstance(code, int) else 0), out, err


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_what_a_user_types_and_ends_with_an_example(
    command: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _main(capsys, *([command] if command else []), "--help")
    assert code == 0
    assert not IMPLEMENTATION_TYPE.search(out), IMPLEMENTATION_TYPE.findall(out)
    example = out.rstrip().rsplit("Example:", 1)
    assert len(example) == 2 and example[1].strip().startswith(f"apiplan {command or ''}".strip())


def test_plan_help_names_docs_operations_and_what_docs_and_code_accept(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = _main(capsys, "plan", "--help")
    assert "Usage: apiplan plan [OPTIONS] DOCS..." in out
    assert "--operation METHOD:PATH" in out and "-f, --format md|json" in out
    flat = " ".join(out.split())
    for accepted in ("OpenAPI 2.0, 3.0 or 3.1", ".md .mdx .rst .html .adoc .apib .raml"):
        assert accepted in flat
    assert "Python, JavaScript/TypeScript, shell" in flat
    assert re.search(r"^\s+--force\s+Replace", out, re.M)  # a flag, no value


def test_version_matches_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys, "--version")
    # tomllib is 3.11+; the version line is simple enough to read on 3.10 too.
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert declared is not None
    assert (
        code == 0 and out.strip() == f"apiplan {__version__}" and __version__ == declared.group(1)
    )


def test_completion_is_offered_and_documented(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _main(capsys, "--help")
    assert "--install-completion" in out and "--show-completion" in out
    assert "apiplan --install-completion" in (ROOT / "README.md").read_text()


def test_apiplan_alone_shows_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(capsys)
    assert code == 0 and out.startswith("Usage: apiplan [OPTIONS] COMMAND")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_wrong_option_is_one_line_exit_2_with_a_hint(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _main(capsys, command, "--no-such-option")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "╭" not in err
    assert err.startswith("apiplan: error: No such option: --no-such-option")
    assert f"(see 'apiplan {command} --help')" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch"], "No such command 'nosuch'"),
        (["plan", str(EXAMPLE)], "Missing option '--goal'"),
        (["check", "--format", "xml", str(EXAMPLE)], "Invalid value for '--format'"),
        (["facts", "--max-depth", "0", str(EXAMPLE)], "Invalid value for '--max-depth'"),
        (["diff", str(EXAMPLE)], "Missing argument 'NEW'"),
        (["check"], "nothing to check"),  # our own usage error gets the hint too
        (["facts", "no-such-file.yaml"], "no-such-file.yaml"),  # bad input: one line, exit 2
    ],
)
def test_usage_and_input_errors_are_one_line(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _main(capsys, *args)
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith("apiplan: error: ") and message in err


def test_progress_only_on_a_terminal_q_silences_v_adds_timings() -> None:
    args = ("plan", EXAMPLE, "-g", "track a parcel", "-f", "json")
    piped = run(*args)
    assert piped.returncode == 0 and "running" not in piped.stderr
    verbose = run(*args, "-v")
    assert re.search(r"^\[\s*\d+\.\d\ds\] phase scope: running", verbose.stderr, re.M)
    # stdout holds only the result (its recorded timings differ from run to run)
    assert json.loads(verbose.stdout)["scope"] == json.loads(piped.stdout)["scope"]
    assert run(*args, "-q").stderr == ""


def test_json_is_the_same_whatever_the_terminal() -> None:
    import subprocess

    def facts(**env: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "apiplan", "facts", str(EXAMPLE)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
            check=True,
        ).stdout

    plain = facts(NO_COLOR="1", COLUMNS="80", TERM="dumb")
    assert facts(FORCE_COLOR="1", COLUMNS="30", TERM="xterm-256color") == plain
