"""Reading one structured document (JSON or YAML) with a line for every JSON pointer.

JSON is parsed with the standard library (fast, and YAML loaders reject some valid JSON); its
lines come from a separate scan of the text that runs only when a line is asked for. YAML is
parsed with libyaml through PyYAML's C loader; the constructor records the line of every key
and item as it builds the objects, so no second pass is needed.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import json
import re
from array import array
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._constants import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_DEPTH,
    MAX_YAML_ALIAS_REUSES,
    MAX_YAML_EXPANDED_CHARS,
    MAX_YAML_EXPANDED_NODES,
)
from .._files import FileIdentity, ReadBudget, file_identity, read_text
from ..exceptions import DocumentError
from . import _pointer
from ._cite import cite
from ._json_lines import JsonPositions, scan_json_positions

if TYPE_CHECKING:
    from ..schemas import Source
    from ._yaml import LineMap

# YAML: for each container (by id), its own position, then those of its keys/items in its own
# order (0 or -1 where none), in one array (``LineMap``). JSON: the same in two flat arrays,
# where an entry is an offset (see ``_json_lines``). Positions are lines (YAML) or character
# offsets (JSON), turned into lines on demand. Arrays, not dictionaries: a few bytes per key
# instead of eighty.


_LOCATE_CACHE_SIZE = 1 << 16
"""Pointers located remembered (parents of the next lookups); emptied when full."""
_SMALL_MAPPING = 16
"""Mappings up to this many keys are searched; larger ones get a key index once."""


@dataclass
class StructuredDocument:
    """A parsed JSON or YAML document that can say on which line any pointer stands."""

    display: str
    path: Path
    text: str
    sha256: str
    syntax: str  # "json" or "yaml"
    data: Any
    _positions: LineMap | None = None  # YAML
    _json: JsonPositions | None = field(default=None, repr=False)
    _newlines: array[int] | None = field(default=None, repr=False)
    _locate_cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _key_index: dict[int, dict[Any, int]] = field(default_factory=dict, repr=False)
    _deferred: list[tuple[Source, str]] | None = field(default=None, repr=False)

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + (0 if self.text.endswith("\n") else 1)

    def resolve(self, pointer: str) -> Any:
        """The value at ``pointer`` in this (unresolved) document."""
        return _pointer.resolve(self.data, pointer)

    def cite(self, pointer: str) -> Source:
        """The source of a fact at ``pointer``, with its line (at once, or when the lines are
        settled: see ``defer_lines``)."""
        if self._deferred is None:
            return cite(self.display, pointer, self.line_of(pointer))
        source = cite(self.display, pointer, None)
        self._deferred.append((source, pointer))
        return source

    def defer_lines(self) -> bool:
        """Cite without lines until ``settle_lines``: the positions of a JSON document are being
        scanned elsewhere meanwhile (``apiplan check`` forks a child for it). False, and nothing
        deferred, when its positions are known already or it is not JSON."""
        if self.syntax != "json" or self._json is not None or self._deferred is not None:
            return False
        self._deferred = []
        return True

    def abandon_lines(self) -> None:
        """End ``defer_lines`` without lines: the facts that cited the sources were dropped."""
        self._deferred = None

    def settle_lines(self, positions: JsonPositions | None) -> None:
        """Give the sources cited since ``defer_lines`` their lines, from ``positions`` (scanned
        elsewhere from this very text) or, when None, from a scan here."""
        deferred, self._deferred = self._deferred, None
        if deferred is None:
            return
        if positions is not None and self._json is None:
            self._json = positions
        for source, pointer in deferred:
            vars(source)["line"] = self.line_of(pointer)  # built without validation too

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
            if self._positions is not None:  # YAML
                entry = self._positions.get(id(self.data))
                own = 1 if entry is None else entry[0]
            else:
                if self._json is None:
                    self._json = scan_json_positions(self.text, self.data)
                root = self._json.root
                entry, own = (None, 1) if root < 0 else (root, self._json.flat[root + 1])
            result: tuple[Any, Any, int] | None = (self.data, entry, own)
        else:
            if pointer[0] != "/":
                return None
            parent_ptr, _, raw = pointer.rpartition("/")
            parent = cache.get(parent_ptr) or self._locate(parent_ptr)
            if parent is None:
                return None
            value, entry, best = parent
            token = _pointer.unescape(raw) if "~" in raw else raw
            child = _pointer.step(value, token)
            if child is _pointer.MISSING:
                return None
            child_entry = None
            jp = self._json
            if entry is not None:
                i = self._child_index(value, token)
                if jp is None:  # YAML: an array per container
                    pos = entry[i] if 0 < i < len(entry) else 0
                elif 0 < i < jp.flat[entry]:  # JSON: the count of positions comes first
                    pos = jp.flat[entry + 1 + i]
                    kid = jp.kids[entry + 1 + i]
                    child_entry = kid if kid >= 0 else None
                else:
                    pos = 0
                if pos > 0:
                    best = pos
            if jp is None and isinstance(child, dict | list):
                assert self._positions is not None
                child_entry = self._positions.get(id(child))
            result = (child, child_entry, best)
        if len(cache) >= _LOCATE_CACHE_SIZE:
            cache.clear()  # extraction walks the document in order: recent parents come back
        cache[pointer] = result
        return result

    def _child_index(self, container: Any, token: str) -> int:
        """Index of one key/item in its container's entry (1 for the first: 0 is the container's
        own position); -1 when absent. A mapping's key index is built the first time the mapping
        is asked about (most never are)."""
        if isinstance(container, list):
            return int(token) + 1
        if len(container) <= _SMALL_MAPPING:
            # Most mappings are small: a search of their keys costs less than an index.
            try:
                return list(container).index(token) + 1
            except ValueError:
                return -1
        index = self._key_index.get(id(container))
        if index is None:
            index = {k: n for n, k in enumerate(container, 1)}
            self._key_index[id(container)] = index
        return index.get(token, -1)

    def _to_line(self, position: int) -> int:
        if self.syntax == "yaml":
            return position
        if self._newlines is None:
            # map over the unbound method: no Python frame per line (a third faster).
            self._newlines = array("q", map(re.Match.start, re.finditer("\n", self.text)))
        return bisect.bisect_left(self._newlines, position) + 1


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: for building large acyclic data in one go.

    Parsing and extracting a large spec allocates millions of dicts, lists and models that all
    stay alive; the collector would walk them again and again (a fifth of the time of a
    40,000-operation spec) to find nothing. It is re-enabled on the way out, as it was.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Straight to the oldest generation: otherwise the first young collection after
            # this walks every object made in here (half a second for 10,000 operations).
            # Young objects of the caller move there too; a full collection still finds any
            # cycle among them.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def parse_document(
    path: Path,
    display: str,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    budget: ReadBudget | None = None,
) -> StructuredDocument:
    """Read and parse a JSON or YAML file; errors are one line and name the file.

    Inside ``documents_reused()``, an unchanged file read again is not parsed again.
    """
    reused = _REUSED.get()
    if reused is None:
        return _parse_document(path, display, max_bytes=max_bytes, budget=budget)
    # The name shown goes in the key too: a document cites itself by it.
    found = file_identity(path)
    key = (display, found) if found is not None else None
    doc = reused.get(key) if key is not None else None
    if doc is None:
        doc = _parse_document(path, display, max_bytes=max_bytes, budget=budget)
        if key is not None:
            reused[key] = doc
    return doc


_REUSED: ContextVar[dict[tuple[str, FileIdentity], StructuredDocument] | None] = ContextVar(
    "apiplan_documents_reused", default=None
)


@contextlib.contextmanager
def documents_reused() -> Iterator[None]:
    """Inside, each file is parsed once: ``check`` reads a spec for its facts, then again for
    the examples its rules compare with their schemas (and, on a JSON spec, scans it again for
    lines: a third of the whole run on Slack's). A scope rather than a process-wide cache, so
    a long-running server keeps no document once the call that read it has ended."""
    token = _REUSED.set({})
    try:
        yield
    finally:
        _REUSED.reset(token)


def _parse_document(
    path: Path,
    display: str,
    *,
    max_bytes: int,
    budget: ReadBudget | None,
) -> StructuredDocument:
    text, sha = read_text(path, display, max_bytes=max_bytes, budget=budget)
    suffix = path.suffix.lower()
    if _read_as_json(path, text):
        try:
            with paused_gc():
                data = _load_json(text, display)
            if budget is not None:
                budget.charge_expanded(display, len(text))
            return StructuredDocument(display, path, text, sha, "json", data)
        except DocumentError:
            if suffix == ".json":
                raise
    max_chars, too_large = MAX_YAML_EXPANDED_CHARS, _ALIAS_BOMB
    if budget is not None and budget.expanded_left < max_chars:
        max_chars, too_large = budget.expanded_left, budget.expanded_reason
    with paused_gc():
        data, positions, expanded = _load_yaml(
            text, display, max_chars=max_chars, too_large=too_large
        )
    if budget is not None:
        budget.charge_expanded(display, expanded)
    return StructuredDocument(display, path, text, sha, "yaml", data, _positions=positions)


def _read_as_json(path: Path, text: str) -> bool:
    """Whether a structured document is parsed as JSON (first; YAML if that fails)."""
    suffix = path.suffix.lower()
    looks_json = text.lstrip()[:1] in ("{", "[")
    return suffix == ".json" or (looks_json and suffix not in (".yaml", ".yml"))


def scan_file_positions(path: str) -> tuple[str, JsonPositions] | None:
    """(SHA-256, positions) of a JSON document file, exactly as ``StructuredDocument`` would
    scan them after ``parse_document``; None when it is not read as JSON or cannot be read."""
    try:
        text, sha = read_text(Path(path), path, max_bytes=MAX_DOCUMENT_BYTES)
        if not _read_as_json(Path(path), text):
            return None
        with paused_gc():
            data = _load_json(text, path)
    except DocumentError:
        return None
    return sha, scan_json_positions(text, data)


_TOO_MANY_DIGITS = "a number has more digits than Python converts (4,300 by default)"


def _load_json(text: str, display: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            display, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except ValueError:  # Python's limit on integer digits (CVE-2020-10735)
        raise DocumentError(display, _TOO_MANY_DIGITS) from None
    except RecursionError:
        raise DocumentError(display, "JSON nested too deeply to read") from None


# --- YAML with lines --------------------------------------------------------------------------
_ALIAS_BOMB = "YAML aliases expand beyond the allowed size (alias bomb?)"


def _load_yaml(
    text: str,
    display: str,
    *,
    max_chars: int = MAX_YAML_EXPANDED_CHARS,
    too_large: str = _ALIAS_BOMB,
) -> tuple[Any, LineMap, int]:
    """(data, line map, scalar characters it stands for with aliases expanded)."""
    # Imported here: a run on JSON documents never loads the YAML reader (a tenth of a check).
    import yaml

    from ._yaml import EventLoader, TooLarge

    loader = EventLoader(
        text,
        max_nodes=MAX_YAML_EXPANDED_NODES,
        max_chars=max_chars,
        max_alias_uses=MAX_YAML_ALIAS_REUSES,
        max_depth=MAX_DOCUMENT_DEPTH,
    )
    try:
        data = loader.load()
    except TooLarge:
        raise DocumentError(display, too_large) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "syntax error").strip()
        raise DocumentError(display, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise DocumentError(display, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise DocumentError(display, "YAML nested too deeply to read") from None
    except ValueError as exc:  # !!int/!!float that is not a number, or too many digits
        reason = _TOO_MANY_DIGITS if "digits" in str(exc) else "a value does not match its tag"
        raise DocumentError(display, f"invalid YAML: {reason}") from None
    except TypeError:  # a tag used on the wrong kind of node
        raise DocumentError(display, "invalid YAML: a tag does not fit its value") from None
    return data, loader.positions, loader.chars
