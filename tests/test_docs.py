"""Every CLI command is documented in the README, and its --help works."""

from __future__ import annotations

import pytest

from apiplan.cli import app

from .conftest import ROOT
from .test_cli_facts import run

COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)  # type: ignore[union-attr]


def test_commands_are_the_expected_ones() -> None:
    assert COMMANDS == ["chat", "check", "diff", "eval", "facts", "mcp", "plan", "schema"]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_is_in_the_readme_with_help(command: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"### `apiplan {command}" in readme
    result = run(command, "--help")
    assert result.returncode == 0 and "Usage" in result.stdout
