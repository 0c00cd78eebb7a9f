"""Shared base for every model: strict, described, ready to be an LLM response schema."""

from __future__ import annotations

from typing import Any, ClassVar, cast

from pydantic import BaseModel, ConfigDict, model_validator
from typing_extensions import Self

from .._secrets import NAMED_VALUE_KIND, is_named_secret_value, is_secret_name
from .._text import CACHE, clean_text, clean_value


class StrictModel(BaseModel):
    """Forbids unknown keys: an LLM answer (or a hand-edited file) with an extra key fails."""

    model_config = ConfigDict(
        extra="forbid", frozen=False, validate_assignment=False, defer_build=True
    )


def _mask_named(value: Any) -> Any:
    """A secret-named item's value(s), each masked when it looks like a key."""
    masked = f"[redacted:{NAMED_VALUE_KIND}]"
    if isinstance(value, str):
        return masked if is_named_secret_value(value) else value
    if isinstance(value, list):
        return [_mask_named(v) for v in cast("list[Any]", value)]
    if isinstance(value, dict):
        return {k: _mask_named(v) for k, v in cast("dict[Any, Any]", value).items()}
    return value


class FactModel(StrictModel):
    """Base of the models that hold text read from documents or code (facts and citations).

    The one boundary where that text enters apiplan: every string a fact is built with (by
    validation, ``model_construct`` or attribute assignment) loses its control characters and
    has its credential-shaped values masked, so no renderer, prompt, trace or output can
    forget to. Values whose secrecy shows only in a name kept elsewhere (an `api_key`
    parameter's enum, a `token` server variable's default) are masked by naming the fields
    that hold them.
    """

    secret_name_field: ClassVar[str | None] = None
    """Field holding the item's name, when a secret-like name makes its values secret."""
    secret_value_fields: ClassVar[tuple[str, ...]] = ()
    """Fields holding values of the item (enum, default, constraints)."""

    @classmethod
    def _cleaned(cls, data: dict[str, Any]) -> dict[str, Any]:
        # A plain loop with type checks first: this runs for every fact of a 3 MB spec.
        out = dict(data)
        keyed: list[str] = []
        cache = CACHE
        for field, value in data.items():
            if type(value) is str:
                out[field] = cache.get(value) or clean_text(value)
            elif isinstance(value, list | dict) and value:
                out[field] = clean_value(value)
                if isinstance(value, dict):
                    keyed.append(field)
        name = out.get(cls.secret_name_field) if cls.secret_name_field else None
        if isinstance(name, str) and is_secret_name(name):
            for f in cls.secret_value_fields:
                if f in out:
                    out[f] = _mask_named(out[f])
        for field in keyed:
            value = out[field]
            if any(isinstance(k, str) and is_secret_name(k) for k in value):
                out[field] = {
                    k: _mask_keyed(v) if isinstance(k, str) and is_secret_name(k) else v
                    for k, v in value.items()
                }
        return out

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        return cls._cleaned(cast("dict[str, Any]", data)) if isinstance(data, dict) else data

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:
        return super().model_construct(_fields_set, **cls._cleaned(values))

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, str):
            value = clean_value(value)
        elif isinstance(value, list) and value and isinstance(value[0], str):
            value[:] = clean_value(value)  # in place: the caller may still append to it
        super().__setattr__(name, value)


def _mask_keyed(item: Any) -> Any:
    """The values of a model (or its raw dict) held under a secret-like key, masked."""
    if isinstance(item, FactModel):
        for f in item.secret_value_fields:
            vars(item)[f] = _mask_named(getattr(item, f))
    elif isinstance(item, dict) and ("default" in item or "enum" in item):
        # A server variable given as data: the only keyed model with values.
        data = cast("dict[Any, Any]", item)
        return {k: _mask_named(v) if k in ("default", "enum") else v for k, v in data.items()}
    return cast("object", item)  # as it came (narrowed above, so cast back to plain)


def document_schema(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a top-level document: ``kind`` and ``version`` default in code
    (so that building one needs neither) yet stay required, without a default, in its JSON
    Schema, since every document apiplan writes names what it is."""
    required = schema.setdefault("required", [])
    for name in ("version", "kind"):
        schema["properties"][name].pop("default", None)
        if name not in required:
            required.insert(0, name)


def name_document(kind: str, data: Any) -> Any:
    """Validation input of a top-level JSON document with its ``kind`` and ``version`` filled in
    when absent (built in code, or read from a file written before they existed). They are
    required fields rather than defaults so that JSON output always names what it is."""
    if isinstance(data, dict) and ("kind" not in data or "version" not in data):
        from .._constants import OUTPUT_FORMAT_VERSION

        return {"kind": kind, "version": OUTPUT_FORMAT_VERSION, **cast("dict[str, Any]", data)}
    return cast("object", data)  # as it came (narrowed above, so cast back to plain)
