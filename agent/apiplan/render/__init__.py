"""Renderers: facts and blueprints to Markdown and JSON."""

from ._blueprint_md import blueprint_to_markdown
from ._facts_md import facts_to_markdown
from ._findings import findings_to_json, findings_to_sarif, findings_to_text
from ._json import to_json
from ._md import GENERATED_MARK, table

__all__ = [
    "GENERATED_MARK",
    "blueprint_to_markdown",
    "facts_to_markdown",
    "findings_to_json",
    "findings_to_sarif",
    "findings_to_text",
    "table",
    "to_json",
]
