"""Names that say a value is secret: one test, shared by ingestion, the planner and the rules."""

from __future__ import annotations

import re

_SENSITIVE_NAME = re.compile(
    r"(?:^|[_\-.])(?:password|passwd|passphrase|secret|api_?key|apikey|access_token|refresh_token|"
    r"id_token|token|private_key|client_secret|credentials?|cvc|cvv|card_number|ssn|routing_key|"
    r"integration_key|service_key|secret_key|signing_secret|webhook_secret|auth_token)$",
    re.I,
)
_NOT_SENSITIVE = re.compile(r"page|cursor|pagination|count|expires|type|_url$", re.I)


def is_sensitive_name(name: str) -> bool:
    """Whether a field or parameter name looks like it carries a secret.

    A name ending in a secret word (``client_secret``, ``x_api_key``) is sensitive unless it
    names something about the secret rather than the secret (``token_type``, ``expires``).
    """
    return bool(_SENSITIVE_NAME.search(name)) and not _NOT_SENSITIVE.search(name)
