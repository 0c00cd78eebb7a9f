"""Following ``$ref`` across one or more local documents, safely.

Rules: internal refs always; relative file refs only inside the folder of the first document
(so ``../../etc/passwd`` is refused); http(s) refs are never fetched; chains are followed with a
hop limit so that a ref cycle cannot hang us. Every failure is a :class:`RefError` that the
caller turns into a warning naming the pointer.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .._files import FileIdentity, ReadBudget, file_identity, identity_of
from ..exceptions import DocumentError, RefError
from . import _pointer
from ._document import StructuredDocument, parse_document

MAX_REF_HOPS = 32


class Workspace:
    """The documents reachable from the first one, loaded on demand and parsed once each.

    A relative ``$ref`` is resolved against the path the user gave (as a URI reference: dot
    segments removed without following links), so a document given through a symlink finds
    its neighbours next to the link. The confinement check runs on the real path: the target,
    links followed, must lie inside the real folder of the first document as given. Files are
    cached by their identity (device, inode, size and time), so hard links and different
    spellings of one unchanged file parse once.
    """

    def __init__(self, root_doc: StructuredDocument, *, budget: ReadBudget | None = None) -> None:
        self.root = root_doc
        self.folder = Path(os.path.realpath(root_doc.path.parent))
        self.budget = budget
        self._docs: dict[FileIdentity, StructuredDocument] = {}
        self.add(root_doc)

    def add(self, doc: StructuredDocument) -> None:
        """Remember a document read elsewhere (a root document) so that refs reuse it."""
        key = file_identity(doc.path)
        if key is not None:
            self._docs.setdefault(key, doc)

    def cached(self, path: Path) -> StructuredDocument | None:
        """The document already parsed from the same real file as ``path``, if any."""
        key = file_identity(path)
        return self._docs.get(key) if key is not None else None

    def _target(
        self, ref: str, file_part: str, base: StructuredDocument, at: str
    ) -> tuple[Path, Path]:
        """(path as reached, real path) of the file a ref names; refused outside the folder."""
        if "://" in file_part or file_part.startswith("//"):
            raise RefError(ref, "remote references are not fetched", pointer=at)
        given = Path(os.path.normpath(base.path.parent / unquote(file_part)))
        try:
            real = given.resolve()
        except RuntimeError:  # Python before 3.13 reports a symlink loop so
            raise RefError(ref, "symbolic link loop", pointer=at) from None
        except OSError as exc:
            raise RefError(ref, _os_reason(exc), pointer=at) from None
        except ValueError:  # a NUL byte in the name
            raise RefError(ref, "not a usable file name", pointer=at) from None
        if not real.is_relative_to(self.folder):
            raise RefError(
                ref, f"points outside the folder {self.folder.name}/ and was refused", pointer=at
            )
        return given, real

    def _load(
        self, ref: str, file_part: str, base: StructuredDocument, at: str
    ) -> StructuredDocument:
        given, real = self._target(ref, file_part, base, at)
        try:
            st = os.stat(real)
        except OSError as exc:
            raise RefError(ref, _os_reason(exc), pointer=at) from None
        key = identity_of(st)
        doc = self._docs.get(key)
        if doc is None:
            display = str(Path(base.display).parent / file_part) if base.display else file_part
            try:
                doc = parse_document(real, display, budget=self.budget)
            except DocumentError as exc:
                raise RefError(ref, exc.reason, pointer=at) from None
            doc.path = given  # its own refs resolve beside the path it was reached by
            self._docs[key] = doc
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


def _os_reason(exc: OSError) -> str:
    """One line for an OSError met while following a file ref."""
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return "file not found"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return f"cannot read: {exc.strerror or exc}"
