"""Entry point of ingestion: paths in, one merged ``Facts`` out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

from .._constants import FLATTEN_MAX_DEPTH, FLATTEN_MAX_FIELDS, MAX_DOCUMENT_BYTES
from .._files import ReadBudget, read_head, read_text
from .._version import __version__
from ..exceptions import DocumentError, UsageError
from ..schemas import Facts, FactWarning, Operation
from ._dedupe import dedupe_facts
from ._document import StructuredDocument, parse_document
from ._json_lines import PositionsFrom
from ._openapi import extract_openapi
from ._refs import Workspace

_PROSE_SUFFIXES = (
    ".md",
    ".mdx",
    ".markdown",
    ".rst",
    ".html",
    ".htm",
    ".adoc",
    ".asciidoc",
    ".apib",
    ".raml",
)
_STRUCTURED_SUFFIXES = (".json", ".yaml", ".yml")
CODE_SUFFIXES = (".py", ".pyw", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".sh", ".bash")
"""Files read as client code rather than as API documents (lower-case suffixes)."""


def _is_prose(path: Path, max_bytes: int) -> bool:
    """Prose by extension; for anything else (.txt, no suffix) look at the text."""
    suffix = path.suffix.lower()
    if suffix in _PROSE_SUFFIXES:
        return True
    if suffix in _STRUCTURED_SUFFIXES:
        return False
    # Only a regular file is sniffed, without blocking: a FIFO or device is refused later.
    head = read_head(path, 4096).decode("utf-8", "replace")
    if not head:
        return False
    stripped = head.lstrip()
    if stripped[:1] in ("{", "[") or re.search(r"^(openapi|swagger)\s*:", head, re.M):
        return False
    from ._prose import prose_format

    return prose_format(str(path), head) is not None


def _check_paths(given: Sequence[object]) -> None:
    """Library callers get a UsageError, not a TypeError, for something that is not a path."""
    if isinstance(given, str | bytes):
        raise UsageError("documents must be a list of paths, not one string")
    for item in given:
        if not isinstance(item, str | PathLike):
            raise UsageError(f"{item!r} is not a path")


def _extract(workspace: Workspace, doc: StructuredDocument, **bounds: int) -> Facts:
    """OpenAPI facts; a value of a shape the extractor does not expect is a DocumentError.

    The extractor checks the shapes it knows to vary; this boundary keeps the promise that bad
    input never ends in a traceback when a document finds one it does not check.
    """
    try:
        return extract_openapi(workspace, doc, **bounds)
    except (AttributeError, TypeError, KeyError, IndexError) as exc:
        raise DocumentError(
            doc.display,
            f"a value has a type OpenAPI does not allow there ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:120] if str(exc) else 'no detail'})",
        ) from None


def merge_facts(parts: Sequence[Facts]) -> Facts:
    """Concatenate facts of several documents (conflicts are kept side by side, not resolved)."""
    if len(parts) == 1:
        return parts[0]
    merged = Facts()
    by_key: dict[str, Operation] = {}
    for part in parts:
        merged.documents += part.documents
        merged.servers += [
            s for s in part.servers if not any(m.url == s.url for m in merged.servers)
        ]
        for scheme in part.security_schemes:
            if not any(m.name == scheme.name for m in merged.security_schemes):
                merged.security_schemes.append(scheme)
        if part.security is not None:
            merged.security = (merged.security or []) + [
                r for r in part.security if r not in (merged.security or [])
            ]
        for op in part.operations:
            first = by_key.get(op.key)
            if first is None:
                by_key[op.key] = op
                merged.operations.append(op)
                continue
            # Documented twice: keep both documents' facts side by side and say so.
            conflicts = [
                r.status
                for r in op.responses
                if any(
                    f.status == r.status
                    and f.description
                    and r.description
                    and f.description != r.description
                    for f in first.responses
                )
            ]
            first.responses += [
                r for r in op.responses if not any(f.status == r.status for f in first.responses)
            ]
            first.parameters += [
                p
                for p in op.parameters
                if not any((f.name, f.location) == (p.name, p.location) for f in first.parameters)
            ]
            merged.warnings.append(
                FactWarning(
                    code="conflict" if conflicts else "merged",
                    message=f"{op.key} is documented in {first.source.document} and {op.source.document}; "
                    + (
                        f"their descriptions of {', '.join(conflicts)} differ (both kept)"
                        if conflicts
                        else "facts from both are kept"
                    ),
                    source=op.source,
                )
            )
        merged.webhooks += part.webhooks
        merged.schemas.update(part.schemas)
        merged.rate_limits += part.rate_limits
        merged.idempotency += part.idempotency
        merged.retry_guidance += part.retry_guidance
        merged.global_parameters += part.global_parameters
        merged.api_responses += [
            r
            for r in part.api_responses
            if not any(m.status == r.status for m in merged.api_responses)
        ]
        merged.notes += part.notes
        merged.secrets += part.secrets
        merged.warnings += part.warnings
    # Numeric limits that disagree for the same scope and operation across documents.
    limits = [r for r in merged.rate_limits if r.kind == "limit"]
    for i, a in enumerate(limits):
        for b in limits[i + 1 :]:
            if (
                (a.operation, a.scope) == (b.operation, b.scope)
                and a.source.document != b.source.document
                and (a.limit, a.window_seconds) != (b.limit, b.window_seconds)
            ):
                merged.warnings.append(
                    FactWarning(
                        code="conflict",
                        message=f"rate limit for {a.operation or 'the API'} ({a.scope or 'scope not stated'}) differs: "
                        f"{a.limit}/{a.window_seconds:g}s in {a.source.document}, {b.limit}/{b.window_seconds:g}s in {b.source.document}",
                        source=b.source,
                    )
                )
    # Auth written on one prose page applies to the endpoints of the others given with it.
    if merged.security:
        for op in merged.operations:
            if op.security_origin == "unspecified" and op.source.pointer is None:
                op.security, op.security_origin = merged.security, "global"
    return merged


def load_facts(
    docs: Sequence[str | PathLike[str]],
    *,
    code: Sequence[str | PathLike[str]] = (),
    max_depth: int = FLATTEN_MAX_DEPTH,
    max_fields: int = FLATTEN_MAX_FIELDS,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    positions: PositionsFrom | None = None,
) -> Facts:
    """Read API documents and return their facts, each citing its source.

    Relative ``$ref`` files are read only inside the folder of the first document. ``code``
    files (Python, JavaScript/TypeScript, shell) are read for observations: calls, timeouts,
    retries, error handling, logging and hard-coded credentials.

    ``positions`` gives the positions of a JSON document scanned elsewhere, by its name and
    SHA-256 (``apiplan check`` has a child process scan them meanwhile); None where it has none,
    and the document is scanned here.

    Raises:
        DocumentError: a document cannot be read or is not a supported API description.
        UsageError: no documents were given.
    """
    _check_paths(docs)
    _check_paths(code)
    # Code given among the documents (`--code a.py b.py` leaves b.py as a document) is code.
    code = [*code, *(d for d in docs if Path(d).suffix.lower() in CODE_SUFFIXES)]
    docs = [d for d in docs if Path(d).suffix.lower() not in CODE_SUFFIXES]
    if not docs and not code:
        raise UsageError("no documents given")
    parts: list[Facts] = [] if docs else [Facts()]
    workspace: Workspace | None = None
    budget = ReadBudget()  # every file of this run, $ref targets and code included
    for given in docs:
        display = str(given)
        path = Path(given)
        if _is_prose(path, max_bytes):
            text, sha = read_text(path, display, max_bytes=max_bytes, budget=budget)
            # Imported here: a run on specs alone never loads the prose readers (40 ms).
            from ._prose import extract_prose, prose_format

            fmt = prose_format(display, text)
            if fmt is None:
                raise DocumentError(
                    display,
                    "neither OpenAPI nor a prose page apiplan can read "
                    "(.md, .mdx, .rst, .html, .adoc, .apib, .raml)",
                )
            parts.append(extract_prose(display, text, sha, fmt))
            continue
        doc = workspace.cached(path) if workspace is not None else None
        if doc is None:
            doc = parse_document(path, display, max_bytes=max_bytes, budget=budget)
        if workspace is None:
            workspace = Workspace(doc, budget=budget)
        workspace.add(doc)
        # Lines wait for positions scanned elsewhere, when there are some for this document.
        scanned = positions if positions is not None and doc.defer_lines() else None
        try:
            part = _extract(workspace, doc, max_depth=max_depth, max_fields=max_fields)
        except BaseException:
            doc.abandon_lines()  # those facts are dropped: no wait for their lines (Ctrl-C)
            raise
        if scanned is not None:
            doc.settle_lines(scanned(doc.display, doc.sha256))
        parts.append(part)
    facts = merge_facts(parts)
    if code:
        from ._code import read_code

        # As given (str(path) is the name shown); PathLike objects as their path string.
        code_paths: list[str | Path] = [c if isinstance(c, str) else Path(c) for c in code]
        facts.code = read_code(code_paths, budget=budget).files
    facts.generator = f"apiplan {__version__}"
    from ._signals import derive_signals

    return derive_signals(dedupe_facts(facts))
