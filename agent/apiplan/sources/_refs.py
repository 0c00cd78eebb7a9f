"""Following ``$ref`` across one or more local documents, safely.

Rules: internal refs always; relative file refs only inside the folder of the first document
(so ``../../etc/passwd`` is refused); http(s) refs are never fetched; chains are followed with a
hop limit so that a ref cycle cannot hang us. Every failure is a :class:`RefError` that the
caller turns into a warning naming the pointer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..exceptions import DocumentError, RefError
from . import _pointer
from ._document import StructuredDocument, parse_document

MAX_REF_HOPS = 32


class Workspace:
    """The documents reachable from the first one, loaded on demand and cached."""

    def __init__(self, root_doc: StructuredDocument) -> None:
        self.root = root_doc
        self.folder = root_doc.path.resolve().parent
        self._docs: dict[Path, StructuredDocument] = {root_doc.path.resolve(): root_doc}

    def _load(
        self, ref: str, file_part: str, base: StructuredDocument, at: str
    ) -> StructuredDocument:
        if "://" in file_part or file_part.startswith("//"):
            raise RefError(ref, "remote references are not fetched", pointer=at)
        target = (base.path.resolve().parent / unquote(file_part)).resolve()
        if not target.is_relative_to(self.folder):
            raise RefError(
                ref, f"points outside the folder {self.folder.name}/ and was refused", pointer=at
            )
        doc = self._docs.get(target)
        if doc is None:
            if not target.is_file():
                raise RefError(ref, "file not found", pointer=at)
            display = str(Path(base.display).parent / file_part) if base.display else file_part
            try:
                doc = parse_document(target, display)
            except DocumentError as exc:
                raise RefError(ref, exc.reason, pointer=at) from None
            self._docs[target] = doc
        return doc

    def follow(
        self, ref: Any, base: StructuredDocument, at: str
    ) -> tuple[StructuredDocument, str, Any]:
        """Resolve one ``$ref`` value written at ``at`` in ``base``, following chains.

        Returns the document, the pointer and the value of the final target.
        """
        doc, pointer = base, at
        seen: set[tuple[int, str]] = set()
        for _ in range(MAX_REF_HOPS):
            if not isinstance(ref, str):
                raise RefError(str(ref), "$ref is not a string", pointer=pointer)
            file_part, _, fragment = ref.partition("#")
            target_doc = self._load(ref, file_part, doc, pointer) if file_part else doc
            target_ptr = unquote(fragment)
            if target_ptr and not target_ptr.startswith("/"):
                raise RefError(ref, "only JSON-pointer fragments are supported", pointer=pointer)
            try:
                value = target_doc.resolve(target_ptr)
            except (KeyError, ValueError):
                raise RefError(ref, "target not found", pointer=pointer) from None
            key = (id(target_doc), target_ptr)
            if key in seen:
                raise RefError(ref, "reference cycle", pointer=pointer)
            seen.add(key)
            doc, pointer = target_doc, target_ptr
            if isinstance(value, dict) and "$ref" in value and len(value) == 1:
                ref = value["$ref"]
                pointer = _pointer.join(target_ptr, "$ref")
                continue
            return doc, target_ptr, value
        raise RefError(str(ref), f"more than {MAX_REF_HOPS} chained references", pointer=at)
