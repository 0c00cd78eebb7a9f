"""How HTTP calls travel through client code: ``functools.partial``, ``**kwargs`` wrappers, and
retry loops that fall off the end of their function.

Pure ``ast`` helpers for the code reader: they find shapes, the reader decides what they mean.
"""

from __future__ import annotations

import ast
import re

# A loop whose condition reads a status keeps going while the status is the one it retries; it
# ends on any other status, good or bad.
_STATUS_TEST = re.compile(r"status|\b429\b|\b5\d\d\b")


def partial_target(call: ast.Call) -> ast.Call | None:
    """``partial(requests.patch, url, timeout=t)`` as the call it stands for, else None."""
    func = call.func
    is_partial = (isinstance(func, ast.Name) and func.id == "partial") or (
        isinstance(func, ast.Attribute)
        and func.attr == "partial"
        and ast.unparse(func.value) == "functools"
    )
    if not is_partial or not call.args or not isinstance(call.args[0], ast.Attribute):
        return None
    target = ast.Call(func=call.args[0], args=call.args[1:], keywords=call.keywords)
    return ast.copy_location(target, call)


def forwards_kwargs(call: ast.Call, fn: ast.AST | None) -> bool:
    """Whether ``call`` passes on the ``**kwargs`` its enclosing function ``fn`` receives."""
    args = getattr(fn, "args", None)
    kwarg = getattr(args, "kwarg", None)
    if kwarg is None:
        return False
    return any(
        k.arg is None and isinstance(k.value, ast.Name) and k.value.id == kwarg.arg
        for k in call.keywords
    )


def passes_timeout_none(call: ast.Call) -> bool:
    """``timeout=None`` written at the call."""
    return any(
        k.arg == "timeout" and isinstance(k.value, ast.Constant) and k.value.value is None
        for k in call.keywords
    )


def _returns_value(loop: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Return)
        and n.value is not None
        and not (isinstance(n.value, ast.Constant) and n.value.value is None)
        for n in ast.walk(loop)
    )


def fall_through_loop(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.While | None:
    """The status-driven retry loop that ends ``fn`` when leaving it returns an implicit None.

    ``while r.status_code == 429: ...; if r.status_code == 200: return r`` returns the response
    on success, but when the status turns into anything else (a 500, a 403) the loop ends, the
    function ends, and the caller gets None instead of a response or an error.
    """
    if not fn.body:
        return None
    last = fn.body[-1]
    if not isinstance(last, ast.While) or last.orelse:
        return None
    if not _STATUS_TEST.search(ast.unparse(last.test)):
        return None
    return last if _returns_value(last) else None


__all__ = ["fall_through_loop", "forwards_kwargs", "partial_target", "passes_timeout_none"]
