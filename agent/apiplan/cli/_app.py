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
    code: Annotated[
        list[Path] | None,
        typer.Option("--code", help="Existing client code to read as well. Repeatable."),
    ] = None,
) -> None:
    """Read API documents and print their facts, each with its source (document, pointer, line)."""
    from ..render import facts_to_markdown, to_json
    from ..sources import load_facts

    result = load_facts(docs, code=code or [], max_depth=max_depth, max_fields=max_fields)
    for w in result.warnings:
        where = f" ({w.source.cite()})" if w.source else ""
        typer.echo(f"warning: {w.message}{where}", err=True)
    text = to_json(result) if format is FactsFormat.json else facts_to_markdown(result)
    _emit(text, output, force)


class PlanFormat(str, Enum):
    md = "md"
    json = "json"


@app.command()
def plan(
    docs: DocsArg,
    goal: Annotated[
        str, typer.Option("--goal", "-g", help="What the integration must do, in plain words.")
    ],
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            "-c",
            help="Constraints: deadline, volume, batch/interactive, HTTP library. Repeatable.",
        ),
    ] = None,
    operation: Annotated[
        list[str] | None,
        typer.Option(
            "--operation", help="Pin an operation as METHOD:PATH (repeatable); skips ranking."
        ),
    ] = None,
    deadline: Annotated[
        float | None,
        typer.Option("--deadline", help="Seconds one call may take, retries included."),
    ] = None,
    code: Annotated[
        list[Path] | None,
        typer.Option("--code", help="Existing client code (Python, JS/TS, shell). Repeatable."),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="'offline' (default), openai:MODEL, anthropic:MODEL, ollama:MODEL, openai-compatible:MODEL.",
        ),
    ] = "offline",
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", help="OpenAI-compatible server URL (llama.cpp, vLLM, Ollama, LM Studio)."
        ),
    ] = None,
    fallback: Annotated[
        str,
        typer.Option(
            "--fallback", help="'offline': fill a failed LLM phase offline (marked); 'none': fail."
        ),
    ] = "none",
    format: Annotated[
        PlanFormat, typer.Option("--format", "-f", help="Output format.")
    ] = PlanFormat.md,
    output: OutOpt = None,
    force: ForceOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
) -> None:
    """Build an integration blueprint: plan, contract, error map, tests, security notes, risk check."""
    from .._api import plan as build
    from ..render import blueprint_to_markdown, to_json

    def progress(msg: str) -> None:
        if not quiet:
            typer.echo(msg, err=True)

    bp = build(
        docs,
        goal=goal,
        context=context or [],
        operations=operation or [],
        deadline=deadline,
        code=code or [],
        model=model,
        base_url=base_url,
        fallback=fallback,
        on_progress=progress,
    )
    text = to_json(bp) if format is PlanFormat.json else blueprint_to_markdown(bp)
    _emit(text, output, force)
    highs = [f for f in bp.risk.findings if f.severity == "high"]
    if highs:
        typer.echo(
            f"risk check: {len(highs)} high-severity findings (see the Risk check section)",
            err=True,
        )
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def schema(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the files differ from the models.")
    ] = False,
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the JSON Schema files live.")
    ] = Path("schemas"),
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace schema files apiplan did not write (or edited)."),
    ] = False,
) -> None:
    """Write (or check) the JSON Schema of the public models: facts, each phase, the blueprint."""
    from .._schema_files import check_schema_files, write_schema_files

    if check:
        stale = check_schema_files(directory)
        if stale:
            for name in stale:
                typer.echo(f"out of date: {directory / name} (run `apiplan schema`)", err=True)
            raise typer.Exit(EXIT_FINDINGS)
        typer.echo(f"schemas in {directory} match the models", err=True)
        return
    for path in write_schema_files(directory, force=force):
        typer.echo(f"wrote {path}", err=True)


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
    _emit(render[format](risk), output, force)  # type: ignore[arg-type]
    order = ["high", "medium", "low"]
    if any(order.index(f.severity) <= order.index(fail_on.value) for f in risk.findings):  # type: ignore[attr-defined]
        raise typer.Exit(EXIT_FINDINGS)


