"""Checking a proposed workflow against the facts: the offline planner's, or an LLM's.

Every step must be a documented operation, run once; every input said to be fed by an earlier
step must be an input of the operation, fed by a step that runs before it, from a response
field that step documents.
"""

from __future__ import annotations

from ..schemas import Facts, Operation, Workflow
from ._common import success_responses
from ._profile import is_param_segment, param_name


def validate_workflow(facts: Facts, workflow: Workflow) -> list[str]:
    """Problems of a proposed workflow: steps the docs lack, inputs fed out of order, or fed
    by a response field the producing operation does not document."""
    problems: list[str] = []
    by_order = {s.order: s for s in workflow.steps}
    if sorted(by_order) != list(range(1, len(workflow.steps) + 1)):
        problems.append("steps are not numbered 1..n")
    seen: set[str] = set()
    for s in workflow.steps:
        op = facts.operation(s.operation)
        if op is None:
            problems.append(f"step {s.order}: {s.operation} is not in the documents")
            continue
        if s.operation in seen:
            problems.append(f"step {s.order}: {s.operation} appears twice")
        seen.add(s.operation)
        for inp in s.inputs:
            if not _has_input(facts, op, inp.name, inp.location):
                problems.append(
                    f"step {s.order}: {s.operation} has no input {inp.location} `{inp.name}`"
                )
            if inp.from_step is None:
                continue
            producer = by_order.get(inp.from_step)
            if producer is None or inp.from_step >= s.order:
                problems.append(
                    f"step {s.order}: `{inp.name}` is fed by step {inp.from_step}, which does not run before it"
                )
                continue
            prod_op = facts.operation(producer.operation)
            if prod_op is None or inp.output is None:
                continue
            fields = [f for r in success_responses(prod_op) for f in facts.body_fields(r.body)]
            if facts.field_at(fields, inp.output) is None and not any(
                f.path == inp.output for f in fields
            ):
                problems.append(
                    f"step {s.order}: {producer.operation} (step {inp.from_step}) documents no response field `{inp.output}` to feed `{inp.name}`"
                )
    for e in workflow.excluded:
        if e.operation in seen:
            problems.append(f"{e.operation} is both excluded and a step")
    return problems


def _has_input(facts: Facts, op: Operation, name: str, location: str) -> bool:
    if location in ("path", "query", "header"):
        if any(p.name == name for p in op.parameters):
            return True
        return location == "path" and any(
            is_param_segment(seg) and param_name(seg) == name for seg in op.path.split("/") if seg
        )
    fields = facts.body_fields(op.request_body)
    return facts.field_at(fields, name) is not None or any(f.path == name for f in fields)


__all__ = ["validate_workflow"]
