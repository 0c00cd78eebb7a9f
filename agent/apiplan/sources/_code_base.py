"""Shared ground of the Python code reader: library names, the per-file clock, source lines,
and the analyser's state with the HTTP clients it recognises.

The reader is split along its seams: this base, the call recorder (``_code_calls``, with its
per-function index ``_code_scope`` and the body parses of ``_code_body``), the retry finder
(``_code_retries``), credentials (``_code_secrets``), the analyser that ties them together
(``_code_py``) and the line scans for JavaScript and curl (``_code_scan``).
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Iterator

from .._constants import CODE_READ_BUDGET_SECONDS
from .._secrets import redact
from ..schemas import CodeFile, Source

HTTP_VERBS = {
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "send",
    "stream",
    "urlopen",
}
LIB_MODULES = {"requests", "httpx", "aiohttp", "urllib3", "urllib"}
CLIENT_CTORS = {
    "Session": "requests",
    "Client": "httpx",
    "AsyncClient": "httpx",
    "ClientSession": "aiohttp",
    "PoolManager": "urllib3",
    "HTTPConnectionPool": "urllib3",
    "HTTPSConnectionPool": "urllib3",
}
# Library defaults when no timeout is passed: httpx 5 s, aiohttp 300 s total; requests, urllib and
# urllib3 wait forever.
DEFAULT_TIMEOUT = {
    "httpx": True,
    "aiohttp": True,
    "requests": False,
    "urllib3": False,
    "urllib": False,
}


def src(path: str, node: ast.AST, lines: list[str]) -> Source:
    line = getattr(node, "lineno", None)
    text = lines[line - 1].strip()[:200] if line and line <= len(lines) else None
    return Source(document=path, line=line, text=redact(text) if text else None)


class OutOfTime(Exception):
    """The time budget of one file is spent."""


class Clock:
    """The time budget of one file: ``tick()`` raises once it is spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise OutOfTime


def out_of_time_warning(seconds: float) -> str:
    return (
        f"reading stopped after {seconds:g} s (the time budget per file): what was found up to "
        "there is kept, the rest of the file was not checked"
    )


def last_name(func: ast.AST) -> str | None:
    """The called name a same-file function could have: ``f`` in ``f(x)`` or ``self.f(x)``."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


class AnalyzerBase:
    """What every part of the Python analyser shares: the file, its clients and its clock."""

    def __init__(self, path: str, text: str, *, seconds: float = CODE_READ_BUDGET_SECONDS) -> None:
        self.path = path
        self.text = text
        self.lines = text.splitlines()
        self.file = CodeFile(path=path, language="python", sha256="")
        self.clients: dict[str, str] = {}  # receiver text -> library
        self.client_timeouts: set[str] = set()
        self.imports: set[str] = set()
        self.functions: dict[str, ast.AST] = {}
        self._none_attrs: set[str] | None = None
        self._helper_checks: dict[str, bool] = {}
        self._helper_text: dict[str, str] = {}
        self._helper_calls_http: dict[str, bool] = {}
        # Functions that pass their **kwargs on to an HTTP call: name -> (library, method).
        self.forwarders: dict[str, tuple[str, str | None]] = {}
        self.clock = Clock(seconds)
        self.stopped = False  # the time budget ran out

    # -- clients ---------------------------------------------------------------------------------
    def _ctor_library(self, call: ast.AST) -> str | None:
        if isinstance(call, ast.IfExp):
            return self._ctor_library(call.body) or self._ctor_library(call.orelse)
        if isinstance(call, ast.BoolOp):
            for v in call.values:
                lib = self._ctor_library(v)
                if lib:
                    return lib
            return None
        if not isinstance(call, ast.Call):
            return None
        name = ast.unparse(call.func)
        last = name.rsplit(".", 1)[-1]
        if last in CLIENT_CTORS and (
            name.split(".")[0] in LIB_MODULES or f"@ctor:{name}" in self.clients
        ):
            return CLIENT_CTORS[last]
        return None

    def _find_clients(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            self.clock.tick()
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value
                if value is None:
                    continue
                lib = self._ctor_library(value)
                for t in targets:
                    tname = ast.unparse(t)
                    if lib:
                        self.clients[tname] = lib
                        call = value if isinstance(value, ast.Call) else None
                        if call is not None and any(k.arg == "timeout" for k in call.keywords):
                            self.client_timeouts.add(tname)
                    if tname.endswith(".timeout") and not (
                        isinstance(value, ast.Constant) and value.value is None
                    ):
                        self.client_timeouts.add(tname.rsplit(".", 1)[0])
            elif isinstance(node, ast.With | ast.AsyncWith):
                for item in node.items:
                    lib = self._ctor_library(item.context_expr)
                    if lib and item.optional_vars is not None:
                        name = ast.unparse(item.optional_vars)
                        self.clients[name] = lib
                        if isinstance(item.context_expr, ast.Call) and any(
                            k.arg == "timeout" for k in item.context_expr.keywords
                        ):
                            self.client_timeouts.add(name)
            elif isinstance(node, ast.arg) and node.annotation is not None:
                ann = ast.unparse(node.annotation)
                for ctor, lib in CLIENT_CTORS.items():
                    if re.search(rf"\b{ctor}\b", ann) and (lib in ann or lib in self.imports):
                        self.clients.setdefault(node.arg, lib)

    def _call_library(self, call: ast.Call) -> tuple[str, str, str] | None:
        """(library, method, receiver) when ``call`` is an outbound HTTP call."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        verb = func.attr
        if verb not in HTTP_VERBS:
            return None
        receiver = ast.unparse(func.value)
        root = receiver.split(".")[0]
        if receiver in ("requests", "httpx", "urllib3") and root in self.imports:
            return receiver, verb, receiver
        if receiver == "urllib.request" and verb == "urlopen":
            return "urllib", "GET", receiver
        lib = self.clients.get(receiver)
        if lib is None and re.search(
            r"session|client|http|pool", receiver.rsplit(".", 1)[-1], re.I
        ):
            libs = sorted(self.imports & {"requests", "httpx", "aiohttp", "urllib3"})
            lib = libs[0] if len(libs) == 1 else None
        if lib is None:
            return None
        return lib, verb, receiver

    def _calls_http(self, root: ast.AST) -> bool:
        return any(isinstance(n, ast.Call) and self._call_library(n) for n in ast.walk(root))

    def _own_nodes(self, scope: ast.AST) -> Iterator[ast.AST]:
        """Nodes of a scope, not descending into nested functions."""
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
            ):
                stack.extend(ast.iter_child_nodes(node))

    @staticmethod
    def _none_default_params(fn: ast.AST) -> set[str]:
        args = getattr(fn, "args", None)
        if args is None:
            return set()
        out = set()
        positional = args.posonlyargs + args.args
        for arg, default in zip(
            positional[len(positional) - len(args.defaults) :], args.defaults, strict=False
        ):
            if isinstance(default, ast.Constant) and default.value is None:
                out.add(arg.arg)
        for arg, kwdefault in zip(args.kwonlyargs, args.kw_defaults, strict=False):
            if isinstance(kwdefault, ast.Constant) and kwdefault.value is None:
                out.add(arg.arg)
        return out
