"""Typer app and the error boundary: ApiplanError -> one line on stderr, exit 2 (3 for an LLM phase)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand

if TYPE_CHECKING:
    # Typer 0.29 vendors Click as typer._click; its classes are needed only for annotations.
    from typer._click import Context, HelpFormatter, Parameter

    from ..schemas import Blueprint

from ..exceptions import ApiplanError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_LLM_FAILED = 3  # an LLM phase failed (timeout, deadline, connection, invalid answers)
EXIT_INTERRUPTED = 130
"""128 + SIGINT, what shells report for a command stopped with Ctrl-C."""

PROG = "apiplan"
DOCS_HELP = (
    "API documents: OpenAPI 2.0, 3.0 or 3.1 (YAML or JSON) and prose pages "
    "(.md .mdx .rst .html .adoc .apib .raml; other names are sniffed)."
)
CODE_HELP = (
    "Existing client code to read: Python, JavaScript/TypeScript, shell (curl) scripts. Repeatable."
)
LIBRARY_LOGGERS = ("apiplan", "openai", "anthropic", "instructor", "httpx", "mcp")
"""Loggers -v turns on: ours and those of the SDKs an LLM run goes through."""
PROGRESS_MARK = ": running"
"""The library's progress lines say a phase is running; other lines are per-phase reports."""


class Command(TyperCommand):
    """Help and usage in the words a user types: DOCS..., METHOD:PATH, flags without a type."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        pieces += [_argument_usage(p) for p in self.get_params(ctx) if _is_argument(p)]
        return pieces

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        params = self.get_params(ctx)
        arguments = [
            (_argument_usage(p), getattr(p, "help", None) or "") for p in params if _is_argument(p)
        ]
        options = [r for p in params if not _is_argument(p) if (r := p.get_help_record(ctx))]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _is_argument(param: Parameter) -> bool:
    return param.param_type_name == "argument"


def _argument_usage(param: Parameter) -> str:
    """``DOCS...`` for a required list, ``[CASES...]`` for an optional one."""
    name = param.metavar or (param.name or "").upper()
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if param.required else f"[{name}]"


def _choices(choices: type[Enum]) -> str:
    """An option's metavar listing its values, e.g. ``md|json``."""
    return "|".join(str(c.value) for c in choices)


def _example(*lines: str) -> str:
    """The epilog of a command's help: its example, kept as written (``\\b`` stops re-wrapping)."""
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)


app = typer.Typer(
    name=PROG,
    help=(
        "Grounded integration blueprints from API docs. "
        "Every claim cites the docs or is labelled an assumption."
    ),
    epilog=_example('apiplan plan examples/parcelbox-openapi.yaml --goal "track a parcel"'),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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
    list[Path], typer.Argument(help=DOCS_HELP, show_default=False, metavar="DOCS...")
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        help="Write to this file instead of stdout.",
        show_default=False,
        metavar="FILE",
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr (errors stay).")
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Progress even when stderr is not a terminal, with timings and logs.",
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace an existing output file apiplan did not write.")
]


def _read_blueprint(path: Path) -> Blueprint:
    """A saved JSON blueprint (check --blueprint, scaffold --blueprint), or a one-line error."""
    from pydantic import ValidationError

    from .._constants import MAX_DOCUMENT_BYTES
    from ..exceptions import UsageError
    from ..schemas import Blueprint
    from ..sources import read_regular

    # A regular file only, read up to a cap: a FIFO or /dev/zero must not hang the command.
    raw = read_regular(path, str(path), max_bytes=MAX_DOCUMENT_BYTES)
    try:
        return Blueprint.model_validate_json(raw)
    except ValidationError as exc:
        raise UsageError(
            f"{path}: not a blueprint ({exc.error_count()} schema errors, first: {exc.errors()[0]['msg']})"
        ) from None


def _emit(text: str, output: Path | None, force: bool, *, quiet: bool = False) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from .._output import write_output

    write_output(output, text, force=force)
    if not quiet:
        typer.echo(f"wrote {output}", err=True)


def _configure_logging(verbose: bool) -> None:
    """-v: apiplan's and the SDKs' loggers print to stderr (DEBUG for ours, INFO for theirs).
    Without it they are silent: a failure is our one line, not instructor's retry log."""
    import logging  # here, not at the top: `apiplan --help` never needs it

    if not verbose:
        for name in LIBRARY_LOGGERS:
            logging.getLogger(name).addHandler(logging.NullHandler())
            logging.getLogger(name).propagate = False
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if name == PROG else logging.INFO)


