"""Where each key and item of a parsed JSON document is written, from one scan of its text.

The standard library's parser keeps no positions, and a pure-Python parser would be ten times
slower than this scan, which looks only at keys and brackets and walks the parsed data beside
them. The positions (character offsets) of all containers go into one flat array: for each
container, at its offset, the count of positions that follow, then its own position and one per
key/item in its own order (-1 where none). A second array of the same shape holds, in the slot
of each key/item that is a container, the offset of that container's own entry (-1 for others),
so that a lookup goes from parent to child without a mapping by object: two small arrays of
32-bit numbers instead of an array object and a dictionary entry per container (120 MB for a
40,000-operation spec before, under 20 MB now).
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from collections.abc import Callable
from itertools import repeat
from typing import Any, NamedTuple

# Everything up to the next key (a string followed by a colon) or bracket is skipped inside the
# regex engine, including value strings (so that brackets inside them do not count). Group 1 is
# a key with its colon, group 2 a bracket. Scalars never matter for positions.
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
# Possessive quantifiers (3.11+) rule out backtracking; before 3.11 the scan stops at the last
# bracket of the text, so every attempt ends in a match and backtracking never starts.
_SKIP_Q = "*+" if sys.version_info >= (3, 11) else "*"
_JSON_TOKEN = re.compile(
    rf'(?:[^"{{}}\[\]]++|{_STRING}(?!\s*:)){_SKIP_Q}(?:({_STRING})\s*:|([{{}}\[\]]))'
    if sys.version_info >= (3, 11)
    else rf'(?:[^"{{}}\[\]]+|{_STRING}(?!\s*:))*(?:({_STRING})\s*:|([{{}}\[\]]))'
)


class JsonPositions(NamedTuple):
    """Positions of a JSON document's keys and items (see the module's docstring)."""

    flat: array[int]
    kids: array[int]
    root: int  # offset of the root's entry; -1 when the root is not a container


PositionsFrom = Callable[[str, str], JsonPositions | None]
"""The positions of a JSON document scanned elsewhere, by its name and SHA-256, if any."""


def scan_json_positions(text: str, data: Any) -> JsonPositions:
    """Where each key/item of ``data`` starts in ``text``, from a walk of the keys and brackets
    beside the parsed data."""
    # Every value is an offset into the text or into the arrays, a count of members, or -1.
    code = "i" if len(text) < 2**31 else "q"
    flat: array[int] = array(code)
    kids: array[int] = array(code)
    root = -1
    if not isinstance(data, dict | list):
        return JsonPositions(flat, kids, root)
    end = len(text.rstrip())  # valid JSON with a container root ends with its bracket
    # stack frames: [container, child positions, next list index, own position,
    #                offsets of child containers' entries, key/index in the parent]
    stack: list[list[Any]] = []
    frame: list[Any] | None = None
    pending_key: str | None = None
    for m in _JSON_TOKEN.finditer(text, 0, end):
        raw, bracket = m.groups()
        if raw is not None:
            key = raw[1:-1] if "\\" not in raw else json.loads(raw)
            pending_key = key
            if frame is not None:
                frame[1][key] = m.start(1)
            continue
        if bracket is None:
            continue
        if bracket in "{[":
            start = m.start(2)
            slot: Any = None
            if frame is None:
                obj = data
            else:
                parent = frame[0]
                if type(parent) is dict:
                    obj = parent.get(pending_key) if pending_key is not None else None
                    slot = pending_key
                elif type(parent) is list:
                    i = frame[2]
                    n = len(parent)
                    while i < n and not isinstance(parent[i], dict | list):
                        i += 1
                    obj = parent[i] if i < n else None
                    frame[1][i] = start
                    frame[2] = i + 1
                    slot = i
                else:
                    obj = None
            frame = [obj, {}, 0, start, {}, slot]
            stack.append(frame)
            pending_key = None
        elif stack:
            done = stack.pop()
            frame = stack[-1] if stack else None
            offset = _close_json_frame(done, frame, flat, kids)
            if frame is None:
                root = offset
    while stack:
        done = stack.pop()
        offset = _close_json_frame(done, stack[-1] if stack else None, flat, kids)
        if not stack:
            root = offset
    return JsonPositions(flat, kids, root)


def _close_json_frame(
    frame: list[Any], parent: list[Any] | None, flat: array[int], kids: array[int]
) -> int:
    """Write a closed container's entry; its offset (-1 when it matched no parsed container)."""
    obj, children, _, start, kid_offsets, slot = frame
    if not isinstance(obj, dict | list):
        return -1
    keys = obj if isinstance(obj, dict) else range(len(obj))
    offset = len(flat)
    flat.append(len(obj) + 1)
    flat.append(start)
    flat.extend(map(children.get, keys, repeat(-1)))  # one C loop per container
    kids.append(-1)
    kids.append(-1)
    if kid_offsets:
        kids.extend(map(kid_offsets.get, keys, repeat(-1)))
    else:  # no container among its members (most containers)
        kids.extend(repeat(-1, len(obj)))
    if parent is not None:
        # A key written twice keeps its last container, as the parsed value does.
        parent[4][slot] = offset
    return offset
