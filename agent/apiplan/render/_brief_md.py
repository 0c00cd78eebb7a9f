"""The default blueprint view: a one-screen summary, house rules stated once, then what is specific
to this API. Everything left out here stays in the JSON and in `--detail full`."""

from __future__ import annotations

import re

from ..schemas import Blueprint, ErrorRow, FieldSpec, RetryPolicy, TestCase
from ._blueprint_md import (
    Cite,
    completion_and_paging_lines,
    header_lines,
    required_cell,
    risk_lines,
    workflow_lines,
)
from ._md import code, finish, plain, table

HOUSE_STATUSES = frozenset({"malformed body", "any status not listed"})
"""Error-map rows every blueprint has: stated once in the house rules."""
HOUSE_TESTS = re.compile(
    r"^test_(contract_fixtures_match_docs|retry_policy_bounds|no_secret_in_logs)$"
    r"|_(malformed_body|any_status_not_listed|extra_response_field|deadline)$"
)
UNDOCUMENTED_THROTTLING = "throttling is tested because it can happen anyway"
"""The assumption of 429 tests the docs do not ground: the house rules cover them."""
"""Tests every blueprint has: stated once in the house rules."""
HOUSE_BOUNDARY = frozenset({"module", "stack"})
"""Client-boundary items worded the same for every API: folded into the house rules."""
HOUSE_TRADEOFFS = frozenset({"strict vs lenient response validation"})
HOUSE_SECURITY_PREFIX = "Secrets never appear in URLs"
MAX_BITES = 5
"""The issue asks for three to five things that will bite: more stops being a summary."""
BITE_STATUS_ORDER = ("429", "409", "412", "401", "403", "422", "400", "404")
"""Documented statuses that most often change what the client does, most disruptive first."""
MAX_BITE_CHARS = 180
"""One line on a wide screen."""


def brief_markdown(bp: Blueprint, cite: Cite) -> str:
    out = header_lines(bp, brief=True)
    out += ["", "## Summary", ""]
    out += _summary(bp, cite)
    out += _questions(bp)
    out += _selection(bp)
    out += _workflow(bp, cite)
    if bp.scope.stated_context:
        out += ["", "Stated context: " + "; ".join(plain(s) for s in bp.scope.stated_context)]
    out += _house_rules(bp)
    out += _plan(bp, cite)
    out += _contract(bp, cite)
    out += _errors(bp, cite)
    out += _tests(bp, cite)
    out += _security(bp, cite)
    specific = [t for t in bp.deliverable.tradeoffs if t.topic not in HOUSE_TRADEOFFS]
    if specific:
        out += ["", "## Tradeoffs", ""]
        out += [f"- **{t.topic}** → {t.chosen}: {t.text} — {cite.claim(t)}" for t in specific]
    out += risk_lines(bp, cite, compact=True)
    return finish(out)


def _selection(bp: Blueprint) -> list[str]:
    """The selection table; a single operation is already named, with its reasons, in the summary."""
    if len(bp.scope.selection) < 2:
        return []
    out = ["", "## Selected operations", ""]
    return out + table(
        ["operation", "score", "why"],
        [
            (code(c.key), "pinned" if c.pinned else f"{c.score:g}", "; ".join(c.reasons[:3]))
            for c in bp.scope.selection
        ],
    )


def _security(bp: Blueprint, cite: Cite) -> list[str]:
    out = ["", "## 5. Security notes", ""]
    return out + (
        [
            f"- {c.text} — {cite.claim(c)}"
            for c in bp.deliverable.security_notes
            if not c.text.startswith(HOUSE_SECURITY_PREFIX)
        ]
        or ["- Nothing beyond the house rules."]
    )


def _summary(bp: Blueprint, cite: Cite) -> list[str]:
    wf = bp.scope.workflow
    steps = (
        " → ".join(f"{s.order}. {code(s.operation)}" for s in wf.steps)
        if wf is not None and wf.steps
        else ", ".join(code(c.key) for c in bp.scope.selection)
    )
    if len(bp.scope.selection) == 1 and (wf is None or len(wf.steps) < 2):
        c = bp.scope.selection[0]
        why = "pinned" if c.pinned else "; ".join(c.reasons[:3])
        steps = f"one call, {code(c.key)} ({why})"
    out = [f"- **Workflow**: {steps or 'no operation selected'}"]
    auths = {ep.auth.text: ep.auth for ep in bp.scope.endpoints}
    out += [f"- **Auth**: {text} — {cite.claim(c)}" for text, c in auths.items()]
    out += [f"- **Retry** {code(p.operation)}: {_decision(p)}" for p in bp.plan.retry_policies]
    bites = _bites(bp)
    if bites:
        out += ["- **What will bite**:"] + [f"  - {b}" for b in bites]
    return out


