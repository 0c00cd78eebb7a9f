"""Every fact's source resolves, in the raw document and by code independent of apiplan's
(jsonpointer + plain json/yaml), to the thing the fact names; its line shows that thing."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonpointer
import pytest

from apiplan import load_facts
from apiplan.schemas import (
    Facts,
    Header,
    Operation,
    Parameter,
    Response,
    SchemaField,
    SecurityScheme,
    Source,
)

from .conftest import CORPUS, EXAMPLES, openapi_specs, raw_load, shared_corpus_facts

SAMPLE = 2500


def _sourced(facts: Facts) -> Iterator[tuple[Any, Source]]:
    for s in facts.security_schemes:
        yield s, s.source
    for op in facts.operations:
        yield op, op.source
        for p in op.parameters:
            yield p, p.source
        bodies = [op.request_body] + [r.body for r in op.responses]
        for r in op.responses:
            yield r, r.source
            for h in r.headers:
                yield h, h.source
        for b in bodies:
            if b is not None:
                for f in b.fields:
                    yield f, f.source
    for schema in facts.schemas.values():
        for f in schema.fields:
            yield f, f.source


def _last_token(pointer: str) -> str:
    return jsonpointer.JsonPointer(pointer).parts[-1] if pointer else ""


def _check(item: Any, raw: Any, source: Source) -> None:
    target = jsonpointer.resolve_pointer(raw, source.pointer)
    last = _last_token(source.pointer)
    if isinstance(item, Operation):
        assert last == item.method.lower()
        assert target.get("operationId") == item.operation_id
    elif isinstance(item, Parameter):
        assert target["name"] == item.name
    elif isinstance(item, Response):
        # Either the status entry itself or, behind a $ref, the shared response it uses.
        assert last == item.status or "responses" in source.pointer
        assert isinstance(target, dict) and (item.description is None or "description" in target)
    elif isinstance(item, Header):
        assert last == item.name
    elif isinstance(item, SecurityScheme):
        assert last == item.name and target["type"] == item.type
    elif isinstance(item, SchemaField):
        assert isinstance(target, dict)
        if item.name == "*":
            # The map's value schema, or the named schema it refers to.
            assert (
                last == "additionalProperties"
                or item.refs
                or source.pointer.split("/")[-2]
                in (
                    "schemas",
                    "definitions",
                )
            )
        elif item.marker is None and source.pointer.split("/")[-2] == "properties":
            assert last == item.name, (item.path, source.pointer)


def _check_line(lines: list[str], source: Source) -> None:
    assert source.line is not None and 1 <= source.line <= max(len(lines), 1)
    if len(lines) == 1:
        return
    last = _last_token(source.pointer)
    text = lines[source.line - 1]
    if last.isdigit():
        return  # array items: the line is where the item starts
    assert last in text or last.replace('"', '\\"') in text, (source.pointer, source.line, text)


@pytest.mark.parametrize(
    "spec", [*openapi_specs(), EXAMPLES / "parcelbox-openapi.yaml"], ids=lambda p: p.name
)
def test_every_source_resolves_to_what_it_names(spec: Path) -> None:
    in_corpus = spec.is_relative_to(CORPUS)
    facts = shared_corpus_facts("openapi", spec.name) if in_corpus else load_facts([spec])
    raws: dict[str, Any] = {}
    lines: dict[str, list[str]] = {}
    items = list(_sourced(facts))
    random.Random(7).shuffle(items)
    checked = 0
    for item, source in items[:SAMPLE]:
        doc = Path(source.document)
        if source.document not in raws:
            raws[source.document] = raw_load(doc)
            lines[source.document] = doc.read_text(encoding="utf-8").splitlines()
        _check(item, raws[source.document], source)
        _check_line(lines[source.document], source)
        checked += 1
    assert checked == min(len(items), SAMPLE)
