"""Facts of structured documents built without the generic model machinery.

A 40,000-operation spec makes a quarter of a million sources and as many operations,
parameters, responses, bodies and fields. Validating each (pydantic's schema walk) or building it
with ``model_construct`` (a Python loop over the fields and their aliases) cost more than reading
the document. The values here are built and typed by the extractor itself, so only the one thing
validation adds for them is kept: every string is cleaned exactly as ``FactModel`` cleans it
(control characters dropped, credential-shaped values masked, values under secret names masked).
Tests compare the results with validated models.
"""

from __future__ import annotations

from collections.abc import Callable
from types import GenericAlias
from typing import Any, NamedTuple, TypeVar, get_origin

from pydantic_core import PydanticUndefined

from .._text import CACHE, clean_text
from ..schemas import FactModel, Source

M = TypeVar("M", bound=FactModel)

# Every field counts as set, so one set serves every source: pydantic only ever adds the name of
# an assigned field to it, and each name is already there (a quarter of a million sets saved).
_FIELDS_SET = {"document", "pointer", "line", "text"}
_new = object.__new__
_set = object.__setattr__

# Per model, read once from its fields: (field name, default, default factory) in field order;
# a dict of every plain default, in field order, to copy for each instance; the names of the
# required fields and of those with a default factory; and the one fields-set all its built
# instances share (every field counts as set, as for sources above: a set per fact was an
# eighth of the memory of a large spec's facts).
_Defaults = tuple[tuple[str, Any, Callable[..., Any] | None], ...]


class _Shape(NamedTuple):
    defaults: _Defaults
    template: dict[str, Any]
    required: frozenset[str]
    factories: tuple[tuple[str, Callable[..., Any]], ...]
    every_field: set[str]


_SHAPES: dict[type[FactModel], _Shape] = {}


def cite(document: str, pointer: str, line: int | None) -> Source:
    """A ``Source`` for ``pointer`` of ``document`` at ``line`` (no quoted text)."""
    source = _new(Source)
    _set(
        source,
        "__dict__",
        {
            "document": CACHE.get(document) or clean_text(document),
            "pointer": CACHE.get(pointer) or clean_text(pointer),
            "line": line,
            "text": None,
        },
    )
    _set(source, "__pydantic_fields_set__", _FIELDS_SET)
    _set(source, "__pydantic_extra__", None)
    _set(source, "__pydantic_private__", None)
    return source


def _shape(cls: type[FactModel]) -> _Shape:
    found = _SHAPES.get(cls)
    if found is None:
        fields = cls.model_fields
        defaults = tuple((name, f.default, f.default_factory) for name, f in fields.items())
        found = _SHAPES[cls] = _Shape(
            defaults,
            # Factory and required fields hold a placeholder here; each build overwrites it.
            {name: None if factory is not None else default for name, default, factory in defaults},
            frozenset(n for n, d, f in defaults if f is None and d is PydanticUndefined),
            tuple((n, _plain(f)) for n, _, f in defaults if f is not None),
            set(fields),
        )
    return found


def _plain(factory: Callable[..., Any]) -> Callable[..., Any]:
    """``list`` for ``list[str]``: calling the alias makes the same empty list, more slowly."""
    origin = get_origin(factory)
    return origin if origin in (list, dict) and isinstance(factory, GenericAlias) else factory


def build(cls: type[M], **values: Any) -> M:
    """``cls(**values)`` for values of the right types: cleaned like validation does, not checked.

    Lists and dicts passed in are kept, not copied (validation copies them): pass a list that
    is shared with another fact as a copy. Every field counts as set (``exclude_unset`` is not
    used on facts; defaults are left out of JSON by ``exclude_defaults``).

    Raises:
        TypeError: a required field is missing (a bug in the caller, not in the document).
    """
    values = cls._cleaned(values)  # the cleaning validation does (FactModel._clean_text)
    shape = _shape(cls)
    every_field = shape.every_field
    if shape.required <= values.keys() <= every_field:
        # The usual case, in C: the defaults in field order, then the values given over them
        # (keys already present keep their place, so the order is the same as the loop's).
        data = shape.template.copy()
        data.update(values)
        for name, factory in shape.factories:
            if name not in values:
                data[name] = factory()
    else:  # a required field missing (raises below) or an unknown name (left out)
        data = {}
        for name, default, factory in shape.defaults:
            if name in values:
                data[name] = values[name]
            elif factory is not None:
                data[name] = factory()
            elif default is PydanticUndefined:
                raise TypeError(f"{cls.__name__}.{name} is required")
            else:
                data[name] = default
    model = _new(cls)
    _set(model, "__dict__", data)
    _set(model, "__pydantic_fields_set__", every_field)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model
