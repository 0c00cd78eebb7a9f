"""The chat's session file: what it holds, and reading it back without trusting it.

A session file carries a format marker and a version; a file without the marker, of a newer
version, or with fields of the wrong type is refused and left as it is.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import UsageError

SESSION_FORMAT = "apiplan-chat-session"
"""The marker every session file carries: a file without it is never read or replaced."""
SESSION_VERSION = 1
"""Version of the session layout; files of a newer version are refused, not misread."""


@dataclass
class SessionState:
    docs: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    goal: str = ""
    answers: list[dict[str, str]] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    deadline: float | None = None
    model: str = "offline"
    base_url: str | None = None
    asked: list[str] = field(default_factory=list)
    blueprint: dict[str, Any] | None = None


_Signature = tuple[int, int, int, int]  # (st_dev, st_ino, st_size, st_mtime_ns)


def _signature(st: os.stat_result) -> _Signature:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _session_status(path: Path) -> os.stat_result | None:
    """The session file's own status (None when absent); only a regular file is accepted."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not (path.parent if str(path.parent) else Path(".")).is_dir():
            raise UsageError(f"{path}: folder {path.parent} does not exist") from None
        return None
    except OSError as exc:
        raise UsageError(f"{path}: cannot use as a session file: {exc.strerror or exc}") from None
    except ValueError:
        raise UsageError(f"{path}: not a usable file name") from None
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(
            f"{path}: not a regular file (a link, folder, device or pipe); "
            "give a new file name for the session"
        )
    return st


def read_session(path: Path) -> SessionState:
    """The state saved in an apiplan session file.

    Raises:
        UsageError: the file is not an apiplan chat session (no format marker, an unknown
            version, not JSON, or fields of the wrong type); it is left as it is.
    """
    from pydantic import TypeAdapter, ValidationError

    from .._constants import MAX_SESSION_BYTES
    from ..exceptions import DocumentError
    from ..sources import read_regular

    def refuse(why: str) -> UsageError:
        return UsageError(
            f"{path}: not an apiplan chat session ({why}); it is left as it is: "
            "choose another --session file"
        )

    try:
        data = json.loads(read_regular(path, str(path), max_bytes=MAX_SESSION_BYTES))
    except DocumentError as exc:
        raise refuse(exc.reason) from None
    except (ValueError, RecursionError):
        raise refuse("not JSON") from None
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        raise refuse(f"no {SESSION_FORMAT!r} format marker")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > SESSION_VERSION:
        raise refuse(f"unknown version {version!r}")
    fields = {k: v for k, v in data.items() if k in SessionState.__dataclass_fields__}
    try:
        return TypeAdapter(SessionState).validate_python(fields)
    except ValidationError as exc:
        raise refuse(f"{exc.error_count()} fields of the wrong type") from None
