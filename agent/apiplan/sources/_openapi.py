"""OpenAPI 2.0 / 3.0 / 3.1 -> facts, each with a pointer into the original document."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from .._constants import DESCRIPTION_MAX_CHARS, FLATTEN_MAX_DEPTH, FLATTEN_MAX_FIELDS
from ..exceptions import DocumentError, RefError
from ..schemas import (
    Body,
    DocumentInfo,
    Facts,
    FactWarning,
    Header,
    IdempotencyEvidence,
    OAuthFlow,
    Operation,
    Parameter,
    RateLimitEvidence,
    Response,
    RetryGuidance,
    SchemaFacts,
    SchemaField,
    SecurityRequirement,
    SecurityScheme,
    Server,
    ServerVariable,
    Source,
    Webhook,
)
from ._document import StructuredDocument
from ._guidance import retry_advice
from ._pointer import join
from ._refs import Workspace

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_WARNINGS = 200

_COMPONENT_PTR = re.compile(r"^/(?:components/schemas|definitions)/[^/]+$")
_RATE_HEADER = re.compile(r"rate-?limit|retry-after|x-ratelimit", re.I)
_RATE_TEXT = re.compile(
    r"rate[- ]?limit|throttl|too many requests|requests? per (?:second|minute|hour|day)|"
    r"per[- ]second|burst limit",
    re.I,
)
_IDEMPOTENCY = re.compile(r"idempoten", re.I)
_DEDUP_FIELD = re.compile(
    r"^(?:dedup(?:e|lication)?_?key|idempotency_?key|client_?token|client_?request_?id)$", re.I
)
_SENSITIVE_NAME = re.compile(
    r"(?:^|[_\-.])(?:password|passwd|passphrase|secret|api_?key|apikey|access_token|refresh_token|"
    r"id_token|token|private_key|client_secret|credentials?|cvc|cvv|card_number|ssn|routing_key|"
    r"integration_key|service_key|secret_key|signing_secret|webhook_secret|auth_token)$",
    re.I,
)
_NOT_SENSITIVE = re.compile(r"page|cursor|pagination|count|expires|type|_url$", re.I)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
# Paragraphs, headings, list items and table rows end a sentence; a single newline does not.
_BLOCK_SPLIT = re.compile(r"\n\s*\n|\n(?=\s*(?:[#*|>-]|\d+\.)\s)")


def trim(text: Any, limit: int = DESCRIPTION_MAX_CHARS) -> str | None:
    """A description shortened to ``limit`` characters (the source pointer leads to the rest)."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@functools.lru_cache(maxsize=4096)
