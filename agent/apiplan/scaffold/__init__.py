"""`apiplan scaffold`: the blueprint's selected workflow as a client module and its tests.

The files are rendered from the Jinja templates beside this module (``StrictUndefined``: a
missing value is an error, never an empty string) from the plain values of ``_model``. A folder
is written only when it is new, empty, or holds apiplan's own earlier scaffold: a manifest
(``.apiplan-scaffold.json``, stamped like apiplan's JSON output) records the SHA-256 of each
file written, so a user's file is never replaced and an edited generated file only with
``force``.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import textwrap
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._output import atomic_write, write_output, written_by_apiplan
from .._version import __version__
from ..exceptions import UsageError
from ..schemas import Blueprint
from ._build import api_slug, build_model
from ._model import ScaffoldModel

__all__ = ["MANIFEST", "EditedScaffoldError", "render_scaffold", "write_scaffold"]

MANIFEST = ".apiplan-scaffold.json"
"""The record of what apiplan wrote in a scaffold folder, with each file's SHA-256."""
_CACHE_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ruff_cache"})
"""Folders that running the generated tests creates: not the user's files."""
_COMMENT_WIDTH = 96
"""Characters per generated comment line, under the usual 100-column limit."""


class EditedScaffoldError(UsageError):
    """A file apiplan wrote was edited since: replaced only with ``force``."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: was edited since apiplan wrote it; pass --force to replace it")
        self.path = path


def _pystr(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _pyrepr(value: object) -> str:
    """A Python literal of JSON-like data (double-quoted strings, True/False/None)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, dict):
        items = ", ".join(f"{_pystr(k)}: {_pyrepr(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_pyrepr(v) for v in value) + "]"
    if isinstance(value, int | float):
        return repr(value)
    return _pystr(value)


_ASCII_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2212": "-",
        "\u00d7": "x",
    }
)
"""Typographic marks that linters flag as confusable in code (ruff RUF001-RUF003)."""


def _pytuple(value: list[object]) -> str:
    """A Python tuple literal: ``(False,)``, ``("failed", "expired")``."""
    items = [_pyrepr(v) for v in value]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _line(value: object) -> str:
    """Text on one line, safe inside a docstring or comment, with plain ASCII punctuation."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_ASCII_PUNCTUATION)
    return " ".join(text.replace("\\", "/").replace('"""', "'''").split())


def _comment(value: object, indent: int = 0) -> str:
    """Text wrapped into comment lines that continue at ``indent`` spaces."""
    width = _COMMENT_WIDTH - indent
    lines = textwrap.wrap(_line(value), width, break_on_hyphens=False, break_long_words=False)
    lines = lines or [""]
    return f"\n{' ' * indent}# ".join(lines)


@lru_cache(maxsize=1)
def _env():  # jinja2's sandboxed Environment, built once
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        pystr=_pystr,
        pylist=_pyrepr,
        pyrepr=_pyrepr,
        pytuple=_pytuple,
        pyline=_line,
        mdline=_line,
        comment=_comment,
    )
    return env


def _render(name: str, model: ScaffoldModel) -> str:
    return str(_env().get_template(name).render(m=model))


def render_scaffold(blueprint: Blueprint, *, aio: bool = False) -> dict[str, str]:
    """File name -> content of the scaffold of the blueprint's selected workflow.

    Args:
        blueprint: a blueprint whose workflow selects at least one step.
        aio: an ``httpx.AsyncClient`` client with async methods (tests run it with asyncio).

    Raises:
        UsageError: the blueprint selects no workflow step, or a step has no retry policy.
    """
    model = build_model(blueprint, aio=aio)
    return {
        f"{model.slug}_client.py": _render("client.py.j2", model),
        f"test_{model.slug}_client.py": _render("test_client.py.j2", model),
        "README.md": _render("README.md.j2", model),
    }


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _recorded(folder: Path) -> dict[str, str]:
    """The files apiplan recorded in ``folder``, or {} when it has no unchanged manifest."""
    manifest = folder / MANIFEST
    if not written_by_apiplan(manifest):
        return {}
    try:
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def _regular_digest(path: Path) -> str | None:
    """SHA-256 of a regular file (links not followed), None when there is nothing there."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{path}: is not a regular file; apiplan does not replace it")
    return _digest(path.read_bytes())


def _check_folder(folder: Path, names: list[str], *, force: bool) -> dict[str, str]:
    """Refuse a folder that holds files apiplan did not write; returns the recorded files."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"{folder}: not a folder apiplan can write into")
    if not folder.exists():
        return {}
    recorded = _recorded(folder)
    present = {p.name for p in folder.iterdir() if p.name not in _CACHE_DIRS}
    if present and not recorded:
        raise UsageError(
            f"{folder}: is not empty and holds no scaffold apiplan wrote; name a new or empty "
            "folder (apiplan never writes among your files)"
        )
    for name in names:
        digest = _regular_digest(folder / name)
        if digest is None:
            continue
        if name not in recorded:
            raise UsageError(f"{folder / name}: exists and was not written by apiplan")
        if digest != recorded[name] and not force:
            raise EditedScaffoldError(folder / name)
    return recorded


def write_scaffold(
    blueprint: Blueprint, folder: Path, *, force: bool = False, aio: bool = False
) -> list[Path]:
    """Write the scaffold into ``folder`` and return the paths written.

    Args:
        blueprint: a blueprint whose workflow selects at least one step.
        folder: a new or empty folder, or one holding an earlier scaffold of apiplan's.
        force: replace apiplan's own files even when they were edited since.
        aio: an ``httpx.AsyncClient`` client with async methods.

    Raises:
        UsageError: the folder holds files apiplan did not write, or nothing can be scaffolded.
    """
    files = render_scaffold(blueprint, aio=aio)
    recorded = _check_folder(folder, sorted(files), force=force)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, text in files.items():
        data = text.encode("utf-8")
        target = folder / name
        atomic_write(target, data, like=os.lstat(target) if target.exists() else None)
        recorded[name] = _digest(data)
        written.append(target)
    manifest: dict[str, Any] = {
        "generator": f"apiplan {__version__}",
        "api": blueprint.api,
        "goal": blueprint.scope.goal,
        "documents": blueprint.documents,
        "files": dict(sorted(recorded.items())),
    }
    write_output(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n", force=True)
    return written


def client_module_name(blueprint: Blueprint) -> str:
    """The generated client's module name (without ``.py``)."""
    return f"{api_slug(blueprint.api)}_client"
