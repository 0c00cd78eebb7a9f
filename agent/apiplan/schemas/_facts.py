"""The facts model: what the documents say, each fact with the place it comes from.

Every later stage (planner, validators, LLM phases) reads only these facts, so a claim in a
blueprint can be checked by resolving its ``Source`` in the original document.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, model_validator

from .._constants import OUTPUT_FORMAT_VERSION
from ._base import FactModel, document_schema, name_document
from ._code import CodeFile, SecretEvidence
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
ParamLocation = Literal["path", "query", "header", "cookie"]
FieldMarker = Literal["cycle", "truncated", "recursive", "depth-limit"]


class DocumentInfo(FactModel):
    """One input document."""

    path: str = Field(description="Path as given.")
    format: DocFormat = Field(description="Detected format.")
    version: str | None = Field(default=None, description="OpenAPI/Swagger version string, if any.")
    title: str | None = Field(default=None, description="info.title or the page's first heading.")
    api_version: str | None = Field(default=None, description="info.version of the API.")
    sha256: str = Field(description="SHA-256 of the bytes read.")
    lines: int = Field(description="Number of lines in the document.")


class ServerVariable(FactModel):
    """A server URL template variable."""

    secret_value_fields: ClassVar[tuple[str, ...]] = ("default", "enum")

    default: str | None = Field(default=None, description="Default value.")
    enum: list[str] = Field(default_factory=list[str], description="Allowed values, if listed.")
    description: str | None = Field(default=None, description="What the variable means.")


class Server(FactModel):
    """A base URL the API is served from."""

    url: str = Field(description="URL or URL template as documented.")
    description: str | None = Field(default=None, description="Documented description.")
    variables: dict[str, ServerVariable] = Field(
        default_factory=dict[str, ServerVariable], description="Template variables of the URL."
    )
    source: Source = Field(description="Where the server is documented.")


class OAuthFlow(FactModel):
    """One OAuth 2 flow of a security scheme."""

    flow: str = Field(description="Flow name: authorizationCode, clientCredentials, implicit, ...")
    authorization_url: str | None = Field(default=None, description="Authorization endpoint.")
    token_url: str | None = Field(default=None, description="Token endpoint.")
    refresh_url: str | None = Field(default=None, description="Refresh endpoint.")
    scopes: dict[str, str] = Field(
        default_factory=dict[str, str], description="Scope name -> description."
    )


class SecurityScheme(FactModel):
    """A documented way to authenticate."""

    name: str = Field(description="Scheme name as referenced by security requirements.")
    type: str = Field(description="apiKey, http, oauth2, openIdConnect, mutualTLS, basic, ...")
    scheme: str | None = Field(default=None, description="HTTP auth scheme (bearer, basic, ...).")
    bearer_format: str | None = Field(default=None, description="Documented bearer token format.")
    location: str | None = Field(
        default=None, description="Where an API key travels: header, query or cookie."
    )
    param_name: str | None = Field(
        default=None, description="Header, query or cookie name that carries the credential."
    )
    flows: list[OAuthFlow] = Field(default_factory=list[OAuthFlow], description="OAuth 2 flows.")
    openid_connect_url: str | None = Field(
        default=None, description="OpenID Connect discovery URL."
    )
    description: str | None = Field(default=None, description="Documented description.")
    source: Source = Field(description="Where the scheme is defined.")


class SecurityRequirement(FactModel):
    """One alternative of a security requirement: all listed schemes together."""

    schemes: dict[str, list[str]] = Field(
        description="Scheme name -> required scopes. Empty dict means anonymous access is allowed."
    )


class Parameter(FactModel):
    """A path, query, header or cookie parameter of an operation."""

    secret_name_field: ClassVar[str | None] = "name"
    secret_value_fields: ClassVar[tuple[str, ...]] = ("enum",)

    name: str = Field(description="Parameter name.")
    location: ParamLocation = Field(description="Where the parameter goes.")
    required: bool = Field(description="Whether the docs mark it required.")
    type: str | None = Field(default=None, description="Schema type, if given.")
    format: str | None = Field(default=None, description="Schema format, if given.")
    enum: list[str] = Field(default_factory=list[str], description="Allowed values, if listed.")
    deprecated: bool = Field(default=False, description="Whether the docs mark it deprecated.")
    description: str | None = Field(default=None, description="Documented description (trimmed).")
    source: Source = Field(description="Where the parameter is defined.")


class SchemaField(FactModel):
    """One field of a body schema, flattened to a dotted path (``items[]``, ``map.*``)."""

    secret_name_field: ClassVar[str | None] = "path"
    secret_value_fields: ClassVar[tuple[str, ...]] = ("enum", "constraints")

    path: str = Field(description="Dotted path; ``[]`` marks array items, ``*`` map values.")
    name: str = Field(
        default="", description="The property name as written (it may itself contain dots)."
    )
    type: str | None = Field(default=None, description="Type(s), ``|``-joined for unions.")
    format: str | None = Field(
        default=None, description="Schema format (date-time, password, ...)."
    )
    required: bool = Field(default=False, description="Required by its parent object.")
    nullable: bool = Field(default=False, description="Whether null is allowed.")
    enum: list[str] = Field(default_factory=list[str], description="Allowed values, if listed.")
    read_only: bool = Field(default=False, description="readOnly in the schema.")
    write_only: bool = Field(default=False, description="writeOnly in the schema.")
    sensitive: bool = Field(
        default=False, description="format password, writeOnly, or a secret-like name."
    )
    deprecated: bool = Field(default=False, description="Whether the docs mark it deprecated.")
    constraints: dict[str, str] = Field(
        default_factory=dict[str, str],
        description="Documented limits: maxLength, maximum, pattern, ...",
    )
    refs: list[str] = Field(
        default_factory=list[str],
        description="Component schemas this field links to (keys of Facts.schemas), not expanded.",
    )
    marker: FieldMarker | None = Field(
        default=None, description="Why flattening stopped here, if it did."
    )
    confidence: Literal["documented", "example", "uncertain"] = Field(
        default="documented",
        description="documented: from a schema or field table; example: read from an example body; "
        "uncertain: an example key that looks like a typo or placeholder.",
    )
    description: str | None = Field(default=None, description="Documented description (trimmed).")
    source: Source = Field(description="Where the field is defined (after $ref).")


class Body(FactModel):
    """A request or response body."""

    content_types: list[str] = Field(
        default_factory=list[str], description="Documented media types."
    )
    required: bool = Field(default=False, description="Whether a request body is required.")
    fields: list[SchemaField] = Field(
        default_factory=list[SchemaField], description="Flattened fields."
    )
    refs: list[str] = Field(
        default_factory=list[str],
        description="Component schemas the body itself is (keys of schemas).",
    )
    source: Source = Field(description="Where the body is documented.")


class Header(FactModel):
    """A documented response header."""

    name: str = Field(description="Header name.")
    type: str | None = Field(default=None, description="Schema type, if given.")
    description: str | None = Field(default=None, description="Documented description (trimmed).")
    source: Source = Field(description="Where the header is documented.")


class Response(FactModel):
    """A documented response for one status code (or ``default``, ``4XX``, ...)."""

    status: str = Field(description="Status code, range such as 4XX, or 'default'.")
    description: str | None = Field(default=None, description="Documented description (trimmed).")
    body: Body | None = Field(
        default=None, description="Body, when a schema or media type is given."
    )
    headers: list[Header] = Field(default_factory=list[Header], description="Documented headers.")
    source: Source = Field(description="Where the response is documented.")


class Operation(FactModel):
    """One documented endpoint (method + path)."""

    key: str = Field(description="'METHOD /path', unique within the facts.")
    method: str = Field(description="Upper-case HTTP method.")
    path: str = Field(description="Path template as documented.")
    operation_id: str | None = Field(default=None, description="operationId, if given.")
    summary: str | None = Field(default=None, description="Documented summary.")
    description: str | None = Field(default=None, description="Documented description (trimmed).")
    tags: list[str] = Field(default_factory=list[str], description="Documented tags.")
    deprecated: bool = Field(default=False, description="Whether the docs mark it deprecated.")
    parameters: list[Parameter] = Field(
        default_factory=list[Parameter], description="Non-body parameters."
    )
    request_body: Body | None = Field(default=None, description="Request body, if any.")
    responses: list[Response] = Field(
        default_factory=list[Response], description="Documented responses."
    )
    security: list[SecurityRequirement] | None = Field(
        default=None,
        description="Effective requirement (alternatives); None when the docs state none.",
    )
    security_origin: Literal["operation", "global", "explicit-none", "unspecified"] = Field(
        description="Where the effective requirement comes from; 'explicit-none' is `security: []`."
    )
    security_source: Source | None = Field(
        default=None, description="Where the effective security requirement is written."
    )
    servers: list[Server] = Field(
        default_factory=list[Server], description="Operation-level servers."
    )
    source: Source = Field(description="Where the operation is defined.")
    mentions: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs write this endpoint (examples, variants, mentions).",
    )


class Webhook(FactModel):
    """An OpenAPI 3.1 webhook: a request the API sends to the consumer."""

    name: str = Field(description="Webhook name.")
    method: str = Field(description="Upper-case HTTP method.")
    summary: str | None = Field(default=None, description="Documented summary.")
    request_body: Body | None = Field(default=None, description="Payload the API sends.")
    responses: list[Response] = Field(
        default_factory=list[Response], description="Responses it expects."
    )
    source: Source = Field(description="Where the webhook is defined.")


class RateLimitEvidence(FactModel):
    """Something in the docs that speaks of rate limiting."""

    kind: Literal["status", "header", "extension", "text", "limit", "field", "absence"] = Field(
        description="A 429/503 response, a rate-limit header, a vendor extension, a sentence, a "
        "numeric limit, a field of the throttling body (retry_after), or the page's explicit "
        "silence on something (e.g. no status code named)."
    )
    detail: str = Field(description="The status, header name, extension key, or quoted sentence.")
    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    limit: int | None = Field(default=None, description="Number of requests allowed, for 'limit'.")
    window_seconds: float | None = Field(default=None, description="Window of the limit, seconds.")
    scope: str | None = Field(
        default=None, description="Who the limit counts: per route, per IP, per account, global."
    )
    source: Source = Field(description="Where it is documented.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class IdempotencyEvidence(FactModel):
    """Something in the docs that lets a client make a retried request safe."""

    kind: Literal["header", "field", "path", "text"] = Field(
        description="An idempotency header, a body field (dedup key), a transaction id in the path, "
        "or a sentence."
    )
    detail: str = Field(description="Header or field name, or the quoted sentence.")
    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    required: bool = Field(
        default=False, description="For a header or field: whether the docs mark it required."
    )
    basis: Literal["name", "description", "sentence"] | None = Field(
        default=None,
        description="For a field: read from its name alone, or its description speaks of "
        "duplicates; None for headers and sentences found by the extractor.",
    )
    source: Source = Field(description="Where it is documented.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class BodyOutcome(FactModel):
    """A field of a response body that carries the real outcome (``ok: false`` in a 200, a
    ``status`` enum with failure or pending values, per-item statuses, a list of failed items)."""

    operation: str = Field(description="Operation key.")
    status: str = Field(description="The response status whose body carries it ('200', '2XX').")
    field: str = Field(description="Dotted path of the field; ``[]`` marks per-item fields.")
    kind: Literal["flag", "enum", "failed-items"] = Field(
        description="flag: a boolean whose false means failure; enum: a status-like enum; "
        "failed-items: a list of items that were not accepted (partial success)."
    )
    failure_values: list[str] = Field(
        default_factory=list[str], description="Values that mean the call failed or was refused."
    )
    pending_values: list[str] = Field(
        default_factory=list[str], description="Values that mean the outcome is not final yet."
    )
    per_item: bool = Field(default=False, description="The field is per item of a batch answer.")
    source: Source = Field(description="Where the field is documented.")


class AsyncMarker(FactModel):
    """Something that says an operation's final outcome comes after its answer."""

    operation: str = Field(description="Operation key.")
    kind: Literal["accepted", "job-id", "pending-status", "callback", "webhook", "text"] = Field(
        description="accepted: a 202 response; job-id: the answer carries a job/task/batch id or "
        "a status URL; pending-status: a status enum with pending values; callback: a request "
        "field naming a URL the API calls back; webhook: a documented webhook; text: the docs' "
        "words."
    )
    detail: str = Field(description="The status, field name or quoted words.")
    source: Source = Field(description="Where it is documented.")