def _progress(quiet: bool, verbose: bool) -> Callable[[str], None]:
    """Where the library's progress lines go.

    "running" lines are progress: shown when stderr is a terminal (or with -v, timed), so
    logs of scripted runs stay clean. Other lines report a result (tokens per phase) and are
    shown unless -q.
    """
    started = time.monotonic()
    live = sys.stderr.isatty()

    def say(message: str) -> None:
        if quiet or (PROGRESS_MARK in message and not (live or verbose)):
            return
        prefix = f"[{time.monotonic() - started:6.2f}s] " if verbose else ""
        typer.echo(f"{prefix}{message}", err=True)

    return say


@app.command(
    cls=Command, epilog=_example("apiplan facts examples/parcelbox-openapi.yaml --format md")
)
def facts(
    docs: DocsArg,
    format: Annotated[
        FactsFormat,
        typer.Option("--format", "-f", help="Output format.", metavar=_choices(FactsFormat)),
    ] = FactsFormat.json,
    output: OutOpt = None,
    force: ForceOpt = False,
    max_depth: Annotated[
        int, typer.Option(help="Schema nesting levels flattened.", min=1, max=64, metavar="N")
    ] = 6,
    max_fields: Annotated[
        int, typer.Option(help="Fields kept per body.", min=1, max=100_000, metavar="N")
    ] = 400,
    code: Annotated[
        list[Path] | None, typer.Option("--code", help=CODE_HELP, metavar="FILE")
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Read API documents and print their facts, each with its source (document, pointer, line)."""
    from ..render import facts_to_markdown, to_json
    from ..sources import load_facts

    _configure_logging(verbose)
    result = load_facts(docs, code=code or [], max_depth=max_depth, max_fields=max_fields)
    for w in result.warnings:
        where = f" ({w.source.cite()})" if w.source else ""
        typer.echo(f"warning: {w.message}{where}", err=True)
    text = to_json(result) if format is FactsFormat.json else facts_to_markdown(result)
    _emit(text, output, force, quiet=quiet)


class PlanFormat(str, Enum):
    md = "md"
    json = "json"


class PlanDetail(str, Enum):
    brief = "brief"
    full = "full"


@app.command(
    cls=Command,
    epilog=_example(
        'apiplan plan examples/parcelbox-openapi.yaml --goal "create a shipment label" -c "We use httpx."'
    ),
)
def plan(
    docs: DocsArg,
    goal: Annotated[
        str,
        typer.Option(
            "--goal", "-g", help="What the integration must do, in plain words.", metavar="TEXT"
        ),
    ],
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context",
            "-c",
            help="Constraints: deadline, volume, batch/interactive, HTTP library. Repeatable.",
            metavar="TEXT",
        ),
    ] = None,
    operation: Annotated[
        list[str] | None,
        typer.Option(
            "--operation",
            help="Pin an operation (repeatable); skips ranking.",
            metavar="METHOD:PATH",
        ),
    ] = None,
    deadline: Annotated[
        float | None,
        typer.Option(
            "--deadline", help="Seconds one call may take, retries included.", metavar="SECONDS"
        ),
    ] = None,
    code: Annotated[
        list[Path] | None, typer.Option("--code", help=CODE_HELP, metavar="FILE")
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="'offline' (default), openai:MODEL, anthropic:MODEL, ollama:MODEL, openai-compatible:MODEL.",
            metavar="MODEL",
        ),
    ] = "offline",
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="OpenAI-compatible server URL (llama.cpp, vLLM, Ollama, LM Studio).",
            metavar="URL",
        ),
    ] = None,
    fallback: Annotated[
        str,
        typer.Option(
            "--fallback",
            help="'offline': fill a failed LLM phase offline (marked); 'none': fail.",
            metavar="offline|none",
        ),
    ] = "none",
    context_window: Annotated[
        int | None,
        typer.Option(
            "--context-window",
            help="The model's context window in tokens: a phase prompt that cannot fit beside "
            "the answer is never sent.",
            metavar="TOKENS",
        ),
    ] = None,
    api_key_env: Annotated[
        str | None,
        typer.Option(
            "--api-key-env",
            help="Environment variable holding the key for --base-url. Without it such a "
            "server gets no key: OPENAI_API_KEY goes only to api.openai.com, "
            "ANTHROPIC_API_KEY only to api.anthropic.com.",
            metavar="VAR",
        ),
    ] = None,
    run_deadline: Annotated[
        float | None,
        typer.Option(
            "--run-deadline",
            help="Wall clock of all the LLM calls of the run, in seconds.",
            metavar="SECONDS",
        ),
    ] = None,
    llm_mode: Annotated[
        str,
        typer.Option(
            "--llm-mode",
            help="'decisions' (default): the model answers small checked questions and the "
            "offline planner renders the rest; 'documents': it writes whole phases (large "
            "models only).",
            metavar="decisions|documents",
        ),
    ] = "decisions",
    llm_timeout: Annotated[
        float | None,
        typer.Option(
            "--llm-timeout",
            help="Read timeout of each LLM request in seconds (CPU servers need minutes).",
            metavar="SECONDS",
        ),
    ] = None,
    phase_deadline: Annotated[
        float | None,
        typer.Option(
            "--phase-deadline",
            help="Wall clock of one LLM phase, re-asks included, in seconds.",
            metavar="SECONDS",
        ),
    ] = None,
    format: Annotated[
        PlanFormat,
        typer.Option("--format", "-f", help="Output format.", metavar=_choices(PlanFormat)),
    ] = PlanFormat.md,
    detail: Annotated[
        PlanDetail,
        typer.Option(
            "--detail",
            help="Markdown detail: brief (summary, house rules once) or full (every claim).",
            metavar=_choices(PlanDetail),
        ),
    ] = PlanDetail.brief,
    output: OutOpt = None,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Build an integration blueprint: plan, contract, error map, tests, security notes, risk check."""
    from .._api import plan as build
    from ..render import blueprint_to_markdown, to_json

    _configure_logging(verbose)
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
        timeout=llm_timeout,
        phase_deadline=phase_deadline,
        context_window=context_window,
        api_key_env=api_key_env,
        llm_mode=llm_mode,
        run_deadline=run_deadline,
        on_progress=_progress(quiet, verbose),
    )
    text = (
        to_json(bp)
        if format is PlanFormat.json
        else blueprint_to_markdown(bp, "full" if detail is PlanDetail.full else "brief")
    )
    _emit(text, output, force, quiet=quiet)
    highs = [f for f in bp.risk.findings if f.severity == "high"]
    if highs:
        typer.echo(
            f"risk check: {len(highs)} high-severity findings (see the Risk check section)",
            err=True,
        )
        raise typer.Exit(EXIT_FINDINGS)


@app.command(
    cls=Command,
    epilog=_example(
        'apiplan scaffold examples/parcelbox-openapi.yaml --goal "create a shipment label" -o client/'
    ),
)
def scaffold(
    out_dir: Annotated[
        Path,
        typer.Option("-o", "--output", help="New or empty folder to write into.", metavar="DIR"),
    ],
    docs: Annotated[
        list[Path] | None,
        typer.Argument(
            help=DOCS_HELP + " Left out with --blueprint.", show_default=False, metavar="DOCS..."
        ),
    ] = None,
    goal: Annotated[
        str | None,
        typer.Option("--goal", "-g", help="What the integration must do.", metavar="TEXT"),
    ] = None,
    context: Annotated[
        list[str] | None,
        typer.Option(
            "--context", "-c", help="Constraints, as for plan. Repeatable.", metavar="TEXT"
        ),
    ] = None,
    operation: Annotated[
        list[str] | None,
        typer.Option("--operation", help="Pin an operation (repeatable).", metavar="METHOD:PATH"),
    ] = None,
    deadline: Annotated[
        float | None,
        typer.Option("--deadline", help="Seconds one call may take.", metavar="SECONDS"),
    ] = None,
    code: Annotated[
        list[Path] | None, typer.Option("--code", help=CODE_HELP, metavar="FILE")
    ] = None,
    blueprint: Annotated[
        Path | None,
        typer.Option(
            "--blueprint", help="Scaffold a saved blueprint JSON instead.", metavar="FILE"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace apiplan's own files even if edited.")
    ] = False,
    aio: Annotated[
        bool,
        typer.Option("--async", help="An httpx.AsyncClient client (async methods) and its tests."),
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Write a client module, its tests and a README for the blueprint's selected workflow."""
    from ..exceptions import UsageError
    from ..scaffold import write_scaffold

    if blueprint is not None:
        bp = _read_blueprint(blueprint)
    elif not docs or not goal:
        raise UsageError("give DOCS... and --goal, or --blueprint FILE")
    else:
        from .._api import plan as build

        bp = build(
            docs,
            goal=goal,
            context=context or [],
            operations=operation or [],
            deadline=deadline,
            code=code or [],
        )
    written = write_scaffold(bp, out_dir, force=force, aio=aio)
    if not quiet:
        for path in written:
            typer.echo(f"wrote {path}", err=True)


@app.command(cls=Command, epilog=_example("apiplan schema --check"))
def schema(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the files differ from the models.")
    ] = False,
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the JSON Schema files live.", metavar="DIR")
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

CodeOpt = Annotated[list[Path] | None, typer.Option("--code", help=CODE_HELP, metavar="FILE")]


@app.command(
    cls=Command,
    epilog=_example("apiplan check openapi.yaml --code client.py --format sarif -o apiplan.sarif"),
)
def check(
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
        bp = _read_blueprint(blueprint)
    keys = None
    if goal or operation:
        from ..planner import select_operations

        keys = [c.key for c in select_operations(facts, goal or "", pins=operation or [])]
    risk = run_check(facts, blueprint=bp, docs=bool(facts.documents), operations=keys)
    _emit_findings(risk, format, output, force, fail_on)


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


class EvalFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"


@app.command(name="eval", cls=Command, epilog=_example("apiplan eval --format md -o eval.md"))
def eval_(
    cases: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Golden case files or folders of them (default: evals/golden under the current folder).",
            show_default=False,
            metavar="CASES...",
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model", "-m", help="'offline' (default) or PROVIDER:MODEL.", metavar="MODEL"
        ),
    ] = "offline",
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="OpenAI-compatible server URL.", metavar="URL"),
    ] = None,
    format: Annotated[
        EvalFormat,
        typer.Option("--format", "-f", help="Output format.", metavar=_choices(EvalFormat)),
    ] = EvalFormat.table,
    output: OutOpt = None,
    force: ForceOpt = False,
    min_score: Annotated[
        float,
        typer.Option(
            "--min-score",
            help="Exit 1 when the mean score is below this.",
            min=0,
            max=1,
            metavar="X",
        ),
    ] = 0.0,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", help="Cases run at once.", min=1, max=16, metavar="N")
    ] = 1,
    live: Annotated[
        bool, typer.Option("--live", help="Call the LLM provider instead of replaying recordings.")
    ] = False,
    fallback: Annotated[
        str,
        typer.Option(
            "--fallback",
            help="'offline': fill what the model could not decide offline (marked); 'none': the case fails.",
            metavar="offline|none",
        ),
    ] = "none",
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Call the LLM provider and write its answers as each case's cassette (keys filtered).",
        ),
    ] = False,
    case_dirs: Annotated[
        list[Path] | None,
        typer.Option(
            "--cases", help="A golden case file or a folder of them; repeatable.", metavar="PATH"
        ),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus",
            help="Folder that the cases' corpus: references point into (default: ../shared/corpus).",
            metavar="DIR",
        ),
    ] = None,
) -> None:
    """Run golden cases through the planner and score every blueprint; exit 1 on any invented item or leak."""
    from .._eval import report_markdown, run_eval
    from ..render import to_json

    _configure_logging(False)  # the SDKs' logs stay out of the report

    report = run_eval(
        [*(cases or []), *(case_dirs or [])],
        model=model,
        base_url=base_url,
        jobs=jobs,
        live=live,
        corpus=corpus,
        fallback=fallback,
        record=record,
    )
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
            *(("LLM calls", "tokens") if model != "offline" else ()),
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
                *(
                    (str(c.llm_calls), f"{c.prompt_tokens}+{c.completion_tokens}")
                    if model != "offline"
                    else ()
                ),
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


