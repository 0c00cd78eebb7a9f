"""Two scans of the documents' raw text, run in a child process while the parent reads their facts.

``apiplan check`` reads each document for its facts, and each JSON document's text for the
position of every key (the lines facts cite), and the raw text again for credential-shaped
values anywhere in it (the secret rule). The last two need nothing of the facts, so the console
run forks a child for them before extraction starts when a second core is free: the parent
cites without lines until the child's positions arrive, and the secret rule takes the child's
findings instead of scanning again (together a fifth of a check of Slack's 1.2 MB spec).

The child answers in frames, each an 8-byte length and its bytes: one per JSON document with its
positions (arrays of numbers, matched to the parent's document by its SHA-256) as soon as it is
scanned, an empty frame, then the findings (JSON, masked values only, like every output). Anything unexpected (an
error in the child, a kill, no answer before the deadline, a frame that does not parse)
stops the child, and the parent scans by itself, as it does when no child was started.

Only the console run forks: a host program calling apiplan may have threads, and a child forked
from a process with threads can deadlock on a lock another thread held.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import sys
import threading
import time
from array import array
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import Any, Literal, NoReturn, cast

from ..schemas import Finding
from ..sources import JsonPositions, scan_file_positions
from ._docs_rules import document_secrets

PRESCAN_MIN_BYTES = 256 * 1024
"""Below this much text the fork costs about what the overlap saves."""
PRESCAN_MAX_BYTES = 8 * 1024 * 1024
"""Above this much text no child is forked: it parses its own copy of each JSON document, about
twelve times the file's size in memory while it scans (a 16 MB spec would add 200 MB)."""
PRESCAN_DEADLINE_SECONDS = 300.0
"""Longest wait for the child's answers once the parent needs them (both scans of a 32 MB
document, the largest read, take well under a minute); then the parent scans by itself."""
_MAX_FRAME_BYTES = 256 * 1024 * 1024
_LENGTH_BYTES = 8
_PIPE_BYTES = 1024 * 1024
"""Pipe capacity asked for, so that the child writes its positions without waiting for the
parent to read them and goes on to the secrets (Linux grants up to 1 MB unprivileged)."""


def _may_fork() -> bool:
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


def _size(paths: Sequence[str]) -> int:
    total = 0
    for p in paths:
        try:
            total += os.stat(p).st_size
        except OSError:
            continue
    return total


