"""Meaning the schemas carry beyond names and types, derived once from the merged facts.

Three kinds of typed facts, each citing the field, response or operation it is read from:
dedup/idempotency fields of request bodies, outcome-carrying fields of response bodies (errors
inside a 2xx, partial success) and markers of asynchronous completion; plus documented size
limits quoted from descriptions. The rules are about words and schema shapes, never about one API,
so that documents nobody has seen are read the same way.
"""

from __future__ import annotations

import re
from typing import Literal

from ..schemas import (
    AsyncMarker,
    BodyOutcome,
    Facts,
    IdempotencyEvidence,
    Operation,
    Response,
    SchemaField,
    SizeLimit,
    Source,
)
from ._cite import build

_STRONG_DEDUP = re.compile(
    r"dedup|idempot|insertid|nonce$|clientorderid|clientrequestid|clienttoken|"
    r"clienttransactionid|clientmsgid|clientmessageid|uniquerequest"
)
"""Normalised names (lower case, letters and digits only) that only exist to make a repeat safe."""
_WEAK_DEDUP = re.compile(
    r"(?:external|event|transaction|reference|request|unique|message|order|payment|client)"
    r"(?:id|ref|reference|idempotencyid)$|^alias$|^reference$"
)
"""Names that make a repeat safe only when their description (or a 409) says duplicates are caught."""
_DUP_WORDS = re.compile(
    r"duplicat\w*|dedup\w*|idempot\w*|\bonly once\b|already (?:been )?(?:sent|received|processed|"
    r"created|exists?)|same (?:value|key|id)\b[^.]{0,60}\b(?:ignored|returned|rejected|once)",
    re.I,
)
_NOT_DEDUP = re.compile(
    r"must not contain duplicat|may contain duplicat|duplicated? (?:entries|fields?)", re.I
)
"""'Must not contain duplicates' is a list constraint, not request deduplication."""

_FLAG_NAMES = re.compile(
    r"^(?:ok|success|successful|succeeded|issuccess|accepted|routed|delivered|processed|valid|"
    r"isvalid|completed|iscompleted)$"
)
"""Booleans whose false, in a success body, means the call did not do what was asked."""
_STATUS_NAMES = re.compile(r"status|state|result|outcome|disposition")
_FAILURE_VALUES = re.compile(
    r"fail|error|reject|refus|denied|declin|invalid|undeliver|expired|abort|bounce|"
    r"dropped|blocked|unsuccess",
    re.I,
)
# 'created', 'new', 'received' and 'cancelled' are states of a resource's life, not the outcome of
# the call that answered them: a created shipment is done, a cancelled one was cancelled later.
_PENDING_VALUES = re.compile(
    r"^(?:pending|queued|processing|in[_ -]?progress|running|accepted|submitted|scheduled|"
    r"sending|waiting|started|validating|finalizing|not[_ -]?started|"
    r"in[_ -]?queue|requires[_ -]\w+)$",
    re.I,
)
_FAILED_ITEMS = re.compile(r"^(?:failed|rejected|invalid|errored|unprocessed)\w*$")
_ERRORS = re.compile(r"^(?:errors|warnings?)$")
"""An error list inside a 2xx body: some items (or parts) of the request were not applied."""
_JOB_ID = re.compile(
    r"(?:job|task|batch|operation|process|export|import|run|build|deploy)_?id$|status_?url$|"
    r"^(?:location|poll_?url|monitor_?url)$"
)
_CALLBACK = re.compile(r"(?:callback|webhook|notify|notification)(?:url|uri)?$")
_ASYNC_WORDS = re.compile(
    r"\basynchronous\w*|processing has not (?:yet )?(?:been )?completed?|\bin the background\b|"
    r"\bqueued for\b|\bprocessed later\b|\bwill be processed\b",
    re.I,
)
_SIZE_AMOUNT = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(bytes|kb|kib|mb|mib|kilobytes|megabytes|"
    r"characters|chars)\b",
    re.I,
)
_SIZE_CONTEXT = re.compile(
    r"\b(?:max\w*|limit\w*|up to|at most|no more than|exceed\w*|size)\b", re.I
)
_UNIT_FACTOR = {"kb": 1_000, "kib": 1_024, "kilobytes": 1_000, "mb": 1_000_000, "mib": 1_048_576}
MAX_SENTENCE_CHARS = 300
"""A quoted sentence longer than this is cut: it is evidence, the source holds the rest."""