class SizeLimit(FactModel):
    """A documented size limit in bytes or characters, quoted from the docs."""

    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    field: str | None = Field(default=None, description="Body field it limits, if one.")
    detail: str = Field(description="The quoted sentence.")
    amount: int = Field(description="The number as written (bytes, characters, items).")
    unit: str = Field(description="Its unit as written: bytes, KB, MB, characters, ...")
    source: Source = Field(description="Where it is documented.")


class RetryGuidance(FactModel):
    """What the documents say about retrying a status or failure (tables, sentences)."""

    condition: str = Field(description="Status ('429', '5XX'), or 'network' for connection errors.")
    retry: bool | None = Field(
        description="True: the docs say retry; False: do not; None: unclear."
    )
    detail: str = Field(description="The quoted row or sentence.")
    operation: str | None = Field(default=None, description="Operation key, if scoped to one.")
    source: Source = Field(description="Where it is documented.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class ProseNote(FactModel):
    """A hint from prose that is not an endpoint, status or limit."""

    topic: Literal["pagination", "version", "base-url", "transclusion", "other"] = Field(
        description="What the note is about."
    )
    detail: str = Field(description="The quoted text.")
    source: Source = Field(description="Where it is written.")
    repeated_at: list[Source] = Field(
        default_factory=list[Source],
        description="Other places the docs say exactly the same (kept once, with every source).",
    )


class SchemaFacts(FactModel):
    """A named component schema, flattened once and linked from fields by its pointer."""

    name: str = Field(description="Component name.")
    type: str | None = Field(default=None, description="Schema type, if given.")
    fields: list[SchemaField] = Field(
        default_factory=list[SchemaField], description="Flattened fields."
    )
    refs: list[str] = Field(
        default_factory=list[str], description="Variants (oneOf/anyOf) linked rather than expanded."
    )
    source: Source = Field(description="Where the schema is defined.")


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
