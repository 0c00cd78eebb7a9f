"""One exception root. The library raises these; only the CLI turns them into exit codes."""

from __future__ import annotations

__all__ = [
    "ApiplanError",
    "DocumentError",
    "PhaseError",
    "RefError",
    "UsageError",
]


class ApiplanError(Exception):
    """Root of every error apiplan raises on purpose."""


class UsageError(ApiplanError):
    """The caller asked for something that cannot be done (bad option, refused path).

    Attributes:
        parameter: the library parameter at fault ('goal', 'deadline', 'operations'), when
            one is; the message then starts with that name, which the CLI replaces with its
            own option name.
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)


class DocumentError(ApiplanError):
    """A document could not be read or is not what apiplan can use.

    Attributes:
        document: the path as the user gave it.
        reason: one line saying what is wrong.
        line: 1-based line of the problem, when known.
    """

    def __init__(self, document: str, reason: str, *, line: int | None = None) -> None:
        self.document = document
        self.reason = reason
        self.line = line
        where = f"{document}:{line}" if line else document
        super().__init__(f"{where}: {reason}")


class RefError(ApiplanError):
    """A ``$ref`` could not be followed (outside the root folder, remote, or missing).

    Attributes:
        ref: the reference as written.
        pointer: where the reference stands, as an RFC 6901 pointer.
    """

    def __init__(self, ref: str, reason: str, *, pointer: str = "") -> None:
        self.ref = ref
        self.reason = reason
        self.pointer = pointer
        super().__init__(f"$ref {ref!r} at {pointer or '#'}: {reason}")


FALLBACK_HINT = "fallback='offline' fills it from the offline planner"
"""How PhaseError's message names the remedy; the CLI words it as its option."""


class PhaseError(ApiplanError):
    """An LLM phase could not produce a valid result within its bounds.

    Attributes:
        phase: scope, plan or deliverable.
        model: the provider:model string.
        errors: the last validation or transport errors, most recent last.
        url: the endpoint tried, without credentials ('' when unknown).
        reason: why, in a few words: 'cut off at the length limit', 'invalid after N re-asks',
            'deadline', 'connection', 'HTTP 500', 'context window' ('' when unknown).
    """

    def __init__(
        self, phase: str, model: str, errors: list[str], *, url: str = "", reason: str = ""
    ) -> None:
        self.phase = phase
        self.model = model
        self.errors = errors
        self.url = url
        self.reason = reason
        last = errors[-1] if errors else "no answer"
        where = f" at {url}" if url else ""
        why = f"{reason}: " if reason else ""
        super().__init__(f"phase {phase} ({model}){where} failed: {why}{last} ({FALLBACK_HINT})")