def norm(name: str) -> str:
    """'newClientOrderId', 'client_order_id' and '$insert_id' compare the same."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _leaf(f: SchemaField) -> str:
    return f.name or f.path.rsplit(".", 1)[-1].removesuffix("[]")


def _depth(f: SchemaField) -> int:
    return f.path.replace("[]", "").count(".")


def _success(op: Operation) -> list[Response]:
    return [r for r in op.responses if r.status.startswith("2")]


def _conflict_says_duplicate(op: Operation) -> bool:
    return any(r.status == "409" and _DUP_WORDS.search(r.description or "") for r in op.responses)


def _dedup_basis(f: SchemaField, op: Operation) -> Literal["name", "description"] | None:
    if f.read_only or f.enum or f.type == "boolean" or _depth(f) > 2:
        return None
    name, desc = norm(_leaf(f)), f.description or ""
    speaks = bool(_DUP_WORDS.search(desc)) and not _NOT_DEDUP.search(desc)
    if _STRONG_DEDUP.search(name):
        return "description" if speaks else "name"
    if speaks and f.type in (None, "string", "integer", "string|null", "integer|string"):
        return "description"
    if _WEAK_DEDUP.search(name) and _conflict_says_duplicate(op):
        return "description"
    return None


def dedup_fields(facts: Facts, op: Operation) -> list[IdempotencyEvidence]:
    """Request body fields that make a repeat of ``op`` safe, strongest evidence first."""
    out: list[IdempotencyEvidence] = []
    for f in facts.body_fields(op.request_body):
        basis = _dedup_basis(f, op)
        if basis is not None:
            out.append(
                build(
                    IdempotencyEvidence,
                    kind="field",
                    detail=f.path,
                    operation=op.key,
                    required=f.required,
                    basis=basis,
                    source=f.source,
                )
            )
    return sorted(out, key=lambda e: (e.basis != "description", not e.required))


def _outcome(op: Operation, r: Response, f: SchemaField) -> BodyOutcome | None:
    leaf = norm(_leaf(f))
    per_item = "[]" in f.path
    if f.type == "boolean" and _FLAG_NAMES.match(leaf):
        return build(
            BodyOutcome, operation=op.key, status=r.status, field=f.path, kind="flag",
            failure_values=["false"], per_item=per_item, source=f.source,
        )  # fmt: skip
    if f.enum and _STATUS_NAMES.search(leaf):
        failures = [v for v in f.enum if _FAILURE_VALUES.search(v)]
        pending = [v for v in f.enum if _PENDING_VALUES.match(v)]
        if failures or pending:
            return build(
                BodyOutcome, operation=op.key, status=r.status, field=f.path, kind="enum",
                failure_values=failures, pending_values=pending, per_item=per_item,
                source=f.source,
            )  # fmt: skip
    listed = _FAILED_ITEMS.match(leaf) or (r.status.startswith("2") and _ERRORS.match(leaf))
    if f.path.count(".") == 0 and (f.type or "").startswith("array") and listed:
        return build(
            BodyOutcome, operation=op.key, status=r.status, field=f.path, kind="failed-items",
            per_item=True, source=f.source,
        )  # fmt: skip
    return None


def body_outcomes(facts: Facts, op: Operation) -> list[BodyOutcome]:
    """Outcome-carrying fields of the success bodies (and of a 4xx that lists failed items)."""
    out: list[BodyOutcome] = []
    seen: set[str] = set()
    for r in op.responses:
        success = r.status.startswith("2")
        for f in facts.body_fields(r.body):
            if _depth(f) > 2 or f.path in seen:
                continue
            found = _outcome(op, r, f)
            four = r.status.startswith("4")
            if found is not None and (success or (four and found.kind == "failed-items")):
                seen.add(f.path)
                out.append(found)
    return out


def async_markers(
    facts: Facts, op: Operation, *, outcomes: list[BodyOutcome] | None = None
) -> list[AsyncMarker]:
    """Why the final outcome of ``op`` is learned later, each with its source."""
    if op.method in ("GET", "HEAD", "OPTIONS"):
        return []
    out: list[AsyncMarker] = []
    for r in op.responses:
        if r.status == "202":
            detail = (r.description or "202 Accepted").split("\n")[0][:MAX_SENTENCE_CHARS]
            out.append(
                build(
                    AsyncMarker, operation=op.key, kind="accepted", detail=detail, source=r.source
                )
            )
    for r in _success(op):
        for f in facts.body_fields(r.body):
            if "." not in f.path and _JOB_ID.search(norm(_leaf(f)).replace("id", "_id")):
                out.append(
                    build(
                        AsyncMarker, operation=op.key, kind="job-id", detail=f.path, source=f.source
                    )
                )
    for o in outcomes if outcomes is not None else body_outcomes(facts, op):
        if o.kind == "enum" and o.pending_values and not o.per_item:
            detail = f"{o.field}: {', '.join(o.pending_values[:6])}"
            out.append(
                build(
                    AsyncMarker,
                    operation=op.key,
                    kind="pending-status",
                    detail=detail,
                    source=o.source,
                )
            )
    for f in facts.body_fields(op.request_body):
        name = norm(_leaf(f))
        if "." not in f.path and _CALLBACK.search(name) and ("url" in name or "callback" in name):
            out.append(
                build(
                    AsyncMarker, operation=op.key, kind="callback", detail=f.path, source=f.source
                )
            )
    text = " ".join(x for x in (op.summary, op.description) if x)
    m = _ASYNC_WORDS.search(text[:4000])
    if m:
        start, end = _sentence_around(text[:4000], m.start(), m.end(), ".")
        sentence = " ".join(text[start:end].split())[:MAX_SENTENCE_CHARS]
        out.append(
            build(AsyncMarker, operation=op.key, kind="text", detail=sentence, source=op.source)
        )
    return out


def _sentence_around(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """The sentence holding ``text[start:end]``: from after the previous stop to the next one
    (included). Found by scanning outwards once, so a text without stops stays linear (a
    pattern such as ``[^.]*word[^.]*`` retries from every position: 100 KB took ten minutes)."""
    left = max(text.rfind(c, 0, start) for c in stops) + 1
    rights = [i for i in (text.find(c, end) for c in stops) if i >= 0]
    return left, (min(rights) + 1 if rights else len(text))


def size_limits(facts: Facts, op: Operation) -> list[SizeLimit]:
    """Byte and character limits the operation's or its body fields' descriptions state."""
    places: list[tuple[str, Source, str | None]] = [(op.description or "", op.source, None)]
    places += [
        (f.description or "", f.source, f.path) for f in facts.body_fields(op.request_body)[:200]
    ]
    out: list[SizeLimit] = []
    for text, source, field in places:
        text = text[:6000]
        done = 0
        for m in _SIZE_AMOUNT.finditer(text):
            if m.start() < done:
                continue  # one limit per sentence: the first amount in it
            start, end = _sentence_around(text, m.start(), m.end(), ".\n")
            done = end
            sentence = " ".join(text[start:end].split())[:MAX_SENTENCE_CHARS]
            if not _SIZE_CONTEXT.search(sentence):
                continue
            amount = int(float(m.group(1).replace(",", "")))
            out.append(
                build(
                    SizeLimit, operation=op.key, field=field, detail=sentence, amount=amount,
                    unit=m.group(2), source=source,
                )
            )  # fmt: skip
    return out


def derive_signals(facts: Facts) -> Facts:
    """Add dedup fields, body outcomes, async markers and size limits to ``facts`` (in place)."""
    known = {(i.operation, i.detail) for i in facts.idempotency}
    for op in facts.operations:
        for ev in dedup_fields(facts, op):
            if (op.key, ev.detail) not in known:
                facts.idempotency.append(ev)
                known.add((op.key, ev.detail))
            else:
                for i in facts.idempotency:
                    if (i.operation, i.detail) == (op.key, ev.detail):
                        i.required, i.basis = ev.required, ev.basis
        outcomes = body_outcomes(facts, op)  # once: the async markers read them too
        facts.body_outcomes += outcomes
        facts.async_markers += async_markers(facts, op, outcomes=outcomes)
        facts.size_limits += size_limits(facts, op)
    return facts


__all__ = ["derive_signals", "norm", "unit_bytes"]


def unit_bytes(limit: SizeLimit) -> int | None:
    """The limit in bytes, or None for characters and items."""
    unit = limit.unit.lower()
    if unit == "bytes":
        return limit.amount
    factor = _UNIT_FACTOR.get(unit)
    return limit.amount * factor if factor else None
