"""Existing client code -> observations with lines.

Python is read with ``ast`` (no code is run): outbound calls and their timeouts, retry loops and
retry configurations with their bounds, status checks, swallowed exceptions, risky logging and
hard-coded credentials. JavaScript/TypeScript get a shallower line scan for fetch/axios, and curl
commands count in any file.
"""

from __future__ import annotations

import ast
import bisect
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from .._constants import CODE_READ_BUDGET_SECONDS
from .._secrets import entropy, find_secrets, redact
from ..exceptions import DocumentError
from ..schemas import (
    CodeFacts,
    CodeFile,
    ErrorHandler,
    HttpCall,
    LogStatement,
    RetryMechanism,
    SecretEvidence,
    Source,
)
from ..schemas._code import FallThrough
from ._code_flow import fall_through_loop, forwards_kwargs, partial_target, passes_timeout_none
from ._document import ReadBudget, read_text

_HTTP_VERBS = {
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
_LIB_MODULES = {"requests", "httpx", "aiohttp", "urllib3", "urllib"}
_CLIENT_CTORS = {
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
_DEFAULT_TIMEOUT = {
    "httpx": True,
    "aiohttp": True,
    "requests": False,
    "urllib3": False,
    "urllib": False,
}
_SECRET_NAME = re.compile(
    r"(api_?key|apikey|secret|token|passw(or)?d|auth|credential|routing_key|private_key)", re.I
)
_COUNTER = re.compile(r"attempt|retr|tries|count|max_|limit|_n\b|\bn\b|\bi\b", re.I)
_DEADLINE = re.compile(r"monotonic|time\.time|deadline|elapsed", re.I)
_RETRY_AFTER = re.compile(r"retry[-_ ]?after", re.I)
_SENSITIVE_LOG = {
    "headers": re.compile(r"header", re.I),
    "body": re.compile(r"\.text\b|\.content\b|\.json\b|\bbody\b|payload|\bdata\b", re.I),
    "token": re.compile(r"token|api_?key|secret|passw|auth", re.I),
    "url": re.compile(r"\burl\b", re.I),
}


def _src(path: str, node: ast.AST, lines: list[str]) -> Source:
    line = getattr(node, "lineno", None)
    text = lines[line - 1].strip()[:200] if line and line <= len(lines) else None
    return Source(document=path, line=line, text=redact(text) if text else None)


class _OutOfTime(Exception):
    """The time budget of one file is spent."""


class _Clock:
    """The time budget of one file: ``tick()`` raises once it is spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _OutOfTime


def _out_of_time_warning(seconds: float) -> str:
    return (
        f"reading stopped after {seconds:g} s (the time budget per file): what was found up to "
        "there is kept, the rest of the file was not checked"
    )


def _last_name(func: ast.AST) -> str | None:
    """The called name a same-file function could have: ``f`` in ``f(x)`` or ``self.f(x)``."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


_STATUS_ATTRS = frozenset(
    {
        "status_code",
        "status",
        "ok",
        "is_success",
        "is_error",
        "is_client_error",
        "is_server_error",
    }
)
_STATUS_HELPER = re.compile(r"raise_for_status|status_code|is_success|\.ok\b")
_OUTPUT_CALL = re.compile(r"^print$|log|logger")


class _Scope:
    """One function (or the module) indexed once, so that each call's questions cost a lookup.

    Asking them of the whole scope for every call was quadratic: 10,000 calls took minutes.
    """

    def __init__(
        self, nodes: list[ast.AST], helper_checks: Callable[[str], bool], clock: _Clock
    ) -> None:
        self.nodes = nodes
        self.assign_target: dict[int, str] = {}  # id(assigned value) -> its first target
        self.returned: set[int] = set()  # ids of returned values
        self.awaited: dict[int, ast.Await] = {}  # id(awaited value) -> the await
        self.assigns_of: dict[str, list[ast.Assign]] = {}  # any target -> assigns, in order
        self.first_targets: Counter[str] = Counter()
        checks: dict[str, list[int]] = {}
        jsons: dict[str, list[int]] = {}
        output = self._output_ids(nodes)
        for n in nodes:
            clock.tick()
            if isinstance(n, ast.Assign):
                first = ast.unparse(n.targets[0])
                self.assign_target[id(n.value)] = first
                self.first_targets[first] += 1
                for t in n.targets:
                    self.assigns_of.setdefault(ast.unparse(t), []).append(n)
            elif isinstance(n, ast.Return) and n.value is not None:
                self.returned.add(id(n.value))
            elif isinstance(n, ast.Await):
                self.awaited[id(n.value)] = n
            elif isinstance(n, ast.Attribute):
                line = getattr(n, "lineno", 0)
                if n.attr == "json":
                    jsons.setdefault(ast.unparse(n.value), []).append(line)
                elif n.attr == "raise_for_status" or (
                    n.attr in _STATUS_ATTRS and id(n) not in output
                ):
                    # Any use counts (compared, handed on in a result) except printing it.
                    checks.setdefault(ast.unparse(n.value), []).append(line)
            if isinstance(n, ast.Call) and n.args:
                name = _last_name(n.func)
                if name is not None and helper_checks(name):
                    line = getattr(n, "lineno", 0)
                    for arg in {ast.unparse(a) for a in n.args}:
                        checks.setdefault(arg, []).append(line)
        self.checks = {k: sorted(v) for k, v in checks.items()}
        self.jsons = {k: sorted(v) for k, v in jsons.items()}

    @staticmethod
    def _output_ids(nodes: list[ast.AST]) -> set[int]:
        """Nodes inside print/log calls: a status that is only printed is not checked."""
        return {
            id(sub)
            for n in nodes
            if isinstance(n, ast.Call) and _OUTPUT_CALL.search(ast.unparse(n.func))
            for sub in ast.walk(n)
        }

    @staticmethod
    def first_from(lines: list[int] | None, start: int, anywhere: bool) -> int | None:
        """The first of the sorted ``lines`` at or after ``start`` (any, when ``anywhere``)."""
        if not lines:
            return None
        if anywhere:
            return lines[0]
        i = bisect.bisect_left(lines, start)
        return lines[i] if i < len(lines) else None


class _PyAnalyzer:
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
        self.clock = _Clock(seconds)
        self.stopped = False  # the time budget ran out

    def run(self) -> CodeFile:
        try:
            tree = ast.parse(self.text, filename=self.path)
        except (SyntaxError, ValueError) as exc:
            self.file.warnings.append(
                f"not valid Python: {getattr(exc, 'msg', exc)} (line {getattr(exc, 'lineno', '?')})"
            )
            return self.file
        except (RecursionError, MemoryError):
            self.file.warnings.append("nested too deeply to read")
            return self.file
        try:
            self._analyse(tree)
        except _OutOfTime:
            self.stopped = True
            self.file.warnings.append(_out_of_time_warning(self.clock.seconds))
        except RecursionError:
            self.file.warnings.append("nested too deeply to read")
        return self.file

    def _analyse(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            self.clock.tick()
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.imports.add(a.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module:
                self.imports.add(node.module.split(".")[0])
                for a in node.names:
                    if a.name in _CLIENT_CTORS:
                        self.clients.setdefault(
                            f"@ctor:{a.asname or a.name}", _CLIENT_CTORS[a.name]
                        )
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = node
        self.file.libraries = sorted(self.imports & _LIB_MODULES)
        self._find_clients(tree)
        self._walk_functions(tree)
        self._wrapper_calls(tree)
        self._fall_throughs()
        self._retry_configs(tree)
        self._secrets(tree)

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
        if last in _CLIENT_CTORS and (
            name.split(".")[0] in _LIB_MODULES or f"@ctor:{name}" in self.clients
        ):
            return _CLIENT_CTORS[last]
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
                for ctor, lib in _CLIENT_CTORS.items():
                    if re.search(rf"\b{ctor}\b", ann) and (lib in ann or lib in self.imports):
                        self.clients.setdefault(node.arg, lib)

    def _call_library(self, call: ast.Call) -> tuple[str, str, str] | None:
        """(library, method, receiver) when ``call`` is an outbound HTTP call."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        verb = func.attr
        if verb not in _HTTP_VERBS:
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

    # -- calls, status checks, handlers, logs ---------------------------------------------------------
    def _walk_functions(self, tree: ast.AST) -> None:
        scopes: list[ast.AST] = [tree] + [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        seen_calls: set[int] = set()
        for scope in scopes:
            fname = getattr(scope, "name", None)
            params_none = self._none_default_params(scope) if fname else set()
            index = _Scope(list(self._own_nodes(scope)), self._helper_checks_status, self.clock)
            for node in index.nodes:
                self.clock.tick()
                if isinstance(node, ast.Call) and id(node) not in seen_calls:
                    found = self._call_library(node)
                    if found:
                        seen_calls.add(id(node))
                        self._record_call(node, found, fname, params_none, index)
                    else:
                        self._record_partial(node, fname, params_none, index, scope)
                    self._maybe_log(node)
                elif isinstance(node, ast.ExceptHandler):
                    self._handler(node)
                elif isinstance(node, ast.While | ast.For | ast.AsyncFor):
                    self._loop(node)

    def _record_partial(
        self,
        node: ast.Call,
        fname: str | None,
        params_none: set[str],
        index: _Scope,
        scope: ast.AST,
    ) -> None:
        """``partial(requests.patch, ...)``: the call is made later through a name, so its
        status counts as checked when the function looks at a status anywhere."""
        target = partial_target(node)
        found = self._call_library(target) if target is not None else None
        if target is None or found is None:
            return
        self._record_call(target, found, fname, params_none, index)
        checked = _STATUS_HELPER.search(ast.unparse(scope)) is not None
        last = self.file.calls[-1]
        self.file.calls[-1] = last.model_copy(update={"status_checked": checked})

    def _wrapper_calls(self, tree: ast.AST) -> None:
        """Calls of a same-file wrapper that forwards **kwargs to requests/httpx, passing
        ``timeout=None``: the wrapper's HTTP call then waits forever."""
        if not self.forwarders:
            return
        for node in ast.walk(tree):
            self.clock.tick()
            if not isinstance(node, ast.Call) or not passes_timeout_none(node):
                continue
            name = _last_name(node.func)
            if name is None or name not in self.forwarders:
                continue
            lib, method = self.forwarders[name]
            first = node.args[0] if node.args else None
            if method is None and isinstance(first, ast.Constant) and isinstance(first.value, str):
                method = first.value.upper()
            self.file.calls.append(
                HttpCall(
                    library=lib,
                    method=method,
                    timeout="none",
                    timeout_value=f"None, through {name}(**kwargs)",
                    status_checked=True,  # the wrapper's own call is judged on its status
                    in_function=name,
                    source=_src(self.path, node, self.lines),
                )
            )

    def _fall_throughs(self) -> None:
        for name, fn in self.functions.items():
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            loop = fall_through_loop(fn)
            if loop is not None:
                self.file.fall_throughs.append(
                    FallThrough(
                        function=name,
                        loop_test=ast.unparse(loop.test),
                        source=_src(self.path, loop, self.lines),
                    )
                )

    def _helper_checks_status(self, name: str) -> bool:
        """Whether the same-file function ``name`` looks at a response's status (memoised)."""
        hit = self._helper_checks.get(name)
        if hit is None:
            fn = self.functions.get(name)
            hit = fn is not None and _STATUS_HELPER.search(ast.unparse(fn)) is not None
            self._helper_checks[name] = hit
        return hit

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

    def _record_call(
        self,
        call: ast.Call,
        found: tuple[str, str, str],
        fname: str | None,
        params_none: set[str],
        scope: _Scope,
    ) -> None:
        lib, verb, receiver = found
        method = verb.upper() if verb not in ("request", "send", "stream", "urlopen") else None
        url = None
        args = list(call.args)
        if verb in ("request", "stream") and args:
            if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                method = args[0].value.upper()
            args = args[1:]
        for kw in call.keywords:
            if kw.arg == "method" and isinstance(kw.value, ast.Constant):
                method = str(kw.value.value).upper()
            if kw.arg == "url":
                args = [kw.value]
        if args:
            url = self._url_text(args[0])
        if fname is not None and forwards_kwargs(call, self.functions.get(fname)):
            self.forwarders[fname] = (lib, method)  # a caller's timeout=None reaches this call
        timeout_kw = next((k for k in call.keywords if k.arg == "timeout"), None)
        value_text = ast.unparse(timeout_kw.value) if timeout_kw is not None else None
        if timeout_kw is not None:
            v = timeout_kw.value
            if isinstance(v, ast.Constant) and v.value is None:
                timeout = "none"
            elif (
                isinstance(v, ast.Attribute)
                and isinstance(v.value, ast.Name)
                and v.value.id == "self"
                and v.attr in self._none_default_attrs()
            ) or (isinstance(v, ast.Name) and v.id in params_none and v.id not in scope.assigns_of):
                timeout = "parameter"
            elif isinstance(v, ast.Name) and v.id in params_none:
                timeout = "parameter" if self._fallback_may_be_none(v.id, scope) else "set"
            else:
                timeout = "set"
        elif receiver in self.client_timeouts or any(
            receiver == c or receiver.endswith("." + c.rsplit(".", 1)[-1])
            for c in self.client_timeouts
        ):
            timeout = "client"
        elif _DEFAULT_TIMEOUT.get(lib):
            timeout = "client"
            value_text = "library default (httpx 5 s, aiohttp 300 s)"
        elif any(isinstance(k, ast.keyword) and k.arg is None for k in call.keywords):
            timeout = (
                "missing"  # **kwargs may carry one; reported as missing, with the line to check
            )
        else:
            timeout = "missing"
        checked, json_unchecked = self._status_use(call, scope)
        self.file.calls.append(
            HttpCall(
                library=lib,
                method=method,
                url=url,
                timeout=timeout,
                timeout_value=value_text,  # type: ignore[arg-type]
                status_checked=checked,
                json_unchecked=json_unchecked,
                in_function=fname,
                source=_src(self.path, call, self.lines),
            )
        )

    def _fallback_may_be_none(self, name: str, scope: _Scope) -> bool:
        """``if timeout is None: timeout = self.timeout`` still may give None when self.timeout
        defaults to None (Twilio's client); any other fallback counts as set."""
        assigns = scope.assigns_of.get(name)
        if not assigns:
            return True
        fallback = assigns[0].value
        if isinstance(fallback, ast.Attribute) and fallback.attr in self._none_default_attrs():
            return True
        return isinstance(fallback, ast.Constant) and fallback.value is None

    def _none_default_attrs(self) -> set[str]:
        """Attributes set from constructor parameters that default to None (computed once)."""
        if self._none_attrs is not None:
            return self._none_attrs
        out: set[str] = set()
        for fn in self.functions.values():
            if getattr(fn, "name", "") != "__init__":
                continue
            nones = self._none_default_params(fn)
            for n in ast.walk(fn):
                if isinstance(n, ast.Assign):
                    for t in n.targets:
                        if (
                            isinstance(t, ast.Attribute)
                            and isinstance(n.value, ast.Name)
                            and n.value.id in nones
                        ):
                            out.add(t.attr)
                        # self.timeout = kwargs.get("timeout"): None unless the caller passes one
                        v = n.value
                        if (
                            isinstance(t, ast.Attribute)
                            and isinstance(v, ast.Call)
                            and isinstance(v.func, ast.Attribute)
                            and v.func.attr == "get"
                            and len(v.args) == 1
                            and not v.keywords
                        ):
                            out.add(t.attr)
                if isinstance(n, ast.Call) and ast.unparse(n.func).startswith("super()"):
                    for a in n.args:
                        if isinstance(a, ast.Name) and a.id in nones:
                            out.add(a.id)
        self._none_attrs = out
        return out

    def _url_text(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.Constant):
                    parts.append(str(v.value))
                else:
                    parts.append("{" + ast.unparse(getattr(v, "value", v)) + "}")
            return "".join(parts)
        text = ast.unparse(node)
        return text if len(text) < 120 else text[:117] + "..."

    def _status_use(self, call: ast.Call, scope: _Scope) -> tuple[bool, bool]:
        """Is the response's status looked at, and is .json() read before that?"""
        if id(call) in scope.returned:
            return True, False  # handed to the caller, who checks it
        target = scope.assign_target.get(id(call))
        awaited = scope.awaited.get(id(call))
        if awaited is not None:
            if id(awaited) in scope.returned:
                return True, False
            target = scope.assign_target.get(id(awaited), target)
        if target is None:
            return False, False
        # A response variable assigned again in a loop (`while r.status_code == 429: r = ...`) is
        # checked by the loop's test, which stands above the later assignment.
        anywhere = scope.first_targets[target] > 1
        first_check = scope.first_from(scope.checks.get(target), call.lineno, anywhere)
        first_json = scope.first_from(scope.jsons.get(target), call.lineno, anywhere)
        unchecked_json = first_json is not None and (
            first_check is None or first_json < first_check
        )
        return first_check is not None, unchecked_json

    def _handler(self, node: ast.ExceptHandler) -> None:
        kinds = ast.unparse(node.type) if node.type is not None else ""
        body_only_pass = all(
            isinstance(s, ast.Pass | ast.Continue)
            or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            for s in node.body
        )
        reraises = any(
            isinstance(s, ast.Raise | ast.Return)
            for s in ast.walk(ast.Module(body=node.body, type_ignores=[]))
        )
        logs = any(
            isinstance(s, ast.Call)
            and re.search(r"log|print|warn|error", ast.unparse(s.func), re.I)
            for s in ast.walk(ast.Module(body=node.body, type_ignores=[]))
        )
        broad = node.type is None or kinds in ("Exception", "BaseException")
        http_error = (
            re.search(
                r"requests|httpx|aiohttp|urllib|HTTPError|RequestException|ConnectionError|Timeout|ClientError",
                kinds,
            )
            is not None
        )
        if not (broad or http_error):
            return  # a narrow parse fallback (except ValueError: pass) is not an HTTP failure
        swallowed = body_only_pass or (not reraises and not logs)
        if swallowed or node.type is None:
            self.file.handlers.append(
                ErrorHandler(
                    swallowed=swallowed,
                    bare=(broad and body_only_pass) or node.type is None,
                    source=_src(self.path, node, self.lines),
                )
            )

    def _maybe_log(self, call: ast.Call) -> None:
        name = ast.unparse(call.func)
        if not (
            name == "print"
            or re.search(
                r"(^|\.)(_?logger|logging|log)\.(debug|info|warning|warn|error|exception|critical)$",
                name,
            )
        ):
            return
        # Only what is interpolated counts: the words of a literal message are not data.
        parts: list[str] = []
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            for sub in ast.walk(arg):
                if isinstance(sub, ast.Name | ast.Attribute):
                    parts.append(ast.unparse(sub))
        text = " ".join(parts)
        carries = [what for what, rx in _SENSITIVE_LOG.items() if rx.search(text)]
        if carries:
            self.file.logs.append(
                LogStatement(call=name, carries=carries, source=_src(self.path, call, self.lines))
            )

    # -- retries ---------------------------------------------------------------------------------
    def _helpers_called(self, node: ast.AST) -> list[str]:
        """Same-file functions/methods called inside ``node`` (one level), each once."""
        names = (_last_name(n.func) for n in ast.walk(node) if isinstance(n, ast.Call))
        return [n for n in dict.fromkeys(names) if n is not None and n in self.functions]

    def _function_text(self, name: str) -> str:
        text = self._helper_text.get(name)
        if text is None:
            text = self._helper_text[name] = ast.unparse(self.functions[name])
        return text

    def _function_calls_http(self, name: str) -> bool:
        hit = self._helper_calls_http.get(name)
        if hit is None:
            hit = self._helper_calls_http[name] = self._calls_http(self.functions[name])
        return hit

    def _calls_http(self, root: ast.AST) -> bool:
        return any(isinstance(n, ast.Call) and self._call_library(n) for n in ast.walk(root))

    def _loop(self, loop: ast.While | ast.For | ast.AsyncFor) -> None:
        text = ast.unparse(loop)
        sleeps = re.search(r"\bsleep\(", text) is not None
        helpers = self._helpers_called(loop)
        calls_http = self._calls_http(loop) or any(self._function_calls_http(h) for h in helpers)
        calls_request = (
            re.search(r"(request|send|\bcall|\bfn|\bfunc)\w*\s*\(", text, re.I) is not None
        )
        status_cond = (
            isinstance(loop, ast.While)
            and re.search(r"status|429", ast.unparse(loop.test)) is not None
        )
        if not (sleeps and (calls_http or calls_request or status_cond)) and not (
            status_cond and (calls_http or calls_request)
        ):
            return
        helper = "\n".join(self._function_text(h) for h in helpers)
        capped, cap, deadline = False, None, False
        if isinstance(loop, ast.For | ast.AsyncFor):
            capped, cap = True, ast.unparse(loop.iter)
        else:
            test = ast.unparse(loop.test)
            if _COUNTER.search(test) and re.search(r"<|>|<=|>=", test):
                capped, cap = True, test
            deadline = bool(_DEADLINE.search(test))
            for n in ast.walk(loop):
                if isinstance(n, ast.If):
                    cond = ast.unparse(n.test)
                    exits = any(isinstance(s, ast.Break | ast.Raise | ast.Return) for s in n.body)
                    if exits and re.search(r"<|>|<=|>=", cond) and _COUNTER.search(cond):
                        capped, cap = True, cond
                    if exits and _DEADLINE.search(cond):
                        deadline = True
        statuses = sorted(set(re.findall(r"\b(429|5\d\d|408)\b", text)))
        both = text + "\n" + helper
        self.file.retries.append(
            RetryMechanism(
                kind="loop",
                capped=capped,
                cap=cap,
                deadline=deadline,
                honours_retry_after=bool(_RETRY_AFTER.search(both)),
                retry_after_ceiling=bool(
                    re.search(r"\bmin\(|max_retry_delay|max_delay|ceiling|cap", both)
                ),
                statuses=statuses,
                methods_checked=bool(
                    re.search(r"method", both) and re.search(r"GET|idempot|_can_retry|safe", both)
                ),
                source=_src(self.path, loop, self.lines),
            )
        )

    def _retry_configs(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            self.clock.tick()
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            last = name.rsplit(".", 1)[-1]
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            if last == "Retry" and ("urllib3" in self.imports or "requests" in self.imports):
                total = kw.get("total", node.args[0] if node.args else None)
                capped = total is not None and not (
                    isinstance(total, ast.Constant) and total.value in (None, False)
                )
                self.file.retries.append(
                    RetryMechanism(
                        kind="urllib3-retry",
                        capped=capped,
                        cap=ast.unparse(total) if total is not None else None,
                        honours_retry_after=not (
                            isinstance(kw.get("respect_retry_after_header"), ast.Constant)
                            and kw["respect_retry_after_header"].value is False
                        ),
                        retry_after_ceiling=False,
                        statuses=re.findall(r"\d{3}", ast.unparse(kw["status_forcelist"]))
                        if "status_forcelist" in kw
                        else [],
                        methods_checked="allowed_methods" in kw or "method_whitelist" in kw,
                        source=_src(self.path, node, self.lines),
                    )
                )
            elif last == "retry" and "tenacity" in self.imports:
                stop = ast.unparse(kw["stop"]) if "stop" in kw else ""
                self.file.retries.append(
                    RetryMechanism(
                        kind="tenacity",
                        capped="stop_after_attempt" in stop or "stop_after_delay" in stop,
                        cap=stop or None,
                        deadline="stop_after_delay" in stop,
                        honours_retry_after="retry_after" in ast.unparse(node).lower(),
                        source=_src(self.path, node, self.lines),
                    )
                )
            elif last == "on_exception" and "backoff" in self.imports:
                capped = "max_tries" in kw or "max_time" in kw
                self.file.retries.append(
                    RetryMechanism(
                        kind="backoff",
                        capped=capped,
                        cap=ast.unparse(kw.get("max_tries") or kw.get("max_time"))
                        if capped
                        else None,  # type: ignore[arg-type]
                        deadline="max_time" in kw,
                        source=_src(self.path, node, self.lines),
                    )
                )

    # -- secrets ---------------------------------------------------------------------------------
    def _secrets(self, tree: ast.AST) -> None:
        seen_lines: set[int] = set()
        for hit in find_secrets(self.text):
            seen_lines.add(hit.line)
            self.file.secrets.append(
                SecretEvidence(
                    kind=hit.kind,
                    masked=hit.masked,
                    source=Source(document=self.path, line=hit.line),
                )
            )
        for node in ast.walk(tree):
            self.clock.tick()
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
                continue
            value = node.value.value
            if not isinstance(value, str) or len(value) < 8 or node.lineno in seen_lines:
                continue
            for t in node.targets:
                name = ast.unparse(t)
                if (
                    _SECRET_NAME.search(name)
                    and entropy(value) >= 3.0
                    and " " not in value
                    and "{" not in value
                ):
                    self.file.secrets.append(
                        SecretEvidence(
                            kind="Hard-coded credential",
                            masked=f"{value[:2]}…({len(value)} chars)",
                            name=name,
                            source=Source(document=self.path, line=node.lineno),
                        )
                    )


# A curl *command*: 'curl' followed by a flag, a URL or a quote (not the word in prose).
_CURL = re.compile(r"\bcurl(?=\s+(?:-|https?://|['\"]))(?P<rest>(?:\\\n|[^\n])*)")
_JS_CALL = re.compile(
    r"\b(fetch|axios(?:\.(?:get|post|put|patch|delete|request))?)\s*\(\s*(?P<q>[`'\"])?(?P<url>[^`'\"\s,)]*)"
)


def _scan_lines(path: str, text: str, file: CodeFile, *, js: bool, clock: _Clock) -> None:
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_at(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    def line_text(line: int) -> str:
        start = newlines[line - 2] + 1 if line > 1 else 0
        end = newlines[line - 1] if line - 1 < len(newlines) else len(text)
        return redact(text[start:end].strip()[:200])

    for m in _CURL.finditer(text):
        clock.tick()
        rest = m.group("rest").replace("\\\n", " ")
        line = line_at(m.start())
        method_m = re.search(r"(?:-X|--request)\s+['\"]?([A-Z]+)", rest)
        url_m = re.search(r"(?:--url\s+)?['\"]?(https?://[^\s'\"]+)", rest)
        timed = re.search(r"--max-time|--connect-timeout|\s-m\s", rest) is not None
        file.calls.append(
            HttpCall(
                library="curl",
                method=method_m.group(1) if method_m else None,
                url=url_m.group(1) if url_m else None,
                timeout="set" if timed else "missing",
                status_checked=bool(re.search(r"--fail|-f\b", rest)),
                source=Source(document=path, line=line, text=line_text(line)),
            )
        )
    if not js:
        return
    for m in _JS_CALL.finditer(text):
        clock.tick()
        line = line_at(m.start())
        # The call's own statement: up to the first ';' at a line end or a blank line.
        tail = text[m.start() : m.start() + 600]
        end = min([i for i in (tail.find(";\n"), tail.find("\n\n")) if i >= 0] or [len(tail)])
        window = tail[: end + 1]
        timed = re.search(r"timeout\s*:|AbortSignal\.timeout|signal\s*:", window) is not None
        checked = re.search(r"\.ok\b|\.status\b|validateStatus|catch", window) is not None
        lib = "fetch" if m.group(1) == "fetch" else "axios"
        method = (
            m.group(1).split(".")[1].upper()
            if "." in m.group(1) and m.group(1).split(".")[1] != "request"
            else None
        )
        file.calls.append(
            HttpCall(
                library=lib,
                method=method,
                url=m.group("url") or None,
                timeout="set" if timed else "missing",
                status_checked=checked,
                source=Source(document=path, line=line, text=line_text(line)),
            )
        )


def _secrets_in(display: str, text: str) -> list[SecretEvidence]:
    return [
        SecretEvidence(kind=h.kind, masked=h.masked, source=Source(document=display, line=h.line))
        for h in find_secrets(text)
    ]


def read_code(
    paths: list[str | Path],
    *,
    budget: ReadBudget | None = None,
    seconds: float = CODE_READ_BUDGET_SECONDS,
) -> CodeFacts:
    """Observations from client code files. Python by AST; JS/TS and shell by line scan.

    Each file has ``seconds`` of wall clock; past it, reading that file stops and the file
    carries a warning (its observations so far are kept).
    """
    facts = CodeFacts()
    for given in paths:
        display = str(given)
        text, sha = read_text(Path(given), display, budget=budget)
        file = _read_one(display, Path(given).suffix.lower(), text, seconds)
        file.sha256 = sha
        facts.files.append(file)
    return facts


def _read_one(display: str, suffix: str, text: str, seconds: float) -> CodeFile:
    if suffix in (".py", ".pyw") or text.startswith("#!/usr/bin/env python"):
        analyzer = _PyAnalyzer(display, text, seconds=seconds)
        file = analyzer.run()
        if analyzer.stopped:
            return file
        clock, js = analyzer.clock, False
    elif suffix in (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"):
        language = "typescript" if suffix.startswith(".ts") else "javascript"
        file = CodeFile(path=display, language=language, sha256="")
        clock, js = _Clock(seconds), True
    elif suffix in (".sh", ".bash", ".zsh", ".md", ".txt", ".http", ".rst"):
        language = "shell" if suffix in (".sh", ".bash", ".zsh") else "other"
        file = CodeFile(path=display, language=language, sha256="")
        clock, js = _Clock(seconds), False
    else:
        raise DocumentError(
            display,
            f"unsupported code file type {suffix or '(none)'}: use .py, .js, .ts or .sh",
        )
    if file.language != "python":
        file.secrets += _secrets_in(display, text)
    try:
        _scan_lines(display, text, file, js=js, clock=clock)
    except _OutOfTime:
        file.warnings.append(_out_of_time_warning(seconds))
    return file
