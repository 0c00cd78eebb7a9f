"""Security by meaning: sensitive data classified by what it is, with evidence, and the
least privilege the docs offer for the selected operations."""

from __future__ import annotations

import re

from ..schemas import Claim, Operation, Parameter, Source
from ._common import PlanInput, claim

_CARD = re.compile(
    r"(^|[._])(card[._]?number|pan|cvc2?|cvv2?|csc|security[._]?code|exp(iry|iration)?[._]?(month|year))$"
    r"|card.*\bnumber$",
    re.I,
)
_CARD_VERIFICATION = re.compile(r"(cvc|cvv|csc|security[._]?code)", re.I)
_PERSONAL = re.compile(
    r"(^|[._])(e[-_]?mail|phone(_number)?|mobile|to|from|address(_line\d)?|line[12]|postal_code|"
    r"zip|birth_?date|date_of_birth|dob|ssn|tax_id|first_name|last_name|full_name)$",
    re.I,
)
_PERSONAL_DESC = re.compile(
    r"\b(e-?mail address|phone number|postal address|date of birth)\b", re.I
)
_URL_TOKEN = re.compile(r"(token|secret|key|signature|sig)$", re.I)
_SIGNING = re.compile(r"\b(hmac|signature|signed|sign(?:ing)? (?:the|each|every) request)\b", re.I)
_LEAST_PRIVILEGE = re.compile(
    r"\b(restricted (?:api )?keys?|read[- ]only (?:api )?(?:keys?|tokens?|access)|"
    r"(?:sending|send)[- ]only|least privilege|limit(?:ed)? (?:the )?scopes?|minimal scopes?)\b",
    re.I,
)


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


_CLASS_TEXT = {
    "cardholder": (
        "Cardholder data",
        "never stored or logged; prefer the provider's tokenisation (a token or payment method "
        "id) so that card data never reaches your servers",
    ),
    "credential": ("Credentials", "loaded from the secret store and redacted in logs"),
    "personal": ("Personal data", "masked in logs"),
}
_FIELDS_NAMED = 6
"""Fields named per class and operation; the rest are counted."""


def classify_sensitive(path: str, description: str, sensitive: bool) -> str | None:
    """The class of data a field holds (cardholder, credential, personal), or None."""
    if _CARD.search(path):
        return "cardholder"
    if sensitive:
        return "credential"
    if _PERSONAL.search(path) or _PERSONAL_DESC.search(description):
        return "personal"
    return None


def _field_notes(inp: PlanInput, op: Operation, seen: set[str]) -> list[Claim]:
    """Card data, credentials and personal data in the request body: one note per class."""
    found: dict[str, list[tuple[str, Source]]] = {}
    for f in inp.facts.body_fields(op.request_body):
        kind = classify_sensitive(f.path, f.description or "", f.sensitive)
        if kind and f.path not in seen:
            seen.add(f.path)
            found.setdefault(kind, []).append((f.path, f.source))
    out: list[Claim] = []
    for kind, fields in found.items():
        names = ", ".join(f"`{p}`" for p, _ in fields[:_FIELDS_NAMED])
        more = f" and {len(fields) - _FIELDS_NAMED} more" if len(fields) > _FIELDS_NAMED else ""
        label, rule = _CLASS_TEXT[kind]
        text = f"{label} in the {op.key} body ({names}{more}): {rule}."
        cvc = [p for p, _ in fields if _CARD_VERIFICATION.search(_leaf(p))]
        if kind == "cardholder" and cvc:
            text += (
                f" `{cvc[0]}` comes from the cardholder for each payment: never load it from a "
                "secret store or configuration."
            )
        out.append(claim(text, *(src for _, src in fields[:3])))
    return out


def _url_secrets(op: Operation) -> list[Parameter]:
    return [
        p for p in op.parameters if p.location in ("path", "query") and _URL_TOKEN.search(p.name)
    ]


def url_secret_names(inp: PlanInput) -> list[str]:
    """Path or query parameters of the selected operations that carry a secret."""
    return [p.name for op in inp.operations for p in _url_secrets(op)]


def _url_token_notes(op: Operation) -> list[Claim]:
    """Secrets that travel in the path or query: the whole URL is then a secret."""
    return [
        claim(
            f"`{p.name}` travels in the {p.location} of {op.key}: the URL itself is a credential, "
            "so log only the path template, never the whole URL.",
            p.source,
        )
        for p in _url_secrets(op)
    ]


def _signing_notes(inp: PlanInput) -> list[Claim]:
    """A signing scheme (HMAC, signatures): the signed string is as secret as the key."""
    for s in inp.facts.security_schemes:
        if s.description and _SIGNING.search(s.description):
            return [
                claim(
                    f"{s.name} signs requests: never log the string that is signed or the signature, "
                    "and compare signatures in constant time.",
                    s.source,
                )
            ]
    return []


def _scope_note(inp: PlanInput) -> list[Claim]:
    """The scopes the selected operations require: the smallest grant that serves the goal."""
    scopes: dict[str, list[str]] = {}
    for op in inp.operations:
        for req in (op.security or [])[:1]:
            for scheme, names in req.schemes.items():
                scopes.setdefault(scheme, [])
                scopes[scheme] += [n for n in names if n not in scopes[scheme]]
    wanted = {k: v for k, v in scopes.items() if v}
    if not wanted:
        return []
    said = "; ".join(f"{k}: {', '.join(v)}" for k, v in wanted.items())
    return [
        claim(
            f"Least privilege: grant only the scopes the selected operations require ({said}), nothing broader.",
            *(op.source for op in inp.operations),
        )
    ]


def _privilege_advice(inp: PlanInput) -> list[Claim]:
    """What the docs themselves say about restricted, read-only or sending-only credentials."""
    texts: list[tuple[str, Source]] = [
        (s.description, s.source) for s in inp.facts.security_schemes if s.description
    ] + [(n.detail, n.source) for n in inp.facts.notes]
    for text, src in texts:
        if m := _LEAST_PRIVILEGE.search(text):
            read_only = all(op.method in ("GET", "HEAD") for op in inp.operations)
            use = (
                "a read-only credential"
                if read_only
                else "the narrowest credential that can call the selected operations"
            )
            return [claim(f"The docs offer {m.group(0)}: use {use}.", src)]
    return []


def sensitive_notes(inp: PlanInput, seen: set[str]) -> list[Claim]:
    """Every class of sensitive data in the selected operations, then least privilege."""
    out: list[Claim] = []
    for op in inp.operations:
        out += _url_token_notes(op)
        out += _field_notes(inp, op, seen)
    return out + _signing_notes(inp) + _scope_note(inp) + _privilege_advice(inp)
