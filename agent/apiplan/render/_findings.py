"""Findings as text (grouped when many), JSON, and SARIF 2.1.0 for GitHub code scanning."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .._text import strip_controls
from .._version import __version__
from ..schemas import SEVERITIES, Finding, RiskCheck

_RULE_HELP = {
    "undocumented-field": "Everything a blueprint names must be in the API documents or be labelled an assumption.",
    "missing-timeout": "Every outbound call needs connect and read timeouts and a total deadline.",
    "secret-exposure": "No credential may appear in code, documents, logs or outputs.",
    "unbounded-retry": "Retries need an attempt cap, a deadline, a Retry-After ceiling, and must be safe to repeat.",
    "silent-failure": "Every failure must be handled visibly: no swallowed exceptions or unchecked statuses.",
    "schema-drift": "Responses must be validated; unknown and missing fields must be logged, counted or raised.",
    "unsupported-citation": "A cited line must support its claim, not negate it (no longer, optional, removed).",
    "plan-consistency": "The retry policy, the error map and the tests must state one policy and test only documented fields.",
    "server-config": "The client's base URL must be https, fully specified and chosen explicitly per environment.",
}
_LEVEL = {"high": "error", "medium": "warning", "low": "note"}
GROUP_ABOVE = 30


def findings_to_text(risk: RiskCheck) -> str:
    """One line per finding; above 30 findings, grouped by rule with the first few shown."""
    compared = _compared_lines(risk)
    if not risk.findings:
        return strip_controls("\n".join([*compared, f"no findings; {_rules_line(risk)}"])) + "\n"
    lines: list[str] = []
    counts = {s: sum(1 for f in risk.findings if f.severity == s) for s in SEVERITIES}
    summary = f"{len(risk.findings)} findings: {counts['high']} high, {counts['medium']} medium, {counts['low']} low"
    if len(risk.findings) <= GROUP_ABOVE:
        lines += [_line(f) for f in risk.findings]
    else:
        by_rule: dict[str, list[Finding]] = {}
        for f in risk.findings:
            by_rule.setdefault(f.rule, []).append(f)
        for rule, items in by_rule.items():
            lines.append(f"{rule}: {len(items)} findings")
            lines += ["  " + _line(f) for f in items[:5]]
            if len(items) > 5:
                lines.append(f"  … {len(items) - 5} more (use --format json for all)")
    # Messages quote documents and paths: no control character may reach a terminal.
    return strip_controls("\n".join([*compared, *lines, summary, _rules_line(risk)])) + "\n"


# Operations named one per line in the text report; the rest are counted (JSON has them all).
_COMPARED_NAMED = 10


def _compared_lines(risk: RiskCheck) -> list[str]:
    """The operations a diff compared: each with why it was selected, or one line for all."""
    if not risk.compared:
        return []
    if not any(c.reasons or c.pinned for c in risk.compared):
        keys = [c.key for c in risk.compared]
        shown = ", ".join(keys[:_COMPARED_NAMED])
        more = f" and {len(keys) - _COMPARED_NAMED} more" if len(keys) > _COMPARED_NAMED else ""
        return [f"compared {_count(len(keys))}: {shown}{more}"]
    out = [f"compared {_count(len(risk.compared))}:"]
    for c in risk.compared[:_COMPARED_NAMED]:
        why = "pinned with --operation" if c.pinned else "; ".join(c.reasons[:2])
        out.append(f"  {c.key}" + (f" ({why})" if why else ""))
    if len(risk.compared) > _COMPARED_NAMED:
        out.append(f"  … {len(risk.compared) - _COMPARED_NAMED} more (use --format json for all)")
    return out


def _rules_line(risk: RiskCheck) -> str:
    """Which rules ran and which had nothing to examine, with what they need, in one line."""
    ran = f"rules run: {', '.join(risk.rules_run) or 'none'}"
    if not risk.rules_skipped:
        return ran
    needs: dict[str, list[str]] = {}
    for s in risk.rules_skipped:
        needs.setdefault(s.reason, []).append(s.rule)
    skipped = "; ".join(f"{', '.join(rules)} ({reason})" for reason, rules in needs.items())
    return f"{ran}; skipped: {skipped}"


def _line(f: Finding) -> str:
    return f"{f.location}: {f.severity} [{f.rule}] {f.message} — fix: {f.fix}"


def findings_to_json(risk: RiskCheck) -> str:
    return strip_controls(risk.model_dump_json(indent=2)) + "\n"  # kind and version included


def _location(f: Finding) -> tuple[str, int]:
    for e in f.evidence:
        if e.line:
            return e.document, e.line
    m = re.match(r"^(.*?):(\d+)$", f.location)
    if m:
        return m.group(1), int(m.group(2))
    return f.location.split("#")[0] or "blueprint", 1


_BASE = "%SRCROOT%"


def source_root(start: Path | None = None) -> Path:
    """The repository root at or above ``start`` (the working directory), else ``start``:
    code scanning resolves SARIF paths against the repository's root."""
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def _artifact(uri: str, root: Path) -> dict[str, str]:
    """A file as a path relative to ``root`` (with its base id); a file outside the root as an
    absolute file URI; anything else (an operation, 'blueprint') as written."""
    given = Path(uri)
    path = Path(os.path.abspath(given))
    if not given.is_absolute() and not path.exists():
        return {"uri": uri.removeprefix("./")}
    try:
        return {"uri": path.relative_to(root).as_posix(), "uriBaseId": _BASE}
    except ValueError:
        return {"uri": path.as_uri()}


def findings_to_sarif(risk: RiskCheck, *, root: Path | None = None) -> str:
    """SARIF 2.1.0 with file paths relative to ``root`` (default: the repository root around the
    working directory, else the working directory), so that code scanning can place them."""
    base = root or source_root()
    rules = [
        {
            "id": rule,
            "name": "".join(w.title() for w in rule.split("-")),
            "shortDescription": {"text": _RULE_HELP[rule]},
            "fullDescription": {"text": _RULE_HELP[rule]},
            "help": {"text": _RULE_HELP[rule]},
            "defaultConfiguration": {"level": "error"},
        }
        for rule in risk.rules_run
    ]
    results: list[dict[str, Any]] = []
    for f in risk.findings:
        uri, line = _location(f)
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": risk.rules_run.index(f.rule) if f.rule in risk.rules_run else 0,
                "level": _LEVEL[f.severity],
                "message": {"text": f"{f.message}. Fix: {f.fix}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact(uri, base),
                            "region": {"startLine": max(1, line)},
                        }
                    }
                ],
            }
        )
    doc: dict[str, Any] = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "apiplan",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/apiplan/",
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {_BASE: {"uri": base.as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return strip_controls(json.dumps(doc, indent=2)) + "\n"


def _count(n: int) -> str:
    return f"{n} operation" + ("" if n == 1 else "s")
