"""An operation's documented contract: where it is served, its parameters, request and
response bodies (flattened to fields), response headers and statuses; webhooks, built of the
same parts; and the named component schemas that fields link to."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from ._base import FactModel
from ._security import SecurityRequirement
from ._source import Source

ParamLocation = Literal["path", "query", "header", "cookie"]
FieldMarker = Literal["cycle", "truncated", "recursive", "depth-limit"]


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
