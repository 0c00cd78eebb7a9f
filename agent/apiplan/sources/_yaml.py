"""YAML to plain data with the line of every key and item, built from libyaml's event stream.

PyYAML's loaders first compose a graph of nodes for the whole document (with two marks per
node) and only then construct the data: for a 17 MB spec that graph alone takes half a gigabyte.
Building straight from the events keeps memory near the size of the data, and it lets aliases be
paid for as they are met: each one adds the size (nodes and scalar characters) of what it stands
for, so an alias bomb, or one long string aliased thousands of times, is refused in linear time.

Scalars are resolved and converted by PyYAML's own safe resolver and constructors, except that
dates and binary stay text (JSON output must not break on them). Keys that are not strings keep
what was written (``200``, not the integer 200). Merge keys (``<<``) follow the YAML 1.1 rules
PyYAML applies. Unknown tags are refused; so is an alias inside what it names.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

# For each container (by id): its own line, then the lines of its keys/items in its own order (0
# where none was recorded), in one array: a few bytes per entry where dictionaries took eighty.
LineMap = dict[int, "array[int]"]

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("null", "bool", "int", "float", "str")}
_TEXT_TAGS = {f"{_TAG}{t}" for t in ("timestamp", "binary", "value")}
_MAP_TAGS = {f"{_TAG}{t}" for t in ("map", "set", "omap", "pairs")}
_PAIRS_TAGS = {f"{_TAG}omap", f"{_TAG}pairs"}
_MERGE = f"{_TAG}merge"
_STR = f"{_TAG}str"
_MEMO_CHARS = 64
"""Scalars up to this length are kept once per document (keys, types, short values repeat)."""


class TooLarge(Exception):
    """Aliases make the document stand for more than allowed (or for itself, endlessly)."""


@dataclass
class _Frame:
    """A mapping or sequence being built."""

    data: Any  # dict or list; a list of one-pair dicts for !!omap/!!pairs until it closes
    line: int
    anchor: str | None
    pairs: bool  # a sequence that becomes a mapping (!!omap, !!pairs)
    nodes_at_start: int
    chars_at_start: int
    lines: dict[Any, int] = field(default_factory=dict)  # key or index -> line
    key: Any = None
    has_key: bool = False
    key_is_merge: bool = False
    key_line: int = 0
    merges: list[dict[Any, Any]] = field(default_factory=list)


@dataclass
class _Anchor:
    value: Any
    raw: str | None  # the scalar as written, for a scalar used as a key
    nodes: int
    chars: int


def _aligned(own: int, container: Any, lines: dict[Any, int]) -> array[int]:
    keys = container if isinstance(container, dict) else range(len(container))
    return array("q", [own, *(lines.get(k, 0) for k in keys)])


class EventLoader:
    """One YAML document -> (data, line map, scalar characters it stands for)."""

    def __init__(
        self,
        text: str,
        *,
        max_nodes: int,
        max_chars: int,
        max_alias_uses: int,
        max_depth: int,
    ) -> None:
        self._parser = yaml.CSafeLoader(text)
        self._resolver = Resolver()
        self._constructor = SafeConstructor()
        self.max_nodes = max_nodes
        self.max_chars = max_chars
        self.max_alias_uses = max_alias_uses
        self.max_depth = max_depth
        self.nodes = 0
        self.chars = 0
        self.alias_uses = 0
        self.positions: LineMap = {}
        self._anchors: dict[str, _Anchor] = {}
        self._memo: dict[str, str] = {}
        self._open_anchors: set[str] = set()
        self._stack: list[_Frame] = []
        self._root: Any = None

    def load(self) -> Any:
        """The single document of the stream (None when empty)."""
        try:
            return self._load()
        finally:
            self._parser.dispose()

    def _load(self) -> Any:
        p = self._parser
        p.get_event()  # stream start
        if p.check_event(yaml.StreamEndEvent):
            return None
        p.get_event()  # document start
        while not p.check_event(yaml.DocumentEndEvent):
            self._event(p.get_event())
        p.get_event()
        if not p.check_event(yaml.StreamEndEvent):
            event = p.get_event()
            raise ComposerError(
                "expected a single document in the stream",
                None,
                "but found another document",
                event.start_mark if event is not None else None,
            )
        return self._root

    # -- events ------------------------------------------------------------------------------
    def _event(self, event: Any) -> None:
        if isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._start(event)
        else:  # mapping or sequence end
            self._end()

    def _count(self, nodes: int, chars: int) -> None:
        self.nodes += nodes
        self.chars += chars
        if self.nodes > self.max_nodes or self.chars > self.max_chars:
            raise TooLarge

    def _scalar(self, event: Any) -> None:
        raw = event.value
        if len(raw) <= _MEMO_CHARS:  # keys and short values repeat: keep one copy of each
            raw = self._memo.setdefault(raw, raw)
        tag = event.tag if event.tag not in (None, "!") else self._resolve_scalar(event)
        value = raw if tag == _STR else self._construct_scalar(event, tag)
        self._count(1, len(raw))
        if event.anchor is not None:
            self._define(event, _Anchor(value, raw, 1, len(raw)))
        self._add(value, raw, event.start_mark.line + 1, is_merge=tag == _MERGE)

    def _alias(self, event: Any) -> None:
        name = event.anchor
        if name in self._open_anchors:
            raise TooLarge  # an alias inside what it names stands for an endless document
        anchor = self._anchors.get(name)
        if anchor is None:
            raise ComposerError(None, None, f"found undefined alias {name!r}", event.start_mark)
        self.alias_uses += 1
        if self.alias_uses > self.max_alias_uses:
            raise TooLarge
        self._count(anchor.nodes, anchor.chars)
        self._add(anchor.value, anchor.raw, event.start_mark.line + 1)

    def _start(self, event: Any) -> None:
        is_map = isinstance(event, yaml.MappingStartEvent)
        tag = event.tag
        if tag is None or tag == "!":
            tag = f"{_TAG}map" if is_map else f"{_TAG}seq"
        if is_map and tag not in _MAP_TAGS:
            raise self._bad_tag(event, tag, "a mapping")
        if not is_map and tag != f"{_TAG}seq" and tag not in _PAIRS_TAGS:
            raise self._bad_tag(event, tag, "a sequence")
        if len(self._stack) >= self.max_depth:
            raise ConstructorError(
                None, None, f"nested more than {self.max_depth} levels deep", event.start_mark
            )
        self._count(1, 0)
        frame = _Frame(
            data={} if is_map else [],
            line=event.start_mark.line + 1,
            anchor=event.anchor,
            pairs=not is_map and tag in _PAIRS_TAGS,
            nodes_at_start=self.nodes - 1,
            chars_at_start=self.chars,
        )
        if event.anchor is not None:
            if event.anchor in self._anchors or event.anchor in self._open_anchors:
                raise self._duplicate(event)
            self._open_anchors.add(event.anchor)
        self._stack.append(frame)

    def _end(self) -> None:
        frame = self._stack.pop()
        data = frame.data
        if frame.pairs:
            data = self._pairs_to_map(frame)
        elif frame.merges:
            self._merge(frame)
        self.positions[id(data)] = _aligned(frame.line, data, frame.lines)
        if frame.anchor is not None:
            self._open_anchors.discard(frame.anchor)
            self._anchors[frame.anchor] = _Anchor(
                data,
                None,
                self.nodes - frame.nodes_at_start,
                self.chars - frame.chars_at_start,
            )
        self._add(data, None, frame.line)

    # -- building ----------------------------------------------------------------------------
    def _add(self, value: Any, raw: str | None, line: int, *, is_merge: bool = False) -> None:
        """Put a finished value where it belongs: the root, a sequence item, a key or a value."""
        if not self._stack:
            self._root = value
            return
        frame = self._stack[-1]
        if isinstance(frame.data, list):
            frame.lines[len(frame.data)] = line
            frame.data.append(value)
            return
        if not frame.has_key:
            frame.key = self._key(value, raw)
            frame.has_key, frame.key_is_merge, frame.key_line = True, is_merge, line
            return
        if frame.key_is_merge:
            frame.merges.extend(self._merge_sources(value, line))
        else:
            frame.data[frame.key] = value
            frame.lines[frame.key] = frame.key_line
        frame.has_key = frame.key_is_merge = False

    @staticmethod
    def _key(value: Any, raw: str | None) -> Any:
        if isinstance(value, str):
            return value
        # JSON output needs string keys: keep what was written (200, not int 200).
        return raw if raw is not None else str(value)

    def _merge_sources(self, value: Any, line: int) -> list[dict[Any, Any]]:
        """The mappings a ``<<`` value brings, lowest precedence first (PyYAML's order)."""
        if isinstance(value, dict):
            return [value]
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return list(reversed(value))
        raise ConstructorError(
            "while constructing a mapping",
            None,
            "expected a mapping or list of mappings for merging",
            yaml.Mark("", 0, line - 1, 0, None, 0),
        )

    def _merge(self, frame: _Frame) -> None:
        """Merged keys first, each later source over the earlier, explicit keys over all."""
        explicit = dict(frame.data)
        frame.data.clear()
        for source in frame.merges:
            frame.data.update(source)
            entry = self.positions.get(id(source))
            if entry is not None:
                for key, key_line in zip(source, entry[1:], strict=False):
                    if key not in explicit:
                        frame.lines[key] = key_line
        frame.data.update(explicit)

    def _pairs_to_map(self, frame: _Frame) -> dict[Any, Any]:
        items = frame.data
        if not all(isinstance(i, dict) and len(i) == 1 for i in items):
            raise ConstructorError(
                None,
                None,
                "!!omap and !!pairs need a list of one-pair mappings",
                yaml.Mark("", 0, frame.line - 1, 0, None, 0),
            )
        data: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for i, item in enumerate(items):
            ((key, value),) = item.items()
            data[key] = value
            lines[key] = frame.lines.get(i, frame.line)
        frame.lines = lines
        return data

    # -- scalars -----------------------------------------------------------------------------
    def _resolve_scalar(self, event: Any) -> str:
        return self._resolver.resolve(yaml.ScalarNode, event.value, event.implicit)

    def _construct_scalar(self, event: Any, tag: str) -> Any:
        if tag in _TEXT_TAGS or tag == _MERGE:
            return event.value
        if tag not in _SCALAR_TAGS:
            raise self._bad_tag(event, tag, "a scalar")
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self._constructor.yaml_constructors[tag](self._constructor, node)

    def _define(self, event: Any, anchor: _Anchor) -> None:
        if event.anchor in self._anchors or event.anchor in self._open_anchors:
            raise self._duplicate(event)
        self._anchors[event.anchor] = anchor

    @staticmethod
    def _duplicate(event: Any) -> yaml.MarkedYAMLError:
        return ComposerError(
            None, None, f"found duplicate anchor {event.anchor!r}", event.start_mark
        )

    @staticmethod
    def _bad_tag(event: Any, tag: str, kind: str) -> yaml.MarkedYAMLError:
        return ConstructorError(
            None, None, f"the tag {tag!r} is not supported on {kind}", event.start_mark
        )
