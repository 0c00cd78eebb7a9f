"""The shortcuts that keep large specs fast (issue 18) answer exactly as the plain code would.

Invented inputs only: a JSON text with duplicate and escaped keys, and JSON pointers shaped
like those of a generated 40,000-operation spec.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apiplan import _secrets
from apiplan._secrets import may_hold_secret, redact
from apiplan.sources._document import parse_document

# Line numbers below refer to this text (line 1 is the opening brace).
_DUPLICATES = """{
"a": {"x": 1},
"b": [
1,
{"y": 2},
"s",
[3]
],
"a": {
"z": {"w": 1}
},
"e\\u0073c": {"k": 1}
}
"""


@pytest.mark.parametrize(
    ("pointer", "line"),
    [
        ("/a", 9),  # a key written twice: the parsed value is the last one, and so is its line
        ("/a/z", 10),
        ("/a/z/w", 10),
        ("/a/x", None),  # only in the first, discarded, value
        ("/b", 3),
        ("/b/0", 3),  # a scalar item: the line of its array's key
        ("/b/1", 5),
        ("/b/1/y", 5),
        ("/b/2", 3),
        ("/b/3", 7),
        ("/b/3/0", 7),
        ("/b/4", None),
        ("/esc", 12),  # an escaped key
        ("/esc/k", 12),
    ],
)
def test_json_lines_with_duplicate_and_escaped_keys(
    tmp_path: Path, pointer: str, line: int | None
) -> None:
    path = tmp_path / "dup.json"
    path.write_text(_DUPLICATES, encoding="utf-8")
    assert parse_document(path, "dup.json").line_of(pointer) == line


_PREFIX = "/paths/~1area1~1resource14075~1{id}"  # a key-like segment every pointer repeats
_POINTERS = [
    _PREFIX + "/get",
    _PREFIX + "/parameters/0",
    _PREFIX + "/token=Zq81HvK2mP0xW7rT5nB3cY9d",
    _PREFIX + "/put/requestBody/content/application~1json",
    _PREFIX + "/webhooks/sk_live_51HvK2mP0xW7rT5nB3cY9dQe",
    "GET /area1/resource14075/{id}",
    "getResource14075",
]


def test_remembered_union_answers_match_fresh_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    _secrets._UNION_HITS.clear()
    remembered = [may_hold_secret(p) for p in _POINTERS * 2]
    monkeypatch.setattr(_secrets, "_UNION_HITS_CHARS", 0)  # every window searched afresh
    assert remembered == [may_hold_secret(p) for p in _POINTERS * 2]
    assert remembered[:3] == [False, False, True]


def test_a_shared_clean_prefix_never_hides_a_later_secret() -> None:
    _secrets._UNION_HITS.clear()
    assert redact(_PREFIX + "/get") == _PREFIX + "/get"  # the prefix's window is now remembered
    masked = redact(_PREFIX + "/webhooks/sk_live_51HvK2mP0xW7rT5nB3cY9dQe")
    assert "sk_live_51" not in masked
    assert masked.startswith(_PREFIX + "/webhooks/[redacted:")
