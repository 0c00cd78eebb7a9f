"""Where a fact comes from: shared by every model that cites the documents."""

from __future__ import annotations

from pydantic import Field

from ._base import FactModel


class Source(FactModel):
    """Where a fact comes from."""

    document: str = Field(description="Path of the document as the user gave it.")
    pointer: str | None = Field(
        default=None,
        description="RFC 6901 JSON pointer into the original, unresolved document.",
    )
    line: int | None = Field(default=None, description="1-based line in the document, when known.")
    text: str | None = Field(
        default=None, description="The quoted span of text the fact was read from (prose docs)."
    )

    def cite(self) -> str:
        """A short citation such as ``spec.yaml#/paths/~1pets/get:12``."""
        out = self.document
        if self.pointer is not None:
            out += "#" + self.pointer
        if self.line is not None:
            out += f":{self.line}"
        return out
