"""Request and response fields as Pydantic attributes: names, types, constraints, nesting.

A body field documented with members (``file.id``, ``items[].name``) becomes a nested model,
a bounded number of levels deep; below that it stays ``dict[str, Any]``. Constraints come from
the blueprint's own words (the field's claim, ``one of a, b``; the endpoint's limits,
``name: maxLength 40``) and are kept only where a fixture value can be shown to meet them, so
the generated tests can build a valid request from the documented schema alone.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from pydantic import BaseModel

from ..schemas import Claim, FieldSpec, Source

MAX_DEPTH = 3
"""Levels of nested request models; deeper members are typed ``dict[str, Any]``."""
MAX_CITATIONS = 2
"""Citations kept per comment: enough to find the place in the docs, short enough to read."""
_ENUM_MAX = 20
"""Enum values turned into a Literal; a longer (or cut-off) list stays a plain str."""
_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "object": "dict[str, Any]",
}
"""Documented scalar types and their Python annotations; anything else is ``Any``."""
_RESERVED = frozenset(dir(BaseModel)) | {"self", "request", "body", "model_config"}
"""Attribute names a Pydantic model (or a generated signature) already uses."""
_ONE_OF = re.compile(r"\bone of (.+?)(?:, (?:format \S+|sensitive))*$")
_LIMIT = re.compile(r"^(?P<path>[\w.\[\]-]+)(?: \(when [^)]*\))?: (?P<rest>.+)$")
_NUMBER = r"(-?\d+(?:\.\d+)?)"
_BOUNDS = {
    "maxLength": ("max_length", re.compile(rf"\bmaxLength {_NUMBER}")),
    "minLength": ("min_length", re.compile(rf"\bminLength {_NUMBER}")),
    "maximum": ("le", re.compile(rf"\bmaximum {_NUMBER}")),
    "minimum": ("ge", re.compile(rf"\bminimum {_NUMBER}")),
    "maxItems": ("max_length", re.compile(rf"\bmaxItems {_NUMBER}")),
}
_PATTERN = re.compile(
    r"\bpattern (.+?)(?=, (?:maxLength|minLength|maximum|minimum|maxItems|minItems|multipleOf|"
    r"exclusive\w*|one of|format) |$)"
)
_NOT_PORTABLE = re.compile(r"\(\?[=!<]|\\\d|\(\?P=|\\[pPZz]")
"""Regex features Pydantic's (Rust) engine lacks: lookaround and back-references."""
_SAMPLE_TEXTS = (
    *("example", "EXAMPLE", "Example", "a", "A", "1", "12345", "a1", "A1"),
    *("example@example.com", "https://example.com", "2024-01-01", "2024-01-01T00:00:00Z"),
)
"""Candidate fixture strings tried against a documented pattern."""


@dataclass(frozen=True)
class FieldModel:
    """A request or response field as a Pydantic model attribute."""

    name: str
    attr: str
    annotation: str
    required: bool
    cite: str
    args: str = ""
    """Extra ``Field()`` arguments: the documented constraints (``max_length=22``)."""
    sample: object = None
    """A fixture value that meets the constraints (required fields only)."""


@dataclass(frozen=True)
class NestedModel:
    """A nested request object: one Pydantic class."""

    class_name: str
    path: str
    fields: list[FieldModel] = field(default_factory=list[FieldModel])


def cite(sources: list[Source]) -> str:
    return ", ".join(s.cite() for s in sources[:MAX_CITATIONS])


def words(text: str) -> list[str]:
    text = text.replace("<", " lt ").replace(">", " gt ")
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Za-z][a-z]*|\d+", text)]


def snake(text: str) -> str:
    name = "_".join(words(text)) or "value"
    if name[0].isdigit():
        name = "v_" + name
    return name + "_" if keyword.iskeyword(name) else name


def camel(text: str) -> str:
    return "".join(w.capitalize() for w in words(text)) or "Api"


