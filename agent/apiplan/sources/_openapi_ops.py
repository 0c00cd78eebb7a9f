"""Operations of an OpenAPI document: parameters, request bodies and responses, for paths and
webhooks alike."""

from __future__ import annotations

from typing import Any

from ..schemas import (
    Body,
    Header,
    Operation,
    Parameter,
    RateLimitEvidence,
    Response,
    SchemaField,
    SecurityRequirement,
    Source,
    Webhook,
)
from ._cite import build
from ._document import StructuredDocument
from ._names import is_sensitive_name
from ._openapi_evidence import Evidence
from ._openapi_schema import SchemaFlattener
from ._openapi_servers import requirements, servers
from ._openapi_text import RATE_HEADER, constraints, str_list, text_format, trim, type_of
from ._openapi_walk import Node, Walk
from ._pointer import join

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAMETER_PLACES = ("path", "query", "header", "cookie")
_Parameters = dict[tuple[str, str], Node]


class OperationReader:
    """Reads path items and webhooks into operations, feeding schemas and evidence."""

    walk: Walk
    schemas: SchemaFlattener
    evidence: Evidence

    def __init__(self, walk: Walk, schemas: SchemaFlattener, evidence: Evidence) -> None:
        self.walk = walk
        self.schemas = schemas
        self.evidence = evidence

    # -- operations ---------------------------------------------------------------------------
    def path_item(
        self, path: str, pointer: str, raw: Any, *, security: list[SecurityRequirement] | None
    ) -> list[Operation]:
        """The operations of one path item; ``security`` is the document's default."""
        got = self.walk.deref(self.walk.doc, pointer, raw)
        if got is None or not isinstance(got.value, dict):
            return []
        ops: list[Operation] = []
        for method in METHODS:
            op = got.value.get(method)
            if isinstance(op, dict):
                here = Node(got.doc, join(got.ptr, method), op)
                ops.append(self.operation(path, method, here, got, security=security))
        return ops

    def operation(
        self,
        path: str,
        method: str,
        here: Node,
        item: Node,
        *,
        security: list[SecurityRequirement] | None,
    ) -> Operation:
        """One operation (``here``) of a path item (``item``, whose parameters it inherits)."""
        doc, ptr, op = here
        key = f"{method.upper()} {path}"
        params, body = self.parameters(item, here, key)
        if not self.walk.v2 and "requestBody" in op:
            body = self.request_body(doc, join(ptr, "requestBody"), op["requestBody"])
        security_source: Source | None = None
        own_security: list[SecurityRequirement] | None
        if "security" in op:
            own_security = requirements(op["security"])
            origin = "explicit-none" if not own_security else "operation"
            security_source = self.walk.src(doc, join(ptr, "security"))
        elif security is not None:
            own_security = security
            origin = "global" if security else "explicit-none"
            security_source = self.walk.src(self.walk.doc, "/security")
        else:
            own_security, origin = None, "unspecified"
        responses = self.responses(doc, join(ptr, "responses"), op.get("responses"), op, key)
        for text_key in ("summary", "description"):
            self.evidence.text(key, doc, join(ptr, text_key), op.get(text_key))
        self.evidence.extensions(key, doc, ptr, op)
        self.evidence.header_parameters(key, params)
        self.evidence.dedup_fields(key, body, self.schemas)
        return build(
            Operation,
            key=key,
            method=method.upper(),
            path=path,
            operation_id=str(op["operationId"]) if op.get("operationId") is not None else None,
            summary=trim(op.get("summary"), 300),
            description=trim(op.get("description")),
            tags=str_list(op.get("tags")),
            deprecated=bool(op.get("deprecated")),
            parameters=params,
            request_body=body,
            responses=responses,
            security=list(own_security) if own_security is not None else None,
            security_origin=origin,
            security_source=security_source,
            servers=servers(self.walk, doc, ptr, op),
            source=self.walk.src(doc, ptr),
        )

    # -- parameters ---------------------------------------------------------------------------
    def _merged_parameters(self, item: Node, here: Node) -> _Parameters:
        """Parameters by (name, in): the operation's over the path item's."""
        merged: _Parameters = {}
        for owner_doc, owner_ptr, owner in (item, here):
            raw = owner.get("parameters")
            if not isinstance(raw, list):
                continue
            for i, p in enumerate(raw):
                got = self.walk.deref(owner_doc, join(owner_ptr, "parameters", i), p)
                if got is None or not isinstance(got.value, dict):
                    continue
                pd = got.value
                merged[(str(pd.get("name")), str(pd.get("in")))] = got
        return merged

    def parameters(self, item: Node, here: Node, key: str) -> tuple[list[Parameter], Body | None]:
        """Parameters of an operation, and its body when Swagger 2 gives it as parameters."""
        op = here.value
        params: list[Parameter] = []
        body: Body | None = None
        form: list[Node] = []
        for (name, location), (pdoc, pptr, p) in self._merged_parameters(item, here).items():
            if location == "body":
                body = self.body_from_schema(
                    Node(pdoc, join(pptr, "schema"), p.get("schema")),
                    self._consumes(op),
                    anchor=(pdoc, pptr),
                    required=bool(p.get("required")),
                )
                self.evidence.body_parameter_text(key, pdoc, pptr, p.get("description"))
                continue
            if location == "formData":
                form.append(Node(pdoc, pptr, p))
                continue
            if location not in _PARAMETER_PLACES:
                continue
            schema = p
            if not self.walk.v2 and isinstance(p.get("schema"), dict):
                got = self.walk.deref(pdoc, join(pptr, "schema"), p["schema"])
                schema = got.value if got and isinstance(got.value, dict) else {}
            type_text, _ = type_of(schema)
            enum = schema.get("enum")
            if enum is None and isinstance(schema.get("items"), dict):
                enum = schema["items"].get("enum")
            params.append(
                build(
                    Parameter,
                    name=name,
                    location=location,
                    required=bool(p.get("required")) or location == "path",
                    type=type_text,
                    format=text_format(schema),
                    enum=str_list(enum),
                    deprecated=bool(p.get("deprecated")),
                    description=trim(p.get("description")),
                    source=self.walk.src(pdoc, pptr),
                )
            )
            self.evidence.text(key, pdoc, join(pptr, "description"), p.get("description"))
        if form:
            body = self._form_body(form, op)
        return params, body

    def _form_body(self, form: list[Node], op: dict[str, Any]) -> Body:
        """A Swagger 2 body given as ``formData`` parameters, one field each."""
        fields: list[SchemaField] = []
        for pdoc, pptr, p in form:
            type_text, nullable = type_of(p)
            fields.append(
                build(
                    SchemaField,
                    path=str(p.get("name")),
                    name=str(p.get("name")),
                    type=type_text,
                    format=text_format(p),
                    required=bool(p.get("required")),
                    nullable=nullable,
                    enum=str_list(p.get("enum")),
                    sensitive=p.get("format") == "password"
                    or is_sensitive_name(str(p.get("name"))),
                    constraints=constraints(p),
                    description=trim(p.get("description")),
                    source=self.walk.src(pdoc, pptr),
                )
            )
        return build(
            Body,
            content_types=self._consumes(op) or ["application/x-www-form-urlencoded"],
            required=any(f.required for f in fields),
            fields=fields,
            source=self.walk.src(form[0].doc, form[0].ptr),
        )

    def _consumes(self, op: dict[str, Any]) -> list[str]:
        return str_list(op.get("consumes") or self.walk.data.get("consumes"))

    def _produces(self, op: dict[str, Any]) -> list[str]:
        return str_list(op.get("produces") or self.walk.data.get("produces"))

    # -- bodies -------------------------------------------------------------------------------
    def request_body(self, doc: StructuredDocument, ptr: str, raw: Any) -> Body | None:
        got = self.walk.deref(doc, ptr, raw)
        if got is None or not isinstance(got.value, dict):
            return None
        bdoc, bptr, rb = got
        return self.body_from_content(bdoc, bptr, rb, required=bool(rb.get("required")))

    def body_from_content(
        self, doc: StructuredDocument, ptr: str, node: dict[str, Any], *, required: bool = False
    ) -> Body | None:
        """The body of a ``content`` map: its JSON media type's schema when there is one."""
        content = node.get("content")
        if not isinstance(content, dict) or not content:
            return None
        types = [str(t) for t in content]
        with_schema = [t for t in types if isinstance(content[t], dict) and "schema" in content[t]]
        chosen = next((t for t in with_schema if "json" in t), None)
        chosen = chosen or next(iter(with_schema), None)
        if chosen is None:
            return build(
                Body,
                content_types=types,
                required=required,
                source=self.walk.src(doc, join(ptr, "content")),
            )
        schema_ptr = join(ptr, "content", chosen, "schema")
        return self.body_from_schema(
            Node(doc, schema_ptr, content[chosen]["schema"]),
            types,
            anchor=(doc, join(ptr, "content")),
            required=required,
        )

    def body_from_schema(
        self,
        schema: Node,
        content_types: list[str],
        *,
        anchor: tuple[StructuredDocument, str],
        required: bool = False,
    ) -> Body:
        """A body of ``schema``, cited at ``anchor`` (its media type map or parameter)."""
        fields: list[SchemaField] = []
        refs: list[str] = []
        doc, ptr, value = schema
        if isinstance(value, dict):
            got = self.walk.deref(doc, ptr, value) if "$ref" in value else None
            if got is not None and self.schemas.is_component(*got):
                # A named schema is flattened once into Facts.schemas and linked from here.
                refs.append(self.schemas.link(*got))
            else:
                self.schemas.flatten(
                    doc,
                    ptr,
                    value,
                    "",
                    fields,
                    depth=0,
                    ancestry=frozenset(),
                    root=True,
                    links=refs,
                )
        return build(
            Body,
            content_types=content_types,
            required=required,
            fields=fields,
            refs=refs,
            source=self.walk.src(*anchor),
        )

    # -- responses ----------------------------------------------------------------------------
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
            got = self.walk.deref(doc, join(ptr, status), resp)
            if got is None or not isinstance(got.value, dict):
                out.append(
                    build(Response, status=status, source=self.walk.src(doc, join(ptr, status)))
                )
                continue
            response = self._response(status, got, op, key)
            out.append(response)
            if status in ("429", "503"):
                detail = f"{status}: {response.description}" if response.description else status
                self.evidence.rate_limits.append(
                    build(
                        RateLimitEvidence,
                        kind="status",
                        detail=trim(detail, 300) or status,
                        operation=key,
                        source=response.source,
                    )
                )
            else:
                self.evidence.text(
                    key,
                    got.doc,
                    join(got.ptr, "description"),
                    got.value.get("description"),
                    rate_only=True,
                )
        return out

    def _response(self, status: str, got: Node, op: dict[str, Any], key: str | None) -> Response:
        rdoc, rptr, r = got
        body: Body | None
        if self.walk.v2:
            schema = r.get("schema")
            body = (
                self.body_from_schema(
                    Node(rdoc, join(rptr, "schema"), schema),
                    self._produces(op),
                    anchor=(rdoc, rptr),
                )
                if schema is not None
                else None
            )
        else:
            body = self.body_from_content(rdoc, rptr, r)
        return build(
            Response,
            status=status,
            description=trim(r.get("description")),
            body=body,
            headers=self._headers(rdoc, rptr, r.get("headers"), key),
            source=self.walk.src(rdoc, rptr),
        )

    def _headers(
        self, doc: StructuredDocument, ptr: str, declared: Any, key: str | None
    ) -> list[Header]:
        headers: list[Header] = []
        for hname, h in (declared if isinstance(declared, dict) else {}).items():
            hptr = join(ptr, "headers", hname)
            hgot = self.walk.deref(doc, hptr, h)
            hval = hgot.value if hgot and isinstance(hgot.value, dict) else {}
            raw_schema = hval.get("schema")
            hschema: dict[str, Any] = raw_schema if isinstance(raw_schema, dict) else hval
            header = build(
                Header,
                name=str(hname),
                type=type_of(hschema)[0],
                description=trim(hval.get("description")),
                source=self.walk.src(doc, hptr),
            )
            headers.append(header)
            if RATE_HEADER.search(header.name):
                self.evidence.rate_limits.append(
                    build(
                        RateLimitEvidence,
                        kind="header",
                        detail=header.name,
                        operation=key,
                        source=header.source,
                    )
                )
        return headers

    # -- webhooks -----------------------------------------------------------------------------
    def webhook(self, name: str, pointer: str, raw: Any) -> list[Webhook]:
        got = self.walk.deref(self.walk.doc, pointer, raw)
        if got is None or not isinstance(got.value, dict):
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
                    source=self.walk.src(doc, optr),
                )
            )
        return out
