"""A Model Context Protocol server over stdio (the official `mcp` SDK): apiplan's facts, plan and
check as tools, the JSON Schemas as resources. Paths are confined to the roots it was started with;
LLM calls only to the models its operator allowed; every call runs in a worker thread under a
deadline, a few at once, and one more is refused as busy rather than queued behind a slow one."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ._constants import LLM_PHASE_DEADLINE_SECONDS
from .exceptions import UsageError

T = TypeVar("T")

MAX_CONCURRENT_CALLS = 4
"""Tool calls running at once (each in its own thread); more are refused as busy. A call that
passed its deadline keeps its slot until its thread really ends, so abandoned work is bounded."""

OFFLINE_CALL_DEADLINE_SECONDS = 120.0
"""Per-call wall clock without a model: facts of the largest corpus spec take ~2 s."""

MODEL_CALL_DEADLINE_SECONDS = 3 * LLM_PHASE_DEADLINE_SECONDS + 60.0
"""Per-call wall clock of a plan with a model: three LLM phases, each under its own deadline."""

OFFLINE = "offline"


class Roots:
    """The folders tool arguments may name; anything else is refused."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = [r.resolve() for r in roots]
        for r in self.roots:
            if not r.is_dir():
                raise UsageError(f"--root {r}: not a directory")

    def path(self, given: str) -> Path:
        p = Path(given)
        if not p.is_absolute():
            p = self.roots[0] / p
        p = p.resolve()
        if not any(p.is_relative_to(r) for r in self.roots):
            raise ValueError(
                f"{given}: outside the allowed roots ({', '.join(str(r) for r in self.roots)})"
            )
        return p

    def paths(self, given: Sequence[str] | None) -> list[Path]:
        return [self.path(g) for g in given or []]


class Models:
    """The models tool calls may use: none unless the operator allowed them (`--allow-model`).

    A client choosing `model=` would otherwise make the server call out to LLM servers (paid
    APIs with the operator's key, or local servers on the operator's network).
    """

    def __init__(self, allowed: Sequence[str]) -> None:
        self.allowed = {m.strip() for m in allowed if m.strip()}

    def check(self, model: str) -> str:
        if model == OFFLINE:
            return model
        provider = model.partition(":")[0]
        if model in self.allowed or f"{provider}:*" in self.allowed:
            return model
        enabled = ", ".join(sorted(self.allowed)) or "none"
        raise ValueError(
            f"model {model!r} is not enabled on this server (enabled: {enabled}); its operator "
            f"must start it with `apiplan mcp --allow-model {model}`. model='offline' needs none."
        )


class Calls:
    """Runs tool work in worker threads: at most ``limit`` at once, each under a deadline."""

    def __init__(self, limit: int = MAX_CONCURRENT_CALLS) -> None:
        self.limit = limit
        self.running = 0
        self._lock = threading.Lock()

    async def run(self, tool: str, deadline: float, work: Callable[[], T]) -> T:
        import anyio
        import anyio.to_thread

        with self._lock:
            if self.running >= self.limit:
                raise ValueError(
                    f"{tool}: busy ({self.running} calls running, the limit is {self.limit}); "
                    "try again when one has finished"
                )
            self.running += 1

        def guarded() -> T:
            try:
                return work()
            finally:
                with self._lock:
                    self.running -= 1

        try:
            with anyio.fail_after(deadline):
                # abandon_on_cancel: a thread cannot be killed; past the deadline the client gets
                # its answer now and the thread's result is dropped (its slot stays taken).
                return await anyio.to_thread.run_sync(guarded, abandon_on_cancel=True)
        except TimeoutError:
            raise ValueError(
                f"{tool}: no result within the {deadline:g} s per-call deadline (abandoned)"
            ) from None


