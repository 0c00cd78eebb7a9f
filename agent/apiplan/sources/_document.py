"""Reading one structured document (JSON or YAML) with a line for every JSON pointer.

JSON is parsed with the standard library (fast, and YAML loaders reject some valid JSON); its
lines come from a separate scan of the text that runs only when a line is asked for. YAML is
parsed with libyaml through PyYAML's C loader; the constructor records the line of every key
and item as it builds the objects, so no second pass is needed.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._constants import MAX_DOCUMENT_BYTES, MAX_YAML_ALIAS_REUSES, MAX_YAML_EXPANDED_NODES
from ..exceptions import DocumentError
from . import _pointer

# For each container (by id): (its own position, {key or index: position of that key/item}).
# Positions are lines (YAML) or character offsets (JSON), turned into lines on demand.
_LineMap = dict[int, tuple[int, dict[Any, int]]]


def read_text(path: Path, display: str, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> tuple[str, str]:
    """Read a text document: (text, sha256). One-line ``DocumentError`` for anything unusable."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DocumentError(display, "no such file") from None
    except OSError as exc:
        raise DocumentError(display, f"cannot read: {exc.strerror or exc}") from None
    if path.is_dir():
        raise DocumentError(display, "is a directory, not a document")
    if size > max_bytes:
        raise DocumentError(
            display,
            f"{size / 2**20:.1f} MiB is over the {max_bytes / 2**20:.0f} MiB limit per document",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(display, f"cannot read: {exc.strerror or exc}") from None
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


@dataclass
class StructuredDocument:
    """A parsed JSON or YAML document that can say on which line any pointer stands."""

    display: str
    path: Path
    text: str
    sha256: str
    syntax: str  # "json" or "yaml"
    data: Any
    _positions: _LineMap | None = None
    _newlines: list[int] | None = field(default=None, repr=False)
    _locate_cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)

    def resolve(self, pointer: str) -> Any:
        """The value at ``pointer`` in this (unresolved) document."""
        return _pointer.resolve(self.data, pointer)

    def line_of(self, pointer: str) -> int | None:
        """1-based line where ``pointer`` is written: the key's line for an object member.

        None when the pointer does not resolve. Lookups are memoised per parent pointer, so
        the many facts under one schema cost one dictionary step each.
        """
        found = self._locate(pointer)
        if found is None:
            return None
        return self._to_line(found[2])

    def _locate(self, pointer: str) -> tuple[Any, Any, int] | None:
        """(value, its position entry or None, best position) for a pointer, memoised."""
        cache = self._locate_cache
        hit = cache.get(pointer)
        if hit is not None:
            return hit
        if pointer == "":
            if self._positions is None:
                self._positions = _scan_json_positions(self.text, self.data)
            entry = self._positions.get(id(self.data))
            result: tuple[Any, Any, int] | None = (self.data, entry, entry[0] if entry else 1)
        else:
            parent_ptr, _, raw = pointer.rpartition("/")
            parent = self._locate(parent_ptr) if pointer.startswith("/") else None
            if parent is None:
                return None
            value, entry, best = parent
            token = _pointer.unescape(raw) if "~" in raw else raw
            child = _pointer.step(value, token)
            if child is _pointer.MISSING:
                return None
            if entry is not None:
                key: Any = int(token) if isinstance(value, list) else token
                pos = entry[1].get(key)
                if pos is not None:
                    best = pos
            assert self._positions is not None
            child_entry = self._positions.get(id(child)) if isinstance(child, dict | list) else None
            result = (child, child_entry, best)
        if len(cache) < 500_000:
            cache[pointer] = result
        return result

    def _to_line(self, position: int) -> int:
        if self.syntax == "yaml":
            return position
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._newlines, position) + 1


def parse_document(
    path: Path, display: str, *, max_bytes: int = MAX_DOCUMENT_BYTES
) -> StructuredDocument:
    """Read and parse a JSON or YAML file; errors are one line and name the file."""
    text, sha = read_text(path, display, max_bytes=max_bytes)
    suffix = path.suffix.lower()
    looks_json = text.lstrip()[:1] in ("{", "[")
    if suffix == ".json" or (looks_json and suffix not in (".yaml", ".yml")):
        try:
            data = _load_json(text, display)
            return StructuredDocument(display, path, text, sha, "json", data)
        except DocumentError:
            if suffix == ".json":
                raise
    data, positions = _load_yaml(text, display)
    return StructuredDocument(display, path, text, sha, "yaml", data, _positions=positions)


