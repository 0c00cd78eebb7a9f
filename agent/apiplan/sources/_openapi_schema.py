"""Schema flattening: an object schema (refs, allOf/oneOf/anyOf, arrays, additional properties)
as a list of dotted field paths, each with its type, constraints and source.

Named structured components are flattened once into ``Facts.schemas`` and linked by key from
wherever they are used (Stripe's 374 operations do not each repeat the same 400 fields).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..schemas import SchemaFacts, SchemaField
from ._cite import build
from ._document import StructuredDocument
from ._names import is_sensitive_name
from ._openapi_text import constraints, is_structured, str_list, text_format, trim, type_of
from ._openapi_walk import Node, Walk
from ._pointer import join

_COMPONENT_PTR = re.compile(r"^/(?:components/schemas|definitions)/[^/]+$")
_CHILD_KEYS = ("properties", "allOf", "oneOf", "anyOf", "additionalProperties")

# A member of an object schema: (name, required, document, pointer, schema).
_Member = tuple[str, bool, StructuredDocument, str, Any]


def _restated(field: SchemaField, prop: Any, *, variant: bool) -> None:
    """A property stated again by another member: an allOf member narrows it (PagerDuty's
    EscalationTargetReference gives Reference's `type` its enum), a oneOf/anyOf variant widens
    it (each variant's `trigger_type` value is one more the field may hold)."""
    values = str_list(prop.get("enum")) if isinstance(prop, dict) else []
    if not values:
        return
    if variant:
        field.enum = (
            [*field.enum, *(v for v in values if v not in field.enum)] if field.enum else []
        )
    else:
        field.enum = [v for v in field.enum if v in values] if field.enum else values


@dataclass(frozen=True, slots=True)
class FieldSpot:
    """Where one field stands: its schema's node, its dotted path and its own name."""

    doc: StructuredDocument
    ptr: str
    path: str
    name: str
    required: bool


class SchemaFlattener:
    """Flattens body schemas into fields; queues named components and flattens each once."""

    walk: Walk
    max_depth: int
    max_fields: int
    schemas: dict[str, SchemaFacts]
    truncated_bodies: int
    _queue: list[tuple[StructuredDocument, str, Any, str]]
    _linked: set[str]

    def __init__(self, walk: Walk, *, max_depth: int, max_fields: int) -> None:
        self.walk = walk
        self.max_depth = max_depth
        self.max_fields = max_fields
        self.schemas = {}
        self.truncated_bodies = 0
        self._queue = []
        self._linked = set()

    # -- components ---------------------------------------------------------------------------
    @staticmethod
    def component_key(doc: StructuredDocument, ptr: str) -> str:
        return f"{doc.display}#{ptr}"

    def is_component(self, doc: StructuredDocument, ptr: str, value: Any = None) -> bool:
        """A named, structured schema: linked by key instead of expanded in place.

        Scalar components (Slack's ``defs_ok_false``: boolean, enum [false]) are inlined so the
        field keeps its type and enum.
        """
        named = bool(_COMPONENT_PTR.match(ptr)) or (doc is not self.walk.doc and ptr in ("", "/"))
        return named and (value is None or is_structured(value))

    def link(self, doc: StructuredDocument, ptr: str, value: Any) -> str:
        """The key of a component, queued for flattening the first time it is linked."""
        key = self.component_key(doc, ptr)
        if key not in self._linked:
            self._linked.add(key)
            self._queue.append((doc, ptr, value, key))
        return key

    def queued(self, key: str) -> Iterator[Node]:
        """A linked component not flattened yet (at most one)."""
        for doc, ptr, value, qkey in self._queue:
            if qkey == key:
                yield Node(doc, ptr, value)

    def drain(self) -> dict[str, SchemaFacts]:
        """Flatten every queued component (and those they link) into ``schemas``."""
        while self._queue:
            doc, ptr, value, key = self._queue.pop()
            fields: list[SchemaField] = []
            links: list[str] = []
            self.flatten(
                doc,
                ptr,
                value,
                "",
                fields,
                depth=0,
                ancestry=frozenset({key}),
                root=True,
                links=links,
            )
            name = ptr.rsplit("/", 1)[-1] or doc.display
            type_text = type_of(value)[0] if isinstance(value, dict) else None
            self.schemas[key] = build(
                SchemaFacts,
                name=name,
                type=type_text,
                fields=fields,
                refs=links,
                source=self.walk.src(doc, ptr),
            )
        return self.schemas

    # -- members ------------------------------------------------------------------------------
    def _members(
        self,
        doc: StructuredDocument,
        ptr: str,
        schema: Any,
        ancestry: frozenset[str],
        *,
        inherited_required: frozenset[str],
        all_required: bool,
        links: list[str],
    ) -> Iterator[_Member]:
        """Object members of a schema, merging allOf (required kept) and oneOf/anyOf (optional).

        allOf members are expanded (inheritance); a oneOf/anyOf variant that is a named
        component is linked (appended to ``links``) rather than expanded.
        """
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            got = self.walk.deref(doc, ptr, schema)
            if got is None:
                return
            doc, ptr, schema = got
            key = self.component_key(doc, ptr)
            if key in ancestry:
                return
            ancestry = ancestry | {key}
            if not isinstance(schema, dict):
                return
        req_list = schema.get("required")
        own = (
            frozenset(r for r in req_list if isinstance(r, str))
            if isinstance(req_list, list)
            else frozenset()
        )
        required = inherited_required | own
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, prop in props.items():
                yield (
                    str(name),
                    all_required and str(name) in required,
                    doc,
                    join(ptr, "properties", name),
                    prop,
                )
        for comb in ("allOf", "oneOf", "anyOf"):
            subs = schema.get(comb)
            if isinstance(subs, list):
                for i, sub in enumerate(subs):
                    sub_ptr = join(ptr, comb, i)
                    if comb != "allOf" and isinstance(sub, dict) and "$ref" in sub:
                        got = self.walk.deref(doc, sub_ptr, sub)
                        if got is None:
                            continue
                        if self.is_component(*got):
                            links.append(self.link(*got))
                            continue
                    yield from self._members(
                        doc,
                        sub_ptr,
                        sub,
                        ancestry,
                        inherited_required=required if comb == "allOf" else frozenset(),
                        all_required=all_required and comb == "allOf",
                        links=links,
                    )

    # -- flattening ---------------------------------------------------------------------------
    def flatten(
        self,
        doc: StructuredDocument,
        ptr: str,
        schema: Any,
        prefix: str,
        out: list[SchemaField],
        *,
        depth: int,
        ancestry: frozenset[str],
        root: bool = False,
        links: list[str] | None = None,
    ) -> None:
        """Append the fields of an object schema (or array of objects) to ``out`` under ``prefix``.

        Named variants that are linked rather than expanded are appended to ``links``.
        """
        if links is None:
            links = []
        if root and isinstance(schema, dict):
            got = self.walk.deref(doc, ptr, schema)
            if got is None:
                return
            doc, ptr, schema = got
            if not isinstance(schema, dict):
                return
            if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
                self._flatten_array(doc, ptr, schema["items"], prefix, out, depth, ancestry, links)
                return
        seen: dict[str, SchemaField] = {}
        for name, required, mdoc, mptr, prop in self._members(
            doc,
            ptr,
            schema,
            ancestry,
            inherited_required=frozenset(),
            all_required=True,
            links=links,
        ):
            path = prefix + name
            if path in seen:
                seen[path].required = seen[path].required or required
                _restated(seen[path], prop, variant="/oneOf/" in mptr or "/anyOf/" in mptr)
                continue
            spot = FieldSpot(mdoc, mptr, path, name, required)
            field = self._field(spot, prop, out, depth=depth, ancestry=ancestry)
            if field is not None:
                seen[path] = field
        if isinstance(schema, dict) and isinstance(schema.get("additionalProperties"), dict):
            spot = FieldSpot(doc, join(ptr, "additionalProperties"), prefix + "*", "*", False)
            self._field(spot, schema["additionalProperties"], out, depth=depth, ancestry=ancestry)

    def _flatten_array(
        self,
        doc: StructuredDocument,
        ptr: str,
        items: dict[str, Any],
        prefix: str,
        out: list[SchemaField],
        depth: int,
        ancestry: frozenset[str],
        links: list[str],
    ) -> None:
        """A root array: a link to its named item schema, or its items' fields under ``[].``."""
        iptr = join(ptr, "items")
        if "$ref" in items:
            igot = self.walk.deref(doc, iptr, items)
            if igot is not None and self.is_component(*igot):
                type_text = type_of(igot.value)[0] if isinstance(igot.value, dict) else None
                out.append(
                    build(
                        SchemaField,
                        path=prefix + "[]",
                        type=type_text,
                        refs=[self.link(*igot)],
                        source=self.walk.src(igot.doc, igot.ptr),
                    )
                )
                return
        self.flatten(
            doc,
            iptr,
            items,
            prefix + "[].",
            out,
            depth=depth + 1,
            ancestry=ancestry,
            root=True,
            links=links,
        )

    def _field(
        self,
        spot: FieldSpot,
        prop: Any,
        out: list[SchemaField],
        *,
        depth: int,
        ancestry: frozenset[str],
    ) -> SchemaField | None:
        """Append one field (and, below the depth limit, its children) to ``out``."""
        doc, ptr, path = spot.doc, spot.ptr, spot.path
        if len(out) >= self.max_fields:
            if not out or out[-1].marker != "truncated":
                self.truncated_bodies += 1
                out.append(
                    SchemaField(path=path, marker="truncated", source=self.walk.src(doc, ptr))
                )
            return None
        if not isinstance(prop, dict):
            return None
        refs: list[str] = []
        marker: str | None = None
        expand = True
        if "$recursiveRef" in prop or "$dynamicRef" in prop:
            marker, expand = "recursive", False
        if "$ref" in prop:
            got = self.walk.deref(doc, ptr, prop)
            if got is None:
                return None
            doc, ptr, prop = got
            if not isinstance(prop, dict):
                return None
            key = self.component_key(doc, ptr)
            if key in ancestry:
                marker, expand = "cycle", False
            elif self.is_component(doc, ptr, prop):
                refs.append(self.link(doc, ptr, prop))
                expand = False
            else:
                ancestry = ancestry | {key}
        type_text, nullable = type_of(prop)
        variants, variants_nullable = self._variants(doc, ptr, prop, refs)
        nullable = nullable or variants_nullable
        if variants and not type_text:
            type_text = "|".join(variants)
        items = prop.get("items")
        if isinstance(items, dict) and "$ref" in items:
            igot = self.walk.deref(doc, join(ptr, "items"), items)
            if igot is not None and self.is_component(*igot) and isinstance(igot.value, dict):
                refs.append(self.link(*igot))
                type_text = f"array<{type_of(igot.value)[0] or 'object'}>"
        fmt = text_format(prop)
        last = spot.name or path.rsplit(".", 1)[-1]
        # Built, not validated: every value here is made and typed by us (see _cite.build).
        field = build(
            SchemaField,
            path=path,
            name=spot.name,
            type=type_text,
            format=fmt,
            required=spot.required,
            nullable=nullable,
            enum=str_list(prop.get("enum")),
            read_only=bool(prop.get("readOnly")),
            write_only=bool(prop.get("writeOnly")),
            sensitive=fmt == "password" or bool(prop.get("writeOnly")) or is_sensitive_name(last),
            deprecated=bool(prop.get("deprecated")),
            constraints=constraints(prop),
            refs=refs,
            marker=marker,
            description=trim(prop.get("description"), 300),
            source=self.walk.src(doc, ptr),
        )
        out.append(field)
        if not expand:
            return field
        inline_items = isinstance(items, dict) and "$ref" not in items
        if not inline_items and not any(k in prop for k in _CHILD_KEYS):
            return field
        if depth + 1 >= self.max_depth:
            field.marker = "depth-limit"
            return field
        if isinstance(items, dict) and inline_items:
            self.flatten(
                doc,
                join(ptr, "items"),
                items,
                path + "[].",
                out,
                depth=depth + 1,
                ancestry=ancestry,
            )
        self.flatten(doc, ptr, prop, path + ".", out, depth=depth + 1, ancestry=ancestry)
        return field

    def _variants(
        self, doc: StructuredDocument, ptr: str, prop: dict[str, Any], refs: list[str]
    ) -> tuple[list[str], bool]:
        """Types of a union's variants, and whether one is null (Stripe's expandable fields are
        anyOf [string id, $ref object]); named variants are linked into ``refs``."""
        variants: list[str] = []
        nullable = False
        for comb in ("anyOf", "oneOf"):
            subs = prop.get(comb)
            if not isinstance(subs, list):
                continue
            for i, sub in enumerate(subs):
                if not isinstance(sub, dict):
                    continue
                if "$ref" in sub:
                    sgot = self.walk.deref(doc, join(ptr, comb, i), sub)
                    if sgot is None or not isinstance(sgot.value, dict):
                        continue
                    if self.is_component(*sgot):
                        refs.append(self.link(*sgot))
                    sub = sgot.value
                st, sn = type_of(sub)
                nullable = nullable or sn or sub.get("enum") == [""]
                if st and st not in variants:
                    variants.append(st)
        return variants, nullable
