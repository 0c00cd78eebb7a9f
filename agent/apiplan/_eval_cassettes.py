"""Recorded LLM answers for eval cases: replayed by default (no provider call, no cost), and
written with keys and prompt bodies kept out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .exceptions import UsageError
from .schemas import Blueprint


def _replayed(
    path: Path, model: str, go: Callable[[], Blueprint], *, record: bool = False
) -> Blueprint:
    """LLM cases replay recorded HTTP unless live: no provider call, no cost. Recordings sit in
    ``cassettes/`` beside the cases' folder (evals/golden/x.yaml -> evals/cassettes/)."""
    name = path.stem
    try:
        import vcr
    except ImportError:
        raise UsageError(
            "replaying recorded LLM answers needs vcrpy (pip install 'apiplan[dev]'), or pass --live"
        ) from None
    cassette = path.parent.parent / "cassettes" / f"{name}.{model.replace(':', '_')}.yaml"
    if not cassette.exists() and not record:
        raise UsageError(
            f"no recording for case {name} with {model} ({cassette.name}); call the model with --live, or --record to keep its answers"
        )
    if record:  # --record: call the server and write what it answered (keys filtered out)
        cassette.parent.mkdir(parents=True, exist_ok=True)
        cassette.unlink(missing_ok=True)
    recorder = cassette_recorder(vcr.VCR, record=record)
    with recorder.use_cassette(str(cassette)):
        return go()


CASSETTE_MATCH = ["method", "scheme", "host", "port", "path"]
"""Requests replay by where they go, not by their body: a prompt's wording may change."""


def cassette_recorder(vcr_class: Any, *, record: bool) -> Any:
    """A vcrpy recorder that keeps keys and prompt bodies out of cassettes.

    Request bodies hold the prompt, which quotes the documents read (third-party text): the
    cassette keeps only their size and digest. Answers are kept whole; they are the recording.
    """
    return vcr_class(
        record_mode="all" if record else "none",
        match_on=CASSETTE_MATCH,
        filter_headers=["authorization", "x-api-key", "api-key", "cookie"],
        before_record_request=digest_request_body,
    )


def digest_request_body(request: Any) -> Any:
    """``request`` with its body replaced by its size and SHA-256 (see :func:`cassette_recorder`)."""
    import hashlib

    body = request.body or b""
    raw = body.encode() if isinstance(body, str) else bytes(body)
    if raw and not raw.startswith(b"omitted from the cassette"):
        digest = hashlib.sha256(raw).hexdigest()[:16]
        request.body = f"omitted from the cassette: {len(raw)} bytes, sha256 {digest}".encode()
    return request
