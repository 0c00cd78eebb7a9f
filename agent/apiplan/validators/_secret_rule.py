"""Rule 3 (blueprint side): no credential-shaped value in anything apiplan outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._secrets import find_secrets
from ._finding import finding

if TYPE_CHECKING:
    from ..schemas import Blueprint, Finding


def check_blueprint_secrets(bp: Blueprint) -> list[Finding]:
    text = bp.model_dump_json(indent=1)
    out: list[Finding] = []
    for hit in find_secrets(text):
        out.append(
            finding(
                "secret-exposure",
                "high",
                f"a {hit.kind} ({hit.masked}) appears in the blueprint",
                "remove it; refer to the secret by name, never by value",
                f"blueprint JSON line {hit.line}",
            )
        )
    return out
