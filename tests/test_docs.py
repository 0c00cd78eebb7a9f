"""Every CLI command is documented in the README, and its --help works; the check/diff table is true."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import typer
import yaml

from apiplan.cli import app

from .conftest import ROOT, corpus

if TYPE_CHECKING:
    from typer import _click as click_params
from .test_cli_facts import run

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_commands_are_the_expected_ones() -> None:
    assert COMMANDS == [
        "chat",
        "check",
        "diff",
        "eval",
        "facts",
        "mcp",
        "plan",
        "scaffold",
        "schema",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_is_in_the_readme_with_help(command: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"### `apiplan {command}" in readme
    result = run(command, "--help")
    assert result.returncode == 0 and "Usage" in result.stdout


GLANCE = "### `check` and `diff` at a glance"
ABSENT = "—"


def _glance_table() -> dict[str, dict[str, str]]:
    """The README's check/diff table: first cell -> {"check": cell, "diff": cell}."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split(GLANCE, 1)[1].split("\n\n", 2)[1]
    rows: dict[str, dict[str, str]] = {}
    for line in block.splitlines()[2:]:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows[cells[0].replace("`", "")] = {"check": cells[1], "diff": cells[2]}
    return rows


def _cli_options(command: str) -> dict[str, click_params.Parameter]:
    """Each option of a command by its help's first column (e.g. ``-f, --format text|json``)."""
    group = typer.main.get_command(app)
    cmd = group.commands[command]  # type: ignore[attr-defined]
    ctx = typer.Context(cmd, info_name=command)
    records = {p: p.get_help_record(ctx) for p in cmd.get_params(ctx) if p.name != "help"}
    return {r[0]: p for p, r in records.items() if r and p.param_type_name == "option"}


@pytest.mark.parametrize("command", ["check", "diff"])
def test_glance_table_lists_exactly_the_options_and_defaults(command: str) -> None:
    table = _glance_table()
    documented = {k for k, v in table.items() if k.startswith("-") and v[command] != ABSENT}
    options = _cli_options(command)
    assert documented == set(options)
    for name in documented:
        default = options[name].default
        if isinstance(default, Enum):
            assert f"default `{default.value}`" in table[name][command]
    usage = run(command, "--help").stdout.splitlines()[0]
    assert usage.endswith(table["Arguments"][command].split("`")[1])


def test_glance_table_exit_codes_are_what_the_commands_do(tmp_path: Path) -> None:
    table = _glance_table()
    assert {k for k in table if k.startswith("exit")} == {"exit 0", "exit 1", "exit 2"}
    spec = corpus("openapi/oai-petstore-expanded-oas30.yaml")
    broken = yaml.safe_load(spec.read_text())
    broken["paths"].pop("/pets/{id}")
    new = tmp_path / "new.yaml"
    new.write_text(yaml.safe_dump(broken))
    observed = {
        ("check", 0): run("check", "--code", corpus("code/notion-client.py")),
        ("check", 1): run("check", "--code", corpus("code/pagerduty-events-v2-trigger.py")),
        ("check", 2): run("check", tmp_path / "missing.yaml"),
        ("diff", 0): run("diff", spec, spec),
        ("diff", 1): run("diff", spec, new),
        ("diff", 2): run("diff", spec, tmp_path / "missing.yaml"),
    }
    for (command, code), result in observed.items():
        assert result.returncode == code, (command, code, result.stderr)
        assert table[f"exit {code}"][command] != ABSENT
    assert len(observed["check", 2].stderr.splitlines()) == 1
