"""Rules applied to the API documents themselves: credential-shaped examples and keys in URLs."""

from __future__ import annotations

from pathlib import Path

from .._secrets import find_encoded_secrets, find_secrets
from ..schemas import Facts, Finding, Source
from ._finding import finding


def docs_secrets(facts: Facts) -> list[Finding]:
    """Credential-shaped values anywhere in the documents (every file, whatever its name)."""
    out: list[Finding] = []
    for d in facts.documents:
        path = Path(d.path)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        grouped: dict[tuple[str, str], list[int]] = {}
        for hit in [*find_secrets(text), *find_encoded_secrets(text)]:
            grouped.setdefault((hit.kind, hit.masked), []).append(hit.line)
        for (kind, masked), lines in grouped.items():
            src = Source(document=d.path, line=lines[0])
            times = f", {len(lines)} times" if len(lines) > 1 else ""
            out.append(
                finding(
                    "secret-exposure",
                    "medium",
                    f"the docs contain a {kind} ({masked}{times})",
                    "never copy it into code, tests or logs; if it is real, tell the API owner",
                    f"{d.path}:{lines[0]}",
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