@app.command(
    cls=Command,
    epilog=_example(
        "apiplan chat examples/parcelbox-openapi.yaml --session parcelbox.session.json"
    ),
)
def chat(
    docs: Annotated[
        list[str] | None,
        typer.Argument(
            help=DOCS_HELP + " Asked for when left out.", show_default=False, metavar="DOCS..."
        ),
    ] = None,
    goal: Annotated[
        str | None,
        typer.Option(
            "--goal", "-g", help="What to build (asked for when omitted).", metavar="TEXT"
        ),
    ] = None,
    code: Annotated[
        list[str] | None, typer.Option("--code", help=CODE_HELP, metavar="FILE")
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            "--model", "-m", help="'offline' (default) or PROVIDER:MODEL.", metavar="MODEL"
        ),
    ] = "offline",
    session: Annotated[
        Path | None,
        typer.Option(
            "--session",
            help="Save the session here after every change; resume from it.",
            metavar="FILE",
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="OpenAI-compatible server URL.", metavar="URL"),
    ] = None,
) -> None:
    """A conversation: load docs, state the goal, answer what the docs leave open, inspect and revise."""
    from ._chat import run_chat

    _configure_logging(False)  # the SDKs' logs stay out of the conversation

    raise typer.Exit(run_chat(docs or [], goal, code or [], model, session, base_url))


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: every error, usage or input, is one line on stderr.

    Click runs without its standalone mode so that its usage errors come back here instead of
    printing a box: ``apiplan: error: MESSAGE (hint)``, exit 2, like our own errors.
    """
    # `apiplan` alone shows the help (exit 0, like gh) rather than a usage error.
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    try:
        code: Any = app(args=args, prog_name=PROG, standalone_mode=False)
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
        _fail(_cli_wording(exc), hint, EXIT_BAD_INPUT)
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


def _fail(message: str, hint: str | None, code: int) -> NoReturn:
    """One line on stderr, then exit."""
    text = _one_line(message)
    if hint:
        text = f"{text} ({hint})"
    typer.echo(f"{PROG}: error: {text}", err=True)
    sys.exit(code)


def _one_line(text: str) -> str:
    """Error text as one line: a path or value carrying newlines must not add lines."""
    return " ".join(" ".join(text.split("\n")).replace("\r", " ").split())
