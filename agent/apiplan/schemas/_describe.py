"""Facts said in words, shared by the planner (the scope's auth claim) and the renderers."""

from __future__ import annotations

from ._security import SecurityRequirement


def requirement_text(reqs: list[SecurityRequirement] | None, origin: str = "") -> str:
    """'bearerAuth or apiKey', 'none (security: [])', or 'not stated'."""
    if origin == "explicit-none":
        return "none (security: [])"
    if reqs is None:
        return "not stated"
    alts: list[str] = []
    for r in reqs:
        if not r.schemes:
            alts.append("anonymous")
            continue
        parts = [
            f"{name}[{', '.join(scopes)}]" if scopes else name for name, scopes in r.schemes.items()
        ]
        alts.append(" + ".join(parts))
    return " or ".join(alts) or "none"
