"""The Python reader's call recorder: one HttpCall per outbound call, with its timeout, its
status check and how its body is parsed; calls made later through ``functools.partial`` or a
wrapper that forwards ``**kwargs``; retry loops that fall off the end of their function."""

from __future__ import annotations

import ast

from ..schemas import BodyParse, FallThrough, HttpCall
from ._code_base import DEFAULT_TIMEOUT, AnalyzerBase, Clock, last_name, src
from ._code_body import parse_sites
from ._code_flow import fall_through_loop, forwards_kwargs, partial_target, passes_timeout_none
from ._code_scope import STATUS_ATTRS, STATUS_HELPER, Scope


class _Responses:
    """One function's responses indexed once: the calls each name is assigned from, and the
    first line where each name's status is read."""

    def __init__(self, fn: ast.AST, clock: Clock) -> None:
        self.assigned: dict[str, list[ast.Call]] = {}
        self.status_lines: dict[str, int] = {}
        for node in ast.walk(fn):
            clock.tick()
            if isinstance(node, ast.Assign):
                value = node.value.value if isinstance(node.value, ast.Await) else node.value
                if isinstance(value, ast.Call):
                    self.assigned.setdefault(ast.unparse(node.targets[0]), []).append(value)
            elif isinstance(node, ast.Attribute) and node.attr in STATUS_ATTRS:
                name = ast.unparse(node.value)
                line = getattr(node, "lineno", 0)
                self.status_lines[name] = min(line, self.status_lines.get(name, line))


class CallsMixin(AnalyzerBase):
    """Records outbound HTTP calls (mixed into the analyser)."""

    def _record_partial(
        self,
        node: ast.Call,
        fname: str | None,
        params_none: set[str],
        index: Scope,
        scope: ast.AST,
    ) -> None:
        """``partial(requests.patch, ...)``: the call is made later through a name, so its
        status counts as checked when the function looks at a status anywhere."""
        target = partial_target(node)
        found = self._call_library(target) if target is not None else None
        if target is None or found is None:
            return
        self._record_call(target, found, fname, params_none, index)
        checked = STATUS_HELPER.search(ast.unparse(scope)) is not None
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
            name = last_name(node.func)
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
                    source=src(self.path, node, self.lines),
                )
            )

    def _body_parses(self, tree: ast.AST) -> None:
        """Response bodies parsed as JSON, with what guards them and the call they come from."""
        sites = parse_sites(tree)
        if not sites:
            return
        by_line = {c.source.line: c for c in self.file.calls if c.method or c.url}
        by_function: dict[str, HttpCall] = {}
        for c in self.file.calls:
            if c.in_function and (c.method or c.url):
                by_function.setdefault(c.in_function, c)
        indexes: dict[int, _Responses] = {}
        for site in sites:
            self.clock.tick()
            fn = (self.functions.get(site.function) if site.function else None) or tree
            index = indexes.get(id(fn))
            if index is None:
                index = indexes[id(fn)] = _Responses(fn, self.clock)
            origin = None
            for value in index.assigned.get(site.response, []):
                if self._call_library(value) is not None:
                    origin = by_line.get(value.lineno)
                else:
                    callee = last_name(value.func)
                    origin = by_function.get(callee) if callee in self.functions else None
                if origin is not None:
                    break
            checked_at = index.status_lines.get(site.response)
            self.file.parses.append(
                BodyParse(
                    response=site.response,
                    how=site.how,  # type: ignore[arg-type]
                    function=site.function,
                    guarded=site.guarded,
                    status_checked=checked_at is not None and checked_at <= site.node.lineno,
                    accepts_empty=site.accepts_empty,
                    method=origin.method if origin else None,
                    url=origin.url if origin else None,
                    source=src(self.path, site.node, self.lines),
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
                        source=src(self.path, loop, self.lines),
                    )
                )

    def _helper_checks_status(self, name: str) -> bool:
        """Whether the same-file function ``name`` looks at a response's status (memoised)."""
        hit = self._helper_checks.get(name)
        if hit is None:
            fn = self.functions.get(name)
            hit = fn is not None and STATUS_HELPER.search(ast.unparse(fn)) is not None
            self._helper_checks[name] = hit
        return hit

    def _record_call(
        self,
        call: ast.Call,
        found: tuple[str, str, str],
        fname: str | None,
        params_none: set[str],
        scope: Scope,
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
        elif DEFAULT_TIMEOUT.get(lib):
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
                timeout_value=value_text,
                status_checked=checked,
                json_unchecked=json_unchecked,
                in_function=fname,
                source=src(self.path, call, self.lines),
            )
        )

    def _fallback_may_be_none(self, name: str, scope: Scope) -> bool:
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

    def _status_use(self, call: ast.Call, scope: Scope) -> tuple[bool, bool]:
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
