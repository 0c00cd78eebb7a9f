"""Which body fields a valid request must carry, through objects and arrays of objects."""

from __future__ import annotations

import pytest

from apiplan.planner._common import effectively_required
from apiplan.schemas import SchemaField, Source


def _f(path: str, required: bool) -> SchemaField:
    where = Source(document="invented.yaml", pointer=f"#/{path}")
    return SchemaField(path=path, name=path.rsplit(".", 1)[-1], required=required, source=where)


@pytest.mark.parametrize(
    ("parent_required", "expected"),
    [(True, ["filters", "filters[].column"]), (False, [])],
)
def test_member_of_an_array_of_objects_follows_its_array(
    parent_required: bool, expected: list[str]
) -> None:
    fields = [
        _f("filters", parent_required),
        _f("filters[].column", True),
        _f("filters[].values", False),
    ]
    assert [f.path for f in effectively_required(fields)] == expected


def test_items_of_a_top_level_array_body_are_required_by_the_body() -> None:
    fields = [_f("[].name", True), _f("[].note", False)]
    assert [f.path for f in effectively_required(fields)] == ["[].name"]


def test_member_under_an_optional_object_is_not_required() -> None:
    fields = [_f("shipping", False), _f("shipping.address", True), _f("id", True)]
    assert [f.path for f in effectively_required(fields)] == ["id"]
