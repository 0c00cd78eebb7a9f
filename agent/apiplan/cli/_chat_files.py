"""Chat commands that bring files in or write them out: add a document or code file, export the
blueprint, scaffold a client with its tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import ApiplanError
from ._chat_views import summary

if TYPE_CHECKING:
    from ._chat import Chat


def add(chat: Chat, path: str) -> None:
    p = path.strip()
    if not p:
        chat.hint("add needs a file path")
        return
    if not Path(p).is_file():
        chat.hint(f"{p}: no such file")
        return
    from ..sources import CODE_SUFFIXES

    target = chat.state.code if p.lower().endswith(CODE_SUFFIXES) else chat.state.docs
    target.append(p)
    try:
        import apiplan

        chat.facts = apiplan.load_facts(chat.state.docs, code=chat.state.code)
    except ApiplanError as exc:
        target.remove(p)
        chat.hint(str(exc))
        return
    chat.say(f"added {p}")
    if chat.plan():
        summary(chat)


def export(chat: Chat, path: str) -> None:
    from .._output import write_output
    from ..render import blueprint_to_markdown, to_json

    p = path.strip()
    if not p or not p.endswith((".md", ".json")):
        chat.hint("export needs a file ending in .md or .json")
        return
    if chat.bp is None:
        chat.hint("no blueprint yet")
        return
    try:
        write_output(
            Path(p), to_json(chat.bp) if p.endswith(".json") else blueprint_to_markdown(chat.bp)
        )
    except ApiplanError as exc:
        chat.hint(str(exc))
        return
    chat.say(f"wrote {p}")


def scaffold(chat: Chat, rest: str) -> None:
    """Write the scaffold of the current blueprint into a new or empty folder, or over
    apiplan's own earlier scaffold; files apiplan wrote and you edited are replaced only
    when you say so, and a folder of your own files is never written into."""
    from ..scaffold import EditedScaffoldError, write_scaffold

    words = rest.split()
    aio = "--async" in words
    names = [w for w in words if w != "--async"]
    if len(names) != 1:
        chat.hint("scaffold needs one folder: scaffold DIR (scaffold --async DIR for asyncio)")
        return
    if chat.bp is None:
        chat.hint("no blueprint yet")
        return
    folder = Path(names[0]).expanduser()
    try:
        written = write_scaffold(chat.bp, folder, aio=aio)
    except EditedScaffoldError as exc:
        answer = chat.read(f"{exc.path.name} was edited since apiplan wrote it. Replace it? [y/N] ")
        if (answer or "").strip().lower() not in ("y", "yes"):
            chat.say(f"left {folder} as it was")
            return
        try:
            written = write_scaffold(chat.bp, folder, aio=aio, force=True)
        except ApiplanError as again:
            chat.hint(str(again))
            return
    except ApiplanError as exc:
        chat.hint(str(exc))
        return
    chat.say(f"wrote {', '.join(p.name for p in written)} in {folder}")
    chat.say(f"run its tests: python -m pytest {folder}")
