"""What the chat shows of the blueprint: the summary, one section (`show`), and why an item is
there (its evidence or the reason it is assumed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._chat import Chat

SECTIONS = (
    "summary",
    "contract",
    "errors",
    "retries",
    "tests",
    "security",
    "risks",
    "questions",
    "plan",
)


def summary(chat: Chat) -> None:
    bp = chat.bp
    if bp is None:
        chat.say("No blueprint yet.")
        return
    highs = [f for f in bp.risk.findings if f.severity == "high"]
    chat.say(f"Blueprint for: {bp.scope.goal}")
    for c in bp.scope.selection:
        chat.say(f"  operation {c.key}" + (" (pinned)" if c.pinned else f" (score {c.score:g})"))
    for p in bp.plan.retry_policies:
        chat.say(
            f"  {p.operation}: {'safe to repeat' if p.idempotent else 'not safe to repeat'}, {p.max_attempts} attempts, deadline {p.timeouts.total_deadline_seconds:g} s"
        )
    chat.say(
        f"  error map: {len(bp.deliverable.error_map)} rows; tests: {len(bp.deliverable.test_matrix)}; open questions: {len(bp.scope.open_questions)}"
    )
    chat.say(
        f"  risk check: {'clean' if not bp.risk.findings else f'{len(highs)} high, {len(bp.risk.findings) - len(highs)} other'}"
    )
    for a in chat.state.answers:
        chat.say(f"  user-stated ({a['topic']}): {a['answer']}")
    chat.say("Type help for commands.")


def show(chat: Chat, what: str) -> None:
    from ..render import blueprint_to_markdown

    bp = chat.bp
    what = what.strip().lower() or "summary"
    if what not in SECTIONS:
        chat.hint(f"unknown section {what!r}: {', '.join(SECTIONS)}")
        return
    if bp is None:
        chat.hint("no blueprint yet: set a goal first")
        return
    if what == "summary":
        summary(chat)
    elif what == "contract":
        for ep in bp.scope.endpoints:
            chat.say(f"{ep.operation}: {ep.purpose.text}")
            chat.say(f"  auth: {ep.auth.text}")
            for f in ep.request:
                chat.say(f"  request {f.location} {f.name}{' (required)' if f.required else ''}")
            chat.say(
                f"  statuses: {', '.join(ep.success_statuses + ep.error_statuses) or 'none documented'}"
            )
    elif what == "errors":
        for r in bp.deliverable.error_map:
            chat.say(
                f"{r.operation} {r.status} [{r.error_class}] {'retry' if r.retry else 'no retry'}: {r.action}"
            )
    elif what == "retries":
        for p in bp.plan.retry_policies:
            chat.say(p.text)
    elif what == "tests":
        for t in bp.plan.tests + bp.deliverable.test_matrix:
            chat.say(f"{t.name}: {t.scenario} -> {t.expect} [{t.fixture}]")
    elif what == "security":
        for n in bp.deliverable.security_notes:
            chat.say(f"- {n.text}")
    elif what == "risks":
        chat.say(
            "no findings"
            if not bp.risk.findings
            else "\n".join(
                f"{f.severity} {f.rule} {f.location}: {f.message}" for f in bp.risk.findings
            )
        )
    elif what == "questions":
        for q in bp.scope.open_questions:
            chat.say(f"- {q.question} (until answered: {q.default})")
        for a in chat.state.answers:
            chat.say(f"- answered (user-stated): {a['question']} -> {a['answer']}")
    else:
        chat.say(blueprint_to_markdown(bp))


def why(chat: Chat, item: str) -> None:
    from ..schemas import walk_claims

    if chat.bp is None or not item.strip():
        chat.hint("why needs an item, e.g. why 429 or why routing_key")
        return
    needle = item.strip().lower()
    found = [
        c
        for _, c in walk_claims([chat.bp.scope, chat.bp.deliverable, chat.bp.plan])
        if needle in c.text.lower() or needle == str(getattr(c, "status", "")).lower()
    ]
    if not found:
        chat.hint(f"nothing in the blueprint mentions {item.strip()!r}")
        return
    for c in found[:5]:
        chat.say(f"- {c.text[:160]}")
        if c.evidence:
            chat.say("    evidence: " + "; ".join(s.cite() for s in c.evidence[:3]))
        else:
            chat.say(f"    assumption: {c.assumption}")
