"""Rules on a spec alone, from the side of the team writing a client it cannot change.

Spec linters speak to the spec's authors ("add a description"); these findings speak to its
consumers: what the client must do because of how the spec is written. Each takes the operations
in scope (all of them when no goal or ``--operation`` narrowed the check).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..sources import is_sensitive_name
from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Facts, Finding, Operation, Server

# Headers that tell a throttled client how long to wait: the standard one, the IETF draft's
# RateLimit-* family and the common X-RateLimit-* / X-Rate-Limit-* spellings.
_WAIT_HEADER = re.compile(r"^(retry-after|(x-)?rate-?limit-?\w*)$", re.I)
# A path segment that carries a credential is named like one; ids and slugs are not.
_TOKEN_PARAM = re.compile(r"token|secret|signature|password|api[-_]?key|credential", re.I)
# Hosts and paths that mark a non-production environment.
_SANDBOX = re.compile(r"sandbox|staging|\btest\b|[-.]test[-.]|\bdev\b|[-.]dev[-.]|mock|demo", re.I)
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1")
# Above this many operations the grouped note names only the first few.
_NAMED_IN_NOTE = 5


def in_scope(facts: Facts, keys: list[str] | None) -> list[Operation]:
    """The operations a check looks at: those named, or all of them."""
    if keys is None:
        return list(facts.operations)
    wanted = set(keys)
    return [op for op in facts.operations if op.key in wanted]


def credentials_in_paths(ops: list[Operation]) -> list[Finding]:
    """Path parameters that carry a token: the whole URL becomes a credential."""
    by_param: dict[str, list[Operation]] = {}
    for op in ops:
        for p in op.parameters:
            if p.location == "path" and _TOKEN_PARAM.search(p.name) and is_sensitive_name(p.name):
                by_param.setdefault(p.name, []).append(op)
    out: list[Finding] = []
    for name, users in sorted(by_param.items()):
        first = users[0]
        param = next(p for p in first.parameters if p.name == name)
        more = f" and {len(users) - 1} more operations" if len(users) > 1 else ""
        out.append(
            finding(
                "secret-exposure",
                "high",
                f"the path parameter `{name}` is a credential: {first.key}{more} put it in the "
                "URL, so every logged URL, trace span or error message leaks it",
                f"treat the whole URL as a secret: log the route template ({first.path}), "
                "never the URL; strip it from exceptions, traces and retries' logs",
                first.key,
                param.source,
            )
        )
    return out


def _count(ops: list[Operation]) -> str:
    """'1 operation documents' / '3 operations document'."""
    return "1 operation documents" if len(ops) == 1 else f"{len(ops)} operations document"


def _wait_headers(op: Operation) -> list[str]:
    return [h.name for r in op.responses for h in r.headers if _WAIT_HEADER.match(h.name)]


def throttling_guidance(facts: Facts, ops: list[Operation]) -> list[Finding]:
    """429 documented with nothing saying how long to wait; operations silent on 429 and 5xx."""
    api_headers = [e for e in facts.rate_limits if e.kind == "header" and e.operation is None]
    out: list[Finding] = []
    bare = [
        op for op in ops if any(r.status == "429" for r in op.responses) and not _wait_headers(op)
    ]
    if bare and not api_headers:
        first = next(r for r in bare[0].responses if r.status == "429")
        out.append(
            finding(
                "unbounded-retry",
                "medium",
                f"{_count(bare)} 429 without Retry-After or a rate-limit header "
                f"(first: {bare[0].key}): the docs do not say how long to wait",
                "on 429 back off exponentially with jitter (e.g. 1 s doubling to 60 s, 5 "
                "attempts); honour Retry-After if the server sends it anyway, with a ceiling",
                bare[0].key,
                first.source,
            )
        )
    silent = [
        op
        for op in ops
        if not any(
            r.status in ("429", "5XX", "default") or r.status.startswith("5") for r in op.responses
        )
    ]
    if silent and not facts.api_responses:
        names = ", ".join(op.key for op in silent[:_NAMED_IN_NOTE])
        more = f" and {len(silent) - _NAMED_IN_NOTE} more" if len(silent) > _NAMED_IN_NOTE else ""
        out.append(
            finding(
                "unbounded-retry",
                "low",
                f"{_count(silent)} no 429 and no 5xx ({names}{more}): the client meets them anyway",
                "handle 429 and 5xx for these calls like any other: bounded retries with "
                "backoff for idempotent calls, a clear error otherwise",
                silent[0].key,
                silent[0].source,
            )
        )
    return out


def _servers(facts: Facts, ops: list[Operation]) -> list[Server]:
    seen: dict[str, Server] = {s.url: s for s in facts.servers}
    for op in ops:
        for s in op.servers:
            seen.setdefault(s.url, s)
    return list(seen.values())


def _plain_http(s: Server) -> bool:
    parts = urlsplit(s.url)
    return parts.scheme == "http" and (parts.hostname or "") not in _LOCAL_HOSTS


def server_problems(facts: Facts, ops: list[Operation]) -> list[Finding]:
    """Plain http, variables with no default, sandbox and production side by side."""
    servers = _servers(facts, ops)
    out: list[Finding] = []
    for s in servers:
        if _plain_http(s):
            out.append(
                finding(
                    "server-config",
                    "high",
                    f"the server {s.url} is plain http: credentials and data cross the "
                    "network unencrypted",
                    "call it over https (try the same host); refuse to send credentials over "
                    "http in the client's configuration check",
                    s.source.cite(),
                    s.source,
                )
            )
        empty = sorted(n for n, v in s.variables.items() if not v.default)
        if empty:
            out.append(
                finding(
                    "server-config",
                    "medium",
                    f"the server {s.url} has variables without a default ({', '.join(empty)}): "
                    "a generated client has no usable base URL",
                    "make the base URL (or these variables) required configuration, checked "
                    "at start-up",
                    s.source.cite(),
                    s.source,
                )
            )
    first = servers[0] if servers else None
    sandbox = [s for s in servers if _SANDBOX.search(f"{s.url} {s.description or ''}")]
    if first is not None and first in sandbox and len(sandbox) < len(servers):
        # Production listed first is the usual order; a sandbox first is what generated clients
        # and "use the first server" code then call in production.
        out.append(
            finding(
                "server-config",
                "medium",
                f"the first of {len(servers)} servers, which generated clients default to, is "
                f"the sandbox {first.url}; production is listed after it",
                "make the environment an explicit setting with no default; never rely on the "
                "first server in the spec",
                first.source.cite(),
                first.source,
            )
        )
    return out


__all__ = ["credentials_in_paths", "in_scope", "server_problems", "throttling_guidance"]
