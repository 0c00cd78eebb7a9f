"""A blueprint as GitHub Markdown: every claim with its citation or its assumption."""

from __future__ import annotations

from pathlib import PurePath
from typing import Literal

from ..schemas import (
    Blueprint,
    Claim,
    FieldSpec,
    Source,
    TestCase,
    Workflow,
    WorkingPlan,
    walk_claims,
)
from ._md import GENERATED_MARK, cell, code, finish, one_line_model, plain, table


class Cite:
    """Short citations: a document's base name when that is unambiguous."""

    def __init__(self, documents: list[str]) -> None:
        names = [PurePath(d).name for d in documents]
        self.short = {d: n for d, n in zip(documents, names, strict=False) if names.count(n) == 1}

    def one(self, s: Source) -> str:
        doc = self.short.get(s.document, s.document)
        out = doc + (f"#{s.pointer}" if s.pointer is not None else "")
        if s.line is not None:
            out += f":{s.line}"
        return out

    def many(self, sources: list[Source], limit: int = 2) -> str:
        shown = ", ".join(f"`{self.one(s)}`" for s in sources[:limit])
        more = len(sources) - limit
        return shown + (f" +{more}" if more > 0 else "")

    def claim(self, c: Claim) -> str:
        if c.evidence:
            return self.many(c.evidence)
        return f"*assumption: {c.assumption}*"


Detail = Literal["brief", "full"]
"""brief: a one-screen summary, house rules once, then what is specific to this API (default);
full: every section and every claim, as the JSON holds them."""


def blueprint_to_markdown(bp: Blueprint, detail: Detail = "brief") -> str:
    # User and document text as text: each item one line (no injected headings), escaped.
    bp = one_line_model(bp)
    cite = Cite(bp.documents)
    if detail == "brief":
        from ._brief_md import brief_markdown  # it builds on this module's helpers

        return brief_markdown(bp, cite)
    return _full_markdown(bp, cite)


def header_lines(bp: Blueprint, brief: bool = False) -> list[str]:
    """Title, goal, documents, producer and risk status."""
    out: list[str] = [GENERATED_MARK, f"# Integration blueprint: {plain(bp.api)}", ""]
    out.append(f"**Goal:** {plain(bp.scope.goal)}")
    out.append("")
    highs = [f for f in bp.risk.findings if f.severity == "high"]
    status = (
        "clean"
        if not bp.risk.findings
        else f"{len(highs)} high, {len(bp.risk.findings) - len(highs)} other findings"
    )
    models = ", ".join(sorted({r.model for r in bp.runs})) or "offline"
    out.append(
        f"Documents: {', '.join(code(d) for d in bp.documents)} · produced by: {models} · risk check: **{status}**"
        + (" · every line cites the documents or is marked *assumption*." if brief else "")
    )
    out += _phase_sources(bp)
    if brief:
        return out
    out.append("")
    out.append(
        "Every line cites where the documents say it (`document#pointer:line`) or is marked *assumption* with its reason."
    )
    return out


def _phase_sources(bp: Blueprint) -> list[str]:
    """With an LLM, per phase: from the model, or from the offline planner and why."""
    llm = [r for r in bp.runs if r.fallback or r.model not in ("offline", "validators")]
    if not llm:
        return []
    parts = [
        f"{r.phase} from the offline planner (fallback: {plain(r.fallback_reason or 'failed')})"
        if r.fallback
        else f"{r.phase} from the model ({plain(r.model)})"
        for r in llm
    ]
    out = ["", "Phases: " + "; ".join(parts) + "."]
    # Decisions mode: each decision, from the model or kept offline and why.
    rows = [(r.phase, d) for r in llm for d in r.decisions]
    if rows:
        out += ["", "Decisions:"]
        out += [
            f"- {phase} · {plain(d.decision)}{' · ' + code(d.item) if d.item else ''}: "
            + (
                f"from the model ({plain(d.note or '')})"
                if d.source == "model"
                else f"offline ({plain(d.reason or 'kept')})"
            )
            for phase, d in rows
        ]
    return out