def _matching_cached(text: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    # Shared parameters (Kubernetes' `pretty`, `dryRun`) repeat one long text hundreds of times.
    return tuple(sentences_matching(text, pattern))


def matching_sentences(text: Any, pattern: re.Pattern[str]) -> tuple[str, ...]:
    """Memoised :func:`sentences_matching`."""
    if not isinstance(text, str):
        return ()
    return _matching_cached(text, pattern)


def sentences_matching(text: Any, pattern: re.Pattern[str]) -> Iterator[str]:
    """Sentences of ``text`` that match ``pattern``, each trimmed to 300 characters."""
    if not isinstance(text, str) or not pattern.search(text):
        return  # one search of the whole text first: most descriptions never match
    for block in _BLOCK_SPLIT.split(text):
        for sentence in _SENTENCE_SPLIT.split(" ".join(block.split())):
            sentence = sentence.strip(" #*-\t")
            if sentence and pattern.search(sentence):
                yield trim(sentence, 300) or sentence


def is_sensitive_name(name: str) -> bool:
    """Whether a field or parameter name looks like it carries a secret."""
    return bool(_SENSITIVE_NAME.search(name)) and not _NOT_SENSITIVE.search(name)


def _str_list(value: Any, limit: int = 100) -> list[str]:
    """Values as text the way the document writes them (``false``, not ``False``)."""
    if not isinstance(value, list):
        return []
    return [v if isinstance(v, str) else json.dumps(v) for v in value[:limit]]


def _is_structured(schema: Any) -> bool:
    """Whether a schema describes an object or array (worth linking) rather than a scalar."""
    if not isinstance(schema, dict):
        return False
    if schema.get("type") in ("object", "array"):
        return True
    return any(
        k in schema
        for k in ("properties", "allOf", "oneOf", "anyOf", "additionalProperties", "items")
    )


def _type_of(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """(type text, nullable) of a schema node without following refs."""
    t = schema.get("type")
    nullable = bool(schema.get("nullable") or schema.get("x-nullable"))
    if isinstance(t, list):
        kinds = [str(x) for x in t if x != "null"]
        nullable = nullable or "null" in t
        return ("|".join(kinds) or None), nullable
    if isinstance(t, str):
        if t == "array" and isinstance(schema.get("items"), dict):
            inner = schema["items"].get("type")
            if isinstance(inner, str):
                return f"array<{inner}>", nullable
        return t, nullable
    if "properties" in schema or "additionalProperties" in schema:
        return "object", nullable
    return None, nullable


def _constraints(schema: dict[str, Any]) -> dict[str, str]:
    keys = (
        "maxLength",
        "minLength",
        "maximum",
        "minimum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "maxItems",
        "minItems",
        "pattern",
        "multipleOf",
        "default",
    )
    out: dict[str, str] = {}
    for k in keys:
        if k in schema and not isinstance(schema[k], dict | list):
            out[k] = str(schema[k])
    return out


class OpenAPIExtractor:
    """Walks one OpenAPI document (following refs lazily) and builds its facts."""

    def __init__(
        self,
        workspace: Workspace,
        doc: StructuredDocument,
        *,
        max_depth: int = FLATTEN_MAX_DEPTH,
        max_fields: int = FLATTEN_MAX_FIELDS,
    ) -> None:
        self.ws = workspace
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.v2 = "swagger" in self.data
        self.max_depth = max_depth
        self.max_fields = max_fields
        self.warnings: list[FactWarning] = []
        self._warned: set[tuple[str, str]] = set()
        self._dropped_warnings = 0
        self.schemas: dict[str, SchemaFacts] = {}
        self._schema_queue: list[tuple[StructuredDocument, str, Any, str]] = []
        self._linked: set[str] = set()
        self.rate_limits: list[RateLimitEvidence] = []
        self.idempotency: list[IdempotencyEvidence] = []
        self.retry_guidance: list[RetryGuidance] = []
        self.truncated_bodies = 0

    # -- helpers ------------------------------------------------------------------------------
    def src(self, doc: StructuredDocument, pointer: str) -> Source:
        # model_construct: these values are ours and already typed; validation would cost
        # a second per large spec for nothing.
        return Source.model_construct(
            document=doc.display, pointer=pointer, line=doc.line_of(pointer), text=None
        )

    def warn(self, code: str, message: str, doc: StructuredDocument | None, pointer: str) -> None:
        key = (code, message)
        if key in self._warned:
            return
        self._warned.add(key)
        if len(self.warnings) >= MAX_WARNINGS:
            self._dropped_warnings += 1
            return
        source = self.src(doc, pointer) if doc is not None else None
        self.warnings.append(FactWarning(code=code, message=message, source=source))

    def deref(
        self, doc: StructuredDocument, pointer: str, value: Any
    ) -> tuple[StructuredDocument, str, Any] | None:
        """Follow ``value`` if it is a ``$ref``; None (and a warning) when it cannot be followed."""
        if isinstance(value, dict) and "$ref" in value:
            try:
                return self.ws.follow(value["$ref"], doc, join(pointer, "$ref"))
            except RefError as exc:
                self.warn("unresolved-ref", f"{exc.ref}: {exc.reason}", doc, join(pointer, "$ref"))
                return None
        return doc, pointer, value

    # -- top level ----------------------------------------------------------------------------
    def document_info(self) -> DocumentInfo:
        info = self.data.get("info") if isinstance(self.data.get("info"), dict) else {}
        version = self.data.get("openapi") or self.data.get("swagger")
        return DocumentInfo(
            path=self.doc.display,
            format="openapi-json" if self.doc.syntax == "json" else "openapi-yaml",
            version=str(version) if version is not None else None,
            title=trim(info.get("title"), 200),
            api_version=str(info["version"]) if info.get("version") is not None else None,
            sha256=self.doc.sha256,
            lines=self.doc.line_count,
        )

    def extract(self) -> Facts:
        data = self.data
        facts = Facts(documents=[self.document_info()])
        facts.servers = self.servers(self.doc, "", data)
        facts.security_schemes = self.security_schemes()
        if "security" in data:
            facts.security = self.requirements(data["security"])
        self._text_evidence(
            None, self.doc, "/info/description", (data.get("info") or {}).get("description")
        )
        self._extension_evidence(None, self.doc, "", data)
        paths = data.get("paths")
        if isinstance(paths, dict):
            for path, item in paths.items():
                if not isinstance(path, str) or path.startswith("x-"):
                    continue
                facts.operations.extend(self.path_item(path, join("/paths", path), item, facts))
        webhooks = data.get("webhooks")
        if isinstance(webhooks, dict):
            for name, item in webhooks.items():
                facts.webhooks.extend(self.webhook(str(name), join("/webhooks", str(name)), item))
        self._drain_schema_queue()
        facts.schemas = self.schemas
        facts.rate_limits = self.rate_limits
        facts.idempotency = self.idempotency
        facts.retry_guidance = self.retry_guidance
        if self.truncated_bodies:
            self.warn(
                "truncated",
                f"{self.truncated_bodies} bodies have more than {self.max_fields} fields; "
                "the rest are marked truncated",
                None,
                "",
            )
        if self._dropped_warnings:
            self.warnings.append(
                FactWarning(
                    code="more-warnings",
                    message=f"{self._dropped_warnings} more warnings not shown",
                )
            )
        facts.warnings = self.warnings
        return facts

    def servers(self, doc: StructuredDocument, pointer: str, node: dict[str, Any]) -> list[Server]:
        out: list[Server] = []
        if self.v2 and pointer == "":
            host = node.get("host")
            base = node.get("basePath") or ""
            if host or base:
                schemes = node.get("schemes")
                if not isinstance(schemes, list) or not schemes:
                    schemes = ["https"]
                anchor = "/host" if host else "/basePath"
                for scheme in schemes if host else [None]:
                    url = f"{scheme}://{host}{base}" if host else str(base)
                    out.append(Server(url=url, source=self.src(doc, anchor)))
            return out
        servers = node.get("servers")
        if not isinstance(servers, list):
            return out
        for i, server in enumerate(servers):
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            variables = {}
            for name, var in (server.get("variables") or {}).items():
                if isinstance(var, dict):
                    variables[str(name)] = ServerVariable(
                        default=str(var["default"]) if "default" in var else None,
                        enum=_str_list(var.get("enum")),
                        description=trim(var.get("description")),
                    )
            out.append(
                Server(
                    url=server["url"],
                    description=trim(server.get("description")),
                    variables=variables,
                    source=self.src(doc, join(pointer, "servers", i)),
                )
            )
        return out

    def security_schemes(self) -> list[SecurityScheme]:
        if self.v2:
            base, schemes = "/securityDefinitions", self.data.get("securityDefinitions")
        else:
            base = "/components/securitySchemes"
            components = self.data.get("components")
            schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        out: list[SecurityScheme] = []
        if not isinstance(schemes, dict):
            return out
        for name, raw in schemes.items():
            got = self.deref(self.doc, join(base, name), raw)
            if got is None or not isinstance(got[2], dict):
                continue
            doc, ptr, s = got
            flows: list[OAuthFlow] = []
            if self.v2 and s.get("type") == "oauth2":
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
            kind = str(s.get("type", "unknown"))
            out.append(
                SecurityScheme(
                    name=str(name),
                    type=kind,
                    scheme=("basic" if kind == "basic" else s.get("scheme")),
                    bearer_format=s.get("bearerFormat"),
                    location=s.get("in"),
                    param_name=s.get("name") if kind == "apiKey" else None,
                    flows=flows,
                    openid_connect_url=s.get("openIdConnectUrl"),
                    description=trim(s.get("description")),
                    source=self.src(doc, ptr),
                )
            )
        return out

    @staticmethod
    def requirements(raw: Any) -> list[SecurityRequirement]:
        out: list[SecurityRequirement] = []
        if isinstance(raw, list):
            for alt in raw:
                if isinstance(alt, dict):
                    out.append(
                        SecurityRequirement(schemes={str(k): _str_list(v) for k, v in alt.items()})
                    )
        return out

    # -- operations ---------------------------------------------------------------------------
    def path_item(self, path: str, pointer: str, raw: Any, facts: Facts) -> list[Operation]:
        got = self.deref(self.doc, pointer, raw)
        if got is None or not isinstance(got[2], dict):
            return []
        doc, ptr, item = got
        ops: list[Operation] = []
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                ops.append(
                    self.operation(path, method, doc, join(ptr, method), op, doc, ptr, item, facts)
                )
        return ops

    def operation(
        self,
        path: str,
        method: str,
        doc: StructuredDocument,
        ptr: str,
        op: dict[str, Any],
        item_doc: StructuredDocument,
        item_ptr: str,
        item: dict[str, Any],
        facts: Facts,
    ) -> Operation:
        key = f"{method.upper()} {path}"
        params, body = self.parameters(item_doc, item_ptr, item, doc, ptr, op, key)
        if not self.v2 and "requestBody" in op:
            body = self.request_body(doc, join(ptr, "requestBody"), op["requestBody"])
        security_source: Source | None = None
        if "security" in op:
            security = self.requirements(op["security"])
            origin = "explicit-none" if not security else "operation"
            security_source = self.src(doc, join(ptr, "security"))
        elif facts.security is not None:
            security = facts.security
            origin = "global" if security else "explicit-none"
            security_source = self.src(self.doc, "/security")
        else:
            security, origin = None, "unspecified"
        responses = self.responses(doc, join(ptr, "responses"), op.get("responses"), op, key)
        for text_key in ("summary", "description"):
            self._text_evidence(key, doc, join(ptr, text_key), op.get(text_key))
        self._extension_evidence(key, doc, ptr, op)
        for p in params:
            if p.location == "header" and _IDEMPOTENCY.search(p.name):
                self.idempotency.append(
                    IdempotencyEvidence(
                        kind="header", detail=p.name, operation=key, source=p.source
                    )
                )
            if p.location == "header" and _RATE_HEADER.search(p.name):
                self.rate_limits.append(
                    RateLimitEvidence(kind="header", detail=p.name, operation=key, source=p.source)
                )
        self._dedup_fields(key, body)
        return Operation(
            key=key,
            method=method.upper(),
            path=path,
            operation_id=str(op["operationId"]) if op.get("operationId") is not None else None,
            summary=trim(op.get("summary"), 300),
            description=trim(op.get("description")),
            tags=_str_list(op.get("tags")),
            deprecated=bool(op.get("deprecated")),
            parameters=params,
            request_body=body,
            responses=responses,
            security=security,
            security_origin=origin,
            security_source=security_source,
            servers=self.servers(doc, ptr, op),
            source=self.src(doc, ptr),
        )

    def parameters(
        self,
        item_doc: StructuredDocument,
        item_ptr: str,
        item: dict[str, Any],
        doc: StructuredDocument,
        ptr: str,
        op: dict[str, Any],
        key: str,
    ) -> tuple[list[Parameter], Body | None]:
        merged: dict[tuple[str, str], tuple[StructuredDocument, str, dict[str, Any]]] = {}
        for owner_doc, owner_ptr, owner in ((item_doc, item_ptr, item), (doc, ptr, op)):
            raw = owner.get("parameters")
            if not isinstance(raw, list):
                continue
            for i, p in enumerate(raw):
                got = self.deref(owner_doc, join(owner_ptr, "parameters", i), p)
                if got is None or not isinstance(got[2], dict):
                    continue
                pd = got[2]
                merged[(str(pd.get("name")), str(pd.get("in")))] = got
        params: list[Parameter] = []
        body: Body | None = None
        form: list[tuple[StructuredDocument, str, dict[str, Any]]] = []
        for (name, location), (pdoc, pptr, p) in merged.items():
            if location == "body":
                body = self.body_from_schema(
                    pdoc,
                    join(pptr, "schema"),
                    p.get("schema"),
                    self._consumes(op),
                    pdoc,
                    pptr,
                    required=bool(p.get("required")),
                )
                for s in sentences_matching(p.get("description"), _IDEMPOTENCY):
                    self.idempotency.append(
                        IdempotencyEvidence(
                            kind="text",
                            detail=s,
                            operation=key,
                            source=self.src(pdoc, join(pptr, "description")),
                        )
                    )
                continue
            if location == "formData":
                form.append((pdoc, pptr, p))
                continue
            if location not in ("path", "query", "header", "cookie"):
                continue
            schema = p
            if not self.v2 and isinstance(p.get("schema"), dict):
                got = self.deref(pdoc, join(pptr, "schema"), p["schema"])
                schema = got[2] if got and isinstance(got[2], dict) else {}
            type_text, _ = _type_of(schema)
            enum = schema.get("enum")
            if enum is None and isinstance(schema.get("items"), dict):
                enum = schema["items"].get("enum")
            params.append(
                Parameter(
                    name=name,
                    location=location,  # type: ignore[arg-type]
                    required=bool(p.get("required")) or location == "path",
                    type=type_text,
                    format=schema.get("format") if isinstance(schema.get("format"), str) else None,
                    enum=_str_list(enum),
                    deprecated=bool(p.get("deprecated")),
                    description=trim(p.get("description")),
                    source=self.src(pdoc, pptr),
                )
            )
            self._text_evidence(key, pdoc, join(pptr, "description"), p.get("description"))
        if form:
            consumes = self._consumes(op) or ["application/x-www-form-urlencoded"]
            fields = []
            for pdoc, pptr, p in form:
                type_text, nullable = _type_of(p)
                fields.append(
                    SchemaField(
                        path=str(p.get("name")),
                        name=str(p.get("name")),
                        type=type_text,
                        format=p.get("format") if isinstance(p.get("format"), str) else None,
                        required=bool(p.get("required")),
                        nullable=nullable,
                        enum=_str_list(p.get("enum")),
                        sensitive=p.get("format") == "password"
                        or is_sensitive_name(str(p.get("name"))),
                        constraints=_constraints(p),
                        description=trim(p.get("description")),
                        source=self.src(pdoc, pptr),
                    )
                )
            body = Body(
                content_types=consumes,
                required=any(f.required for f in fields),
                fields=fields,
                source=self.src(form[0][0], form[0][1]),
            )
        return params, body

    def _consumes(self, op: dict[str, Any]) -> list[str]:
        return _str_list(op.get("consumes") or self.data.get("consumes"))

    def _produces(self, op: dict[str, Any]) -> list[str]:
        return _str_list(op.get("produces") or self.data.get("produces"))

    def request_body(self, doc: StructuredDocument, ptr: str, raw: Any) -> Body | None:
        got = self.deref(doc, ptr, raw)
        if got is None or not isinstance(got[2], dict):
            return None
        bdoc, bptr, rb = got
        return self.body_from_content(bdoc, bptr, rb, required=bool(rb.get("required")))

    def body_from_content(
        self, doc: StructuredDocument, ptr: str, node: dict[str, Any], *, required: bool = False
    ) -> Body | None:
        content = node.get("content")
        if not isinstance(content, dict) or not content:
            return None
        types = [str(t) for t in content]
        chosen = next(
            (
                t
                for t in types
                if "json" in t and isinstance(content[t], dict) and "schema" in content[t]
            ),
            None,
        )
        chosen = chosen or next(
            (t for t in types if isinstance(content[t], dict) and "schema" in content[t]), None
        )
        if chosen is None:
            return Body(
                content_types=types, required=required, source=self.src(doc, join(ptr, "content"))
            )
        mptr = join(ptr, "content", chosen)
        return self.body_from_schema(
            doc,
            join(mptr, "schema"),
            content[chosen]["schema"],
            types,
            doc,
            join(ptr, "content"),
            required=required,
        )

    def body_from_schema(
        self,
        doc: StructuredDocument,
        schema_ptr: str,
        schema: Any,
        content_types: list[str],
        anchor_doc: StructuredDocument,
        anchor_ptr: str,
        *,
        required: bool = False,
    ) -> Body:
        fields: list[SchemaField] = []
        refs: list[str] = []
        if isinstance(schema, dict):
            got = self.deref(doc, schema_ptr, schema) if "$ref" in schema else None
            if got is not None and self._is_component(*got):
                # A named schema is flattened once into Facts.schemas and linked from here,
                # so that Stripe's 374 operations do not each repeat the same 400 fields.
                refs.append(self._link(*got))
            else:
                self.flatten(
                    doc,
                    schema_ptr,
                    schema,
                    "",
                    fields,
                    depth=0,
                    ancestry=frozenset(),
                    root=True,
                    links=refs,
                )
        return Body(
            content_types=content_types,
            required=required,
            fields=fields,
            refs=refs,
            source=self.src(anchor_doc, anchor_ptr),
        )

    def responses(
        self, doc: StructuredDocument, ptr: str, raw: Any, op: dict[str, Any], key: str | None
    ) -> list[Response]:
        out: list[Response] = []
        if not isinstance(raw, dict):
            return out
        for status, resp in raw.items():
            status = str(status)
            if status.startswith("x-"):
                continue
            got = self.deref(doc, join(ptr, status), resp)
            if got is None or not isinstance(got[2], dict):
                out.append(Response(status=status, source=self.src(doc, join(ptr, status))))
                continue
            rdoc, rptr, r = got
            body: Body | None
            if self.v2:
                schema = r.get("schema")
                body = (
                    self.body_from_schema(
                        rdoc, join(rptr, "schema"), schema, self._produces(op), rdoc, rptr
                    )
                    if schema is not None
                    else None
                )
            else:
                body = self.body_from_content(rdoc, rptr, r)
            headers: list[Header] = []
            declared = r.get("headers")
            for hname, h in (declared if isinstance(declared, dict) else {}).items():
                hptr = join(rptr, "headers", hname)
                hgot = self.deref(rdoc, hptr, h)
                hval = hgot[2] if hgot and isinstance(hgot[2], dict) else {}
                hschema = hval.get("schema") if isinstance(hval.get("schema"), dict) else hval
                header = Header(
                    name=str(hname),
                    type=_type_of(hschema)[0],
                    description=trim(hval.get("description")),
                    source=self.src(rdoc, hptr),
                )
                headers.append(header)
                if _RATE_HEADER.search(header.name):
                    self.rate_limits.append(
                        RateLimitEvidence(
                            kind="header", detail=header.name, operation=key, source=header.source
                        )
                    )
            response = Response(
                status=status,
                description=trim(r.get("description")),
                body=body,
                headers=headers,
                source=self.src(rdoc, rptr),
            )
            out.append(response)
            if status in ("429", "503"):
                detail = f"{status}: {response.description}" if response.description else status
                self.rate_limits.append(
                    RateLimitEvidence(
                        kind="status",
                        detail=trim(detail, 300) or status,
                        operation=key,
                        source=response.source,
                    )
                )
            if status not in ("429", "503"):
                self._text_evidence(
                    key, rdoc, join(rptr, "description"), r.get("description"), rate_only=True
                )
        return out

    def webhook(self, name: str, pointer: str, raw: Any) -> list[Webhook]:
        got = self.deref(self.doc, pointer, raw)
        if got is None or not isinstance(got[2], dict):
            return []
        doc, ptr, item = got
        out: list[Webhook] = []
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            optr = join(ptr, method)
            body = (
                self.request_body(doc, join(optr, "requestBody"), op["requestBody"])
                if "requestBody" in op
                else None
            )
            out.append(
                Webhook(
                    name=name,
                    method=method.upper(),
                    summary=trim(op.get("summary"), 300),
                    request_body=body,
                    responses=self.responses(
                        doc, join(optr, "responses"), op.get("responses"), op, None
                    ),
                    source=self.src(doc, optr),
                )
            )
        return out

    # -- evidence -----------------------------------------------------------------------------
    def _text_evidence(
        self,
        key: str | None,
        doc: StructuredDocument,
        ptr: str,
        text: Any,
        *,
        rate_only: bool = False,
    ) -> None:
        if not isinstance(text, str):
            return
        src: Source | None = None
        for sentence in matching_sentences(text, _RATE_TEXT):
            src = src or self.src(doc, ptr)
            self.rate_limits.append(
                RateLimitEvidence(kind="text", detail=sentence, operation=key, source=src)
            )
        if rate_only:
            return
        advice = retry_advice(text)
        if advice:
            src = src or self.src(doc, ptr)
            for a in advice:
                self.retry_guidance.append(
                    RetryGuidance(
                        condition=a.condition,
                        retry=a.retry,
                        detail=a.detail,
                        operation=key,
                        source=src,
                    )
                )
        for sentence in matching_sentences(text, _IDEMPOTENCY):
            src = src or self.src(doc, ptr)
            self.idempotency.append(
                IdempotencyEvidence(kind="text", detail=sentence, operation=key, source=src)
            )

    def _dedup_fields(self, key: str, body: Body | None) -> None:
        """A client-chosen dedup/idempotency key in the request body makes a retried call safe."""
        if body is None:
            return
        fields = list(body.fields)
        for ref in body.refs:
            if ref in self.schemas:
                fields += self.schemas[ref].fields
            else:
                for doc, ptr, value, qkey in self._schema_queue:
                    if qkey == ref and isinstance(value, dict):
                        props = value.get("properties") or {}
                        for name in props:
                            if _DEDUP_FIELD.match(str(name)):
                                self.idempotency.append(
                                    IdempotencyEvidence(
                                        kind="field",
                                        detail=str(name),
                                        operation=key,
                                        source=self.src(doc, join(ptr, "properties", name)),
                                    )
                                )
        for f in fields:
            if "." not in f.path and _DEDUP_FIELD.match(f.name or f.path):
                self.idempotency.append(
                    IdempotencyEvidence(kind="field", detail=f.path, operation=key, source=f.source)
                )

    def _extension_evidence(
        self, key: str | None, doc: StructuredDocument, ptr: str, node: dict[str, Any]
    ) -> None:
        for name, value in node.items():
            if (
                isinstance(name, str)
                and name.startswith("x-")
                and re.search(r"rate|throttl", name, re.I)
            ):
                shown = value if isinstance(value, str | int | float) else type(value).__name__
                self.rate_limits.append(
                    RateLimitEvidence(
                        kind="extension",
                        detail=trim(f"{name}: {shown}", 300) or name,
                        operation=key,
                        source=self.src(doc, join(ptr, name)),
                    )
                )

    # -- schema flattening --------------------------------------------------------------------
    def _component_key(self, doc: StructuredDocument, ptr: str) -> str:
        return f"{doc.display}#{ptr}"

    def _is_component(self, doc: StructuredDocument, ptr: str, value: Any = None) -> bool:
        """A named, structured schema: linked by key instead of expanded in place.

        Scalar components (Slack's ``defs_ok_false``: boolean, enum [false]) are inlined so the
        field keeps its type and enum.
        """
        named = bool(_COMPONENT_PTR.match(ptr)) or (doc is not self.doc and ptr in ("", "/"))
        return named and (value is None or _is_structured(value))

    def _link(self, doc: StructuredDocument, ptr: str, value: Any) -> str:
        key = self._component_key(doc, ptr)
        if key not in self._linked:
            self._linked.add(key)
            self._schema_queue.append((doc, ptr, value, key))
        return key

    def _drain_schema_queue(self) -> None:
        while self._schema_queue:
            doc, ptr, value, key = self._schema_queue.pop()
            fields: list[SchemaField] = []
            links: list[str] = []
            self.flatten(
                doc,
                ptr,
                value,
                "",
                fields,
                depth=0,
                ancestry=frozenset({key}),
                root=True,
                links=links,
            )
            name = ptr.rsplit("/", 1)[-1] or doc.display
            type_text = _type_of(value)[0] if isinstance(value, dict) else None
            self.schemas[key] = SchemaFacts(
                name=name, type=type_text, fields=fields, refs=links, source=self.src(doc, ptr)
            )

    def _members(
        self,
        doc: StructuredDocument,
        ptr: str,
        schema: Any,
        ancestry: frozenset[str],
        inherited_required: frozenset[str],
        all_required: bool,
        links: list[str],
    ) -> Iterator[tuple[str, bool, StructuredDocument, str, Any]]:
        """Object members of a schema, merging allOf (required kept) and oneOf/anyOf (optional).

        allOf members are expanded (inheritance); a oneOf/anyOf variant that is a named
        component is linked (appended to ``links``) rather than expanded.
        """
        if not isinstance(schema, dict):
            return
        if "$ref" in schema:
            got = self.deref(doc, ptr, schema)
            if got is None:
                return
            doc, ptr, schema = got
            key = self._component_key(doc, ptr)
            if key in ancestry:
                return
            ancestry = ancestry | {key}
            if not isinstance(schema, dict):
                return
        req_list = schema.get("required")
        own = (
            frozenset(r for r in req_list if isinstance(r, str))
            if isinstance(req_list, list)
            else frozenset()
        )
        required = inherited_required | own
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, prop in props.items():
                yield (
                    str(name),
                    all_required and str(name) in required,
                    doc,
                    join(ptr, "properties", name),
                    prop,
                )
        for comb in ("allOf", "oneOf", "anyOf"):
            subs = schema.get(comb)
            if isinstance(subs, list):
                for i, sub in enumerate(subs):
                    sub_ptr = join(ptr, comb, i)
                    if comb != "allOf" and isinstance(sub, dict) and "$ref" in sub:
                        got = self.deref(doc, sub_ptr, sub)
                        if got is None:
                            continue
                        if self._is_component(*got):
                            links.append(self._link(*got))
                            continue
                    yield from self._members(
                        doc,
                        sub_ptr,
                        sub,
                        ancestry,
                        required if comb == "allOf" else frozenset(),
                        all_required and comb == "allOf",
                        links,
                    )

    def flatten(
        self,
        doc: StructuredDocument,
        ptr: str,
        schema: Any,
        prefix: str,
        out: list[SchemaField],
        *,
        depth: int,
        ancestry: frozenset[str],
        root: bool = False,
        links: list[str] | None = None,
    ) -> None:
        """Append the fields of an object schema (or array of objects) to ``out`` under ``prefix``.

        Named variants that are linked rather than expanded are appended to ``links``.
        """
        if links is None:
            links = []
        if root and isinstance(schema, dict):
            got = self.deref(doc, ptr, schema)
            if got is None:
                return
            doc, ptr, schema = got
            if not isinstance(schema, dict):
                return
            if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
                items = schema["items"]
                iptr = join(ptr, "items")
                if "$ref" in items:
                    igot = self.deref(doc, iptr, items)
                    if igot is not None and self._is_component(*igot):
                        type_text = _type_of(igot[2])[0] if isinstance(igot[2], dict) else None
                        out.append(
                            SchemaField(
                                path=prefix + "[]",
                                type=type_text,
                                refs=[self._link(*igot)],
                                source=self.src(igot[0], igot[1]),
                            )
                        )
                        return
                self.flatten(
                    doc,
                    iptr,
                    items,
                    prefix + "[].",
                    out,
                    depth=depth + 1,
                    ancestry=ancestry,
                    root=True,
                    links=links,
                )
                return
        seen: dict[str, SchemaField] = {}
        for name, required, mdoc, mptr, prop in self._members(
            doc, ptr, schema, ancestry, frozenset(), True, links
        ):
            path = prefix + name
            if path in seen:
                seen[path].required = seen[path].required or required
                continue
            field = self._field(
                mdoc, mptr, prop, path, required, out, depth=depth, ancestry=ancestry, name=name
            )
            if field is not None:
                seen[path] = field
        if isinstance(schema, dict) and isinstance(schema.get("additionalProperties"), dict):
            ap = schema["additionalProperties"]
            self._field(
                doc,
                join(ptr, "additionalProperties"),
                ap,
                prefix + "*",
                False,
                out,
                depth=depth,
                ancestry=ancestry,
                name="*",
            )

    def _field(
        self,
        doc: StructuredDocument,
        ptr: str,
        prop: Any,
        path: str,
        required: bool,
        out: list[SchemaField],
        *,
        depth: int,
        ancestry: frozenset[str],
        name: str = "",
    ) -> SchemaField | None:
        if len(out) >= self.max_fields:
            if not out or out[-1].marker != "truncated":
                self.truncated_bodies += 1
                out.append(SchemaField(path=path, marker="truncated", source=self.src(doc, ptr)))
            return None
        if not isinstance(prop, dict):
            return None
        refs: list[str] = []
        marker: str | None = None
        expand = True
        if "$recursiveRef" in prop or "$dynamicRef" in prop:
            marker, expand = "recursive", False
        if "$ref" in prop:
            got = self.deref(doc, ptr, prop)
            if got is None:
                return None
            doc, ptr, prop = got
            if not isinstance(prop, dict):
                return None
            key = self._component_key(doc, ptr)
            if key in ancestry:
                marker, expand = "cycle", False
            elif self._is_component(doc, ptr, prop):
                refs.append(self._link(doc, ptr, prop))
                expand = False
            else:
                ancestry = ancestry | {key}
        type_text, nullable = _type_of(prop)
        # Unions (Stripe's expandable fields are anyOf [string id, $ref object]).
        variants: list[str] = []
        for comb in ("anyOf", "oneOf"):
            subs = prop.get(comb)
            if isinstance(subs, list):
                for i, sub in enumerate(subs):
                    if not isinstance(sub, dict):
                        continue
                    if "$ref" in sub:
                        sgot = self.deref(doc, join(ptr, comb, i), sub)
                        if sgot is None or not isinstance(sgot[2], dict):
                            continue
                        if self._is_component(*sgot):
                            refs.append(self._link(*sgot))
                        sub = sgot[2]
                    st, sn = _type_of(sub)
                    nullable = nullable or sn or sub.get("enum") == [""]
                    if st and st not in variants:
                        variants.append(st)
        if variants and not type_text:
            type_text = "|".join(variants)
        items = prop.get("items")
        if isinstance(items, dict) and "$ref" in items:
            igot = self.deref(doc, join(ptr, "items"), items)
            if igot is not None and self._is_component(*igot) and isinstance(igot[2], dict):
                refs.append(self._link(*igot))
                inner = _type_of(igot[2])[0] or "object"
                type_text = f"array<{inner}>"
        fmt = prop.get("format") if isinstance(prop.get("format"), str) else None
        last = name or path.rsplit(".", 1)[-1]
        # model_construct: every value here is built and typed by us; validating 10k fields
        # per large spec would cost a tenth of a second for nothing.
        field = SchemaField.model_construct(
            path=path,
            name=name,
            type=type_text,
            format=fmt,
            required=required,
            nullable=nullable,
            enum=_str_list(prop.get("enum")),
            read_only=bool(prop.get("readOnly")),
            write_only=bool(prop.get("writeOnly")),
            sensitive=fmt == "password" or bool(prop.get("writeOnly")) or is_sensitive_name(last),
            deprecated=bool(prop.get("deprecated")),
            constraints=_constraints(prop),
            refs=refs,
            marker=marker,  # type: ignore[arg-type]
            description=trim(prop.get("description"), 300),
            source=self.src(doc, ptr),
        )
        out.append(field)
        if not expand:
            return field
        has_children = any(
            k in prop for k in ("properties", "allOf", "oneOf", "anyOf", "additionalProperties")
        ) or (isinstance(items, dict) and "$ref" not in items)
        if not has_children:
            return field
        if depth + 1 >= self.max_depth:
            field.marker = "depth-limit"
            return field
        if isinstance(items, dict) and "$ref" not in items:
            self.flatten(
                doc,
                join(ptr, "items"),
                items,
                path + "[].",
                out,
                depth=depth + 1,
                ancestry=ancestry,
            )
        self.flatten(doc, ptr, prop, path + ".", out, depth=depth + 1, ancestry=ancestry)
        return field


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
    return OpenAPIExtractor(workspace, doc, max_depth=max_depth, max_fields=max_fields).extract()
