"""Renderers: facts and blueprints to Markdown and JSON."""

from ._blueprint_md import blueprint_to_markdown
from ._facts_md import facts_to_markdown
from ._json import to_json

__all__ = ["blueprint_to_markdown", "facts_to_markdown", "to_json"]
