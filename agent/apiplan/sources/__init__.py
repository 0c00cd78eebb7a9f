"""Ingestion: documents in, facts with provenance out."""

from .._files import open_regular, read_regular
from ._document import (
    StructuredDocument,
    documents_reused,
    parse_document,
    scan_file_positions,
)
from ._json_lines import JsonPositions, PositionsFrom
from ._load import CODE_SUFFIXES, load_facts
from ._meaning import REMOVED, negates
from ._names import is_sensitive_name
from ._signals import norm

__all__ = [
    "CODE_SUFFIXES",
    "REMOVED",
    "JsonPositions",
    "PositionsFrom",
    "StructuredDocument",
    "documents_reused",
    "is_sensitive_name",
    "load_facts",
    "negates",
    "norm",
    "open_regular",
    "parse_document",
    "read_regular",
    "scan_file_positions",
]
