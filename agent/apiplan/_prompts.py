"""Rendering the prompts in prompts/: one sandboxed Jinja environment, undefined names are errors."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


def prompts_dir() -> Path:
    """prompts/ in a source checkout, or apiplan/_prompts/ in an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_prompts", here.parent.parent / "prompts"):
        if (candidate / "role.md.j2").is_file():
            return candidate
    from .exceptions import UsageError

    raise UsageError("the prompt templates are missing from this installation")


@lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        loader=FileSystemLoader(str(prompts_dir())),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def render(name: str, **values: Any) -> str:
    """Render ``prompts/<name>.md.j2``; a missing value raises instead of rendering empty."""
    return _env().get_template(f"{name}.md.j2").render(**values)
