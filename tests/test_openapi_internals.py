"""The pieces the OpenAPI reader is built from, on invented documents: sources equal to validated
ones, lines right whichever way a key is found, the collector restored, the public name test."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

import apiplan
from apiplan.schemas import Source
from apiplan.sources import _document, is_sensitive_name
from apiplan.sources._cite import cite
from apiplan.sources._document import parse_document, paused_gc

# An invented key-shaped value (not a real credential) and control characters in a pointer.
_FAKE_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"


@pytest.mark.parametrize(
    ("document", "pointer", "line"),
    [
        ("spec.json", "/paths/~1a/get", 3),
        ("sp\x1b[2Jec.json", "/paths/~1a\x07/get", None),
        ("spec.yaml", f"/components/schemas/{_FAKE_KEY}/type", 12),
    ],
)
def test_cited_source_equals_a_validated_one(document: str, pointer: str, line: int | None) -> None:
    fast = cite(document, pointer, line)
    slow = Source(document=document, pointer=pointer, line=line)
    assert fast == slow
    assert fast.model_dump_json() == slow.model_dump_json()
    assert "\x1b" not in fast.document and "\x07" not in (fast.pointer or "")
    assert _FAKE_KEY not in (fast.pointer or "")
    fast.line = 40  # assignment still works, and leaves other sources alone
    assert cite(document, pointer, line).line == line


def _spec(keys: int) -> str:
    """An invented spec whose one schema has ``keys`` properties, one per line."""
    props = {f"p{i}": {"type": "string"} for i in range(keys)}
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Invented", "version": "1"},
        "paths": {},
        "components": {"schemas": {"Thing": {"type": "object", "properties": props}}},
    }
    return json.dumps(doc, indent=1)


@pytest.mark.parametrize("keys", [3, 16, 17, 60])
def test_lines_of_keys_in_small_and_large_mappings(tmp_path: Path, keys: int) -> None:
    path = tmp_path / "spec.json"
    text = _spec(keys)
    path.write_text(text, encoding="utf-8")
    doc = parse_document(path, "spec.json")
    lines = text.splitlines()
    for i in (0, keys // 2, keys - 1):
        want = next(n for n, t in enumerate(lines, 1) if t.strip().startswith(f'"p{i}":'))
        assert doc.line_of(f"/components/schemas/Thing/properties/p{i}") == want
    assert doc.line_of("/components/schemas/Thing/properties/absent") is None


def test_lines_stay_right_when_the_lookup_memo_is_emptied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "spec.json"
    path.write_text(_spec(40), encoding="utf-8")
    pointers = [f"/components/schemas/Thing/properties/p{i}/type" for i in range(40)]
    full = [parse_document(path, "spec.json").line_of(p) for p in pointers]
    monkeypatch.setattr(_document, "_LOCATE_CACHE_SIZE", 3)
    doc = parse_document(path, "spec.json")
    assert [doc.line_of(p) for p in pointers] == full
    assert len(doc._locate_cache) <= 3


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_gc_restores_the_collector(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(RuntimeError), paused_gc():
            assert not gc.isenabled()
            raise RuntimeError("inside")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_reading_a_spec_leaves_the_collector_on(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(_spec(3), encoding="utf-8")
    assert gc.isenabled()
    apiplan.load_facts([path])
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("name", "sensitive"),
    [
        ("client_secret", True),
        ("x_api_key", True),
        ("password", True),
        ("token_type", False),
        ("next_page_token", False),
        ("expires_in", False),
        ("title", False),
    ],
)
def test_sensitive_names_from_the_public_home(name: str, sensitive: bool) -> None:
    assert is_sensitive_name(name) is sensitive


def test_built_facts_equal_validated_ones() -> None:
    from apiplan.schemas import Body, Header, Operation, Parameter, Response
    from apiplan.sources._cite import build

    src = cite("spec.json", "/paths/~1a/get", 3)
    # A secret-named parameter: its enum values are masked however the model is made.
    param = {
        "name": "api_key",
        "location": "query",
        "required": True,
        "type": "string",
        "enum": [_FAKE_KEY, "plain"],
        "description": "Key\x1b[2J here",
        "source": src,
    }
    header = {"name": "X-Rate-Limit", "type": "integer", "source": src}
    body = {
        "content_types": ["application/json"],
        "required": True,
        "refs": ["x#/a"],
        "source": src,
    }
    for cls, values in ((Parameter, param), (Header, header), (Body, body)):
        built, validated = build(cls, **values), cls(**values)
        assert built == validated and built.model_dump_json() == validated.model_dump_json()
        assert built.model_fields_set >= validated.model_fields_set
    assert _FAKE_KEY not in build(Parameter, **param).model_dump_json()
    response = {"status": "200", "body": Body(**body), "headers": [Header(**header)], "source": src}
    assert build(Response, **response) == Response(**response)
    op = {
        "key": "GET /a",
        "method": "GET",
        "path": "/a",
        "responses": [Response(**response)],
        "security_origin": "unspecified",
    }
    assert build(Operation, **op, source=src) == Operation(**op, source=src)
    assert build(Body, source=src).fields is not build(Body, source=src).fields
    with pytest.raises(TypeError, match=r"Header\.name is required"):
        build(Header, source=src)
