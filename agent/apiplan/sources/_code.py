"""Existing client code -> observations with lines.

Python is read with ``ast`` (no code is run): outbound calls and their timeouts, retry loops and
retry configurations with their bounds, status checks, swallowed exceptions, risky logging and
hard-coded credentials. JavaScript/TypeScript get a shallower line scan for fetch/axios, and curl
commands count in any file.
"""

from __future__ import annotations

from pathlib import Path

from .._constants import CODE_READ_BUDGET_SECONDS
from .._files import ReadBudget, read_text
from ..exceptions import DocumentError
from ..schemas import CodeFacts, CodeFile
from ._code_base import Clock, OutOfTime, out_of_time_warning
from ._code_py import PyAnalyzer
from ._code_scan import scan_lines, secrets_in


def read_code(
    paths: list[str | Path],
    *,
    budget: ReadBudget | None = None,
    seconds: float = CODE_READ_BUDGET_SECONDS,
) -> CodeFacts:
    """Observations from client code files. Python by AST; JS/TS and shell by line scan.

    Each file has ``seconds`` of wall clock; past it, reading that file stops and the file
    carries a warning (its observations so far are kept).
    """
    facts = CodeFacts()
    for given in paths:
        display = str(given)
        text, sha = read_text(Path(given), display, budget=budget)
        file = _read_one(display, Path(given).suffix.lower(), text, seconds)
        file.sha256 = sha
        facts.files.append(file)
    return facts


def _read_one(display: str, suffix: str, text: str, seconds: float) -> CodeFile:
    if suffix in (".py", ".pyw") or text.startswith("#!/usr/bin/env python"):
        analyzer = PyAnalyzer(display, text, seconds=seconds)
        file = analyzer.run()
        if analyzer.stopped:
            return file
        clock, js = analyzer.clock, False
    elif suffix in (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"):
        language = "typescript" if suffix.startswith(".ts") else "javascript"
        file = CodeFile(path=display, language=language, sha256="")
        clock, js = Clock(seconds), True
    elif suffix in (".sh", ".bash", ".zsh", ".md", ".txt", ".http", ".rst"):
        language = "shell" if suffix in (".sh", ".bash", ".zsh") else "other"
        file = CodeFile(path=display, language=language, sha256="")
        clock, js = Clock(seconds), False
    else:
        raise DocumentError(
            display,
            f"unsupported code file type {suffix or '(none)'}: use .py, .js, .ts or .sh",
        )
    if file.language != "python":
        file.secrets += secrets_in(display, text)
    try:
        scan_lines(display, text, file, js=js, clock=clock)
    except OutOfTime:
        file.warnings.append(out_of_time_warning(seconds))
    return file


__all__ = ["read_code"]
