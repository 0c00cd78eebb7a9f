"""Format traps, $ref rules and hostile documents: each gives facts, warnings or one clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apiplan import DocumentError, load_facts
from apiplan.render import to_json

MINI = {
    "openapi": "3.0.0",
    "info": {"title": "Mini (invented)", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_json_that_yaml_rejects_is_read_as_json(tmp_path: Path) -> None:
    # Tab indentation is valid JSON whitespace but YAML rejects tabs in many places.
    text = json.dumps(MINI, indent="\t")
    path = write(tmp_path, "spec.json", text)
    facts = load_facts([path])
    assert facts.operations[0].operation_id == "listThings"
    assert facts.operations[0].source.line == text.splitlines().index('\t\t\t"get": {') + 1


def test_json_without_json_suffix_is_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.txt", json.dumps(MINI))
    assert load_facts([path]).documents[0].format == "openapi-json"


def test_yaml_dates_stay_text_in_json_output(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "spec.yaml",
        "openapi: 3.0.0\ninfo: {title: Dated, version: 2024-05-01}\npaths: {}\n"
        "x-released: 2024-05-01T10:00:00Z\n",
    )
    facts = load_facts([path])
    assert facts.documents[0].api_version == "2024-05-01"
    assert json.loads(to_json(facts))["documents"][0]["api_version"] == "2024-05-01"


def test_integer_status_keys_in_yaml(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "spec.yaml",
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        200: {description: ok}\n        429: {description: slow down}\n",
    )
    op = load_facts([path]).operations[0]
    assert [r.status for r in op.responses] == ["200", "429"]
    assert [r.source.line for r in op.responses] == [7, 8]


def test_relative_file_refs_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "defs").mkdir()
    write(
        tmp_path / "defs",
        "pet.yaml",
        "type: object\nrequired: [name]\nproperties:\n"
        "  name: {type: string}\n  tag: {type: string}\n",
    )
    spec = dict(MINI)
    spec["paths"] = {
        "/pets": {
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "defs/pet.yaml"}}}
                },
                "responses": {"201": {"description": "created"}},
            }
        }
    }
    path = write(tmp_path, "spec.json", json.dumps(spec, indent=2))
    facts = load_facts([path])
    body = facts.operations[0].request_body
    assert body is not None and body.refs
    fields = facts.body_fields(body)
    name = next(f for f in fields if f.path == "name")
    assert name.required and name.source.document.endswith("defs/pet.yaml")
    assert name.source.pointer == "/properties/name" and name.source.line == 4


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("../../etc/passwd", "outside the folder"),
        ("https://example.com/schemas/pet.json#/Pet", "remote references are not fetched"),
        ("#/components/schemas/Nope", "target not found"),
        ("missing.yaml#/Pet", "file not found"),
    ],
)
def test_bad_refs_are_warnings_naming_the_pointer(tmp_path: Path, ref: str, reason: str) -> None:
    spec = json.loads(json.dumps(MINI))
    spec["paths"]["/things"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": ref}}
    }
    path = write(tmp_path / "", "spec.json", json.dumps(spec, indent=2))
    facts = load_facts([path])
    assert len(facts.operations) == 1
    warning = next(w for w in facts.warnings if w.code == "unresolved-ref")
    assert reason in warning.message and ref in warning.message
    assert warning.source is not None
    assert warning.source.pointer == (
        "/paths/~1things/get/responses/200/content/application~1json/schema/$ref"
    )


def test_ref_cycles_and_recursive_refs_terminate(tmp_path: Path) -> None:
    spec = json.loads(json.dumps(MINI))
    spec["components"] = {
        "schemas": {
            "Node": {
                "type": "object",
                "properties": {
                    "child": {"$ref": "#/components/schemas/Node"},
                    "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "inline": {"type": "object", "properties": {"self": {"$recursiveRef": "#"}}},
                },
            },
            "Loop1": {"$ref": "#/components/schemas/Loop2"},
            "Loop2": {"$ref": "#/components/schemas/Loop1"},
            "A": {
                "allOf": [
                    {"$ref": "#/components/schemas/B"},
                    {"properties": {"a": {"type": "string"}}},
                ]
            },
            "B": {
                "allOf": [
                    {"$ref": "#/components/schemas/A"},
                    {"properties": {"b": {"type": "string"}}},
                ]
            },
        }
    }
    ok = spec["paths"]["/things"]["get"]["responses"]["200"]
    ok["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}
    spec["paths"]["/loop"] = {
        "get": {
            "responses": {
                "200": {
                    "description": "x",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "l": {"$ref": "#/components/schemas/Loop1"},
                                    "a": {"$ref": "#/components/schemas/A"},
                                },
                            }
                        }
                    },
                }
            }
        }
    }
    facts = load_facts([write(tmp_path, "spec.json", json.dumps(spec))])
    node = next(v for k, v in facts.schemas.items() if k.endswith("/Node"))
    child = next(f for f in node.fields if f.path == "child")
    assert child.marker == "cycle"
    assert next(f for f in node.fields if f.path == "inline.self").marker == "recursive"
    assert any("reference cycle" in w.message for w in facts.warnings)
    a = next(v for k, v in facts.schemas.items() if k.endswith("/A"))
    assert {f.path for f in a.fields} == {"a", "b"}


def test_flattening_is_bounded(tmp_path: Path) -> None:
    props: dict = {"type": "object", "properties": {}}
    node = props
    for i in range(30):
        child = {"type": "object", "properties": {f"f{j}": {"type": "string"} for j in range(30)}}
        node["properties"][f"level{i}"] = child
        node = child
    spec = json.loads(json.dumps(MINI))
    spec["paths"]["/things"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": props}
    }
    facts = load_facts([write(tmp_path, "s.json", json.dumps(spec))], max_depth=4, max_fields=50)
    fields = facts.operations[0].responses[0].body.fields
    assert len(fields) == 51 and fields[-1].marker == "truncated"
    deep = load_facts([write(tmp_path, "s2.json", json.dumps(spec))], max_depth=3)
    dfields = deep.operations[0].responses[0].body.fields
    assert max(f.path.count(".") for f in dfields) == 2
    assert any(f.marker == "depth-limit" for f in dfields)


HOSTILE = {
    "empty": (b"", "file is empty"),
    "blank": (b"  \n\n", "file is empty"),
    "binary": (bytes(range(256)) * 4, "binary file"),
    "latin1": ("openapi: 3.0.0\ninfo: {title: caf\xe9}\n".encode("latin-1"), "not UTF-8"),
    "truncated-json": (b'{"openapi": "3.0.0", "info": {"title": "x"', "invalid JSON"),
    "truncated-yaml": (b"openapi: 3.0.0\ninfo:\n  title: [unclosed\n", "invalid YAML"),
    "deep-json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep-yaml-flow": (b"a: " + b"[" * 100_000, "invalid YAML"),
    "recursive-alias": (b"openapi: 3.0.0\npaths: &p\n  /a: *p\n", "alias"),
    "not-openapi": (b"name: my-service\nreplicas: 3\n", "not an OpenAPI document"),
    "list-top": (b"- 1\n- 2\n", "not an OpenAPI document"),
    "old-version": (b'{"swagger": "1.2", "apis": []}', "unsupported OpenAPI version"),
    "alias-bomb": (
        b"openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n".encode()
            for i in range(8)
        ),
        "alias",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_fail_fast_with_one_line(tmp_path: Path, name: str) -> None:
    content, expected = HOSTILE[name]
    suffix = ".json" if name.endswith("json") else ".yaml"
    path = write(tmp_path, name + suffix, content)
    with pytest.raises(DocumentError) as info:  # how fast: benchmarks/bounded.py
        load_facts([path])
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert message.startswith(str(path))


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    # The size in the message comes from the check made before any byte is read.
    with pytest.raises(DocumentError, match=r"50\.0 MiB is over the 32 MiB limit"):
        load_facts([path])


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load_facts([tmp_path / "nope.yaml"])
    with pytest.raises(DocumentError, match="is a directory"):
        load_facts([tmp_path])