def unique(name: str, used: set[str], reserved: frozenset[str] = _RESERVED) -> str:
    """``name``, or ``name_`` / ``name_2`` ... when taken or reserved; records the result."""
    if name in reserved or name.startswith("model_"):
        name += "_"
    out, n = name, 2
    if out in used and not out.endswith("_"):
        out = name + "_"
    while out in used:
        out, n = f"{name}_{n}", n + 1
    used.add(out)
    return out


def annotation(type_: str | None) -> str:
    if type_ and type_.startswith("array"):
        return "list[Any]"
    return _TYPES.get(type_ or "", "Any")


def field_cite(spec: FieldSpec) -> str:
    return cite(spec.evidence) or (spec.assumption or "")


def constraints_by_path(limits: list[Claim], specs: list[FieldSpec]) -> dict[str, str]:
    """Field path -> the blueprint's constraint words for it (limits, then the field's claim)."""
    out: dict[str, str] = {}
    for c in limits:
        m = _LIMIT.match(c.text.strip())
        if m and " " not in m.group("path"):
            out[m.group("path")] = m.group("rest")
    for spec in specs:
        _, _, rest = spec.text.partition(": ")
        if "one of " in rest and spec.name not in out:
            out[spec.name] = rest
    return out


def _enum(words_: str) -> list[str] | None:
    m = _ONE_OF.search(words_)
    if not m or "…" in m.group(1):
        return None
    values = [v.strip() for v in m.group(1).split(",") if v.strip()]
    return values if 0 < len(values) <= _ENUM_MAX else None


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _simple_pattern(words_: str) -> str | None:
    m = _PATTERN.search(words_)
    if not m:
        return None
    pattern = m.group(1)
    if _NOT_PORTABLE.search(pattern):
        return None
    try:
        re.compile(pattern)
    except re.error:
        return None
    return pattern


