"""Renderers: facts and blueprints to Markdown and JSON.

Each renderer is imported when first used: ``apiplan check`` prints findings and never needs
the blueprint's Markdown (a fortieth of a check's whole time on a small spec).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names
from ._md import GENERATED_MARK, table

if TYPE_CHECKING:
    from ._blueprint_md import blueprint_to_markdown
    from ._facts_md import facts_to_markdown
    from ._findings import findings_to_json, findings_to_sarif, findings_to_text
    from ._json import Chunks, to_json, to_json_chunks

_HOME = {
    "blueprint_to_markdown": "._blueprint_md",
    "facts_to_markdown": "._facts_md",
    "findings_to_json": "._findings",
    "findings_to_sarif": "._findings",
    "findings_to_text": "._findings",
    "to_json": "._json",
    "to_json_chunks": "._json",
    "Chunks": "._json",
}

__all__ = [
    "GENERATED_MARK",
    "Chunks",
    "blueprint_to_markdown",
    "facts_to_markdown",
    "findings_to_json",
    "findings_to_sarif",
    "findings_to_text",
    "table",
    "to_json",
    "to_json_chunks",
]


__getattr__ = lazy_names(__name__, _HOME, globals())
