"""The deliverable's error map: per operation, what each failure is and what the client does.

One row per documented error status (its class, action, whether it is retried, what to log),
plus the failures every call has whatever the docs say: errors reported inside a 200 body,
outcomes the docs describe, timeouts, malformed bodies and statuses the docs do not list.
"""

from __future__ import annotations

from ..schemas import ErrorRow, Operation, RetryPolicy, SchemaField
from ._common import (
    PlanInput,
    advice_for,
    body_fields,
    classify,
    error_responses,
    plain,
    response_header,
    row,
)
from ._outcomes import outcome_rows

ERROR_ACTIONS = {
    "validation": "Do not retry. Raise ValidationError with the documented error fields; fix the request.",
    "auth": "Do not retry. Raise AuthError; check the credential (expired, revoked, wrong environment) and alert.",
    "permission": "Do not retry. Raise PermissionError naming the missing permission or scope.",
    "not-found": "Do not retry. Raise NotFoundError (or return None where absence is normal).",
    "conflict": "Do not retry. Raise ConflictError; re-read the resource and decide (reconcile).",
    "client": "Do not retry. Raise ClientError with status and body; this is a bug or a contract change.",
    "throttled": "Wait for Retry-After (capped) or backoff, then retry within the policy; count it.",
    "transient": "Retry with backoff within the policy's attempts and deadline.",
    "server": "Retry only if the operation is safe to repeat; otherwise raise ServerError and reconcile.",
    "unspecified": "Parse the documented error body; classify 4xx as client errors (no retry) and 5xx as "
    "server errors (retry only if safe); raise ApiError with status and error code.",
}


def _error_fields(inp: PlanInput, op: Operation) -> list[str]:
    """Field names of the documented error bodies worth logging (codes, messages, ids)."""
    names: list[str] = []
    for r in error_responses(op, inp.facts):
        for f in body_fields(inp.facts, r):
            leaf = f.name or f.path
            if "." not in f.path and leaf not in names and not f.sensitive:
                low = leaf.lower()
                if any(
                    k in low for k in ("code", "error", "message", "type", "id", "status", "detail")
                ):
                    names.append(leaf)
    return names[:6]


def _ok_flag(inp: PlanInput, op: Operation) -> tuple[SchemaField, SchemaField | None] | None:
    """Slack-style errors in a 200 body: a boolean `ok` (or `success`) and an `error` field."""
    found: tuple[SchemaField, SchemaField | None] | None = None
    for r in op.responses:
        fields = body_fields(inp.facts, r)
        flag = next(
            (f for f in fields if f.path in ("ok", "success") and f.type == "boolean"), None
        )
        if flag is not None:
            err = next((f for f in fields if f.path in ("error", "errors")), None)
            if err is not None:
                return flag, err  # the failure shape (Slack's default response) says most
            found = found or (flag, None)
    return found


def _safe_action(cls: str, retry: bool) -> str:
    """The server-error action of an operation known to be safe to repeat: the decision, not
    'retry only if safe' (the plan-consistency rule fails a safe operation worded that way)."""
    if cls == "unspecified":
        return (
            "Parse the documented error body; a 4xx is a client error (no retry), a 5xx a server "
            "error retried within the policy (the call is safe to repeat); raise ApiError with "
            "status and error code."
        )
    if retry:
        return "Retry with backoff within the policy (the call is safe to repeat); then raise ServerError."
    return "Do not retry this status: raise ServerError with status and body."