def _fit_text(base: str, bounds: dict[str, float | int], pattern: str | None) -> str | None:
    """A fixture string within the length bounds (and matching the pattern), or None."""
    low = int(bounds.get("min_length", 0))
    high = int(bounds.get("max_length", 10_000))
    for text in (base, *_SAMPLE_TEXTS):
        cand = (text * (low // max(len(text), 1) + 1))[: max(low, min(len(text), high))]
        if not low <= len(cand) <= high:
            continue
        if pattern is None or re.search(pattern, cand):
            return cand
    return None


def scalar(spec: FieldSpec, attr: str, words_: str) -> tuple[str, str, object, str]:
    """Annotation, Field() arguments, fixture value and an unmet-constraint note of a field."""
    base = annotation(spec.type)
    enum = _enum(words_) if base == "str" else None
    bounds: dict[str, float | int] = {}
    for arg, rx in _BOUNDS.values():
        m = rx.search(words_)
        if m and arg not in bounds:
            bounds[arg] = _number(m.group(1))
    if base not in ("str", "int", "float", "list[Any]"):
        bounds = {}
    if base in ("int", "float"):
        bounds = {k: v for k, v in bounds.items() if k in ("ge", "le")}
    elif base in ("str", "list[Any]"):
        bounds = {k: int(v) for k, v in bounds.items() if k in ("min_length", "max_length")}
    pattern = _simple_pattern(words_) if base == "str" and not enum else None
    sample: object
    note = ""
    if enum:
        return "Literal[" + ", ".join(_quote(v) for v in enum) + "]", "", enum[0], ""
    if base == "str":
        sample = _fit_text(f"example-{attr.strip('_')}", bounds, pattern)
        if sample is None and pattern is not None:
            note, pattern = f"documented pattern {pattern} (not enforced here)", None
            sample = _fit_text(f"example-{attr.strip('_')}", bounds, None)
        if sample is None:
            bounds, sample = {}, f"example-{attr.strip('_')}"
    elif base in ("int", "float"):
        low, high = bounds.get("ge"), bounds.get("le")
        value = low if low is not None else 1
        if high is not None and value > high:
            value = high
        sample = float(value) if base == "float" else int(value)
    elif base == "list[Any]":
        sample = [] if bounds.get("min_length", 0) == 0 else ["example"] * int(bounds["min_length"])
    else:
        empty: dict[str, object] = {}
        sample = True if base == "bool" else empty if base == "dict[str, Any]" else "example"
    args = [f"{k}={v!r}" for k, v in bounds.items()]
    if pattern is not None:
        args.append(f"pattern={_quote(pattern)}")
    return base, ", ".join(args), sample, note


def _quote(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


@dataclass
class _Node:
    name: str
    spec: FieldSpec | None = None
    array: bool = False
    children: dict[str, _Node] = field(default_factory=dict[str, "_Node"])


def _tree(specs: list[FieldSpec]) -> dict[str, _Node]:
    roots: dict[str, _Node] = {}
    for spec in specs:
        parts = [p for p in re.split(r"\.|(?<=\])(?=\w)", spec.name) if p]
        level = roots
        node: _Node | None = None
        for i, part in enumerate(parts):
            key = part.removesuffix("[]")
            node = level.setdefault(key, _Node(key))
            if part.endswith("[]") and i < len(parts) - 1:
                node.array = True
            level = node.children
        if node is not None:
            node.spec = spec
    return roots


def body_models(
    specs: list[FieldSpec],
    base: str,
    constraints: dict[str, str],
    *,
    nested: bool,
) -> tuple[list[FieldModel], list[NestedModel]]:
    """The top-level fields of a request body and its nested classes (innermost first).

    ``nested`` False keeps only top-level fields (a form-encoded body has no nesting)."""
    if not nested:
        specs = [s for s in specs if "." not in s.name and "[" not in s.name]
    classes: list[NestedModel] = []
    used_classes: set[str] = set()

    def build(nodes: dict[str, _Node], path: str, depth: int) -> list[FieldModel]:
        out: list[FieldModel] = []
        used: set[str] = set()
        for key, node in nodes.items():
            spec = node.spec
            type_ = spec.type if spec is not None else "object"
            why = field_cite(spec) if spec is not None else ""
            full = f"{path}{key}"
            attr = unique(snake(key), used)
            required = spec.required if spec is not None else False
            array = node.array or bool(type_ and type_.startswith("array"))
            if node.children and depth < MAX_DEPTH:
                name = unique(f"{base}{camel(full)}{'Item' if array else ''}", used_classes)
                inner = build(node.children, f"{full}{'[]' if array else ''}.", depth + 1)
                classes.append(NestedModel(class_name=name, path=full, fields=inner))
                sample_one = {f.name: f.sample for f in inner if f.required}
                if array:
                    out.append(
                        FieldModel(key, attr, f"list[{name}]", required, why, "", [sample_one])
                    )
                else:
                    out.append(FieldModel(key, attr, name, required, why, "", sample_one))
                continue
            if node.children or spec is None:
                ann = "list[dict[str, Any]]" if array else "dict[str, Any]"
                none: list[object] = []
                empty: dict[str, object] = {}
                args, sample, note = "", none if array else empty, ""
            else:
                words_ = constraints.get(spec.name) or spec.text.partition(": ")[2]
                ann, args, sample, note = scalar(spec, attr, words_)
            reason = why + (f"; {note}" if note else "")
            out.append(FieldModel(key, attr, ann, required, reason, args, sample))
        return out

    top = build(_tree(specs), "", 1)
    return top, classes


__all__ = [
    "MAX_DEPTH",
    "FieldModel",
    "NestedModel",
    "annotation",
    "body_models",
    "camel",
    "cite",
    "constraints_by_path",
    "field_cite",
    "scalar",
    "snake",
    "unique",
    "words",
]
