"""OpenAPI 2.0 / 3.0 / 3.1 -> facts, each with a pointer into the original document.

The reader is split along its seams: ``_openapi_walk`` (refs, sources, warnings shared by all),
``_openapi_schema`` (schema flattening), ``_openapi_ops`` (operations, parameters, bodies,
responses, webhooks), ``_openapi_servers`` (servers, security requirements),
``_openapi_evidence`` (rate limits, idempotency, retries) and ``_openapi_text`` (small value
readers). This module puts them together.
"""

from __future__ import annotations

import re
from typing import Any

from .._constants import FLATTEN_MAX_DEPTH, FLATTEN_MAX_FIELDS
from ..exceptions import DocumentError
from ..schemas import DocumentInfo, Facts, OAuthFlow, SecurityScheme
from ._cite import build
from ._document import StructuredDocument, paused_gc
from ._openapi_evidence import Evidence
from ._openapi_ops import OperationReader
from ._openapi_schema import SchemaFlattener
from ._openapi_servers import requirements, servers
from ._openapi_text import trim
from ._openapi_walk import Walk
from ._pointer import join
from ._refs import Workspace

__all__ = ["OpenAPIExtractor", "extract_openapi"]


class OpenAPIExtractor:
    """Walks one OpenAPI document (following refs lazily) and builds its facts."""

    walk: Walk
    schemas: SchemaFlattener
    evidence: Evidence
    operations: OperationReader

    def __init__(
        self,
        workspace: Workspace,
        doc: StructuredDocument,
        *,
        max_depth: int = FLATTEN_MAX_DEPTH,
        max_fields: int = FLATTEN_MAX_FIELDS,
    ) -> None:
        self.walk = Walk(workspace, doc)
        self.schemas = SchemaFlattener(self.walk, max_depth=max_depth, max_fields=max_fields)
        self.evidence = Evidence(self.walk)
        self.operations = OperationReader(self.walk, self.schemas, self.evidence)

    def document_info(self) -> DocumentInfo:
        doc, data = self.walk.doc, self.walk.data
        raw_info = data.get("info")
        info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
        version = data.get("openapi") or data.get("swagger")
        return build(
            DocumentInfo,
            path=doc.display,
            format="openapi-json" if doc.syntax == "json" else "openapi-yaml",
            version=str(version) if version is not None else None,
            title=trim(info.get("title"), 200),
            api_version=str(info["version"]) if info.get("version") is not None else None,
            sha256=doc.sha256,
            lines=doc.line_count,
        )

    def extract(self) -> Facts:
        walk, reader, evidence = self.walk, self.operations, self.evidence
        data = walk.data
        facts = build(Facts, documents=[self.document_info()])
        facts.servers = servers(walk, walk.doc, "", data)
        facts.security_schemes = self.security_schemes()
        if "security" in data:
            facts.security = requirements(data["security"])
        evidence.text(
            None, walk.doc, "/info/description", (data.get("info") or {}).get("description")
        )
        evidence.extensions(None, walk.doc, "", data)
        paths = data.get("paths")
        if isinstance(paths, dict):
            for path, item in paths.items():
                if not isinstance(path, str) or path.startswith("x-"):
                    continue
                facts.operations.extend(
                    reader.path_item(path, join("/paths", path), item, security=facts.security)
                )
        webhooks = data.get("webhooks")
        if isinstance(webhooks, dict):
            for name, item in webhooks.items():
                facts.webhooks.extend(reader.webhook(str(name), join("/webhooks", str(name)), item))
        facts.schemas = self.schemas.drain()
        facts.rate_limits = evidence.rate_limits
        facts.idempotency = evidence.idempotency
        facts.retry_guidance = evidence.retry_guidance
        if self.schemas.truncated_bodies:
            walk.warn(
                "truncated",
                f"{self.schemas.truncated_bodies} bodies have more than "
                f"{self.schemas.max_fields} fields; the rest are marked truncated",
                None,
                "",
            )
        facts.warnings = walk.finished_warnings()
        return facts

    def security_schemes(self) -> list[SecurityScheme]:
        walk = self.walk
        if walk.v2:
            base, schemes = "/securityDefinitions", walk.data.get("securityDefinitions")
        else:
            base = "/components/securitySchemes"
            components = walk.data.get("components")
            schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        out: list[SecurityScheme] = []
        if not isinstance(schemes, dict):
            return out
        for name, raw in schemes.items():
            got = walk.deref(walk.doc, join(base, name), raw)
            if got is None or not isinstance(got.value, dict):
                continue
            doc, ptr, s = got
            kind = str(s.get("type", "unknown"))
            out.append(
                SecurityScheme(
                    name=str(name),
                    type=kind,
                    scheme=("basic" if kind == "basic" else s.get("scheme")),
                    bearer_format=s.get("bearerFormat"),
                    location=s.get("in"),
                    param_name=s.get("name") if kind == "apiKey" else None,
                    flows=self._flows(s),
                    openid_connect_url=s.get("openIdConnectUrl"),
                    description=trim(s.get("description")),
                    source=walk.src(doc, ptr),
                )
            )
        return out

    def _flows(self, s: dict[str, Any]) -> list[OAuthFlow]:
        """OAuth flows of a security scheme (Swagger 2 has one, inline)."""
        flows: list[OAuthFlow] = []
        if self.walk.v2 and s.get("type") == "oauth2":
            flows.append(
                OAuthFlow(
                    flow=str(s.get("flow", "unknown")),
                    authorization_url=s.get("authorizationUrl"),
                    token_url=s.get("tokenUrl"),
                    scopes={str(k): str(v) for k, v in (s.get("scopes") or {}).items()},
                )
            )
        for flow_name, flow in (s.get("flows") or {}).items():
            if isinstance(flow, dict):
                flows.append(
                    OAuthFlow(
                        flow=str(flow_name),
                        authorization_url=flow.get("authorizationUrl"),
                        token_url=flow.get("tokenUrl"),
                        refresh_url=flow.get("refreshUrl"),
                        scopes={str(k): str(v) for k, v in (flow.get("scopes") or {}).items()},
                    )
                )
        return flows


def extract_openapi(
    workspace: Workspace,
    doc: StructuredDocument,
    *,
    max_depth: int = FLATTEN_MAX_DEPTH,
    max_fields: int = FLATTEN_MAX_FIELDS,
) -> Facts:
    """Facts of one OpenAPI document. Raises ``DocumentError`` when it is not OpenAPI at all."""
    data = doc.data
    if not isinstance(data, dict) or not ("openapi" in data or "swagger" in data):
        kind = (
            type(data).__name__
            if not isinstance(data, dict)
            else "mapping without 'openapi' or 'swagger'"
        )
        raise DocumentError(doc.display, f"not an OpenAPI document (top level is a {kind})")
    version = str(data.get("openapi") or data.get("swagger"))
    if not re.match(r"^(2\.0|3\.[01])", version):
        raise DocumentError(
            doc.display, f"unsupported OpenAPI version {version!r} (2.0, 3.0 and 3.1 are)"
        )
    with paused_gc():
        return OpenAPIExtractor(
            workspace, doc, max_depth=max_depth, max_fields=max_fields
        ).extract()
