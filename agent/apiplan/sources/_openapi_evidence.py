"""Evidence about rate limits, idempotency and retries, read from descriptions, headers,
extensions and request-body field names of an OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

from ..schemas import (
    Body,
    IdempotencyEvidence,
    Parameter,
    RateLimitEvidence,
    RetryGuidance,
    SchemaField,
    Source,
)
from ._document import StructuredDocument
from ._guidance import retry_advice
from ._openapi_schema import SchemaFlattener
from ._openapi_text import (
    DEDUP_FIELD,
    IDEMPOTENCY,
    RATE_HEADER,
    RATE_TEXT,
    matching_sentences,
    sentences_matching,
    trim,
)
from ._openapi_walk import Walk
from ._pointer import join

_RATE_EXTENSION = re.compile(r"rate|throttl", re.I)


class Evidence:
    """Collects the evidence lists of ``Facts`` while the operations are read."""

    walk: Walk
    rate_limits: list[RateLimitEvidence]
    idempotency: list[IdempotencyEvidence]
    retry_guidance: list[RetryGuidance]

    def __init__(self, walk: Walk) -> None:
        self.walk = walk
        self.rate_limits = []
        self.idempotency = []
        self.retry_guidance = []

    def text(
        self,
        key: str | None,
        doc: StructuredDocument,
        ptr: str,
        text: Any,
        *,
        rate_only: bool = False,
    ) -> None:
        """Rate-limit, retry and idempotency sentences of one description."""
        if not isinstance(text, str):
            return
        src: Source | None = None
        for sentence in matching_sentences(text, RATE_TEXT):
            src = src or self.walk.src(doc, ptr)
            self.rate_limits.append(
                RateLimitEvidence(kind="text", detail=sentence, operation=key, source=src)
            )
        if rate_only:
            return
        advice = retry_advice(text)
        if advice:
            src = src or self.walk.src(doc, ptr)
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
        for sentence in matching_sentences(text, IDEMPOTENCY):
            src = src or self.walk.src(doc, ptr)
            self.idempotency.append(
                IdempotencyEvidence(kind="text", detail=sentence, operation=key, source=src)
            )

    def body_parameter_text(self, key: str, doc: StructuredDocument, ptr: str, text: Any) -> None:
        """Idempotency sentences of a Swagger 2 body parameter's description."""
        for s in sentences_matching(text, IDEMPOTENCY):
            self.idempotency.append(
                IdempotencyEvidence(
                    kind="text",
                    detail=s,
                    operation=key,
                    source=self.walk.src(doc, join(ptr, "description")),
                )
            )

    def extensions(
        self, key: str | None, doc: StructuredDocument, ptr: str, node: dict[str, Any]
    ) -> None:
        """``x-`` extensions about rate limits (``x-rateLimit``, ``x-throttling-tier``)."""
        for name, value in node.items():
            if isinstance(name, str) and name.startswith("x-") and _RATE_EXTENSION.search(name):
                shown = value if isinstance(value, str | int | float) else type(value).__name__
                self.rate_limits.append(
                    RateLimitEvidence(
                        kind="extension",
                        detail=trim(f"{name}: {shown}", 300) or name,
                        operation=key,
                        source=self.walk.src(doc, join(ptr, name)),
                    )
                )

    def header_parameters(self, key: str, params: list[Parameter]) -> None:
        """Idempotency-key and rate-limit request headers."""
        for p in params:
            if p.location == "header" and IDEMPOTENCY.search(p.name):
                self.idempotency.append(
                    IdempotencyEvidence(
                        kind="header", detail=p.name, operation=key, source=p.source
                    )
                )
            if p.location == "header" and RATE_HEADER.search(p.name):
                self.rate_limits.append(
                    RateLimitEvidence(kind="header", detail=p.name, operation=key, source=p.source)
                )

    def dedup_fields(self, key: str, body: Body | None, schemas: SchemaFlattener) -> None:
        """A client-chosen dedup/idempotency key in the request body makes a retried call safe."""
        if body is None:
            return
        fields: list[SchemaField] = list(body.fields)
        for ref in body.refs:
            if ref in schemas.schemas:
                fields += schemas.schemas[ref].fields
                continue
            for doc, ptr, value in schemas.queued(ref):
                if not isinstance(value, dict):
                    continue
                for name in value.get("properties") or {}:
                    if DEDUP_FIELD.match(str(name)):
                        self.idempotency.append(
                            IdempotencyEvidence(
                                kind="field",
                                detail=str(name),
                                operation=key,
                                source=self.walk.src(doc, join(ptr, "properties", name)),
                            )
                        )
        for f in fields:
            if "." not in f.path and DEDUP_FIELD.match(f.name or f.path):
                self.idempotency.append(
                    IdempotencyEvidence(kind="field", detail=f.path, operation=key, source=f.source)
                )
