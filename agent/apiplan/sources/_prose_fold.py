"""One endpoint per template: examples and mentions folded into definitions, example ids
generalised, a stated base path applied, and the coverage report."""

from __future__ import annotations

import re

from ..schemas import (
    FactWarning,
    IdempotencyEvidence,
    Operation,
    Parameter,
    Source,
)
from ._endpoints import (
    generalise,
    is_suffix,
    matches,
)
from ._prose_patterns import (
    _MAX_UNREAD_LISTED,
)
from ._prose_state import (
    _Op,
    _State,
)
from ._prose_text import (
    _span,
)


class _Fold(_State):
    def _fold(self) -> None:
        """Examples and mentions join the definition they instantiate; example ids become
        parameters; a base path the page states goes in front of relative paths."""
        renames: dict[str, str] = {}
        base = self._stated_base
        for o in list(self.ops.values()):
            path = o.op.path
            if base and not path.startswith(base + "/") and path != base:
                path = base + path
            path = generalise(path)
            if path != o.op.path:
                self._move(o, path, renames)
        for o in list(self.ops.values()):
            if "definition" in o.kinds:
                continue
            # Paths written without a method, and the paths of the page's definitions of other
            # methods: an example '/db/neo4j/tx/{id}' instantiates '/db/{databaseName}/tx/{id}'.
            shapes = self._templates | {
                d.op.path for d in self.ops.values() if "definition" in d.kinds
            }
            tmpl = next((t for t in sorted(shapes) if matches(o.op.path, t)), None)
            if tmpl is not None:
                self._move(o, tmpl, renames)
        defs = [o for o in self.ops.values() if "definition" in o.kinds]
        for o in list(self.ops.values()):
            if "definition" in o.kinds:
                continue
            into = next(
                (
                    d
                    for d in defs
                    if d is not o
                    and d.op.method == o.op.method
                    and (
                        matches(o.op.path, d.op.path)
                        or is_suffix(o.op.path, d.op.path, template_is_long=True)
                        or is_suffix(d.op.path, o.op.path, template_is_long=False)
                    )
                ),
                None,
            )
            if into is not None:
                self._merge(o, into, renames)
        by_shape: dict[str, _Op] = {}
        for o in list(self.ops.values()):
            shape = f"{o.op.method} " + re.sub(r"\{[^}]*\}", "{}", o.op.path.rstrip("/") or "/")
            first = by_shape.get(shape)
            if first is None:
                by_shape[shape] = o
            elif "definition" in o.kinds and "definition" not in first.kinds:
                self._merge(first, o, renames)
                by_shape[shape] = o
            else:
                self._merge(o, first, renames)
        for o in self.ops.values():
            self._path_params(o.op)
        for item in [*self.facts.rate_limits, *self.facts.idempotency, *self.facts.retry_guidance]:
            if item.operation in renames:
                item.operation = renames[item.operation]

    def _move(self, o: _Op, path: str, renames: dict[str, str]) -> None:
        old = o.op.key
        key = f"{o.op.method} {path}"
        self.ops.pop(old, None)
        if key in self.ops:
            self._merge(o, self.ops[key], renames)
            return
        o.op.path, o.op.key = path, key
        self.ops[key] = o
        renames[old] = key
        for k, v in renames.items():
            if v == old:
                renames[k] = key

    def _merge(self, o: _Op, into: _Op, renames: dict[str, str]) -> None:
        """Fold ``o`` into ``into``, keeping every place ``o`` was written as evidence."""
        if o is into:
            return
        self.ops.pop(o.op.key, None)
        into.mentions += [o.op.source, *o.mentions]
        into.kinds |= o.kinds
        if into.op.summary is None:
            into.op.summary = o.op.summary
        for r in o.op.responses:
            if not any(x.status == r.status for x in into.op.responses):
                into.op.responses.append(r)
        for p in o.op.parameters:
            if p.location != "path" and not any(
                x.name == p.name and x.location == p.location for x in into.op.parameters
            ):
                into.op.parameters.append(p)
        if into.op.request_body is None:
            into.op.request_body = o.op.request_body
        if o.op.security is not None and into.op.security is None:
            into.op.security = o.op.security
            into.op.security_origin = o.op.security_origin
            into.op.security_source = o.op.security_source
        renames[o.op.key] = into.op.key
        for k, v in renames.items():
            if v == o.op.key:
                renames[k] = into.op.key
        if self.current is o:
            self.current = into

    def _path_params(self, op: Operation) -> None:
        for name in re.findall(r"\{([^}]+)\}", op.path):
            if not any(p.name == name and p.location == "path" for p in op.parameters):
                op.parameters.append(
                    Parameter(name=name, location="path", required=True, source=op.source)
                )
            if re.search(r"txn|transaction", name, re.I) and not any(
                i.operation == op.key and i.detail == name for i in self.facts.idempotency
            ):
                self.facts.idempotency.append(
                    IdempotencyEvidence(
                        kind="path", detail=name, operation=op.key, source=op.source
                    )
                )

    def _coverage(self) -> None:
        """Say what was read: endpoint-like lines seen, endpoints made, lines not understood.

        A page where nothing was found says that apiplan found none - a statement about the
        extraction, not a claim that the page has none."""
        unread = sorted(set(self._unread))
        doc = Source(document=self.display)
        if not self.ops:
            self.facts.warnings.append(
                FactWarning(
                    code="no-endpoints",
                    message="apiplan found no endpoint on this page"
                    + (
                        f" ({len(unread)} endpoint-like lines were not understood)"
                        if unread
                        else ""
                    ),
                    source=doc,
                )
            )
        if unread:
            self.facts.warnings.append(
                FactWarning(
                    code="coverage",
                    message=f"{self._lines_seen} endpoint-like lines read, {len(self.ops)} "
                    f"endpoints; {len(unread)} lines not understood (listed as unread-endpoint)",
                    source=doc,
                )
            )
            for line, quote in unread[:_MAX_UNREAD_LISTED]:
                self.facts.warnings.append(
                    FactWarning(
                        code="unread-endpoint",
                        message=f"not read as an endpoint: {_span(quote, 120)}",
                        source=self.src(line, quote),
                    )
                )
