"""Servers and security requirements of an OpenAPI document or of one operation."""

from __future__ import annotations

from typing import Any

from ..schemas import SecurityRequirement, Server, ServerVariable
from ._cite import build
from ._document import StructuredDocument
from ._openapi_text import str_list, trim
from ._openapi_walk import Walk
from ._pointer import join


def requirements(raw: Any) -> list[SecurityRequirement]:
    """Security requirements (alternatives) as written at the top level or on an operation."""
    out: list[SecurityRequirement] = []
    if isinstance(raw, list):
        for alt in raw:
            if isinstance(alt, dict):
                out.append(
                    build(
                        SecurityRequirement, schemes={str(k): str_list(v) for k, v in alt.items()}
                    )
                )
    return out


def servers(
    walk: Walk, doc: StructuredDocument, pointer: str, node: dict[str, Any]
) -> list[Server]:
    """Servers of the document (Swagger 2: host, basePath, schemes) or of one operation."""
    if walk.v2 and pointer == "":
        return _v2_servers(walk, doc, node)
    out: list[Server] = []
    listed = node.get("servers")
    if not isinstance(listed, list):
        return out
    for i, server in enumerate(listed):
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            continue
        variables: dict[str, ServerVariable] = {}
        for name, var in (server.get("variables") or {}).items():
            if isinstance(var, dict):
                variables[str(name)] = ServerVariable(
                    default=str(var["default"]) if "default" in var else None,
                    enum=str_list(var.get("enum")),
                    description=trim(var.get("description")),
                )
        out.append(
            Server(
                url=server["url"],
                description=trim(server.get("description")),
                variables=variables,
                source=walk.src(doc, join(pointer, "servers", i)),
            )
        )
    return out


def _v2_servers(walk: Walk, doc: StructuredDocument, node: dict[str, Any]) -> list[Server]:
    out: list[Server] = []
    host = node.get("host")
    base = node.get("basePath") or ""
    if host or base:
        schemes = node.get("schemes")
        if not isinstance(schemes, list) or not schemes:
            schemes = ["https"]
        anchor = "/host" if host else "/basePath"
        for scheme in schemes if host else [None]:
            url = f"{scheme}://{host}{base}" if host else str(base)
            out.append(build(Server, url=url, source=walk.src(doc, anchor)))
    return out
