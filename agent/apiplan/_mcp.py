"""A Model Context Protocol server over stdio (the official `mcp` SDK): apiplan's facts, plan and
check as tools, the JSON Schemas as resources. Paths are confined to the roots it was started with."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .exceptions import UsageError


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


def build_server(roots: Sequence[Path]) -> Any:
    try:
        from mcp.server.fastmcp import FastMCP
    except ImportError:
        raise UsageError("the mcp SDK is not installed: pip install 'apiplan[mcp]'") from None
    from ._schema_files import _models, render_schema

    allowed = Roots(roots)
    server = FastMCP("apiplan")

    def _json(model: Any) -> dict[str, Any]:
        from .render import to_json

        return json.loads(to_json(model))

    @server.tool(
        name="facts",
        description="Read API documents (OpenAPI or prose) and optional client code; "
        "return the facts, each with its source (document, pointer, line).",
    )
    def facts(docs: list[str], code: list[str] | None = None) -> dict[str, Any]:
        from .sources import load_facts

        return _json(load_facts(allowed.paths(docs), code=allowed.paths(code)))

    @server.tool(
        name="plan",
        description="Build an integration blueprint for a goal: plan, contract, error map, "
        "tests, security notes and risk check. model: 'offline' (default) or provider:model.",
    )
    def plan(
        docs: list[str],
        goal: str,
        context: list[str] | None = None,
        code: list[str] | None = None,
        operations: list[str] | None = None,
        deadline: float | None = None,
        model: str = "offline",
        format: str = "json",
    ) -> dict[str, Any] | str:
        from ._api import plan as build
        from .render import blueprint_to_markdown

        if format not in ("json", "md"):
            raise ValueError("format must be 'json' or 'md'")
        bp = build(
            allowed.paths(docs),
            goal=goal,
            context=context or [],
            code=allowed.paths(code),
            operations=operations or [],
            deadline=deadline,
            model=model,
        )
        return _json(bp) if format == "json" else blueprint_to_markdown(bp)

    @server.tool(
        name="check",
        description="Risk check of documents, client code and/or a blueprint (JSON): "
        "undocumented names, timeouts, secrets, retries, silent failures, schema drift.",
    )
    def check(
        docs: list[str] | None = None,
        code: list[str] | None = None,
        blueprint: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        from .schemas import Blueprint
        from .sources import load_facts
        from .validators import check as run_check

        if not docs and not code and blueprint is None:
            raise ValueError("nothing to check: give docs, code or a blueprint")
        if blueprint is not None and not docs:
            raise ValueError(
                "a blueprint is checked against the docs it was planned from: give docs"
            )
        facts_ = load_facts(allowed.paths(docs), code=allowed.paths(code))
        bp = Blueprint.model_validate(blueprint) if blueprint is not None else None
        return _json(run_check(facts_, blueprint=bp, docs=bool(docs)))

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


def serve(roots: Sequence[Path]) -> None:
    """Run over stdio until the client closes the stream."""
    build_server(roots).run("stdio")