def _decision(p: RetryPolicy) -> str:
    key = p.idempotency_key or (p.dedup.field if p.dedup is not None else None)
    if p.idempotent:
        safe = f"safe to repeat with the same `{key}`" if key else "safe to repeat"
    else:
        safe = "not safe to repeat: reconcile before resending"
    return (
        f"{safe}; {p.max_attempts} attempts, deadline {p.timeouts.total_deadline_seconds:g} s, "
        f"Retry-After up to {p.retry_after_ceiling_seconds:g} s."
    )


def _bites(bp: Blueprint) -> list[str]:
    """The few failures that change the code: high and medium findings, then documented errors."""
    out = [f"{f.message} ({f.rule})" for f in bp.risk.findings if f.severity in ("high", "medium")][
        :2
    ]
    for p in bp.plan.retry_policies:
        if not p.idempotent and not p.idempotency_key:
            out.append(
                f"{code(p.operation)} cannot be resent blindly: after a timeout or 5xx the outcome is unknown."
            )
    documented = [r for r in bp.deliverable.error_map if r.evidence and r.operation != "*"]
    documented.sort(key=_bite_rank)
    for r in documented:
        if _bite_rank(r) >= len(BITE_STATUS_ORDER) + 1:
            break
        out.append(_short(f"{code(r.operation)} {r.status}: {r.action}"))
    if bp.warnings:
        out.append(f"{len(bp.warnings)} parts of the documents could not be read (see the end).")
    return list(dict.fromkeys(out))[:MAX_BITES]


def _bite_rank(r: ErrorRow) -> int:
    if r.status in BITE_STATUS_ORDER:
        return BITE_STATUS_ORDER.index(r.status)
    return len(BITE_STATUS_ORDER) + (0 if r.status.startswith("5") else 1)


def _short(text: str) -> str:
    return text if len(text) <= MAX_BITE_CHARS else text[: MAX_BITE_CHARS - 1].rstrip() + "…"


def _questions(bp: Blueprint) -> list[str]:
    out = ["", "## Open questions", ""]
    if not bp.scope.open_questions:
        return [*out, "None: the documents answer what this plan needs."]
    return out + [
        f"{i}. {q.question} *Until answered:* {q.default}."
        for i, q in enumerate(bp.scope.open_questions, 1)
    ]


def _workflow(bp: Blueprint, cite: Cite) -> list[str]:
    wf = bp.scope.workflow
    if wf is None:
        return []
    if len(wf.steps) > 1 or wf.excluded or wf.uncertain:
        return workflow_lines(wf.model_copy(update={"runner_ups": []}), cite) + _near(bp)
    return _near(bp)


def _near(bp: Blueprint) -> list[str]:
    wf = bp.scope.workflow
    if wf is None or not wf.runner_ups:
        return []
    near = ", ".join(f"{code(r.operation)} ({r.score:g})" for r in wf.runner_ups)
    return ["", f"Near misses (pin one with `--operation METHOD:PATH`): {near}."]


def _house_rules(bp: Blueprint) -> list[str]:
    """Practices that do not depend on this API, once."""
    plan = bp.plan
    client = " ".join(c.text for c in plan.client_boundary if c.topic in HOUSE_BOUNDARY)
    return [
        "",
        "## House rules",
        "",
        f"- {client} One structured log line per attempt (operation, path template, status, error "
        "class, attempt, elapsed ms, retry wait), never the filled URL; counters per operation and "
        f"error class, alerts on give-ups and schema drift. Redacted everywhere: {', '.join(code(r) for r in plan.redaction)}.",
        "- Parse strictly what you read (missing required field or wrong type: SchemaDriftError); "
        "accept, log once and count unknown fields; never retry a malformed 2xx. An unlisted status: "
        "4xx client error, 5xx server error retried only where safe to repeat, never success.",
        "- Tests use a mock transport and a fake clock and always cover: fixtures from the documented "
        "schemas, retry bounds, the total deadline, no secret in logs, a malformed body, an unlisted "
        "status, an unknown field, and 429 with and without Retry-After and above the ceiling (also "
        "where the docs list no 429).",
    ]


