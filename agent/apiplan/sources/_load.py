"""Entry point of ingestion: paths in, one merged ``Facts`` out."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from .._constants import FLATTEN_MAX_DEPTH, FLATTEN_MAX_FIELDS, MAX_DOCUMENT_BYTES
from .._version import __version__
from ..exceptions import UsageError
from ..schemas import Facts
from ._document import parse_document
from ._openapi import extract_openapi
from ._refs import Workspace


def merge_facts(parts: Sequence[Facts]) -> Facts:
    """Concatenate facts of several documents (conflicts are kept side by side, not resolved)."""
    if len(parts) == 1:
        return parts[0]
    merged = Facts()
    for part in parts:
        merged.documents += part.documents
        merged.servers += part.servers
        merged.security_schemes += part.security_schemes
        if part.security is not None:
            merged.security = (merged.security or []) + part.security
        merged.operations += part.operations
        merged.webhooks += part.webhooks
        merged.schemas.update(part.schemas)
        merged.rate_limits += part.rate_limits
        merged.idempotency += part.idempotency
        merged.warnings += part.warnings
    return merged


def load_facts(
    docs: Sequence[str | PathLike[str]],
    *,
    code: Sequence[str | PathLike[str]] = (),
    max_depth: int = FLATTEN_MAX_DEPTH,
    max_fields: int = FLATTEN_MAX_FIELDS,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Facts:
    """Read API documents and return their facts, each citing its source.

    Relative ``$ref`` files are read only inside the folder of the first document. ``code``
    files (Python, JavaScript/TypeScript, shell) are read for observations: calls, timeouts,
    retries, error handling, logging and hard-coded credentials.

    Raises:
        DocumentError: a document cannot be read or is not a supported API description.
        UsageError: no documents were given.
    """
    if not docs and not code:
        raise UsageError("no documents given")
    parts: list[Facts] = [] if docs else [Facts()]
    workspace: Workspace | None = None
    for given in docs:
        display = str(given)
        doc = parse_document(Path(given), display, max_bytes=max_bytes)
        if workspace is None:
            workspace = Workspace(doc)
        parts.append(extract_openapi(workspace, doc, max_depth=max_depth, max_fields=max_fields))
    facts = merge_facts(parts)
    if code:
        from ._code import read_code

        facts.code = read_code(list(code)).files
    facts.generator = f"apiplan {__version__}"
    return facts
