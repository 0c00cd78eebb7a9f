"""Commands around a plan: eval against golden cases, and chat."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    # Typer 0.29 vendors Click as typer._click; its classes are needed only for annotations.

    pass

from ._common import (
    CODE_HELP,
    DOCS_HELP,
    EXIT_FINDINGS,
    BaseUrlOpt,
    Command,
    ForceOpt,
    ModelOpt,
    OutOpt,
    _choices,
    _configure_logging,
    _emit,
    _example,
    app,
)


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
    model: ModelOpt = "offline",
    base_url: BaseUrlOpt = None,
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
    model: ModelOpt = "offline",
    session: Annotated[
        Path | None,
        typer.Option(
            "--session",
            help="Save the session here after every change; resume from it.",
            metavar="FILE",
        ),
    ] = None,
    base_url: BaseUrlOpt = None,
) -> None:
    """A conversation: load docs, state the goal, answer what the docs leave open, inspect and revise."""
    from ._chat_terminal import run_chat

    _configure_logging(False)  # the SDKs' logs stay out of the conversation

    raise typer.Exit(run_chat(docs or [], goal, code or [], model, session, base_url))
