"""The facts model: what the documents say, each fact with the place it comes from.

Every later stage (planner, validators, LLM phases) reads only these facts, so a claim in a
blueprint can be checked by resolving its ``Source`` in the original document. This module holds
the document itself (``Facts``); its parts live beside it: ``_operation`` (each operation's
contract), ``_security`` (authentication) and ``_evidence`` (what the docs say about behaviour).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from .._constants import OUTPUT_FORMAT_VERSION
from ._base import FactModel, document_schema, name_document
from ._code import CodeFile, SecretEvidence
from ._evidence import (
    AsyncMarker,
    BodyOutcome,
    IdempotencyEvidence,
    ProseNote,
    RateLimitEvidence,
    RetryGuidance,
    SizeLimit,
)
from ._operation import (
    Body,
    Operation,
    Parameter,
    Response,
    SchemaFacts,
    SchemaField,
    Server,
    Webhook,
)
from ._security import SecurityRequirement, SecurityScheme
from ._source import Source

DocFormat = Literal[
    "openapi-json",
    "openapi-yaml",
    "markdown",
    "mdx",
    "rst",
    "html",
    "asciidoc",
    "apib",
    "raml",
    "python",
    "text",
]


class DocumentInfo(FactModel):
    """One input document."""

    path: str = Field(description="Path as given.")
    format: DocFormat = Field(description="Detected format.")
    version: str | None = Field(default=None, description="OpenAPI/Swagger version string, if any.")
    title: str | None = Field(default=None, description="info.title or the page's first heading.")
    api_version: str | None = Field(default=None, description="info.version of the API.")
    sha256: str = Field(description="SHA-256 of the bytes read.")
    lines: int = Field(description="Number of lines in the document.")


class FactWarning(FactModel):
    """Something that could not be read fully; the facts around it are still usable."""

    code: str = Field(description="Short machine code, e.g. 'unresolved-ref'.")
    message: str = Field(description="One line for a person.")
    source: Source | None = Field(default=None, description="Where it happened, when known.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class Facts(FactModel):
    """Everything apiplan knows about an API, each item traceable to its documents."""

    model_config = ConfigDict(json_schema_extra=document_schema)

    kind: Literal["apiplan.facts"] = Field(
        default="apiplan.facts", description="What this JSON document is (written first)."
    )
    version: int = Field(
        default=OUTPUT_FORMAT_VERSION, description="Version of this JSON format (written second)."
    )
    generator: str = Field(default="", description="Tool and version that wrote these facts.")

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        return name_document("apiplan.facts", data)

    documents: list[DocumentInfo] = Field(
        default_factory=list[DocumentInfo], description="Input documents."
    )
    servers: list[Server] = Field(default_factory=list[Server], description="Base URLs.")
    security_schemes: list[SecurityScheme] = Field(
        default_factory=list[SecurityScheme], description="Documented auth schemes."
    )
    security: list[SecurityRequirement] | None = Field(
        default=None, description="Global security requirement, if stated."
    )
    operations: list[Operation] = Field(default_factory=list[Operation], description="Endpoints.")
    webhooks: list[Webhook] = Field(
        default_factory=list[Webhook], description="Webhooks (OpenAPI 3.1)."
    )
    schemas: dict[str, SchemaFacts] = Field(
        default_factory=dict[str, SchemaFacts],
        description="Component schemas linked from fields, keyed by 'document#pointer'.",
    )
    rate_limits: list[RateLimitEvidence] = Field(
        default_factory=list[RateLimitEvidence], description="Rate-limit evidence."
    )
    idempotency: list[IdempotencyEvidence] = Field(
        default_factory=list[IdempotencyEvidence], description="Idempotency evidence."
    )
    retry_guidance: list[RetryGuidance] = Field(
        default_factory=list[RetryGuidance], description="Documented advice on what to retry."
    )
    body_outcomes: list[BodyOutcome] = Field(
        default_factory=list[BodyOutcome],
        description="Outcome-carrying fields of response bodies (errors inside a 2xx, partial "
        "success), derived from the schemas.",
    )
    async_markers: list[AsyncMarker] = Field(
        default_factory=list[AsyncMarker],
        description="Signs that an operation finishes after its answer.",
    )
    size_limits: list[SizeLimit] = Field(
        default_factory=list[SizeLimit],
        description="Documented request size limits (bytes, characters).",
    )
    global_parameters: list[Parameter] = Field(
        default_factory=list[Parameter],
        description="Headers or parameters the docs require on every call.",
    )
    api_responses: list[Response] = Field(
        default_factory=list[Response], description="Statuses the docs describe for the whole API."
    )
    notes: list[ProseNote] = Field(
        default_factory=list[ProseNote],
        description="Pagination, versioning and other hints from prose.",
    )
    secrets: list[SecretEvidence] = Field(
        default_factory=list[SecretEvidence],
        description="Credential-shaped values seen in the docs (masked).",
    )
    code: list[CodeFile] = Field(
        default_factory=list[CodeFile], description="Existing client code: observations with lines."
    )
    warnings: list[FactWarning] = Field(
        default_factory=list[FactWarning], description="Reading problems."
    )

    @property
    def code_stack(self) -> str | None:
        """The HTTP library the given code uses most, if any."""
        counts: dict[str, int] = {}
        for f in self.code:
            for c in f.calls:
                if c.library not in ("curl", "fetch", "axios"):
                    counts[c.library] = counts.get(c.library, 0) + 1
        return max(counts, key=lambda k: counts[k]) if counts else None

    def operation(self, key: str) -> Operation | None:
        """The operation with this 'METHOD /path' key, if any."""
        method, _, path = key.partition(" ")
        for op in self.operations:
            if op.method == method.upper() and op.path == path:
                return op
        return None

    def body_fields(self, body: Body | None) -> list[SchemaField]:
        """Fields of a body: its own, or those of the named schema(s) it is."""
        if body is None:
            return []
        out = list(body.fields)
        for ref in body.refs:
            schema = self.schemas.get(ref)
            if schema is not None:
                out += schema.fields
        return out

    def field_at(
        self, fields: list[SchemaField], path: str, *, max_hops: int = 16
    ) -> SchemaField | None:
        """The field at a dotted path, following links into ``schemas`` (``a.b`` where ``a``
        links to a schema that has ``b``). None when the documents do not define it."""
        for _ in range(max_hops):
            by_path = {f.path: f for f in fields}
            if path in by_path:
                return by_path[path]
            # Longest documented prefix that links to schemas, then continue inside them.
            parts = path.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                head = ".".join(parts[:cut])
                field = (
                    by_path.get(head) or by_path.get(head + "[]") or by_path.get(head[:-2])
                    if head.endswith("[]")
                    else by_path.get(head) or by_path.get(head + "[]")
                )
                if field is not None and field.refs:
                    rest = ".".join(parts[cut:])
                    for ref in field.refs:
                        schema = self.schemas.get(ref)
                        if schema is None:
                            continue
                        found = self.field_at(
                            schema.fields, rest.removeprefix("[]."), max_hops=max_hops - 1
                        )
                        if found is not None:
                            return found
                    return None
            return None
        return None