FindingsFormatOpt = Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")]
FailOnOpt = Annotated[Severity, typer.Option("--fail-on", help="Exit 1 at or above this severity.")]

CodeOpt = Annotated[
    list[Path] | None,
    typer.Option("--code", help="Existing client code to read (Python, JS/TS, shell). Repeatable."),
]


@app.command()
def check(
    docs: Annotated[
        list[Path] | None,
        typer.Argument(
            help="API documents (may be omitted when only code is checked).", show_default=False
        ),
    ] = None,
    code: CodeOpt = None,
    blueprint: Annotated[
        Path | None,
        typer.Option(
            "--blueprint", help="A blueprint JSON (from `apiplan plan -f json`) to validate."
        ),
    ] = None,
    format: FindingsFormatOpt = CheckFormat.text,
    fail_on: FailOnOpt = Severity.high,
    output: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Risk check: undocumented names, timeouts, secrets, retries, silent failures, schema drift."""
    from ..exceptions import UsageError
    from ..sources import load_facts
    from ..validators import check as run_check

    if not docs and not code and blueprint is None:
        raise UsageError("nothing to check: give documents, --code files or --blueprint")
    if blueprint is not None and not docs:
        raise UsageError("--blueprint needs the documents it was planned from")
    facts = load_facts(docs or [], code=code or [])
    if blueprint is not None and not facts.documents:
        raise UsageError("--blueprint needs the API documents it was planned from, not only code")
    bp = None
    if blueprint is not None:
        from pydantic import ValidationError

        from .._constants import MAX_DOCUMENT_BYTES
        from ..schemas import Blueprint
        from ..sources._document import read_regular

        # A regular file only, read up to a cap: a FIFO or /dev/zero must not hang the check.
        raw = read_regular(blueprint, str(blueprint), max_bytes=MAX_DOCUMENT_BYTES)
        try:
            bp = Blueprint.model_validate_json(raw)
        except ValidationError as exc:
            raise UsageError(
                f"{blueprint}: not a blueprint ({exc.error_count()} schema errors, first: {exc.errors()[0]['msg']})"
            ) from None
    risk = run_check(facts, blueprint=bp, docs=bool(facts.documents))
    _emit_findings(risk, format, output, force, fail_on)


@app.command()
def diff(
    old: Annotated[
        Path,
        typer.Argument(help="The spec version you integrate against today.", show_default=False),
    ],
    new: Annotated[Path, typer.Argument(help="The new spec version.", show_default=False)],
    goal: Annotated[
        str | None, typer.Option("--goal", "-g", help="Select operations by goal (as in plan).")
    ] = None,
    operation: Annotated[
        list[str] | None, typer.Option("--operation", help="METHOD:PATH to compare (repeatable).")
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
    if operation or goal:
        keys = [c.key for c in select_operations(before, goal or "", pins=operation or [])]
    else:
        keys = [op.key for op in before.operations]
    risk = diff_operations(before, after, keys)
    _emit_findings(risk, format, output, force, fail_on)


@app.command()
def mcp(
    root: Annotated[
        list[Path] | None,
        typer.Option(
            "--root", help="Folder the tools may read (repeatable). Default: the current folder."
        ),
    ] = None,
    allow_model: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-model",
            help="A model plan may use, e.g. anthropic:claude-sonnet-4-5 or 'ollama:*' "
            "(repeatable). Default: none; clients can only plan offline.",
        ),
    ] = None,
) -> None:
    """Serve apiplan over the Model Context Protocol on stdio (tools: facts, plan, check)."""
    from .._mcp import serve

    serve(root or [Path.cwd()], allow_models=allow_model or [])


class EvalFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"


@app.command(name="eval")
def eval_(
    cases: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Golden case files (default: evals/golden/*.yaml).", show_default=False
        ),
    ] = None,
    model: Annotated[
        str, typer.Option("--model", "-m", help="'offline' (default) or provider:model.")
    ] = "offline",
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")
    ] = None,
    format: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="Output format.")
    ] = EvalFormat.table,
    output: OutOpt = None,
    force: ForceOpt = False,
    min_score: Annotated[
        float,
        typer.Option("--min-score", help="Exit 1 when the mean score is below this.", min=0, max=1),
    ] = 0.0,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Cases run at once.", min=1, max=16)
    ] = 1,
    live: Annotated[
        bool, typer.Option("--live", help="Call the LLM provider instead of replaying recordings.")
    ] = False,
) -> None:
    """Run golden cases through the planner and score every blueprint; exit 1 on any invented item or leak."""
    from .._eval import report_markdown, run_eval
    from ..render import to_json

    report = run_eval(cases or [], model=model, base_url=base_url, jobs=jobs, live=live)
    if format is EvalFormat.table and output is None:
        from rich.console import Console
        from rich.table import Table

        t = Table(title=f"apiplan eval ({report.model})")
        for col in (
            "case",
            "ok",
            "score",
            "invented",
            "leaks",
            "sel R",
            "errors",
            "retry",
            "questions",
            "s",
        ):
            t.add_column(col)
        for c in report.cases:
            t.add_row(
                c.name,
                "yes" if c.ok else "NO",
                f"{c.score:.2f}",
                str(c.invented),
                str(c.leaks),
                "" if c.selection_recall is None else f"{c.selection_recall:.2f}",
                "" if c.error_coverage is None else f"{c.error_coverage:.2f}",
                "" if c.retry_conformance is None else f"{c.retry_conformance:.2f}",
                "" if c.open_question_recall is None else f"{c.open_question_recall:.2f}",
                f"{c.seconds:.1f}",
            )
        Console(width=120).print(t)
        typer.echo(
            f"mean score {report.mean_score:.3f}; invented {report.invented}; leaks {report.leaks}"
        )
        for c in report.cases:
            for p in c.problems:
                typer.echo(f"{c.name}: {p}", err=True)
    else:
        text = to_json(report) if format is EvalFormat.json else report_markdown(report)
        _emit(text, output, force)
    if (
        report.invented
        or report.leaks
        or report.mean_score < min_score
        or not all(c.ok for c in report.cases)
    ):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def chat(
    docs: Annotated[
        list[str] | None,
        typer.Argument(help="API documents (asked for when omitted).", show_default=False),
    ] = None,
    goal: Annotated[
        str | None, typer.Option("--goal", "-g", help="What to build (asked for when omitted).")
    ] = None,
    code: Annotated[
        list[str] | None, typer.Option("--code", help="Existing client code. Repeatable.")
    ] = None,
    model: Annotated[
        str, typer.Option("--model", "-m", help="'offline' (default) or provider:model.")
    ] = "offline",
    session: Annotated[
        Path | None,
        typer.Option("--session", help="Save the session here after every change; resume from it."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")
    ] = None,
) -> None:
    """A conversation: load docs, state the goal, answer what the docs leave open, inspect and revise."""
    from ._chat import run_chat

    raise typer.Exit(run_chat(docs or [], goal, code or [], model, session, base_url))


def main() -> None:
    """Console entry point: Click handles usage errors (exit 2); our errors become one line."""
    try:
        app()
    except ApiplanError as exc:
        typer.echo(f"apiplan: error: {_one_line(str(exc))}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except MemoryError:
        typer.echo("apiplan: error: out of memory while reading the input", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _one_line(text: str) -> str:
    """Error text as one line: a path or value carrying newlines must not add lines."""
    return " ".join(text.split("\n")).replace("\r", " ")
