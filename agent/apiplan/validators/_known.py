"""What the facts hold, indexed for the rules: every name a blueprint may cite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from pydantic import BaseModel

from ..schemas import Facts, Operation, SchemaField, Source

# Standard HTTP names (RFC 9110/6585/6750): facts of HTTP, not claims about this API.
HTTP_STANDARD_NAMES = {
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "retry-after",
    "content-type",
    "accept",
    "user-agent",
    "content-length",
    "location",
    "etag",
    "if-match",
    "if-none-match",
    "www-authenticate",
    "bearer",
    "basic",
}


_CODE_SPAN = re.compile(r"`([^`\n]{1,80})`")


@dataclass
class Known:
    """Names, operations and statuses documented in the facts."""

    facts: Facts
    operations: dict[str, Operation] = field(default_factory=dict[str, Operation])
    statuses: dict[str, set[str]] = field(default_factory=dict[str, set[str]])
    names: set[str] = field(default_factory=set[str])
    _cited: set[tuple[str, object]] | None = None
    _lowered: set[str] | None = None
    _all_fields: list[SchemaField] | None = None

    @classmethod
    def of(cls, facts: Facts) -> Known:
        k = cls(facts)
        add = k.names.add
        for s in facts.security_schemes:
            add(s.name)
            if s.param_name:
                add(s.param_name)
            for f in s.flows:
                for scope in f.scopes:
                    add(scope)
        for op in facts.operations:
            k.operations[op.key] = op
            k.statuses[op.key] = {r.status for r in op.responses} | {
                r.status for r in facts.api_responses
            }
            if op.operation_id:
                add(op.operation_id)
            for p in op.parameters:
                add(p.name)
                for e in p.enum:
                    add(e)
            for r in op.responses:
                for h in r.headers:
                    add(h.name)
            if op.request_body:
                for t in op.request_body.content_types:
                    add(t)
        for schema in facts.schemas.values():
            add(schema.name)
            for f in schema.fields:
                _add_field(k.names, f.path, f.name, f.enum)
        for op in facts.operations:
            bodies = [op.request_body] + [r.body for r in op.responses]
            for b in bodies:
                if b is not None:
                    for t in b.content_types:
                        add(t)
                    for f in b.fields:
                        _add_field(k.names, f.path, f.name, f.enum)
        for w in facts.webhooks:
            add(w.name)
        # Names the documents themselves put in code font inside descriptions count as documented.
        texts: list[str | None] = []
        for op in facts.operations:
            texts += [op.summary, op.description]
            texts += [p.description for p in op.parameters]
            texts += [r.description for r in op.responses]
        for schema in facts.schemas.values():
            texts += [f.description for f in schema.fields]
        # Quoted prose: what the page itself writes in code font is documented.
        texts += [r.detail for r in facts.rate_limits] + [i.detail for i in facts.idempotency]
        texts += [g.detail for g in facts.retry_guidance] + [n.detail for n in facts.notes]
        for op in facts.operations:
            texts += [op.source.text] + [p.source.text for p in op.parameters]
            texts += [r.source.text for r in op.responses]
        texts += [r.description for r in facts.api_responses] + [
            p.description for p in facts.global_parameters
        ]
        for text in texts:
            if text and "`" in text:
                k.names.update(t.strip() for t in _CODE_SPAN.findall(text))
        return k

    @property
    def code_files(self) -> set[str]:
        return {f.path for f in self.facts.code}

    def cited_places(self) -> set[tuple[str, object]]:
        """Every (document, pointer) and (document, line) a fact of these facts cites."""
        cache = getattr(self, "_cited", None)
        if cache is not None:
            return cache
        places: set[tuple[str, object]] = set()

        def visit(obj: object) -> None:
            if isinstance(obj, Source):
                places.add((obj.document, obj.pointer if obj.pointer is not None else obj.line))
            elif isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    visit(getattr(obj, name))
            elif isinstance(obj, list):
                for item in cast("list[object]", obj):
                    visit(item)
            elif isinstance(obj, dict):
                for item in cast("dict[object, object]", obj).values():
                    visit(item)

        visit(self.facts)
        self._cited = places
        return places

    def all_fields(self) -> list[SchemaField]:
        """Every body field of every operation, requests and responses (built once)."""
        if self._all_fields is None:
            self._all_fields = [
                f
                for op in self.facts.operations
                for b in [op.request_body] + [r.body for r in op.responses]
                if b
                for f in self.facts.body_fields(b)
            ]
        return self._all_fields

    def has_name(self, name: str) -> bool:
        n = name.strip()
        if n in self.names or n.lower() in HTTP_STANDARD_NAMES:
            return True
        # Case-insensitive for headers (built once; the names do not change after of()).
        if self._lowered is None:
            self._lowered = {x.lower() for x in self.names}
        return n.lower() in self._lowered

    def op_has_field(self, key: str, path: str, *, request: bool) -> bool:
        op = self.operations.get(key)
        if op is None:
            return False
        if request:
            fields = self.facts.body_fields(op.request_body)
            return self.facts.field_at(fields, path) is not None
        for r in op.responses:
            fields = self.facts.body_fields(r.body)
            if self.facts.field_at(fields, path) is not None:
                return True
        return False


def _add_field(names: set[str], path: str, name: str, enum: list[str]) -> None:
    names.add(path)
    if name:
        names.add(name)
    leaf = path.rsplit(".", 1)[-1].removesuffix("[]")
    if leaf:
        names.add(leaf)
    for e in enum:
        names.add(e)
