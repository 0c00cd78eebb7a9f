"""How much of each golden blueprint is boilerplate: the share of its content lines that also appear,
after normalising names, in more than half of all golden blueprints (issue 15: target ≤ 25 %).

Content lines are the non-blank lines that carry words: headings and table header and rule rows are
structure and not counted. Normalising replaces code spans, citations, operation keys and numbers
with placeholders and lower-cases the rest, so "GET /pets: up to 2 attempts" and
"POST /v1/charges: up to 3 attempts" count as the same line.

    python benchmarks/specificity.py [--before DIR] [DIR]

DIR defaults to tests/golden; `--before DIR` scores a saved copy of older golden files too.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"
TARGET_SHARE = 0.25
"""The bar of issue 15."""
MAX_ONE_OPERATION_LINES = 120
"""The bar of issue 15 for a one-operation goal's Markdown."""

_CODE = re.compile(r"`[^`]*`")
_OPERATION = re.compile(r"\b(GET|PUT|POST|PATCH|DELETE|HEAD|OPTIONS)\s+/\S*")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_CITED = re.compile(r"\.(json|ya?ml|md|txt):\d+")
_TABLE_RULE = re.compile(r"^\|[-| :]+\|$")


def _content_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line or line.startswith(("#", "<!--")) or _TABLE_RULE.match(line):
            continue
        if i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            continue  # a table's header row
        out.append(line)
    return out


def _name(span: re.Match[str], keep: bool) -> str:
    text = span.group(0)
    if "#" in text or _CITED.search(text):
        return "`cite`"
    if _OPERATION.search(text):
        return "`OP`"
    return text if keep else "`x`"


def normalise(line: str) -> str:
    """A line with its names and figures replaced, so only its wording is compared. In table rows
    a field's or test's own name is kept: two rows about different fields are different lines."""
    keep = line.startswith("|")
    line = _CODE.sub(lambda m: _name(m, keep), line)
    line = _OPERATION.sub("OP", line)
    return _NUMBER.sub("0", line).lower()


def score(directory: Path) -> dict[str, tuple[int, int, float]]:
    """Per blueprint: (total lines, content lines, share of content lines shared by most)."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.md"))}
    norm = {name: [normalise(line) for line in _content_lines(t)] for name, t in texts.items()}
    spread = Counter(line for lines in norm.values() for line in set(lines))
    majority = len(texts) / 2
    out: dict[str, tuple[int, int, float]] = {}
    for name, lines in norm.items():
        common = sum(1 for line in lines if spread[line] > majority)
        share = common / len(lines) if lines else 0.0
        out[name] = (len(texts[name].splitlines()), len(lines), share)
    return out


def _report(label: str, scores: dict[str, tuple[int, int, float]]) -> None:
    print(f"{label}:")
    print(f"  {'case':<22} {'lines':>6} {'content':>8} {'shared':>7}")
    for name, (total, content, share) in scores.items():
        print(f"  {name:<22} {total:>6} {content:>8} {share:>7.0%}")
    lines = sum(c for _, c, _ in scores.values())
    shared = sum(c * s for _, c, s in scores.values())
    total_share = shared / lines if lines else 0.0
    verdict = "meets" if total_share <= TARGET_SHARE else "misses"
    print(
        f"  {'total':<22} {'':>6} {lines:>8} {total_share:>7.0%}  ({verdict} ≤ {TARGET_SHARE:.0%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=GOLDEN)
    parser.add_argument("--before", type=Path, help="a saved copy of older golden blueprints")
    args = parser.parse_args()
    if args.before:
        _report(f"before ({args.before})", score(args.before))
    _report(f"now ({args.directory})", score(args.directory))
    print(f"one-operation target: ≤ {MAX_ONE_OPERATION_LINES} lines per blueprint")


if __name__ == "__main__":
    main()
