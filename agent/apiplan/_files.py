"""Reading the files a user names: regular files only, bounded reads, one budget per run."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from ._constants import (
    MAX_DOCUMENT_BYTES,
    MAX_RUN_BYTES_READ,
    MAX_RUN_EXPANDED_CHARS,
    READ_CHUNK_BYTES,
)
from .exceptions import DocumentError


class ReadBudget:
    """What one run may still read and expand, shared by every file it opens.

    Per-document caps alone let many mid-sized files (or many alias-heavy ones) add up to an
    unbounded run; one budget passed down the whole run bounds the total.
    """

    def __init__(
        self,
        *,
        max_bytes: int = MAX_RUN_BYTES_READ,
        max_expanded_chars: int = MAX_RUN_EXPANDED_CHARS,
    ) -> None:
        self.max_bytes = self.bytes_left = max_bytes
        self.max_expanded_chars = self.expanded_left = max_expanded_chars

    def charge_bytes(self, display: str, count: int) -> None:
        if count > self.bytes_left:
            raise DocumentError(
                display, f"reading it would pass the {_size(self.max_bytes)} read per run"
            )
        self.bytes_left -= count

    @property
    def expanded_reason(self) -> str:
        return (
            f"the documents of this run stand for more than {_size(self.max_expanded_chars)} "
            "of text once YAML aliases are expanded"
        )

    def charge_expanded(self, display: str, chars: int) -> None:
        if chars > self.expanded_left:
            raise DocumentError(display, self.expanded_reason)
        self.expanded_left -= chars


def _size(count: int) -> str:
    """A byte or character count for a message: MiB when large, exact when small."""
    return f"{count / 2**20:.0f} MiB" if count >= 2**20 else f"{count:,} bytes"


def _stat_error(display: str, exc: OSError) -> DocumentError:
    """One line for an OSError met while opening a path the user named."""
    if isinstance(exc, FileNotFoundError):
        return DocumentError(display, "no such file")
    if exc.errno == errno.ELOOP:
        return DocumentError(display, "symbolic link loop")
    if exc.errno == errno.ENAMETOOLONG:
        return DocumentError(display, "file name too long")
    return DocumentError(display, f"cannot read: {exc.strerror or exc}")


def _require_regular(display: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise DocumentError(display, "is a directory, not a document")
    if not stat.S_ISREG(mode):
        raise DocumentError(
            display, "not a regular file (a pipe, device or socket); apiplan reads only files"
        )


def open_regular(path: Path, display: str) -> tuple[int, int]:
    """(descriptor, size) of ``path`` opened for reading, only when it is a regular file.

    Checked before opening (opening a device can have effects of its own) and again on the
    descriptor, which is opened non-blocking so that a FIFO swapped in between cannot hang us.
    """
    try:
        _require_regular(display, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise _stat_error(display, exc) from None
    except ValueError:  # a NUL byte in the name
        raise DocumentError(display, "not a usable file name") from None
    try:
        st = os.fstat(fd)
        _require_regular(display, st.st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def read_regular(path: Path, display: str, *, max_bytes: int) -> bytes:
    """The bytes of a regular file, reading at most ``max_bytes + 1`` (``st_size`` can lie).

    Raises:
        DocumentError: not a regular file, unreadable, or over ``max_bytes``.
    """
    fd, size = open_regular(path, display)
    if size > max_bytes:  # refused before reading; the capped read below covers a lying size
        os.close(fd)
        raise DocumentError(
            display, f"{size / 2**20:.1f} MiB is over the {_size(max_bytes)} limit per document"
        )
    chunks: list[bytes] = []
    total = 0
    try:
        while total <= max_bytes:
            chunk = os.read(fd, min(READ_CHUNK_BYTES, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise DocumentError(display, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise DocumentError(display, f"over the {_size(max_bytes)} limit per document")
    return b"".join(chunks)


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a regular file; empty for anything else (never blocks)."""
    try:
        fd, _ = open_regular(path, str(path))
    except DocumentError:
        return b""
    try:
        return os.read(fd, size)
    except OSError:
        return b""
    finally:
        os.close(fd)


def read_text(
    path: Path,
    display: str,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    budget: ReadBudget | None = None,
) -> tuple[str, str]:
    """Read a text document: (text, sha256). One-line ``DocumentError`` for anything unusable."""
    raw = read_regular(path, display, max_bytes=max_bytes)
    if budget is not None:
        budget.charge_bytes(display, len(raw))
    if not raw.strip():
        raise DocumentError(display, "file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DocumentError(display, "not valid UTF-16 text") from None
    else:
        if b"\x00" in raw[:8192]:
            raise DocumentError(display, "binary file (NUL bytes), not a text document")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DocumentError(display, "not UTF-8 text", line=line) from None
    return text, hashlib.sha256(raw).hexdigest()


FileIdentity = tuple[int, int, int, int]


def file_identity(path: Path) -> FileIdentity | None:
    """One real file in one state, whatever links or spellings name it: its device, inode, size
    and modification time (a file changed in between is another). None when it cannot be
    looked at; reading it reports why."""
    try:
        return identity_of(os.stat(path))
    except (OSError, ValueError):
        return None


def identity_of(st: os.stat_result) -> FileIdentity:
    """:func:`file_identity` of a status already read."""
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns
