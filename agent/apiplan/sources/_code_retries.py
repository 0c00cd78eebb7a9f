"""The Python reader's retry finder: hand-written retry loops (with their cap, deadline and
Retry-After handling) and retry configurations of urllib3, tenacity and backoff."""

from __future__ import annotations

import ast
import re

from ..schemas import RetryMechanism
from ._code_base import AnalyzerBase, last_name, src

_COUNTER = re.compile(r"attempt|retr|tries|count|max_|limit|_n\b|\bn\b|\bi\b", re.I)
_DEADLINE = re.compile(r"monotonic|time\.time|deadline|elapsed", re.I)
_RETRY_AFTER = re.compile(r"retry[-_ ]?after", re.I)


class RetriesMixin(AnalyzerBase):
    """Finds retry mechanisms (mixed into the analyser)."""

    def _helpers_called(self, node: ast.AST) -> list[str]:
        """Same-file functions/methods called inside ``node`` (one level), each once."""
        names = (last_name(n.func) for n in ast.walk(node) if isinstance(n, ast.Call))
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
                source=src(self.path, loop, self.lines),
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
                            isinstance(
                                respect := kw.get("respect_retry_after_header"), ast.Constant
                            )
                            and respect.value is False
                        ),
                        retry_after_ceiling=False,
                        statuses=re.findall(r"\d{3}", ast.unparse(kw["status_forcelist"]))
                        if "status_forcelist" in kw
                        else [],
                        methods_checked="allowed_methods" in kw or "method_whitelist" in kw,
                        source=src(self.path, node, self.lines),
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
                        source=src(self.path, node, self.lines),
                    )
                )
            elif last == "on_exception" and "backoff" in self.imports:
                limit = kw.get("max_tries") or kw.get("max_time")
                capped = limit is not None
                self.file.retries.append(
                    RetryMechanism(
                        kind="backoff",
                        capped=capped,
                        cap=ast.unparse(limit) if limit is not None else None,
                        deadline="max_time" in kw,
                        source=src(self.path, node, self.lines),
                    )
                )
