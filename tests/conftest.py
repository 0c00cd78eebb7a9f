"""Shared fixtures. Tests never touch the network: a guard makes any socket connect to a
non-loopback address fail loudly."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import apiplan

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("APIPLAN_CORPUS") or ROOT.parent / "shared" / "corpus")
"""The shared corpus (``../shared/corpus``), read in place; ``APIPLAN_CORPUS`` points elsewhere
(a missing folder shows that every corpus test skips rather than fails)."""
EXAMPLES = ROOT / "examples"


def corpus(*parts: str) -> Path:
    """A file or folder of the shared corpus, read in place; the test is skipped when absent.

    Every test that reads the corpus goes through here (or :func:`corpus_facts`), so that the
    suite skips, never fails, where ``../shared`` is not checked out.
    """
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus {'file' if path.suffix else 'folder'} {path} not present")
    return path


@pytest.fixture(autouse=True, scope="session")
def _cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """apiplan's cache (detect-secrets' patterns) goes to a folder of this session, for the
    processes the tests start too: tests never write to the user's home."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("APIPLAN_CACHE_DIR", str(tmp_path_factory.mktemp("apiplan-cache")))
        yield


_FACTS: dict[tuple[str, ...], apiplan.Facts] = {}


def shared_corpus_facts(*parts: str) -> apiplan.Facts:
    """Facts of one corpus document, read once per session and shared by every test that asks:
    the large specs take seconds each. Callers only read them (planning does not change facts)."""
    if parts not in _FACTS:
        _FACTS[parts] = apiplan.load_facts([corpus(*parts)])
    return _FACTS[parts]


@pytest.fixture(scope="session")
def corpus_facts() -> Callable[..., apiplan.Facts]:
    """:func:`shared_corpus_facts` as a fixture: ``corpus_facts("openapi", "x.json")``."""
    return shared_corpus_facts


def openapi_specs() -> list[Path]:
    folder = CORPUS / "openapi"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def raw_load(path: Path) -> Any:
    """Load a document independently of apiplan (plain json / yaml.safe_load)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    for var in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "LANGFUSE_PUBLIC_KEY",
        "LANGFUSE_SECRET_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
