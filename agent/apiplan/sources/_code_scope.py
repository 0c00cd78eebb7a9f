"""One function's nodes indexed once for the call recorder: assignments, returns, awaits, status
checks and ``.json()`` reads, each a lookup instead of a walk."""

from __future__ import annotations

import ast
import bisect
import re
from collections import Counter
from collections.abc import Callable

from ._code_base import Clock, last_name
from ._code_body import parsed_response

STATUS_ATTRS = frozenset(
    {
        "status_code",
        "status",
        "ok",
        "is_success",
        "is_error",
        "is_client_error",
        "is_server_error",
        "raise_for_status",
    }
)
STATUS_HELPER = re.compile(r"raise_for_status|status_code|is_success|\.ok\b")
_OUTPUT_CALL = re.compile(r"^print$|log|logger")


class Scope:
    """One function (or the module) indexed once, so that each call's questions cost a lookup.

    Asking them of the whole scope for every call was quadratic: 10,000 calls took minutes.
    """

    def __init__(
        self, nodes: list[ast.AST], helper_checks: Callable[[str], bool], clock: Clock
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
                    n.attr in STATUS_ATTRS and id(n) not in output
                ):
                    # Any use counts (compared, handed on in a result) except printing it.
                    checks.setdefault(ast.unparse(n.value), []).append(line)
            parsed = parsed_response(n) if isinstance(n, ast.Call) else None
            if parsed is not None and parsed[1] == "json.loads":  # `.json()`: an attribute above
                jsons.setdefault(parsed[0], []).append(getattr(n, "lineno", 0))
            if isinstance(n, ast.Call) and n.args:
                name = last_name(n.func)
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
