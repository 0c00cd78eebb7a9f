"""Where client code parses a response body as JSON, and whether an empty body can reach it.

A 204 (or 205) has no body: ``json.loads(r.content)`` or ``r.json()`` on it raises, so a call
that succeeded looks like a failure to the caller (who may then repeat it). The parse is safe
when the content is checked first, when the branch it sits in requires a status with a body
(``== 200``), when an earlier branch leaves on the bodiless status, or when the parse error is
caught. Pure ``ast`` helpers: the reader turns them into facts.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

_BODY_ATTRS = frozenset({"content", "text", "body", "data", "read"})
_LOADS = frozenset({"json.loads", "loads", "orjson.loads", "ujson.loads", "simplejson.loads"})
_BODILESS = ("204", "205")
# Exceptions a JSON parse raises on an empty body (and the broad ones that include it).
_PARSE_ERRORS = re.compile(r"ValueError|JSONDecodeError|DecodeError|\bException\b|BaseException")


@dataclass
class ParseSite:
    """One parse of a response body, with what guards it."""

    node: ast.Call
    response: str
    how: str
    guarded: bool
    accepts_empty: list[str] = field(default_factory=list)
    function: str | None = None


def parsed_response(call: ast.Call) -> tuple[str, str] | None:
    """(the response as written, how) when ``call`` parses a response body as JSON."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "json" and not call.args:
        if isinstance(func.value, ast.Name | ast.Attribute):
            return ast.unparse(func.value), "json()"
        return None
    if ast.unparse(func) not in _LOADS or not call.args:
        return None
    for sub in ast.walk(call.args[0]):
        if (
            isinstance(sub, ast.Attribute)
            and sub.attr in _BODY_ATTRS
            and isinstance(sub.value, ast.Name | ast.Attribute)
        ):
            return ast.unparse(sub.value), "json.loads"
    return None


def _mentions(test: ast.AST, response: str) -> str:
    return ast.unparse(test) if response in ast.unparse(test) else ""


def _requires_body(test: str, response: str) -> bool:
    """A condition under which the body is not empty: its content is checked, or the status
    is one with a body (``== 200``, ``== 429``, ``!= 204``, ``not in (204, 205)``)."""
    esc = re.escape(response)
    if re.search(rf"\b{esc}\.(content|text|headers|body)\b", test):
        return True
    if re.search(r"!=|not in", test):
        return re.search(r"\b204\b", test) is not None
    statuses = re.findall(r"\b[1-5]\d\d\b", test)
    return bool(statuses) and not any(s in _BODILESS for s in statuses)


def _bodiless_in(test: str) -> list[str]:
    """Bodiless statuses a condition accepts as success (``in [200, 204]``, ``== 204``)."""
    if re.search(r"!=|not in", test):
        return []
    return [s for s in _BODILESS if re.search(rf"\b{s}\b", test)]


def _leaves(body: list[ast.stmt]) -> bool:
    return any(isinstance(s, ast.Return | ast.Raise | ast.Continue | ast.Break) for s in body)


def _caught(handlers: list[ast.ExceptHandler]) -> bool:
    return any(h.type is None or _PARSE_ERRORS.search(ast.unparse(h.type)) for h in handlers)


def _enclosing_guard(node: ast.AST, response: str, parents: dict[int, ast.AST]) -> bool:
    """Whether a branch or a try around ``node`` keeps an empty body from it."""
    child, parent = node, parents.get(id(node))
    while parent is not None and not isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(parent, ast.If | ast.IfExp | ast.While) and child is not parent.test:
            test = _mentions(parent.test, response)
            in_body = (
                child is parent.body
                if isinstance(parent, ast.IfExp)
                else any(child is s for s in parent.body)
            )
            if test and in_body and _requires_body(test, response):
                return True
            if test and not in_body and _bodiless_in(test):
                return True  # the else of `if r.status_code == 204:`
        if (
            isinstance(parent, ast.Try)
            and any(child is s for s in parent.body)
            and _caught(parent.handlers)
        ):
            return True
        child, parent = parent, parents.get(id(parent))
    return False


def _owner(node: ast.AST, parents: dict[int, ast.AST]) -> ast.AST | None:
    """The function (or lambda) ``node`` belongs to; None at module level."""
    parent = parents.get(id(node))
    while parent is not None and not isinstance(
        parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    ):
        parent = parents.get(id(parent))
    return parent


@dataclass
class _If:
    """An if statement, read once: where it is and what its test says about empty bodies."""

    line: int
    bodiless: list[str]  # bodiless statuses its test accepts as success
    leaves_on_empty: bool  # `if r.status_code == 204: return` / `if not r.content: return`


def _read_if(node: ast.If) -> _If:
    test = ast.unparse(node.test)
    bodiless = _bodiless_in(test)
    empty = bool(bodiless) or re.search(r"\bnot\b.*\.(content|text)\b", test) is not None
    return _If(node.lineno, bodiless, empty and _leaves(node.body))


def parse_sites(tree: ast.AST) -> list[ParseSite]:
    """Every parse of a response body in ``tree``, with its guards (each judged within the
    function it is in)."""
    parents: dict[int, ast.AST] = {}
    calls: list[tuple[ast.Call, tuple[str, str]]] = []
    if_nodes: list[ast.If] = []
    stack: list[ast.AST] = [tree]
    while stack:  # one walk: parents, parses and ifs together
        node = stack.pop()
        if isinstance(node, ast.If):
            if_nodes.append(node)
        elif isinstance(node, ast.Call) and (found := parsed_response(node)) is not None:
            calls.append((node, found))
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
            stack.append(child)
    if not calls:
        return []
    # If statements by (their function, a name or attribute their test reads): a parse finds
    # the ones about its response by lookup.
    ifs: dict[tuple[int, str], list[_If]] = {}
    for node in if_nodes:
        item = _read_if(node)
        if not item.bodiless and not item.leaves_on_empty:
            continue
        owner = id(_owner(node, parents))
        names = {
            ast.unparse(s) for s in ast.walk(node.test) if isinstance(s, ast.Name | ast.Attribute)
        }
        for name in names:
            ifs.setdefault((owner, name), []).append(item)
    out: list[ParseSite] = []
    for call, (response, how) in calls:
        owner = _owner(call, parents)
        mine = [n for n in ifs.get((id(owner), response), []) if n.line < call.lineno]
        guarded = any(n.leaves_on_empty for n in mine) or _enclosing_guard(call, response, parents)
        accepts = sorted({s for n in mine for s in n.bodiless})
        out.append(ParseSite(call, response, how, guarded, accepts, getattr(owner, "name", None)))
    return out


__all__ = ["ParseSite", "parse_sites", "parsed_response"]
