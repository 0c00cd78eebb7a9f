"""The Python code reader: ``ast`` only, no code is run.

It ties the parts together: clients (``_code_base``), calls and parsed bodies (``_code_calls``,
``_code_body``), retries (``_code_retries``), hard-coded credentials (``_code_secrets``), and here
the walk over every function, swallowed exceptions and risky logging.
"""

from __future__ import annotations

import ast
import re

from ..schemas import CodeFile, ErrorHandler, LogStatement
from ._code_base import CLIENT_CTORS, LIB_MODULES, OutOfTime, out_of_time_warning, src
from ._code_calls import CallsMixin
from ._code_retries import RetriesMixin
from ._code_scope import Scope
from ._code_secrets import hard_coded_secrets

_SENSITIVE_LOG = {
    "headers": re.compile(r"header", re.I),
    "body": re.compile(r"\.text\b|\.content\b|\.json\b|\bbody\b|payload|\bdata\b", re.I),
    "token": re.compile(r"token|api_?key|secret|passw|auth", re.I),
    "url": re.compile(r"\burl\b", re.I),
}


class PyAnalyzer(CallsMixin, RetriesMixin):
    """Observations from one Python file."""

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
        except OutOfTime:
            self.stopped = True
            self.file.warnings.append(out_of_time_warning(self.clock.seconds))
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
                    if a.name in CLIENT_CTORS:
                        self.clients.setdefault(f"@ctor:{a.asname or a.name}", CLIENT_CTORS[a.name])
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = node
        self.file.libraries = sorted(self.imports & LIB_MODULES)
        self._find_clients(tree)
        self._walk_functions(tree)
        self._wrapper_calls(tree)
        self._body_parses(tree)
        self._fall_throughs()
        self._retry_configs(tree)
        self.file.secrets += hard_coded_secrets(self.path, self.text, tree, self.clock)

    # -- calls, status checks, handlers, logs ---------------------------------------------------------
    def _walk_functions(self, tree: ast.AST) -> None:
        scopes: list[ast.AST] = [tree] + [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        seen_calls: set[int] = set()
        for scope in scopes:
            fname = getattr(scope, "name", None)
            params_none = self._none_default_params(scope) if fname else set()
            index = Scope(list(self._own_nodes(scope)), self._helper_checks_status, self.clock)
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
                    source=src(self.path, node, self.lines),
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
                LogStatement(call=name, carries=carries, source=src(self.path, call, self.lines))
            )
