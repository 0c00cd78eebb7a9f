"""`apiplan chat`: a conversation over the same library path as `apiplan plan`.

Works in a terminal (prompt_toolkit: history and tab completion; rich output, no colour with
NO_COLOR or when not a TTY) and with piped stdin, so sessions can be scripted. The session (docs,
goal, answers, pins, the blueprint) is saved to --session after every change and resumed from it.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import ApiplanError, UsageError

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
SESSION_FORMAT = "apiplan-chat-session"
"""The marker every session file carries: a file without it is never read or replaced."""
SESSION_VERSION = 1
"""Version of the session layout; files of a newer version are refused, not misread."""


@dataclass
class SessionState:
    docs: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    goal: str = ""
    answers: list[dict[str, str]] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    deadline: float | None = None
    model: str = "offline"
    base_url: str | None = None
    asked: list[str] = field(default_factory=list)
    blueprint: dict[str, Any] | None = None


_Signature = tuple[int, int, int, int]  # (st_dev, st_ino, st_size, st_mtime_ns)


def _signature(st: os.stat_result) -> _Signature:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _session_status(path: Path) -> os.stat_result | None:
    """The session file's own status (None when absent); only a regular file is accepted."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not (path.parent if str(path.parent) else Path(".")).is_dir():
            raise UsageError(f"{path}: folder {path.parent} does not exist") from None
        return None
    except OSError as exc:
        raise UsageError(f"{path}: cannot use as a session file: {exc.strerror or exc}") from None
    except ValueError:
        raise UsageError(f"{path}: not a usable file name") from None
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(
            f"{path}: not a regular file (a link, folder, device or pipe); "
            "give a new file name for the session"
        )
    return st


