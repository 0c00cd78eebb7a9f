"""Issue 15: a brief blueprint by default (summary first, house rules once, ≤ 120 lines for one
operation), `--detail full` for every claim, and one consistent policy across sections."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import apiplan
from apiplan.schemas import Blueprint
from apiplan.validators import check_blueprint

from .conftest import EXAMPLES, ROOT

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"
GOLDEN = Path(__file__).parent / "golden"
MAX_ONE_OPERATION_LINES = 120
MAX_SHARED = 0.25


@pytest.fixture(scope="module")
def planned() -> tuple[apiplan.Facts, Blueprint]:
    facts = apiplan.load_facts([EXAMPLE])
    return facts, apiplan.plan(
        facts, goal="create a shipment label", operations=["POST:/shipments"]
    )


def test_brief_opens_with_summary_and_states_house_rules_once(
    planned: tuple[apiplan.Facts, Blueprint],
) -> None:
    md = apiplan.blueprint_to_markdown(planned[1])
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## Summary", "## Open questions"]
    assert "## House rules" in headings and "## Assumptions" not in headings
    assert md.count("One structured log line per attempt") == 1
    assert "### Implementation steps" not in md and "log fields" not in md
    assert len(md.splitlines()) <= MAX_ONE_OPERATION_LINES


def test_full_detail_keeps_every_section(planned: tuple[apiplan.Facts, Blueprint]) -> None:
    md = apiplan.blueprint_to_markdown(planned[1], "full")
    for heading in ("## Assumptions", "### Implementation steps", "### Logging and observability"):
        assert heading in md
    assert "## Summary" not in md


def test_golden_blueprints_are_short_and_specific() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import specificity
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    scores = specificity.score(GOLDEN)
    assert all(total <= MAX_ONE_OPERATION_LINES for total, _, _ in scores.values()), scores
    content = sum(c for _, c, _ in scores.values())
    assert sum(c * s for _, c, s in scores.values()) / content <= MAX_SHARED


def test_golden_plans_are_consistent(planned: tuple[apiplan.Facts, Blueprint]) -> None:
    facts, bp = planned
    assert "plan-consistency" in bp.risk.rules_run
    assert not [f for f in check_blueprint(bp, facts).findings if f.rule == "plan-consistency"]


def test_plan_consistency_fails_a_hedged_row_on_a_safe_operation(
    planned: tuple[apiplan.Facts, Blueprint],
) -> None:
    facts, clean = planned
    bp = clean.model_copy(deep=True)
    p = bp.plan.retry_policies[0]
    p.idempotent = True
    row = next(r for r in bp.deliverable.error_map if r.operation == p.operation)
    row.action = "Retry only if safe."
    found = [f for f in check_blueprint(bp, facts).findings if f.rule == "plan-consistency"]
    assert found and "safe to repeat" in found[0].message


def test_plan_consistency_fails_a_timeout_retried_and_not_resent(
    planned: tuple[apiplan.Facts, Blueprint],
) -> None:
    facts, clean = planned
    bp = clean.model_copy(deep=True)
    p = bp.plan.retry_policies[0]
    p.retry_on.append("read timeout or connection reset")
    t = bp.deliverable.test_matrix[0].model_copy(
        update={
            "name": "test_x_read_timeout",
            "operation": p.operation,
            "expect": "Read timeout; NOT resent.",
        }
    )
    bp.deliverable.test_matrix.append(t)
    found = [f for f in check_blueprint(bp, facts).findings if f.rule == "plan-consistency"]
    assert any("not resent" in f.message for f in found)


def test_no_required_field_test_where_the_docs_mark_none() -> None:
    bp = apiplan.plan([EXAMPLE], goal="list shipments")
    ops = {e.operation for e in bp.scope.endpoints if not any(f.required for f in e.response)}
    tests = bp.plan.tests + bp.deliverable.test_matrix
    assert not [t for t in tests if t.operation in ops and t.name.endswith("_required_field")]
