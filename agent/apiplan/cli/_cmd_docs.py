"""Commands that read documents and write a plan: facts, plan, scaffold, schema."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ._common import (
    DOCS_HELP,
    EXIT_FINDINGS,
    CodeOpt,
    Command,
    DocsArg,
    FactsFormat,
    ForceOpt,
    OutOpt,
    QuietOpt,
    VerboseOpt,
    _choices,
    _configure_logging,
    _emit,
    _example,
    _progress,
    _read_blueprint,
    app,
    scanned_meanwhile,
)


@app.command(
    cls=Command, epilog=_example("apiplan facts examples/parcelbox-openapi.yaml --format md")
)
def facts(
    ctx: typer.Context,
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
    code: CodeOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Read API documents and print their facts, each with its source (document, pointer, line)."""
    from ..render import facts_to_markdown, to_json_chunks
    from ..sources import load_facts

    _configure_logging(verbose)
    # In the console process a child scans JSON documents for key positions meanwhile.
    with scanned_meanwhile(ctx, docs, secrets=False) as prescan:
        result = load_facts(
            docs,
            code=code or [],
            max_depth=max_depth,
            max_fields=max_fields,
            positions=prescan.positions if prescan else None,
        )
    for w in result.warnings:
        where = f" ({w.source.cite()})" if w.source else ""
        typer.echo(f"warning: {w.message}{where}", err=True)
    text = to_json_chunks(result) if format is FactsFormat.json else facts_to_markdown(result)
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
    code: CodeOpt = None,
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
    from ..render import blueprint_to_markdown, to_json_chunks

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
        to_json_chunks(bp)
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
    code: CodeOpt = None,
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
