"""Starting `apiplan chat`: the console, the line reader (prompt_toolkit in a terminal, plain
lines from a pipe) and the session resumed from its file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ..exceptions import UsageError
from ._chat import COMMANDS, Chat
from ._chat_session import SessionState, _session_status, _signature, read_session
from ._chat_views import SECTIONS


def _reader(console: Any) -> Any:
    """prompt_toolkit in a terminal (history, completion); plain lines from a pipe."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        try:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.completion import WordCompleter
            from prompt_toolkit.history import InMemoryHistory

            session: Any = PromptSession(
                history=InMemoryHistory(),
                completer=WordCompleter([*COMMANDS, *(f"/{c}" for c in COMMANDS), *SECTIONS]),
            )

            def read(prompt: str) -> str | None:
                while True:
                    try:
                        return session.prompt(prompt)
                    except KeyboardInterrupt:
                        continue  # Ctrl-C cancels this input only
                    except EOFError:
                        return None

            return read
        except ImportError:
            pass

    def read_plain(prompt: str) -> str | None:
        console.print(prompt, end="", markup=False, highlight=False)
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            console.print()
            return ""
        if not line:
            return None
        if not sys.stdin.isatty():
            console.print(line.rstrip("\n"), markup=False, highlight=False)
        return line.rstrip("\n")

    return read_plain


def run_chat(
    docs: list[str],
    goal: str | None,
    code: list[str],
    model: str,
    session: Path | None,
    base_url: str | None = None,
) -> int:
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
    console = Console(no_color=no_color, highlight=False, soft_wrap=True)
    state = SessionState()
    existing = _session_status(session) if session is not None else None
    if session is not None and existing is not None:
        state = read_session(session)
        console.print(f"Resumed session {session}", markup=False)
    if docs:
        state.docs = list(dict.fromkeys([*state.docs, *docs]))
    if code:
        state.code = list(dict.fromkeys([*state.code, *code]))
    if goal:
        state.goal = goal
    state.model = model or state.model
    state.base_url = base_url or state.base_url
    chat = Chat(state, session, console, _reader(console))
    chat.written = _signature(existing) if existing is not None else None
    if state.blueprint is not None:
        from pydantic import ValidationError

        from ..schemas import Blueprint

        try:
            chat.bp = Blueprint.model_validate(state.blueprint)
        except ValidationError:
            raise UsageError(
                f"{session}: its saved blueprint does not match this apiplan version; "
                "start a new session file"
            ) from None
    return chat.run()