def read_session(path: Path) -> SessionState:
    """The state saved in an apiplan session file.

    Raises:
        UsageError: the file is not an apiplan chat session (no format marker, an unknown
            version, not JSON, or fields of the wrong type); it is left as it is.
    """
    from pydantic import TypeAdapter, ValidationError

    from .._constants import MAX_SESSION_BYTES
    from ..exceptions import DocumentError
    from ..sources import read_regular

    def refuse(why: str) -> UsageError:
        return UsageError(
            f"{path}: not an apiplan chat session ({why}); it is left as it is: "
            "choose another --session file"
        )

    try:
        data = json.loads(read_regular(path, str(path), max_bytes=MAX_SESSION_BYTES))
    except DocumentError as exc:
        raise refuse(exc.reason) from None
    except (ValueError, RecursionError):
        raise refuse("not JSON") from None
    if not isinstance(data, dict) or data.get("format") != SESSION_FORMAT:
        raise refuse(f"no {SESSION_FORMAT!r} format marker")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > SESSION_VERSION:
        raise refuse(f"unknown version {version!r}")
    fields = {k: v for k, v in data.items() if k in SessionState.__dataclass_fields__}
    try:
        return TypeAdapter(SessionState).validate_python(fields)
    except ValidationError as exc:
        raise refuse(f"{exc.error_count()} fields of the wrong type") from None


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

    def summary(self) -> None:
        bp = self.bp
        if bp is None:
            self.say("No blueprint yet.")
            return
        highs = [f for f in bp.risk.findings if f.severity == "high"]
        self.say(f"Blueprint for: {bp.scope.goal}")
        for c in bp.scope.selection:
            self.say(
                f"  operation {c.key}" + (" (pinned)" if c.pinned else f" (score {c.score:g})")
            )
        for p in bp.plan.retry_policies:
            self.say(
                f"  {p.operation}: {'safe to repeat' if p.idempotent else 'not safe to repeat'}, {p.max_attempts} attempts, deadline {p.timeouts.total_deadline_seconds:g} s"
            )
        self.say(
            f"  error map: {len(bp.deliverable.error_map)} rows; tests: {len(bp.deliverable.test_matrix)}; open questions: {len(bp.scope.open_questions)}"
        )
        self.say(
            f"  risk check: {'clean' if not bp.risk.findings else f'{len(highs)} high, {len(bp.risk.findings) - len(highs)} other'}"
        )
        for a in self.state.answers:
            self.say(f"  user-stated ({a['topic']}): {a['answer']}")
        self.say("Type help for commands.")

    # -- commands ------------------------------------------------------------------------------------------
    def show(self, what: str) -> None:
        from ..render import blueprint_to_markdown

        bp = self.bp
        what = what.strip().lower() or "summary"
        if what not in SECTIONS:
            self.hint(f"unknown section {what!r}: {', '.join(SECTIONS)}")
            return
        if bp is None:
            self.hint("no blueprint yet: set a goal first")
            return
        if what == "summary":
            self.summary()
        elif what == "contract":
            for ep in bp.scope.endpoints:
                self.say(f"{ep.operation}: {ep.purpose.text}")
                self.say(f"  auth: {ep.auth.text}")
                for f in ep.request:
                    self.say(
                        f"  request {f.location} {f.name}{' (required)' if f.required else ''}"
                    )
                self.say(
                    f"  statuses: {', '.join(ep.success_statuses + ep.error_statuses) or 'none documented'}"
                )
        elif what == "errors":
            for r in bp.deliverable.error_map:
                self.say(
                    f"{r.operation} {r.status} [{r.error_class}] {'retry' if r.retry else 'no retry'}: {r.action}"
                )
        elif what == "retries":
            for p in bp.plan.retry_policies:
                self.say(p.text)
        elif what == "tests":
            for t in bp.plan.tests + bp.deliverable.test_matrix:
                self.say(f"{t.name}: {t.scenario} -> {t.expect} [{t.fixture}]")
        elif what == "security":
            for n in bp.deliverable.security_notes:
                self.say(f"- {n.text}")
        elif what == "risks":
            self.say(
                "no findings"
                if not bp.risk.findings
                else "\n".join(
                    f"{f.severity} {f.rule} {f.location}: {f.message}" for f in bp.risk.findings
                )
            )
        elif what == "questions":
            for q in bp.scope.open_questions:
                self.say(f"- {q.question} (until answered: {q.default})")
            for a in self.state.answers:
                self.say(f"- answered (user-stated): {a['question']} -> {a['answer']}")
        else:
            self.say(blueprint_to_markdown(bp))

    def why(self, item: str) -> None:
        from ..schemas import walk_claims

        if self.bp is None or not item.strip():
            self.hint("why needs an item, e.g. why 429 or why routing_key")
            return
        needle = item.strip().lower()
        found = [
            c
            for _, c in walk_claims([self.bp.scope, self.bp.deliverable, self.bp.plan])
            if needle in c.text.lower() or needle == str(getattr(c, "status", "")).lower()
        ]
        if not found:
            self.hint(f"nothing in the blueprint mentions {item.strip()!r}")
            return
        for c in found[:5]:
            self.say(f"- {c.text[:160]}")
            if c.evidence:
                self.say("    evidence: " + "; ".join(s.cite() for s in c.evidence[:3]))
            else:
                self.say(f"    assumption: {c.assumption}")

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

    def add(self, path: str) -> None:
        p = path.strip()
        if not p:
            self.hint("add needs a file path")
            return
        if not Path(p).is_file():
            self.hint(f"{p}: no such file")
            return
        from ..sources import CODE_SUFFIXES

        target = self.state.code if p.lower().endswith(CODE_SUFFIXES) else self.state.docs
        target.append(p)
        try:
            import apiplan

            self.facts = apiplan.load_facts(self.state.docs, code=self.state.code)
        except ApiplanError as exc:
            target.remove(p)
            self.hint(str(exc))
            return
        self.say(f"added {p}")
        if self.plan():
            self.summary()

    def export(self, path: str) -> None:
        from .._output import write_output
        from ..render import blueprint_to_markdown, to_json

        p = path.strip()
        if not p or not p.endswith((".md", ".json")):
            self.hint("export needs a file ending in .md or .json")
            return
        if self.bp is None:
            self.hint("no blueprint yet")
            return
        try:
            write_output(
                Path(p), to_json(self.bp) if p.endswith(".json") else blueprint_to_markdown(self.bp)
            )
        except ApiplanError as exc:
            self.hint(str(exc))
            return
        self.say(f"wrote {p}")

    def scaffold(self, rest: str) -> None:
        """Write the scaffold of the current blueprint into a new or empty folder, or over
        apiplan's own earlier scaffold; files apiplan wrote and you edited are replaced only
        when you say so, and a folder of your own files is never written into."""
        from ..scaffold import EditedScaffoldError, write_scaffold

        words = rest.split()
        aio = "--async" in words
        names = [w for w in words if w != "--async"]
        if len(names) != 1:
            self.hint("scaffold needs one folder: scaffold DIR (scaffold --async DIR for asyncio)")
            return
        if self.bp is None:
            self.hint("no blueprint yet")
            return
        folder = Path(names[0]).expanduser()
        try:
            written = write_scaffold(self.bp, folder, aio=aio)
        except EditedScaffoldError as exc:
            answer = self.read(
                f"{exc.path.name} was edited since apiplan wrote it. Replace it? [y/N] "
            )
            if (answer or "").strip().lower() not in ("y", "yes"):
                self.say(f"left {folder} as it was")
                return
            try:
                written = write_scaffold(self.bp, folder, aio=aio, force=True)
            except ApiplanError as again:
                self.hint(str(again))
                return
        except ApiplanError as exc:
            self.hint(str(exc))
            return
        self.say(f"wrote {', '.join(p.name for p in written)} in {folder}")
        self.say(f"run its tests: python -m pytest {folder}")

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
            self.show(rest)
        elif word in SECTIONS and not text.startswith("/"):
            self.show(word)
        elif word == "why":
            self.why(rest)
        elif word == "goal":
            if not rest.strip():
                self.hint("goal needs text, e.g. goal track a parcel")
            else:
                self.state.goal = rest.strip()
                self.state.pins = []
                if self.plan():
                    self.summary()
        elif word == "pin":
            self.state.pins.append(rest.strip())
            if not self.plan():
                self.state.pins.pop()
            else:
                self.summary()
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
                        self.summary()
        elif word == "add":
            self.add(rest)
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
                self.summary()
        elif word in ("regen", "replan"):
            if self.plan():
                self.summary()
        elif word == "export":
            self.export(rest)
        elif word == "scaffold":
            self.scaffold(rest)
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
        self.summary()
        while True:
            line = self.read("apiplan> ")
            if line is None or not self.handle(line):
                break
        self.save()
        self.say("bye")
        return 0


