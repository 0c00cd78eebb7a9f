"""What every part of the OpenAPI reader shares: the workspace of documents, sources with lines,
``$ref`` following and the run's warnings."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..exceptions import RefError
from ..schemas import FactWarning, Source
from ._document import StructuredDocument
from ._pointer import join
from ._refs import Workspace

MAX_WARNINGS = 200


class Node(NamedTuple):
    """A value of a document with the pointer it was found at (after refs are followed)."""

    doc: StructuredDocument
    ptr: str
    value: Any


class Walk:
    """One OpenAPI document being read: its workspace, sources and warnings."""

    ws: Workspace
    doc: StructuredDocument
    data: dict[str, Any]
    v2: bool
    warnings: list[FactWarning]
    _warned: set[tuple[str, str]]
    _dropped_warnings: int

    def __init__(self, workspace: Workspace, doc: StructuredDocument) -> None:
        self.ws = workspace
        self.doc = doc
        self.data = doc.data
        self.v2 = "swagger" in self.data
        self.warnings = []
        self._warned = set()
        self._dropped_warnings = 0

    def src(self, doc: StructuredDocument, pointer: str) -> Source:
        """The source of a fact at ``pointer`` of ``doc``, with its line."""
        return doc.cite(pointer)

    def warn(self, code: str, message: str, doc: StructuredDocument | None, pointer: str) -> None:
        """Record a warning once; after ``MAX_WARNINGS`` only count them."""
        key = (code, message)
        if key in self._warned:
            return
        self._warned.add(key)
        if len(self.warnings) >= MAX_WARNINGS:
            self._dropped_warnings += 1
            return
        source = self.src(doc, pointer) if doc is not None else None
        self.warnings.append(FactWarning(code=code, message=message, source=source))

    def finished_warnings(self) -> list[FactWarning]:
        """The warnings, ending with how many more were not kept."""
        if self._dropped_warnings:
            self.warnings.append(
                FactWarning(
                    code="more-warnings",
                    message=f"{self._dropped_warnings} more warnings not shown",
                )
            )
            self._dropped_warnings = 0
        return self.warnings

    def deref(self, doc: StructuredDocument, pointer: str, value: Any) -> Node | None:
        """Follow ``value`` if it is a ``$ref``; None (and a warning) when it cannot be followed."""
        if isinstance(value, dict) and "$ref" in value:
            try:
                return Node(*self.ws.follow(value["$ref"], doc, join(pointer, "$ref")))
            except RefError as exc:
                self.warn("unresolved-ref", f"{exc.ref}: {exc.reason}", doc, join(pointer, "$ref"))
                return None
        return Node(doc, pointer, value)
