"""The command line's shared parts: the app, its exit codes, options and one-line errors."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, NoReturn

import typer
from typer.core import TyperCommand

if TYPE_CHECKING:
    # Typer 0.29 vendors Click as typer._click; its classes are needed only for annotations.
    from typer._click import Context, HelpFormatter, Parameter

    from ..render import Chunks
    from ..schemas import Blueprint
    from ..validators import Prescan


EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_LLM_FAILED = 3  # an LLM phase failed (timeout, deadline, connection, invalid answers)
EXIT_INTERRUPTED = 130
"""128 + SIGINT, what shells report for a command stopped with Ctrl-C."""

PROG = "apiplan"


class RunMode(NamedTuple):
    """How the command line runs, given to every command as its context's ``obj``."""

    console: bool
    """The ``apiplan`` console process itself (not ``main(argv)`` inside another program)."""


def is_console(ctx: typer.Context) -> bool:
    return isinstance(ctx.obj, RunMode) and ctx.obj.console


@contextlib.contextmanager
def scanned_meanwhile(
    ctx: typer.Context, docs: Sequence[Path], *, secrets: bool
) -> Iterator[Prescan | None]:
    """A child scanning ``docs`` while the command reads their facts, in the console process
    only (see ``validators._prescan``); None where there is none. Stopped on leaving."""
    from ..validators import Prescan

    prescan = Prescan.start([str(d) for d in docs], secrets=secrets) if is_console(ctx) else None
    with prescan or contextlib.nullcontext():
        yield prescan


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
CodeOpt = Annotated[list[Path] | None, typer.Option("--code", help=CODE_HELP, metavar="FILE")]
ModelOpt = Annotated[
    str,
    typer.Option("--model", "-m", help="'offline' (default) or PROVIDER:MODEL.", metavar="MODEL"),
]
BaseUrlOpt = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.", metavar="URL")
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


def _emit(text: str | Chunks, output: Path | None, force: bool, *, quiet: bool = False) -> None:
    """The result to stdout, or written to ``output``; UTF-8 pieces (a large JSON document)
    are written one by one, never joined or decoded."""
    if output is None:
        if isinstance(text, str):
            sys.stdout.write(text)
            return
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a text-only stream (an embedding harness): decode as it goes
            import codecs

            decoder = codecs.getincrementaldecoder("utf-8")()
            for chunk in text:
                sys.stdout.write(decoder.decode(chunk))
            sys.stdout.write(decoder.decode(b"", final=True))
            return
        for chunk in text:
            buffer.write(chunk)
        buffer.flush()
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
