"""`apiplan chat`: a conversation over the same library path as `apiplan plan`.

Works in a terminal (prompt_toolkit: history and tab completion; rich output, no colour with
NO_COLOR or when not a TTY) and with piped stdin, so sessions can be scripted. The session (docs,
goal, answers, pins, the blueprint) is saved to --session after every change and resumed from it.

The session file is in ``_chat_session``, the views of the blueprint in ``_chat_views``, the file
commands in ``_chat_files``; ``_chat_terminal`` starts a chat.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..exceptions import ApiplanError
from ._chat_files import add, export, scaffold
from ._chat_session import (
    SESSION_FORMAT,
    SESSION_VERSION,
    SessionState,
    _session_status,
    _Signature,
    _signature,
    read_session,
)
from ._chat_views import SECTIONS, show, summary, why

COMMANDS = {
    "help": "list the commands",
    "show": "show a section: summary, contract, errors, retries, tests, security, risks, questions, plan",
    "why": "why an item is there: its evidence or the reason it is assumed (e.g. why 429)",
    "goal": "change the goal and plan again",
    "pin": "pin an operation (METHOD:PATH) and plan again",
    "drop": "drop a pinned or selected operation (METHOD:PATH)",
    "add": "add a document or code file (.py/.js/.ts/.sh are code)",
    "deadline": "set the total deadline in seconds and plan again",
    "regen": "plan again",
    "export": "write the blueprint: export FILE.md or FILE.json",
    "scaffold": "write a client, its tests and a README: scaffold DIR (scaffold --async DIR)",
    "save": "save the session (it is also saved after every change)",
    "quit": "leave (the session is saved)",
}


class Chat:
    def __init__(
        self, state: SessionState, session_file: Path | None, console: Any, reader: Any
    ) -> None:
        self.state = state
        self.session_file = session_file
        self.console = console
        self.read = reader
        self.facts: Any = None
        self.bp: Any = None
        self.pending: list[Any] = []
        self.written: _Signature | None = None  # the session file as last read or written

    # -- output ------------------------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def hint(self, text: str) -> None:
        self.say(f"! {text}")

    def save(self) -> None:
        """Write the session atomically, never over a file that is not (or no longer) one."""
        from .._output import atomic_write

        if self.session_file is None:
            return
        self.state.blueprint = (
            json.loads(self.bp.model_dump_json()) if self.bp is not None else None
        )
        data = {"format": SESSION_FORMAT, "version": SESSION_VERSION, **asdict(self.state)}
        try:
            st = _session_status(self.session_file)
            if st is not None and _signature(st) != self.written:
                read_session(self.session_file)  # replaced by someone else since: still ours?
            atomic_write(self.session_file, json.dumps(data, indent=1).encode("utf-8"), like=st)
            self.written = _signature(os.lstat(self.session_file))
        except (ApiplanError, OSError) as exc:
            self.hint(f"session not saved: {exc}")

    # -- steps --------------------------------------------------------------------------------------------
    def load(self) -> bool:
        import apiplan

        while not self.state.docs:
            line = self.read("Documents to read (paths separated by spaces): ")
            if line is None:
                return False
            self.state.docs = [p for p in line.split() if p]
        try:
            self.facts = apiplan.load_facts(self.state.docs, code=self.state.code)
        except ApiplanError as exc:
            self.hint(str(exc))
            self.state.docs = []
            return self.load()
        f = self.facts
        titles = ", ".join(dict.fromkeys(d.title or d.path for d in f.documents))
        self.say(f"Read {len(f.documents)} document(s): {titles}")
        self.say(
            f"  {len(f.operations)} operations; auth: {', '.join(s.name + ' (' + s.type + ')' for s in f.security_schemes) or 'none documented'}"
        )
        limits = [r for r in f.rate_limits if r.kind in ("limit", "status", "header")]
        self.say(
            f"  rate-limit evidence: {len(limits)}; warnings: {len(f.warnings)}"
            + (f"; code files: {len(f.code)}" if f.code else "")
        )
        for w in f.warnings[:3]:
            self.say(f"  warning: {w.message}")
        self.save()
        return True

    def ask_goal(self) -> bool:
        while not self.state.goal.strip():
            line = self.read("What do you want to build? ")
            if line is None:
                return False
            if not line.strip():
                self.hint("the goal is empty: say in plain words what the integration must do")
                continue
            self.state.goal = line.strip()
        self.save()
        return True

    def context(self) -> list[str]:
        return [
            f"User-stated ({a['topic']}{', ' + a['operation'] if a.get('operation') else ''}): {a['answer']}"
            for a in self.state.answers
        ]

    def plan(self) -> bool:
        import apiplan

        self.say("Planning…")
        try:
            self.bp = apiplan.plan(
                self.facts,
                goal=self.state.goal,
                context=self.context(),
                operations=self.state.pins,
                deadline=self.state.deadline,
                model=self.state.model,
                base_url=self.state.base_url,
                fallback="offline" if self.state.model != "offline" else "none",
            )
        except ApiplanError as exc:
            self.hint(str(exc))
            return False
        except KeyboardInterrupt:
            self.hint("planning interrupted; the previous blueprint (if any) is kept")
            return False
        fell_back = [r for r in self.bp.runs if r.fallback]
        if fell_back:
            self.hint(
                "the model failed, so the offline planner filled "
                + ", ".join(f"{r.phase} ({r.fallback_reason or 'failed'})" for r in fell_back)
            )
        self.pending = [
            q for q in self.bp.scope.open_questions if q.question not in self.state.asked
        ]
        self.save()
        return True

    def questions(self) -> bool:
        """Ask each open question once; an answer becomes a user-stated fact."""
        changed = False
        total = len(self.pending)
        for i, q in enumerate(list(self.pending), 1):
            self.say(f"[{i}/{total}] {q.question}")
            self.say(f"      why it matters: {q.why}. Enter keeps the assumption: {q.default}.")
            while True:
                line = self.read("answer> ")
                if line is None:
                    return False
                first = line.strip().lstrip("/").split(" ", 1)[0].lower()
                if line.strip().startswith("/") or (first in COMMANDS and first not in ("add",)):
                    if not self.handle(line):
                        return False
                    self.say(f"(still open) {q.question}")
                    continue
                break
            self.state.asked.append(q.question)
            self.pending.remove(q)
            if line.strip() and q.topic == "timeouts":
                import re

                m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?)?\s*", line)
                if m:
                    self.state.deadline = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
            if line.strip():
                self.state.answers.append(
                    {
                        "topic": q.topic,
                        "operation": q.operation or "",
                        "question": q.question,
                        "answer": line.strip(),
                    }
                )
                changed = True
            self.save()
        if changed:
            self.plan()
        return True

    def confirm_selection(self) -> bool:
        """An uncertain selection is shown with its near misses before anything else is asked:
        Enter keeps it, a command (`pin METHOD:PATH`) changes it."""
        wf = self.bp.scope.workflow if self.bp is not None else None
        if wf is None or not wf.uncertain:
            return True
        self.say(wf.note or "The selection is uncertain.")
        for r in wf.runner_ups[:3]:
            self.say(f"  also possible: {r.operation} (score {r.score:g}): {r.why}")
        line = self.read("keep this selection? (Enter keeps it; or pin METHOD:PATH) ")
        if line is None:
            return False
        return self.handle(line) if line.strip() else True

    def ask_model(self, question: str) -> None:
        """Free text with an LLM: answered from the facts and blueprint, grounded like a phase."""
        from ..exceptions import PhaseError
        from ..planner import PlanInput, parse_context
        from ..providers import LLMProvider, parse_model

        if self.bp is None:
            self.hint("no blueprint yet: set a goal first")
            return
        try:
            provider = LLMProvider(parse_model(self.state.model, base_url=self.state.base_url))
            inp = PlanInput(
                facts=self.facts,
                goal=self.state.goal,
                ctx=parse_context(self.state.goal, self.context()),
                selection=self.bp.scope.selection,
            )
            reply = provider.answer(
                inp, self.bp.scope.model_dump_json(exclude_defaults=True), question
            )
        except PhaseError as exc:
            if exc.reason.startswith("invalid"):
                self.hint(
                    "the model's answer named things the documents do not hold, so it is not shown: "
                    + "; ".join(exc.errors[-1:])
                )
            else:
                self.hint(
                    f"no answer from the model at {exc.url or 'the server'} "
                    f"({exc.reason or 'failed'}): " + "; ".join(exc.errors[-1:])
                )
            return
        except ApiplanError as exc:
            self.hint(str(exc))
            return
        self.say(reply.answer.text)
        if reply.answer.evidence:
            self.say("    evidence: " + "; ".join(s.cite() for s in reply.answer.evidence[:4]))
        else:
            self.say(f"    assumption: {reply.answer.assumption}")
        for gap in reply.not_in_docs:
            self.say(f"    not in the docs: {gap}")

    def handle(self, line: str) -> bool:
        """One input line; False to leave."""
        text = line.strip()
        if not text:
            return True
        word, _, rest = text.lstrip("/").partition(" ")
        word = word.lower()
        if word in ("quit", "exit", "q"):
            return False
        if word == "help":
            for name, desc in COMMANDS.items():
                self.say(f"  {name:9} {desc}")
        elif word == "show":
            show(self, rest)
        elif word in SECTIONS and not text.startswith("/"):
            show(self, word)
        elif word == "why":
            why(self, rest)
        elif word == "goal":
            if not rest.strip():
                self.hint("goal needs text, e.g. goal track a parcel")
            else:
                self.state.goal = rest.strip()
                self.state.pins = []
                if self.plan():
                    summary(self)
        elif word == "pin":
            self.state.pins.append(rest.strip())
            if not self.plan():
                self.state.pins.pop()
            else:
                summary(self)
        elif word == "drop":
            key = rest.strip().replace(":", " ", 1).upper().split(" ", 1)
            keys = [c.key for c in self.bp.scope.selection] if self.bp else []
            target = (
                " ".join([key[0], rest.strip().split(":", 1)[-1].split(" ", 1)[-1]])
                if len(key) == 2
                else ""
            )
            if target not in keys:
                self.hint(f"{rest.strip()!r} is not selected ({', '.join(keys)})")
            else:
                self.state.pins = [k.replace(" ", ":", 1) for k in keys if k != target]
                if not self.state.pins:
                    self.hint("that was the only operation; pin another first")
                else:
                    if self.plan():
                        summary(self)
        elif word == "add":
            add(self, rest)
        elif word == "deadline":
            try:
                value = float(rest)
                if not math.isfinite(value) or value <= 0:
                    raise ValueError
            except ValueError:
                self.hint("deadline needs a positive number of seconds")
                return True
            self.state.deadline = value
            if self.plan():
                summary(self)
        elif word in ("regen", "replan"):
            if self.plan():
                summary(self)
        elif word == "export":
            export(self, rest)
        elif word == "scaffold":
            scaffold(self, rest)
        elif word == "save":
            self.save()
            self.say(
                f"saved {self.session_file}"
                if self.session_file
                else "no --session file: nothing to save to"
            )
        elif self.state.model != "offline":
            self.ask_model(text)
        else:
            self.hint(
                f"offline, I understand commands only ({', '.join(COMMANDS)}); {text[:30]!r} is not one. Type help."
            )
        self.save()
        return True

    def run(self) -> int:
        if not self.load() or not self.ask_goal():
            self.save()
            return 0
        if self.state.blueprint is None or self.bp is None:
            if not self.plan():
                self.state.goal = ""
                if not self.ask_goal() or not self.plan():
                    return 0
            if not self.confirm_selection() or not self.questions():
                return 0
        summary(self)
        while True:
            line = self.read("apiplan> ")
            if line is None or not self.handle(line):
                break
        self.save()
        self.say("bye")
        return 0