def _plan(bp: Blueprint, cite: Cite) -> list[str]:
    plan = bp.plan
    out = ["", "## 1. Integration plan", ""]
    out += [
        f"- {c.text} — {cite.claim(c)}"
        for c in plan.client_boundary
        if c.topic not in HOUSE_BOUNDARY
    ]
    out += [f"- {_first_sentence(c.text)} — {cite.claim(c)}" for c in plan.validation]
    out += ["", "### Retry policy", ""]
    for p in plan.retry_policies:
        out.append(f"- {p.text} — {cite.claim(p)}")
        out.append(f"  - retry on: {_grouped(p.retry_on)}")
        if p.never_retry:
            out.append(f"  - never retry: {_grouped(p.never_retry)}")
        if p.dedup is not None:
            out.append(f"  - repeat safety: {p.dedup.text} — {cite.claim(p.dedup)}")
    out += completion_and_paging_lines(plan, cite)
    return out


def _first_sentence(text: str) -> str:
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


def _grouped(items: list[str]) -> str:
    """'408 (why); 429 (why)' as '408, 429 (why)': the shared reason once."""
    groups: dict[str, list[str]] = {}
    for item in items:
        head, sep, why = item.partition(" (")
        groups.setdefault(sep + why, []).append(head)
    return "; ".join(", ".join(heads) + why.rstrip() for why, heads in groups.items())


def _contract(bp: Blueprint, cite: Cite) -> list[str]:
    out = ["", "## 2. Request/response contract"]
    for ep in bp.scope.endpoints:
        out += ["", f"### {code(ep.operation)}", ""]
        out.append(f"- **Purpose**: {ep.purpose.text} — {cite.claim(ep.purpose)}")
        media = f"; request {', '.join(code(t) for t in ep.request_content_types)}"
        out.append(
            f"- **Statuses**: success {', '.join(ep.success_statuses) or 'none documented'}; "
            f"other {', '.join(ep.error_statuses) or 'none documented'}"
            + (media if ep.request_content_types else "")
        )
        if ep.request:
            out += [""]
            out += table(
                ["request field", "in", "type", "required", "source"],
                [
                    (code(f.name), f.location, f.type, required_cell(f), cite.claim(f))
                    for f in ep.request
                ],
            )
        out += _response_line(ep.response, ep.omitted_fields, cite)
        limits = [c.text for c in ep.limits]
        sources = [s for c in ep.limits for s in c.evidence]
        out += ["", *(f"- {c.text} — {cite.claim(c)}" for c in ep.contract)]
        out.append(
            f"- Limits: {'; '.join(limits)} — {cite.many(sources)}"
            if limits
            else "- apiplan found no rate, size or value limit for this operation in the documents."
        )
    return out


def _response_line(fields: list[FieldSpec], omitted: int, cite: Cite) -> list[str]:
    """The response fields the client reads (required ones and headers) on one line."""
    read = [f for f in fields if f.required or f.location != "body"]
    if not read:
        return []
    names = ", ".join(f"{code(f.name)} {f.type}" for f in read)
    more = len(fields) - len(read) + omitted
    rest = f"; {more} optional or nested ones in `--detail full`" if more else ""
    return [
        "",
        f"Response reads {names}{rest} — {cite.many([s for f in read for s in f.evidence])}",
    ]


def _errors(bp: Blueprint, cite: Cite) -> list[str]:
    rows = [r for r in bp.deliverable.error_map if r.status not in HOUSE_STATUSES]
    out = ["", "## 3. Error map", ""]
    return out + table(
        ["operation", "status", "class", "retry", "action", "source"],
        [
            (
                code(r.operation),
                r.status,
                r.error_class,
                "yes" if r.retry else "no",
                r.action,
                cite.claim(r),
            )
            for r in rows
        ],
    )


def _tests(bp: Blueprint, cite: Cite) -> list[str]:
    tests = [
        t
        for t in bp.plan.tests + bp.deliverable.test_matrix
        if not HOUSE_TESTS.search(t.name) and UNDOCUMENTED_THROTTLING not in (t.assumption or "")
    ]
    out = ["", "## 4. Test cases", ""]
    return out + [_test_line(t, cite) for t in tests]


def _test_line(t: TestCase, cite: Cite) -> str:
    return f"- {code(t.name)}: {t.scenario} → {t.expect} — {cite.claim(t)}"
