"""Commands that gate a change: check, diff, and the MCP server."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..schemas import RiskCheck
    from ..validators import Prescan

from ._common import (
    DOCS_HELP,
    EXIT_FINDINGS,
    CodeOpt,
    Command,
    ForceOpt,
    OutOpt,
    _choices,
    _emit,
    _example,
    _read_blueprint,
    app,
    scanned_meanwhile,
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class Severity(str, Enum):
    high = "high"
    medium = "medium"
    low = "low"


def _emit_findings(
    risk: object, format: CheckFormat, output: Path | None, force: bool, fail_on: Severity
) -> None:
    """Print or write findings in the chosen format; exit 1 at or above the threshold."""
    from ..render import findings_to_json, findings_to_sarif, findings_to_text

    render = {
        CheckFormat.text: findings_to_text,
        CheckFormat.json: findings_to_json,
        CheckFormat.sarif: findings_to_sarif,
    }
    _emit(render[format](risk), output, force)
    from ..schemas import severity_rank

    at = severity_rank(fail_on.value)
    if any(severity_rank(f.severity) <= at for f in risk.findings):  # type: ignore[attr-defined]
        raise typer.Exit(EXIT_FINDINGS)


FindingsFormatOpt = Annotated[
    CheckFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format; sarif is SARIF 2.1.0 for code scanning.",
        metavar=_choices(CheckFormat),
    ),
]
FailOnOpt = Annotated[
    Severity,
    typer.Option("--fail-on", help="Exit 1 at or above this severity.", metavar=_choices(Severity)),
]


@app.command(
    cls=Command,
    epilog=_example("apiplan check openapi.yaml --code client.py --format sarif -o apiplan.sarif"),
)
def check(
    ctx: typer.Context,
    docs: Annotated[
        list[Path] | None,
        typer.Argument(
            help=DOCS_HELP + " May be left out when only code is checked.",
            show_default=False,
            metavar="DOCS...",
        ),
    ] = None,
    code: CodeOpt = None,
    blueprint: Annotated[
        Path | None,
        typer.Option(
            "--blueprint",
            help="A blueprint JSON (from `apiplan plan -f json`) to validate.",
            metavar="FILE",
        ),
    ] = None,
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal", "-g", help="Check only the operations this goal selects.", metavar="TEXT"
        ),
    ] = None,
    operation: Annotated[
        list[str] | None,
        typer.Option(
            "--operation", help="An operation to check (repeatable).", metavar="METHOD:PATH"
        ),
    ] = None,
    format: FindingsFormatOpt = CheckFormat.text,
    fail_on: FailOnOpt = Severity.high,
    output: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Risk check: undocumented names, timeouts, secrets, retries, silent failures, schema drift."""
    from ..exceptions import UsageError
    from ..sources import documents_reused

    if not docs and not code and blueprint is None:
        raise UsageError("nothing to check: give documents, --code files or --blueprint")
    if blueprint is not None and not docs:
        raise UsageError("--blueprint needs the documents it was planned from")
    # In the console process a child scans the documents for positions and secrets meanwhile.
    with documents_reused(), scanned_meanwhile(ctx, docs or [], secrets=True) as prescan:
        risk = _check(docs or [], code or [], blueprint, goal, operation, prescan)
    _emit_findings(risk, format, output, force, fail_on)


def _check(
    docs: list[Path],
    code: list[Path],
    blueprint: Path | None,
    goal: str | None,
    operation: list[str] | None,
    prescan: Prescan | None,
) -> RiskCheck:
    """The findings of one check; documents parsed once for facts and rules alike."""
    from ..exceptions import UsageError
    from ..sources import load_facts
    from ..validators import check as run_check

    facts = load_facts(docs, code=code, positions=prescan.positions if prescan else None)
    if blueprint is not None and not facts.documents:
        raise UsageError("--blueprint needs the API documents it was planned from, not only code")
    bp = None
    if blueprint is not None:
        bp = _read_blueprint(blueprint)
    keys = None
    if goal or operation:
        from ..planner import select_operations

        keys = [c.key for c in select_operations(facts, goal or "", pins=operation or [])]
    return run_check(
        facts, blueprint=bp, docs=bool(facts.documents), operations=keys, scanned=prescan
    )


@app.command(
    cls=Command,
    epilog=_example("apiplan diff old/openapi.yaml openapi.yaml --operation POST:/shipments"),
)
def diff(
    old: Annotated[
        Path,
        typer.Argument(
            help="The spec version you integrate against today (OpenAPI 2.0/3.0/3.1, YAML or JSON).",
            show_default=False,
            metavar="OLD",
        ),
    ],
    new: Annotated[
        Path, typer.Argument(help="The new spec version.", show_default=False, metavar="NEW")
    ],
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal", "-g", help="Select operations by goal (as in plan).", metavar="TEXT"
        ),
    ] = None,
    operation: Annotated[
        list[str] | None,
        typer.Option(
            "--operation", help="An operation to compare (repeatable).", metavar="METHOD:PATH"
        ),
    ] = None,
    format: FindingsFormatOpt = CheckFormat.text,
    fail_on: FailOnOpt = Severity.high,
    output: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Changes between two spec versions that break the selected operations (all, if none given)."""
    from ..planner import select_operations
    from ..sources import load_facts
    from ..validators import diff_operations

    before = load_facts([old])
    after = load_facts([new])
    choices = None
    if operation or goal:
        choices = select_operations(before, goal or "", pins=operation or [])
        keys = [c.key for c in choices]
    else:
        keys = [op.key for op in before.operations]
    risk = diff_operations(before, after, keys, choices=choices)
    _emit_findings(risk, format, output, force, fail_on)


@app.command(cls=Command, epilog=_example('apiplan mcp --root ./specs --allow-model "ollama:*"'))
def mcp(
    root: Annotated[
        list[Path] | None,
        typer.Option(
            "--root",
            help="Folder the tools may read (repeatable). Default: the current folder.",
            metavar="DIR",
        ),
    ] = None,
    allow_model: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-model",
            help="A model plan may use, e.g. anthropic:claude-sonnet-4-5 or 'ollama:*' "
            "(repeatable). Default: none; clients can only plan offline.",
            metavar="MODEL",
        ),
    ] = None,
) -> None:
    """Serve apiplan over the Model Context Protocol on stdio (tools: facts, plan, check)."""
    from .._mcp import serve

    serve(root or [Path.cwd()], allow_models=allow_model or [])