def _load_json(text: str, display: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            display, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except RecursionError:
        raise DocumentError(display, "JSON nested too deeply to read") from None


# --- JSON positions -------------------------------------------------------------------------
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


def _scan_json_positions(text: str, data: Any) -> _LineMap:
    """Walk the keys and brackets beside the parsed data, recording where each key/item starts.

    The standard library's parser keeps no positions, and a pure-Python parser would be ten
    times slower than this scan, which looks only at keys and brackets.
    """
    positions: _LineMap = {}
    if not isinstance(data, dict | list):
        return positions
    end = len(text.rstrip())  # valid JSON with a container root ends with its bracket
    # stack frames: [container, child positions, next list index]
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
            if frame is None:
                obj = data
            else:
                parent = frame[0]
                if type(parent) is dict:
                    obj = parent.get(pending_key) if pending_key is not None else None
                elif type(parent) is list:
                    i = frame[2]
                    n = len(parent)
                    while i < n and not isinstance(parent[i], dict | list):
                        i += 1
                    obj = parent[i] if i < n else None
                    frame[1][i] = start
                    frame[2] = i + 1
                else:
                    obj = None
            children: dict[Any, int] = {}
            if isinstance(obj, dict | list):
                positions[id(obj)] = (start, children)
            frame = [obj, children, 0]
            stack.append(frame)
            pending_key = None
        elif stack:
            stack.pop()
            frame = stack[-1] if stack else None
    return positions


# --- YAML with lines --------------------------------------------------------------------------
class _LineLoader(yaml.CSafeLoader):  # type: ignore[misc,name-defined]
    """libyaml's parser with a constructor that records lines and refuses alias bombs."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.positions: _LineMap = {}
        self.alias_reuses = 0

    check_expansion = False

    def construct_document(self, node: Any) -> Any:
        if self.check_expansion and _expanded_size(node) > MAX_YAML_EXPANDED_NODES:
            raise _TooManyAliases
        return super().construct_document(node)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            self.alias_reuses += 1
            if self.alias_reuses > MAX_YAML_ALIAS_REUSES:
                raise _TooManyAliases
        return super().construct_object(node, deep)

    def _construct_map(self, node: Any) -> Any:
        data: dict[str, Any] = {}
        yield data
        self.flatten_mapping(node)
        children: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            if not isinstance(key, str):
                # JSON output needs string keys: keep what was written (200, not int 200).
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
            data[key] = self.construct_object(value_node)
            children[key] = key_node.start_mark.line + 1
        self.positions[id(data)] = (node.start_mark.line + 1, children)

    def _construct_seq(self, node: Any) -> Any:
        data: list[Any] = []
        yield data
        children: dict[Any, int] = {}
        for i, child in enumerate(node.value):
            data.append(self.construct_object(child))
            children[i] = child.start_mark.line + 1
        self.positions[id(data)] = (node.start_mark.line + 1, children)

    def _construct_plain_string(self, node: Any) -> Any:
        # Dates and timestamps stay text: JSON output must not break on them.
        return node.value


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader._construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:omap", _LineLoader._construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader._construct_seq)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader._construct_plain_string)
_LineLoader.add_constructor("tag:yaml.org,2002:binary", _LineLoader._construct_plain_string)
_LineLoader.add_constructor("tag:yaml.org,2002:set", _LineLoader._construct_map)


class _TooManyAliases(Exception):
    pass


# An anchor definition (``&name``) after a YAML indicator; only then can aliases expand.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s,\[\]{}]+", re.M)


def _expanded_size(root: Any) -> int:
    """Nodes the graph stands for with aliases expanded, memoised per node (iterative)."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        if not done:
            if id(node) in visiting:
                return MAX_YAML_EXPANDED_NODES + 1  # an alias inside itself: infinite
            visiting.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        children = (
            [c for pair in node.value for c in pair]
            if isinstance(node, yaml.MappingNode)
            else list(node.value)
        )
        if done:
            total = 1
            for c in children:
                total += sizes.get(id(c), 1)
                if total > MAX_YAML_EXPANDED_NODES:
                    break
            sizes[id(node)] = total
            continue
        stack.append((node, True))
        for c in children:
            if id(c) in visiting and id(c) not in sizes:
                return MAX_YAML_EXPANDED_NODES + 1
            if id(c) not in sizes:
                stack.append((c, False))
    return sizes[id(root)]


def _load_yaml(text: str, display: str) -> tuple[Any, _LineMap]:
    loader = _LineLoader(text)
    loader.check_expansion = _ANCHOR.search(text) is not None
    try:
        data = loader.get_single_data()
    except _TooManyAliases:
        raise DocumentError(
            display, "YAML aliases expand beyond the allowed size (alias bomb?)"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "syntax error").strip()
        raise DocumentError(display, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise DocumentError(display, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise DocumentError(display, "YAML nested too deeply to read") from None
    finally:
        loader.dispose()
    return data, loader.positions
