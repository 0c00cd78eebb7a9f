"""Hard-coded credentials in Python code: detector hits anywhere in the text, and string
constants assigned to secret-named variables.

A constant that holds the *name* of an environment variable (``API_KEY_ENV = "ACME_API_KEY"``,
then ``os.environ[API_KEY_ENV]``) is where the credential is read from, not the credential: it is
left out when the constant is used as a key into the environment, or when its value is written
the way environment variables are named (upper case words joined by underscores).
"""

from __future__ import annotations

import ast
import re

from .._secrets import entropy, find_secrets
from ..schemas import SecretEvidence, Source
from ._code_base import Clock

_SECRET_NAME = re.compile(
    r"(api_?key|apikey|secret|token|passw(or)?d|auth|credential|routing_key|private_key)", re.I
)
# ACME_API_KEY, PAGERDUTY_ROUTING_KEY_V2: words of capitals (a few digits at most), underscores.
_ENV_NAME = re.compile(r"[A-Z][A-Z]*\d{0,3}(?:_[A-Z0-9][A-Z]*\d{0,3})+")
_ENV_READERS = frozenset({"getenv", "environ", "getenvb"})
# Readers of settings by name: os.environ.get/pop/setdefault, and env("NAME") style helpers.
_ENV_METHODS = frozenset({"get", "pop", "setdefault", "__getitem__"})


def _env_keys(tree: ast.AST) -> set[str]:
    """Names (variables and attributes) used as keys into the environment."""

    def reads_env(node: ast.AST) -> bool:
        text = ast.unparse(node)
        return text.rsplit(".", 1)[-1] in _ENV_READERS

    out: set[str] = set()
    for node in ast.walk(tree):
        key: ast.AST | None = None
        if isinstance(node, ast.Subscript) and reads_env(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if reads_env(func) or (
                isinstance(func, ast.Attribute)
                and func.attr in _ENV_METHODS
                and reads_env(func.value)
            ):
                key = node.args[0]
        if isinstance(key, ast.Name | ast.Attribute):
            out.add(ast.unparse(key).rsplit(".", 1)[-1])
    return out


def is_env_name(value: str) -> bool:
    """Whether ``value`` is written like an environment variable's name, not like a key."""
    return _ENV_NAME.fullmatch(value) is not None


def _constants(tree: ast.AST) -> list[tuple[ast.stmt, list[str], str]]:
    """String constants assigned to names: (statement, target names, value)."""
    out: list[tuple[ast.stmt, list[str], str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            out.append((node, [ast.unparse(t) for t in targets], value.value))
    return out


def hard_coded_secrets(path: str, text: str, tree: ast.AST, clock: Clock) -> list[SecretEvidence]:
    """Credential-shaped values and secret-named string constants, each line once."""
    env_keys = _env_keys(tree)
    constants = _constants(tree)
    # Values that name an environment variable: never reported, whoever finds them.
    env_values = {
        value
        for _, names, value in constants
        if is_env_name(value) or any(n.rsplit(".", 1)[-1] in env_keys for n in names)
    }
    out: list[SecretEvidence] = []
    seen_lines: set[int] = set()
    for hit in find_secrets(text):
        clock.tick()
        if hit.value in env_values:
            continue
        seen_lines.add(hit.line)
        out.append(
            SecretEvidence(
                kind=hit.kind, masked=hit.masked, source=Source(document=path, line=hit.line)
            )
        )
    for node, names, value in constants:
        clock.tick()
        if len(value) < 8 or node.lineno in seen_lines or value in env_values:
            continue
        if entropy(value) < 3.0 or " " in value or "{" in value:
            continue
        for name in names:
            if _SECRET_NAME.search(name):
                out.append(
                    SecretEvidence(
                        kind="credential",
                        masked=f"{value[:2]}…({len(value)} chars)",
                        name=name,
                        source=Source(document=path, line=node.lineno),
                    )
                )
    return out


__all__ = ["hard_coded_secrets", "is_env_name"]