def _reader(console: Any) -> Any:
    """prompt_toolkit in a terminal (history, completion); plain lines from a pipe."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        try:
            from prompt_toolkit import PromptSession
            from prompt_toolkit.completion import WordCompleter
            from prompt_toolkit.history import InMemoryHistory

            session: Any = PromptSession(
                history=InMemoryHistory(),
                completer=WordCompleter([*COMMANDS, *(f"/{c}" for c in COMMANDS), *SECTIONS]),
            )

            def read(prompt: str) -> str | None:
                while True:
                    try:
                        return session.prompt(prompt)
                    except KeyboardInterrupt:
                        continue  # Ctrl-C cancels this input only
                    except EOFError:
                        return None

            return read
        except ImportError:
            pass

    def read_plain(prompt: str) -> str | None:
        console.print(prompt, end="", markup=False, highlight=False)
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            console.print()
            return ""
        if not line:
            return None
        if not sys.stdin.isatty():
            console.print(line.rstrip("\n"), markup=False, highlight=False)
        return line.rstrip("\n")

    return read_plain


def run_chat(
    docs: list[str],
    goal: str | None,
    code: list[str],
    model: str,
    session: Path | None,
    base_url: str | None = None,
) -> int:
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
    console = Console(no_color=no_color, highlight=False, soft_wrap=True)
    state = SessionState()
    existing = _session_status(session) if session is not None else None
    if session is not None and existing is not None:
        state = read_session(session)
        console.print(f"Resumed session {session}", markup=False)
    if docs:
        state.docs = list(dict.fromkeys([*state.docs, *docs]))
    if code:
        state.code = list(dict.fromkeys([*state.code, *code]))
    if goal:
        state.goal = goal
    state.model = model or state.model
    state.base_url = base_url or state.base_url
    chat = Chat(state, session, console, _reader(console))
    chat.written = _signature(existing) if existing is not None else None
    if state.blueprint is not None:
        from pydantic import ValidationError

        from ..schemas import Blueprint

        try:
            chat.bp = Blueprint.model_validate(state.blueprint)
        except ValidationError:
            raise UsageError(
                f"{session}: its saved blueprint does not match this apiplan version; "
                "start a new session file"
            ) from None
    return chat.run()
