"""Ingestion: documents in, facts with provenance out."""

from ._load import load_facts

__all__ = ["load_facts"]
