"""What of the facts goes into a prompt: the selected operations and what they cite, within a
token budget (descriptions go first, then fields beyond the first ones per body)."""

from __future__ import annotations

import json
from typing import Any, cast

from .._tokens import count_tokens
from ..planner import PlanInput


def _strip(value: Any, keys: set[str]) -> Any:
    """``value`` (dumped models: JSON-shaped) without ``keys`` at any depth."""
    if isinstance(value, dict):
        node = cast("dict[str, Any]", value)  # isinstance leaves the item types unknown
        return {k: _strip(v, keys) for k, v in node.items() if k not in keys}
    if isinstance(value, list):
        return [_strip(v, keys) for v in cast("list[Any]", value)]
    return value


def facts_for_prompt(inp: PlanInput, *, budget_tokens: int) -> str:
    facts = inp.facts
    ops = inp.operations
    keys = {op.key for op in ops}
    refs: list[str] = []
    queue = [
        r
        for op in ops
        for b in [op.request_body, *(x.body for x in op.responses)]
        if b
        for r in b.refs
    ]
    queue += [
        r
        for op in ops
        for b in [op.request_body, *(x.body for x in op.responses)]
        if b
        for f in b.fields
        for r in f.refs
    ]
    while queue and len(refs) < 40:
        ref = queue.pop(0)
        if ref in refs or ref not in facts.schemas:
            continue
        refs.append(ref)
        queue += [r for f in facts.schemas[ref].fields for r in f.refs]
    used_schemes = {n for op in ops for req in op.security or [] for n in req.schemes}
    subset = {
        "documents": [d.model_dump(exclude_defaults=True) for d in facts.documents],
        "servers": [s.model_dump(exclude_defaults=True) for s in facts.servers],
        "security_schemes": [
            s.model_dump(exclude_defaults=True)
            for s in facts.security_schemes
            if s.name in used_schemes or not used_schemes
        ],
        "operations": [op.model_dump(exclude_defaults=True) for op in ops],
        "schemas": {r: facts.schemas[r].model_dump(exclude_defaults=True) for r in refs},
        "api_responses": [r.model_dump(exclude_defaults=True) for r in facts.api_responses],
        "global_parameters": [p.model_dump(exclude_defaults=True) for p in facts.global_parameters],
        "rate_limits": [
            r.model_dump(exclude_defaults=True)
            for r in facts.rate_limits
            if r.operation in keys or r.operation is None
        ],
        "idempotency": [
            r.model_dump(exclude_defaults=True)
            for r in facts.idempotency
            if r.operation in keys or r.operation is None
        ],
        "retry_guidance": [
            r.model_dump(exclude_defaults=True)
            for r in facts.retry_guidance
            if r.operation in keys or r.operation is None
        ],
        "code": [f.model_dump(exclude_defaults=True) for f in facts.code],
    }
    text = json.dumps(subset, separators=(",", ":"), ensure_ascii=False)
    if count_tokens(text)[0] <= budget_tokens:
        return text
    subset = _strip(subset, {"description"})
    text = json.dumps(subset, separators=(",", ":"), ensure_ascii=False)
    limit = 60
    while count_tokens(text)[0] > budget_tokens and limit >= 5:
        for op in subset["operations"]:
            for body in [op.get("request_body"), *(r.get("body") for r in op.get("responses", []))]:
                if body and "fields" in body:
                    body["fields"] = body["fields"][:limit]
        for schema in subset["schemas"].values():
            schema["fields"] = schema.get("fields", [])[:limit]
        text = json.dumps(subset, separators=(",", ":"), ensure_ascii=False)
        limit //= 2
    return text
