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
from typing import Any, TypeVar

from pydantic_core import PydanticUndefined

from .._text import CACHE, clean_text
from ..schemas import FactModel, Source

M = TypeVar("M", bound=FactModel)

# Every field counts as set, so one set serves every source: pydantic only ever adds the name of
# an assigned field to it, and each name is already there (a quarter of a million sets saved).
_FIELDS_SET = {"document", "pointer", "line", "text"}
_new = object.__new__
_set = object.__setattr__

# Per model: (field name, default, default factory), read once from its fields, and the one
# fields-set all its built instances share (every field counts as set, as for sources above:
# a set per fact was an eighth of the memory of a large spec's facts).
_Defaults = tuple[tuple[str, Any, Callable[..., Any] | None], ...]
_DEFAULTS: dict[type[FactModel], tuple[_Defaults, set[str]]] = {}


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


def _defaults(cls: type[FactModel]) -> tuple[_Defaults, set[str]]:
    found = _DEFAULTS.get(cls)
    if found is None:
        fields = cls.model_fields
        defaults = tuple((name, f.default, f.default_factory) for name, f in fields.items())
        found = _DEFAULTS[cls] = (defaults, set(fields))
    return found


def build(cls: type[M], **values: Any) -> M:
    """``cls(**values)`` for values of the right types: cleaned like validation does, not checked.

    Lists and dicts passed in are kept, not copied (validation copies them): pass a list that
    is shared with another fact as a copy. Every field counts as set (``exclude_unset`` is not
    used on facts; defaults are left out of JSON by ``exclude_defaults``).

    Raises:
        TypeError: a required field is missing (a bug in the caller, not in the document).
    """
    values = cls._cleaned(values)  # the cleaning validation does (FactModel._clean_text)
    data: dict[str, Any] = {}
    defaults, every_field = _defaults(cls)
    for name, default, factory in defaults:
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