def error_map(inp: PlanInput, policies: dict[str, RetryPolicy]) -> list[ErrorRow]:
    rows: list[ErrorRow] = []
    for op in inp.operations:
        policy = policies[op.key]
        safe = policy.idempotent
        base_log = ["operation", "status", "attempt", "elapsed_ms"]
        req_id = response_header(op, r"request[-_]?id|trace[-_]?id")
        log = list(
            dict.fromkeys(base_log + ([req_id[0]] if req_id else []) + _error_fields(inp, op))
        )
        for r in error_responses(op, inp.facts):
            cls, transient = classify(r.status)
            retry = (transient and (safe or r.status == "429")) or (
                cls == "server" and safe and r.status in ("500", "5XX")
            )
            action = ERROR_ACTIONS.get(cls, ERROR_ACTIONS["unspecified"])
            if safe and cls in ("server", "unspecified"):
                action = _safe_action(cls, retry)
            if cls == "server" and not safe:
                action = "Do not resend automatically (the request may have been acted on): raise ServerError, then reconcile by reading the resource before any resend."
            if transient and not safe and r.status != "429":
                action = "Do not resend automatically: the request may have been acted on. Raise, then reconcile."
            if r.status == "429":
                ra = response_header(op, r"^retry-after$")
                action = (
                    f"Wait `{ra[0]}` seconds (capped at {policy.retry_after_ceiling_seconds:g} s), then retry within the policy; count throttling."
                    if ra
                    else f"Back off (Retry-After if present, capped at {policy.retry_after_ceiling_seconds:g} s), then retry within the policy."
                )
            advice = advice_for(inp.facts, op, r.status)
            if advice is not None and advice.retry is not None:
                retry = advice.retry
                action = (
                    "Retry with backoff within the policy: the docs say so."
                    if advice.retry
                    else "Do not retry (the docs say so). " + action.removeprefix("Do not retry. ")
                )
            desc = plain((r.description or "").strip().split("\n")[0])[:160]
            text = f"{op.key} → {r.status}" + (f": {desc}" if desc else "")
            rows.append(
                row(
                    op.key,
                    r.status,
                    cls,
                    action,
                    bool(retry),
                    log,
                    text,
                    r.source,
                    advice.source if advice is not None and advice.retry is not None else None,
                )
            )
        flag = _ok_flag(inp, op)
        if flag is not None:
            ok, err = flag
            codes = (
                f" Documented error codes: {', '.join(err.enum[:12])}{' …' if len(err.enum) > 12 else ''}."
                if err and err.enum
                else ""
            )
            throttle = [
                e for e in (err.enum if err else []) if "rate" in e.lower() and "limit" in e.lower()
            ]
            if throttle:
                codes += f" `{throttle[0]}` is throttling: back off and retry within the policy, like a 429."
            rows.append(
                row(
                    op.key,
                    f"200 with {ok.path}: false",
                    "error-in-body",
                    f"Check `{ok.path}` on every response before using it; on false raise ApiError with "
                    f"`{err.path if err else ok.path}`; never treat HTTP 200 as success alone.{codes}",
                    False,
                    list(dict.fromkeys(log + ([err.path] if err else []))),
                    f"{op.key} reports failures inside a 200 body (`{ok.path}`).",
                    ok.source,
                    err.source if err else None,
                )
            )
        rows += outcome_rows(inp, op, log)
        if not error_responses(op, inp.facts):
            rows.append(
                row(
                    op.key,
                    "any non-2xx",
                    "undocumented",
                    "The docs list no error response: raise ApiError with status and raw body (truncated, "
                    "redacted); 4xx are not retried, 5xx only if the call is safe to repeat.",
                    False,
                    log,
                    f"{op.key} documents no error responses.",
                    op.source,
                )
            )
        network = advice_for(inp.facts, op, "network")
        net_retry = safe or bool(network and network.retry)
        rows.append(
            row(
                op.key,
                "timeout",
                "transient",
                (
                    "Retry within the policy"
                    + (
                        " (the docs say retry network errors)."
                        if network and network.retry
                        else " (the call is safe to repeat)."
                    )
                    if net_retry
                    else "Connect timeout: retry (nothing was sent). Read timeout: do not resend; raise "
                    "OutcomeUnknownError and reconcile."
                ),
                net_retry,
                log,
                f"{op.key}: connect or read timeout.",
                network.source if network else None,
                assume="network failures are not in the docs; every call has them",
            )
        )
        rows.append(
            row(
                op.key,
                "malformed body",
                "server",
                "Raise SchemaDriftError with the status and the first 200 characters (redacted); do not retry a 2xx.",
                False,
                log,
                f"{op.key}: a response that is not the documented media type or not parseable.",
                assume="the docs describe valid bodies only",
            )
        )
    if inp.operations:
        rows.append(
            row(
                "*",
                "any status not listed",
                "undocumented",
                "Treat an undocumented 4xx as a client error (no retry) and an undocumented 5xx as a server "
                "error (retry only if safe); log status and a redacted body excerpt, count it, and raise: never pass it as success.",
                False,
                ["operation", "status", "attempt", "body_excerpt_redacted"],
                "Statuses the docs do not list for these operations.",
                assume="the API may answer with statuses it does not document",
            )
        )
    return rows


__all__ = ["ERROR_ACTIONS", "error_map"]
