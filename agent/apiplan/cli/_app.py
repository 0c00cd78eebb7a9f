"""Typer app and the error boundary: ApiplanError -> one line on stderr, exit 2."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..exceptions import ApiplanError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="apiplan",
    help=(
        "Grounded integration blueprints from API docs. "
        "Every claim cites the docs or is labelled an assumption."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"apiplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Grounded integration blueprints from API docs."""


class FactsFormat(str, Enum):
    json = "json"
    md = "md"


DocsArg = Annotated[
    list[Path],
    typer.Argument(help="API documents: OpenAPI 2.0/3.0/3.1 in YAML or JSON.", show_default=False),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "-o", "--output", help="Write to this file instead of stdout.", show_default=False
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace an existing output file apiplan did not write.")
]


def _emit(text: str, output: Path | None, force: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from .._output import write_output

    write_output(output, text, force=force)
    typer.echo(f"wrote {output}", err=True)


@app.command()
def facts(
    docs: DocsArg,
    format: Annotated[
        FactsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = FactsFormat.json,
    output: OutOpt = None,
    force: ForceOpt = False,
    max_depth: Annotated[
        int, typer.Option(help="Schema nesting levels flattened.", min=1, max=64)
    ] = 6,
    max_fields: Annotated[
        int, typer.Option(help="Fields kept per body.", min=1, max=100_000)
    ] = 400,
) -> None:
    """Read API documents and print their facts, each with its source (document, pointer, line)."""
    from ..render import facts_to_markdown, to_json
    from ..sources import load_facts

    result = load_facts(docs, max_depth=max_depth, max_fields=max_fields)
    for w in result.warnings:
        where = f" ({w.source.cite()})" if w.source else ""
        typer.echo(f"warning: {w.message}{where}", err=True)
    text = to_json(result) if format is FactsFormat.json else facts_to_markdown(result)
    _emit(text, output, force)


def main() -> None:
    """Console entry point: Click handles usage errors (exit 2); our errors become one line."""
    try:
        app()
    except ApiplanError as exc:
        typer.echo(f"apiplan: error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