def _full_markdown(bp: Blueprint, cite: Cite) -> str:
    out = header_lines(bp)
    out += ["", "## Selected operations", ""]
    out += table(
        ["operation", "score", "why"],
        [
            (code(c.key), "pinned" if c.pinned else f"{c.score:g}", "; ".join(c.reasons[:4]))
            for c in bp.scope.selection
        ],
    )
    wf = bp.scope.workflow
    if wf is not None and (len(wf.steps) > 1 or wf.excluded or wf.runner_ups or wf.uncertain):
        out += workflow_lines(wf, cite)
    if bp.scope.stated_context:
        out += [
            "",
            "Stated context (kept as you wrote it; not otherwise used by the offline planner):",
            "",
        ]
        out += [f"- {plain(s)}" for s in bp.scope.stated_context]

    # 1. Integration plan
    plan = bp.plan
    out += ["", "## 1. Integration plan", "", "### Client boundary", ""]
    out += [f"- {c.text} — {cite.claim(c)}" for c in plan.client_boundary]
    out += ["", "### Validation", ""]
    out += [f"- **{c.topic}**: {c.text} — {cite.claim(c)}" for c in plan.validation] or [
        "- The docs define no bodies to validate."
    ]
    out += ["", "### Retry policy", ""]
    out += table(
        [
            "operation",
            "safe to repeat",
            "attempts",
            "connect / read / deadline (s)",
            "Retry-After ceiling (s)",
            "worst case (s)",
        ],
        [
            (
                code(p.operation),
                "yes" + (f" (`{p.idempotency_key}`)" if p.idempotency_key else "")
                if p.idempotent
                else "no",
                p.max_attempts,
                f"{p.timeouts.connect_seconds:g} / {p.timeouts.read_seconds:g} / {p.timeouts.total_deadline_seconds:g}",
                f"{p.retry_after_ceiling_seconds:g}",
                f"{p.worst_case_seconds:g}",
            )
            for p in plan.retry_policies
        ],
    )
    for p in plan.retry_policies:
        out += ["", f"- {p.text} — {cite.claim(p)}"]
        out.append(f"  - retry on: {'; '.join(p.retry_on)}")
        if p.never_retry:
            out.append(f"  - never retry: {'; '.join(p.never_retry)}")
        if p.dedup is not None:
            out.append(f"  - repeat safety: {p.dedup.text} — {cite.claim(p.dedup)}")
    out += completion_and_paging_lines(plan, cite)
    out += ["", "### Logging and observability", ""]
    out += [f"- **{c.topic}**: {c.text} — {cite.claim(c)}" for c in plan.observability]
    out.append(f"- **redaction list**: {', '.join(code(r) for r in plan.redaction)}")
    out += ["", "### Implementation steps", ""]
    out += [f"{s.order}. {s.text} — {cite.claim(s)}" for s in bp.deliverable.implementation_steps]

    # 2. Contract
    out += ["", "## 2. Request/response contract"]
    for ep in bp.scope.endpoints:
        out += ["", f"### {code(ep.operation)}", ""]
        out.append(f"- **Purpose**: {ep.purpose.text} — {cite.claim(ep.purpose)}")
        out.append(f"- **Auth**: {ep.auth.text} — {cite.claim(ep.auth)}")
        if ep.request_content_types:
            out.append(
                f"- **Request media types**: {', '.join(code(t) for t in ep.request_content_types)}"
            )
        out.append(
            f"- **Success statuses**: {', '.join(ep.success_statuses) or 'none documented'}; "
            f"**other statuses**: {', '.join(ep.error_statuses) or 'none documented'}"
        )
        if ep.request:
            out += ["", "Request:", ""]
            out += table(
                ["name", "in", "type", "required", "source"],
                [
                    (code(f.name), f.location, f.type, required_cell(f), cite.claim(f))
                    for f in ep.request
                ],
            )
        if ep.response:
            out += ["", "Response:", ""]
            out += table(
                ["name", "in", "type", "required", "source"],
                [
                    (code(f.name), f.location, f.type, "yes" if f.required else "", cite.claim(f))
                    for f in ep.response
                ],
            )
        if ep.omitted_fields:
            out += [
                "",
                f"{ep.omitted_fields} more optional or nested fields are documented; `apiplan facts` lists them all.",
            ]
        if ep.contract:
            out += ["", "Every request:", ""]
            out += [f"- {c.text} — {cite.claim(c)}" for c in ep.contract]
        out += ["", "Limits:", ""]
        out += [f"- {c.text} — {cite.claim(c)}" for c in ep.limits] or [
            "- apiplan found no rate, size or value limit for this operation in the documents."
        ]

    # 3. Error map
    out += ["", "## 3. Error map", ""]
    out += table(
        ["operation", "status", "class", "retry", "action", "log fields", "source"],
        [
            (
                code(r.operation),
                r.status,
                r.error_class,
                "yes" if r.retry else "no",
                r.action,
                ", ".join(r.log_fields),
                cite.claim(r),
            )
            for r in bp.deliverable.error_map
        ],
    )

    # 4. Tests
    out += ["", "## 4. Test cases", ""]
    tests = bp.deliverable.test_matrix + plan.tests  # the goal's guarantees first
    out += table(
        ["test", "operation", "scenario", "expect", "fixture / mock", "source"],
        [
            (code(t.name), t.operation or "", t.scenario, t.expect, t.fixture, cite.claim(t))
            for t in tests
        ],
    )

    # 5. Security
    out += ["", "## 5. Security notes", ""]
    out += [f"- {c.text} — {cite.claim(c)}" for c in bp.deliverable.security_notes]

    if bp.deliverable.tradeoffs:
        out += ["", "## Tradeoffs", ""]
        out += [
            f"- **{t.topic}** → {t.chosen}: {t.text} — {cite.claim(t)}"
            for t in bp.deliverable.tradeoffs
        ]

    assumptions = _assumptions(bp)
    out += ["", "## Assumptions", ""]
    out += [f"- {text} — *{why}*" for text, why in assumptions] or [
        "- None: every claim cites the documents."
    ]

    out += ["", "## Open questions", ""]
    if bp.scope.open_questions:
        for i, q in enumerate(bp.scope.open_questions, 1):
            out.append(
                f"{i}. {q.question} *Why it matters:* {q.why}. *Until answered:* {q.default}."
            )
    else:
        out.append("None: the documents answer what this plan needs.")

    out += risk_lines(bp, cite)
    return finish(out)


