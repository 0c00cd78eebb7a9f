"""The documents' raw-text secret scan, run in a child process while the parent reads their facts.

``apiplan check`` reads each document twice: for its facts, and as raw text for credential-shaped
values anywhere in it (the secret rule). The second needs nothing of the first, so the console
run forks a child for it before extraction starts when a second core is free, and the rule
takes the child's findings instead of scanning again (on Slack's 1.2 MB spec that scan is a
tenth of the check). Findings cross the pipe as JSON and hold masked values only, like every
output. Anything unexpected in the child (an error, a kill, no answer before the deadline,
output that does not parse) leaves the documents to be scanned in the parent, as they are when
no child was started.

Only the console run forks: a host program calling apiplan may have threads, and a child forked
from a process with threads can deadlock on a lock another thread held.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, NoReturn

from ..schemas import Finding
from ._docs_rules import document_secrets

PRESCAN_MIN_BYTES = 256 * 1024
"""Below this much text the fork costs about what the overlap saves."""
PRESCAN_DEADLINE_SECONDS = 300.0
"""Longest wait for the child's answer once the rule needs it (the scan of a 32 MB document,
the largest read, takes well under a minute); then the parent scans by itself."""
_MAX_ANSWER_BYTES = 64 * 1024 * 1024


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


class SecretPrescan:
    """A child process scanning documents for secrets; called with a path, the findings it
    found there (None when it did not scan that path or failed)."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid: int | None = pid
        self._fd: int | None = fd
        self._found: dict[str, list[Any]] | None = None

    @classmethod
    def start(
        cls, paths: Sequence[str], *, min_bytes: int = PRESCAN_MIN_BYTES
    ) -> SecretPrescan | None:
        """The scan of ``paths`` started in a child, or None where forking is not worth it or
        not safe (one core, other threads, not Linux, little text)."""
        if not paths or not _may_fork() or _size(paths) < min_bytes:
            return None
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:
            os.close(read_fd)
            _child(list(paths), write_fd)
        os.close(write_fd)
        return cls(pid, read_fd)

    def __call__(self, path: str) -> list[Finding] | None:
        found = self._answer().get(path)
        if not isinstance(found, list):
            return None
        try:
            return [Finding.model_validate(f) for f in found]
        except ValueError:  # pydantic's ValidationError: not what our child writes
            return None

    def _answer(self) -> dict[str, list[Any]]:
        if self._found is None:
            self._found = {}
            data = self._read()
            if self._reap() == 0 and data is not None:
                try:
                    parsed = json.loads(data)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):
                    self._found = parsed
        return self._found

    def _read(self) -> bytes | None:
        """Everything the child wrote, or None when it does not finish before the deadline."""
        fd = self._fd
        if fd is None:
            return None
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + PRESCAN_DEADLINE_SECONDS
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.close()
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > _MAX_ANSWER_BYTES:
                self.close()
                return None
            chunks.append(chunk)

    def _reap(self) -> int | None:
        """The child's exit status once it has ended (None when already reaped or killed)."""
        if self._pid is None:
            return None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
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

    def __enter__(self) -> SecretPrescan:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _child(paths: list[str], fd: int) -> NoReturn:
    """In the child: scan, write the findings as JSON, and end without the parent's teardown
    (its buffered output, temporary files and exit handlers are the parent's)."""
    status = 1  # stays 1 if anything below raises: the parent then scans by itself
    try:
        found = {p: [f.model_dump(mode="json") for f in document_secrets(p)] for p in paths}
        view = memoryview(json.dumps(found).encode("utf-8"))
        while view:
            view = view[os.write(fd, view) :]
        status = 0
    finally:
        os._exit(status)  # the exception, if any, ends with the child: its status says it
