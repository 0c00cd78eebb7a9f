"""Property-based tests for the pointer helpers, the JSON line scanner and the ref resolver."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonpointer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apiplan.exceptions import RefError
from apiplan.sources import _pointer
from apiplan.sources._document import parse_document
from apiplan.sources._refs import Workspace

keys = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=30,
)


def _pointers(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out = [(prefix, value)]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _pointers(v, _pointer.join(prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _pointers(v, _pointer.join(prefix, i))
    return out


@given(st.lists(keys, max_size=6))
def test_join_split_round_trip(tokens: list[str]) -> None:
    pointer = _pointer.join("", *tokens)
    assert _pointer.split(pointer) == tokens
    assert pointer == jsonpointer.JsonPointer.from_parts(tokens).path


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents, st.sampled_from([None, 1, 2, "\t"]))
def test_json_lines_point_at_the_key(tmp_path: Path, doc: Any, indent: Any) -> None:
    text = json.dumps({"root": doc}, indent=indent, ensure_ascii=False)
    path = tmp_path / "d.json"
    path.write_text(text, encoding="utf-8")
    parsed = parse_document(path, "d.json")
    lines = text.split("\n")  # JSON lines end at \n only (not at U+0085)
    for pointer, value in _pointers(parsed.data):
        assert jsonpointer.resolve_pointer(parsed.data, pointer) == value
        line = parsed.line_of(pointer)
        assert line is not None and 1 <= line <= len(lines)
        tokens = _pointer.split(pointer)
        if indent is not None and tokens and not tokens[-1].isdigit():
            # The key, as json.dumps wrote it, stands on that line.
            assert json.dumps(tokens[-1], ensure_ascii=False) + ":" in lines[line - 1]
    assert parsed.line_of("/no/such/place") is None


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents, st.lists(keys, min_size=1, max_size=4))
def test_follow_returns_target_or_ref_error(tmp_path: Path, doc: Any, target: list[str]) -> None:
    wrapper = {"openapi": "3.1.0", "data": doc, "loop": {"$ref": "#/loop"}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(wrapper), encoding="utf-8")
    parsed = parse_document(path, "spec.json")
    ws = Workspace(parsed)
    ref = "#" + _pointer.join("/data", *target)
    try:
        _, got_ptr, value = ws.follow(ref, parsed, "/x/$ref")
    except RefError as exc:
        assert exc.ref and exc.pointer
        try:
            expected = jsonpointer.resolve_pointer(wrapper, ref[1:])
        except jsonpointer.JsonPointerException:
            return
        # Only chains (a $ref-only object at the target) may fail where the pointer resolves.
        assert isinstance(expected, dict) and "$ref" in expected
        return
    if not (isinstance(value, dict) and "$ref" in value):
        assert value == jsonpointer.resolve_pointer(wrapper, got_ptr)


def test_ref_loop_is_a_ref_error(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}}), encoding="utf-8")
    parsed = parse_document(path, "spec.json")
    try:
        Workspace(parsed).follow("#/a", parsed, "/x/$ref")
    except RefError as exc:
        assert "cycle" in exc.reason
    else:
        raise AssertionError("a ref loop must not resolve")