def risk_lines(bp: Blueprint, cite: Cite, compact: bool = False) -> list[str]:
    """Document warnings, if any, and the risk check."""
    out: list[str] = []
    if bp.warnings:
        out += ["", "## Document warnings", ""]
        out.append(
            "apiplan could not read these parts of the documents; what is built on them is "
            "incomplete (`apiplan facts` shows the same):"
        )
        out.append("")
        out += [
            f"- {code(w.code)}: {plain(w.message)}"
            + (f" (`{cite.one(w.source)}`)" if w.source else "")
            for w in bp.warnings
        ]

    out += ["", "## Risk check", ""]
    if compact and not bp.risk.findings:
        return [*out, f"No findings from {', '.join(bp.risk.rules_run)}."]
    out.append(f"Rules run: {', '.join(bp.risk.rules_run)}.")
    if bp.risk.findings:
        out += [""]
        out += table(
            ["severity", "rule", "where", "finding", "fix"],
            [(f.severity, f.rule, f.location, f.message, f.fix) for f in bp.risk.findings],
        )
    else:
        out.append("")
        out.append(
            "No findings: every named item traces to the documents or an assumption, every call has "
            "three bounds, no failure is silent, no secret appears."
        )
    return out


_BASIS = {
    "link": "an OpenAPI link",
    "same-name": "the same field name",
    "rest-convention": "an item's id comes from its collection",
    "description": "the docs say so",
}


def required_cell(f: FieldSpec) -> str:
    """'yes', or 'with its parent' for a member required only when its optional parent is sent."""
    if f.required:
        return "yes"
    return "with its parent" if "(required when " in f.text else ""


def workflow_lines(wf: Workflow, cite: Cite) -> list[str]:
    """The workflow as numbered steps: which output feeds which input, with the evidence."""
    out = ["", "## Workflow", ""]
    if wf.uncertain and wf.note:
        out += [f"> **Uncertain selection.** {wf.note}", ""]
    for s in wf.steps:
        when = f" *({plain(s.condition)})*" if s.condition else ""
        out.append(
            f"{s.order}. **{s.role}** {code(s.operation)}{when} — {s.text} — {cite.claim(s)}"
        )
        for i in s.inputs:
            if i.from_step is None:
                out.append(f"   - {code(i.name)} ({i.location}): you supply it")
                continue
            source = f" {code(i.output)}" if i.output else ""
            out.append(
                f"   - {code(i.name)} ({i.location}) ← step {i.from_step}{source} "
                f"({_BASIS.get(i.basis, i.basis)}) — {cite.many(i.evidence)}"
            )
    if wf.excluded:
        out += ["", "Left out on purpose:", ""]
        out += [
            f"- {code(e.operation)} ({e.reason}): {e.text} — {cite.claim(e)}" for e in wf.excluded
        ]
    if wf.runner_ups:
        out += ["", "Near misses (pin one with `--operation METHOD:PATH` to use it instead):", ""]
        out += table(
            ["operation", "score", "for", "why"],
            [
                (code(r.operation), f"{r.score:g}", plain(r.intent or ""), r.why)
                for r in wf.runner_ups
            ],
        )
    if wf.constraints:
        out += [
            "",
            "Constraints read from the goal: " + "; ".join(plain(c) for c in wf.constraints) + ".",
        ]
    return out


def _assumptions(bp: Blueprint) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for _, claim in walk_claims([bp.scope, bp.plan, bp.deliverable]):
        # Tests follow from the rows they cover.
        if claim.assumption and not isinstance(claim, TestCase):
            seen.setdefault(cell(claim.text)[:200], claim.assumption)
    return list(seen.items())


def completion_and_paging_lines(plan: WorkingPlan, cite: Cite) -> list[str]:
    """The plan's sections on polling async calls and on paging, when it has them (both views)."""
    out: list[str] = []
    if plan.completions:
        out += ["", "### Completion of asynchronous calls", ""]
        out += [f"- {c.text} — {cite.claim(c)}" for c in plan.completions]
    if plan.paging:
        out += ["", "### Pagination and batching", ""]
        out += [f"- {c.text} — {cite.claim(c)}" for c in plan.paging]
    return out