def build_server(
    roots: Sequence[Path],
    *,
    allow_models: Sequence[str] = (),
    max_calls: int = MAX_CONCURRENT_CALLS,
    deadline: float | None = None,
) -> Any:
    """The server; ``deadline`` overrides the per-call deadlines (offline and with a model)."""
    try:
        from mcp.server.fastmcp import FastMCP
    except ImportError:
        raise UsageError("the mcp SDK is not installed: pip install 'apiplan[mcp]'") from None
    from ._schema_files import _models, render_schema

    allowed = Roots(roots)
    models = Models(allow_models)
    calls = Calls(max_calls)
    offline_deadline = deadline or OFFLINE_CALL_DEADLINE_SECONDS
    model_deadline = deadline or MODEL_CALL_DEADLINE_SECONDS
    server = FastMCP("apiplan")

    def _json(model: Any) -> dict[str, Any]:
        from .render import to_json

        return json.loads(to_json(model))

    @server.tool(
        name="facts",
        description="Read API documents (OpenAPI or prose) and optional client code; "
        "return the facts, each with its source (document, pointer, line).",
    )
    async def facts(docs: list[str], code: list[str] | None = None) -> dict[str, Any]:
        from .sources import load_facts

        doc_paths, code_paths = allowed.paths(docs), allowed.paths(code)
        return await calls.run(
            "facts", offline_deadline, lambda: _json(load_facts(doc_paths, code=code_paths))
        )

    @server.tool(
        name="plan",
        description="Build an integration blueprint for a goal: plan, contract, error map, "
        "tests, security notes and risk check. model: 'offline' (default) or provider:model.",
    )
    async def plan(
        docs: list[str],
        goal: str,
        context: list[str] | None = None,
        code: list[str] | None = None,
        operations: list[str] | None = None,
        deadline: float | None = None,
        model: str = OFFLINE,
        format: str = "json",
    ) -> dict[str, Any] | str:
        from ._api import plan as build
        from .render import blueprint_to_markdown

        if format not in ("json", "md"):
            raise ValueError("format must be 'json' or 'md'")
        model = models.check(model)
        doc_paths, code_paths = allowed.paths(docs), allowed.paths(code)

        def work() -> dict[str, Any] | str:
            bp = build(
                doc_paths,
                goal=goal,
                context=context or [],
                code=code_paths,
                operations=operations or [],
                deadline=deadline,
                model=model,
            )
            return _json(bp) if format == "json" else blueprint_to_markdown(bp)

        return await calls.run(
            "plan", offline_deadline if model == OFFLINE else model_deadline, work
        )

    @server.tool(
        name="check",
        description="Risk check of documents, client code and/or a blueprint (JSON): "
        "undocumented names, timeouts, secrets, retries, silent failures, schema drift.",
    )
    async def check(
        docs: list[str] | None = None,
        code: list[str] | None = None,
        blueprint: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        from .schemas import Blueprint
        from .sources import documents_reused, load_facts
        from .validators import check as run_check

        if not docs and not code and blueprint is None:
            raise ValueError("nothing to check: give docs, code or a blueprint")
        if blueprint is not None and not docs:
            raise ValueError(
                "a blueprint is checked against the docs it was planned from: give docs"
            )
        doc_paths, code_paths = allowed.paths(docs), allowed.paths(code)

        def work() -> dict[str, Any]:
            with documents_reused():
                facts_ = load_facts(doc_paths, code=code_paths)
                bp = Blueprint.model_validate(blueprint) if blueprint is not None else None
                return _json(run_check(facts_, blueprint=bp, docs=bool(docs)))

        return await calls.run("check", offline_deadline, work)

    def _reader(model: Any) -> Any:
        def read() -> str:
            return render_schema(model)

        return read

    for name, model in _models().items():
        _read = _reader(model)

        server.resource(
            f"schema://apiplan/{name}",
            name=name,
            mime_type="application/schema+json",
            description=f"JSON Schema of apiplan's {model.__name__}",
        )(_read)
    return server


def serve(roots: Sequence[Path], *, allow_models: Sequence[str] = ()) -> None:
    """Run over stdio until the client closes the stream."""
    build_server(roots, allow_models=allow_models).run("stdio")