class Prescan:
    """A child process scanning documents. Called with a path: the secret findings it found
    there (None when it did not scan that path or failed). ``positions`` gives the positions
    of a JSON document it scanned (a ``PositionsFrom`` for ``load_facts``)."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid: int | None = pid
        self._fd: int | None = fd
        self._deadline: float | None = None
        self._positions: dict[str, tuple[str, JsonPositions]] = {}
        self._positions_done = False
        self._found: dict[str, list[Any]] | None = None

    @classmethod
    def start(
        cls, paths: Sequence[str], *, secrets: bool = True, min_bytes: int = PRESCAN_MIN_BYTES
    ) -> Prescan | None:
        """The scans of ``paths`` started in a child (positions only without ``secrets``), or
        None where forking is not worth it or not safe (one core, other threads, not Linux,
        little text, or so much that a second parsed copy would weigh)."""
        # Without the secrets only JSON documents give the child work.
        counted = paths if secrets else [p for p in paths if p.lower().endswith(".json")]
        if not counted or not _may_fork() or not min_bytes <= _size(counted) <= PRESCAN_MAX_BYTES:
            return None
        try:
            read_fd, write_fd = os.pipe()
        except OSError:  # out of file descriptors: no child, the parent scans
            return None
        with contextlib.suppress(OSError):  # a smaller pipe only makes the child wait
            fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        # Ctrl-C waits until each process knows which it is: a KeyboardInterrupt in the child
        # before it enters _child would run the parent's own error handling there.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:
            _child(list(paths), read_fd, write_fd, mask, secrets=secrets)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(write_fd)
        return cls(pid, read_fd)

    def positions(self, path: str, sha256: str) -> JsonPositions | None:
        """Positions of the JSON document at ``path`` if the child scanned that very text.
        Waits only for that document's frame (the child scans them in the order given)."""
        self._read_positions(until=path)
        found = self._positions.get(path)
        return found[1] if found is not None and found[0] == sha256 else None

    def _read_positions(self, *, until: str | None) -> None:
        """Read positions frames until the one of ``until`` (None: all of them) is in."""
        while (until is None or until not in self._positions) and not self._positions_done:
            frame = self._frame()
            if not frame:  # the end of the positions, or of the child
                self._positions_done = True
                return
            parsed = _positions(frame)
            if parsed is None:  # not our shape: the stream is out of step, nothing more is read
                self._positions_done = True
                self.close()
                return
            self._positions[parsed[0]] = parsed[1]

    def __call__(self, path: str) -> list[Finding] | None:
        found = self._findings().get(path)
        if not isinstance(found, list):
            return None
        try:
            return [Finding.model_validate(f) for f in found]
        except ValueError:  # pydantic's ValidationError: not what our child writes
            return None

    def _findings(self) -> dict[str, list[Any]]:
        if self._found is None:
            self._read_positions(until=None)  # the positions frames come first
            self._found = {}
            frame = self._frame()
            if frame is not None and self._reap() == 0:
                try:
                    parsed = json.loads(frame)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    self._found = parsed
            self.close()
        return self._found

    def _frame(self) -> bytes | None:
        """The child's next frame; None when it ends or stalls first (the child is stopped)."""
        head = self._exactly(_LENGTH_BYTES)
        if head is None:
            return None
        size = int.from_bytes(head, "big")
        if size > _MAX_FRAME_BYTES:
            self.close()
            return None
        return self._exactly(size)

    def _exactly(self, size: int) -> bytes | None:
        fd = self._fd
        if fd is None:
            return None
        if self._deadline is None:
            self._deadline = time.monotonic() + PRESCAN_DEADLINE_SECONDS
        chunks: list[bytes] = []
        while size > 0:
            left = self._deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.close()
                return None
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:  # the child ended early
                self.close()
                return None
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _reap(self) -> int | None:
        """The child's exit status once it has ended (None when already reaped)."""
        if self._pid is None:
            return None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """Stop the child if it is still running, and release it."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):  # it has ended already
                os.kill(self._pid, signal.SIGKILL)
            self._reap()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Prescan:
        return self

    def __del__(self) -> None:  # used without `with`: no child or descriptor outlives it
        with contextlib.suppress(OSError):
            self.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _positions(frame: bytes) -> tuple[str, tuple[str, JsonPositions]] | None:
    """A positions frame read back: a JSON header line, then the document's two arrays."""
    head, sep, body = frame.partition(b"\n")
    try:
        entry: Any = json.loads(head) if sep else None
    except ValueError:
        return None
    if not (isinstance(entry, list) and len(cast("list[Any]", entry)) == 5):
        return None
    path, sha, code, count, root = cast("list[Any]", entry)
    if not (
        isinstance(path, str)
        and isinstance(sha, str)
        and code in ("i", "q")
        and isinstance(count, int)
        and isinstance(root, int)
        and count >= 0
        and -1 <= root < count
    ):
        return None
    typecode: Literal["i", "q"] = "i" if code == "i" else "q"
    arrays: list[array[int]] = []
    at = 0
    for _ in range(2):
        arr = array(typecode)
        end = at + count * arr.itemsize
        if end > len(body):
            return None
        arr.frombytes(body[at:end])
        at = end
        arrays.append(arr)
    if at != len(body):
        return None
    return path, (sha, JsonPositions(arrays[0], arrays[1], root))


def _child(
    paths: list[str], read_fd: int, fd: int, mask: Iterable[int], *, secrets: bool
) -> NoReturn:
    """In the child: scan, write the frames, and end without the parent's teardown (its
    buffered output, temporary files and exit handlers are the parent's)."""
    status = 1  # stays 1 if anything below raises: the parent then scans by itself
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(read_fd)
        # Off the parent's terminal and pipes: were the parent killed, `apiplan ... | cat`
        # must not wait for an orphaned child to finish its scan.
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(null, std)
        for p in paths:
            scanned = scan_file_positions(p)
            if scanned is not None:
                sha, pos = scanned
                head = json.dumps([p, sha, pos.flat.typecode, len(pos.flat), pos.root])
                _write(fd, head.encode("utf-8") + b"\n" + pos.flat.tobytes() + pos.kids.tobytes())
        _write(fd, b"")  # the end of the positions
        found = (
            {p: [f.model_dump(mode="json") for f in document_secrets(p)] for p in paths}
            if secrets
            else {}
        )
        _write(fd, json.dumps(found).encode("utf-8"))
        status = 0
    finally:
        os._exit(status)  # the exception, if any, ends with the child: its status says it


def _write(fd: int, payload: bytes) -> None:
    view = memoryview(len(payload).to_bytes(_LENGTH_BYTES, "big") + payload)
    while view:
        view = view[os.write(fd, view) :]
