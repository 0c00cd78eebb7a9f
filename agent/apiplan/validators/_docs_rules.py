"""Rules applied to the API documents themselves: credential-shaped examples and keys in URLs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .._constants import MAX_DOCUMENT_BYTES
from .._secret_examples import find_encoded_secrets, published_example
from .._secrets import find_secrets
from ..exceptions import DocumentError
from ..schemas import Facts, Finding, Source
from ..sources import read_regular
from ._finding import finding

SecretScan = Callable[[str], list[Finding] | None]
"""The secret findings of a document by its path, or None when it was not scanned."""


def docs_secrets(facts: Facts, *, scanned: SecretScan | None = None) -> list[Finding]:
    """Credential-shaped values anywhere in the documents (every file, whatever its name).

    ``scanned`` gives the findings of documents already scanned (by a child process while the
    facts were read); the others are scanned here.
    """
    out: list[Finding] = []
    for d in facts.documents:
        found = scanned(d.path) if scanned is not None else None
        out += found if found is not None else document_secrets(d.path)
    return out


def document_secrets(path: str) -> list[Finding]:
    """The secret findings of one document, read from ``path`` as raw text."""
    try:
        raw = read_regular(Path(path), path, max_bytes=MAX_DOCUMENT_BYTES)
    except DocumentError as exc:
        # Read once already for its facts: gone since, or its name is shown masked (it holds
        # a credential-shaped value) or with U+FFFD (bytes that are not UTF-8). Not silence.
        return [
            finding(
                "secret-exposure",
                "medium",
                f"{path} was not scanned for credentials: it could not be read again "
                f"({exc.reason})",
                "give the file a name without a key and in UTF-8 (or restore it) and check again",
                path,
                Source(document=path),
            )
        ]
    text = raw.decode("utf-8", errors="replace")
    # One finding per value: two values that differ only after the masked prefix are two
    # findings, told apart by a fingerprint of the value (never the value itself).
    grouped: dict[tuple[str, str], list[int]] = {}
    examples: dict[tuple[str, str], str | None] = {}
    masks: dict[tuple[str, str], str] = {}
    prints: dict[tuple[str, str], str] = {}
    for hit in [*find_secrets(text), *find_encoded_secrets(text)]:
        key = (hit.kind, hit.value)
        grouped.setdefault(key, []).append(hit.line)
        if key not in examples:
            examples[key] = published_example(text, hit)
            masks[key] = hit.masked
            prints[key] = hit.fingerprint
    shared = Counter(masks.values())
    out: list[Finding] = []
    for (kind, value), lines in grouped.items():
        src = Source(document=path, line=lines[0])
        times = f", {len(lines)} times" if len(lines) > 1 else ""
        masked = masks[(kind, value)]
        if shared[masked] > 1:
            tag = prints[(kind, value)][:6]
            masked = f"{masked[:-1]}, fingerprint {tag})"
        reason = examples[(kind, value)]
        if reason is not None:
            # Published on purpose (PagerDuty's routing keys, Slack's sample token): say so.
            out.append(
                finding(
                    "secret-exposure",
                    "low",
                    f"the docs publish a {kind} as an example ({masked}{times}): not a "
                    f"leaked key, since {reason}; apiplan masks it in every output",
                    "never use it as a real credential or copy it into code or tests",
                    f"{path}:{lines[0]}",
                    src,
                )
            )
            continue
        out.append(
            finding(
                "secret-exposure",
                "medium",
                f"the docs contain a {kind} ({masked}{times})",
                "never copy it into code, tests or logs; if it is real, tell the API owner",
                f"{path}:{lines[0]}",
                src,
            )
        )
    return out


def docs_keys_in_urls(facts: Facts) -> list[Finding]:
    out: list[Finding] = []
    for s in facts.security_schemes:
        if s.type == "apiKey" and s.location == "query":
            out.append(
                finding(
                    "secret-exposure",
                    "medium",
                    f"{s.name} sends the API key in the query parameter `{s.param_name}`: URLs reach logs and proxies",
                    "redact that parameter from every logged URL; prefer a header if the API accepts one",
                    s.source.cite(),
                    s.source,
                )
            )
    return out
