"""The credential patterns' cache, the cheap trigger before the full scan, and documents
parsed once per check."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apiplan import _secret_patterns, _secrets
from apiplan._secrets import CharRuns
from apiplan.sources import documents_reused, load_facts, parse_document

from .conftest import CORPUS, corpus

_CHILD = (
    "import sys\n"
    "from apiplan._secrets import redact\n"
    "print(redact('key sk_live_' + 'Zq8Lw3Rt6Yp1Xc4Vb7Nm2Kj5'))\n"
    "print('detect_secrets' in sys.modules)\n"
)


def _child(cache: str) -> list[str]:
    env = {**os.environ, _secret_patterns.CACHE_ENV: cache}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_second_run_reads_the_patterns_from_the_cache_not_from_detect_secrets(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    first = _child(str(cache))
    files = list(cache.glob("detect-secrets-*.json"))
    assert len(files) == 1 and first == ["key", "[redacted:Stripe", "Key]", "True"]
    second = _child(str(cache))
    assert second == ["key", "[redacted:Stripe", "Key]", "False"]  # same result, no import


def test_cached_patterns_are_exactly_the_detectors_own(tmp_path: Path) -> None:
    os.environ[_secret_patterns.CACHE_ENV] = str(tmp_path)
    try:
        first = _secret_patterns.detector_patterns()  # imported, then written
        again = _secret_patterns.detector_patterns()  # read back
    finally:
        del os.environ[_secret_patterns.CACHE_ENV]
    assert first == again == _secret_patterns._imported()
    assert len(first) >= 19  # at least one pattern per detector read


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b'{"patterns": [["a"]]}', b'{"patterns": [[1, 2]]}', b"[]", b"x" * 300_000],
)
def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    os.environ[_secret_patterns.CACHE_ENV] = str(tmp_path)
    try:
        good = _secret_patterns.detector_patterns()
        (path,) = tmp_path.glob("detect-secrets-*.json")
        path.write_bytes(content)
        assert _secret_patterns.detector_patterns() == good
        assert json.loads(path.read_bytes())["patterns"] == [list(p) for p in good]
    finally:
        del os.environ[_secret_patterns.CACHE_ENV]


def test_a_fifo_in_place_of_the_cache_file_does_not_hang(tmp_path: Path) -> None:
    os.environ[_secret_patterns.CACHE_ENV] = str(tmp_path)
    try:
        good = _secret_patterns.detector_patterns()
        (path,) = tmp_path.glob("detect-secrets-*.json")
        path.unlink()
        os.mkfifo(path)
        assert _secret_patterns.detector_patterns() == good  # read afresh, FIFO replaced
        assert path.is_file()
    finally:
        del os.environ[_secret_patterns.CACHE_ENV]


def test_an_empty_cache_setting_writes_nothing_and_an_unwritable_folder_is_not_an_error(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    for setting in ("", str(blocker / "cache")):
        os.environ[_secret_patterns.CACHE_ENV] = setting
        try:
            assert _secret_patterns.detector_patterns() == _secret_patterns._imported()
        finally:
            del os.environ[_secret_patterns.CACHE_ENV]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


# The trigger as one alternation with look-arounds, as it was written before it was split into
# two scans: the specification the scans must keep.
_ONE_PATTERN = re.compile(
    r"(?P<context>://[^\s/@]*@|PRIVATE KEY|PuTTY|(?<![\w-])(?:-u|--user)[\s=])|"
    r"(?P<run>(?<![A-Za-z0-9_+=~\-])(?=[a-z_+=\-]*[A-Z0-9])[A-Za-z0-9_+=\-]{10,})"
)


def _one_pattern_windows(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in _ONE_PATTERN.finditer(text):
        if m.lastgroup == "context":
            after = _secrets._CONTEXT_AFTER
        elif _secrets._candidate(m.group(0)):
            after = _secrets._RUN_AFTER
        else:
            continue
        start = max(0, m.start() - _secrets._CONTEXT_BEFORE)
        end = min(len(text), m.end() + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


_TRICKY = [
    "curl -u sk_test_Zq8Lw3Rt6Yp1Xc4V: https://api.example.test",
    "x-u abc",
    "--user=AbCdEf123456789 and -u= a",
    "/paths/~1v1~1customers~1cus_9s6XKzkNRiz8i3/get",
    "~abcdefghij1234 ~ABCDEFGHIJKL",
    "https://user:pa55word@example.test/path",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA",
    "plainlowercasewordsonly and-another-long-lower-run",
    "UPPERCASEONLYRUN12 Ab1 a1234567890",
]


def test_the_two_scans_find_the_windows_of_the_single_pattern() -> None:
    texts = list(_TRICKY)
    folder = CORPUS / "openapi"
    if folder.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.json"))[:6]]
    for text in texts:
        assert _secrets._windows(text) == _one_pattern_windows(text), text[:80]
        for line in text.splitlines():
            expected = any(
                m.lastgroup == "context"
                or (
                    _secrets._candidate(m.group(0))
                    and _secrets._union_hit(
                        line, max(0, m.start() - _secrets._CONTEXT_BEFORE), m.end() + 2
                    )
                )
                for m in _ONE_PATTERN.finditer(line)
            )
            if "~" not in line:  # pointer escapes are unescaped first; covered above
                assert _secrets.may_hold_secret(line) == expected, line[:80]


def test_check_parses_each_spec_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from apiplan.sources import _document

    spec = corpus("openapi", "slack-web-api-swagger2.json")
    parsed: list[str] = []
    real = _document._parse_document

    def counting(path: Path, display: str, **kw: Any) -> _document.StructuredDocument:
        parsed.append(display)
        return real(path, display, **kw)

    monkeypatch.setattr(_document, "_parse_document", counting)
    from apiplan.validators import check

    with documents_reused():
        facts = load_facts([spec])
        report = check(facts, docs=True)
    assert parsed == [str(spec)]
    assert any(f.rule == "schema-drift" for f in report.findings)  # the examples rule ran
    parsed.clear()
    check(facts, docs=True)  # outside the scope: read again, as before
    assert parsed == [str(spec)]


def test_a_file_changed_inside_the_scope_is_parsed_again(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    spec.write_text('{"openapi": "3.0.3", "paths": {}}', encoding="utf-8")
    with documents_reused():
        first = parse_document(spec, "api.json")
        assert parse_document(spec, "api.json") is first
        spec.write_text('{"openapi": "3.1.0", "paths": {}, "info": {}}', encoding="utf-8")
        second = parse_document(spec, "api.json")
    assert second is not first and second.data["openapi"] == "3.1.0"
    assert parse_document(spec, "api.json") is not second  # no scope: no reuse


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_secret_patterns.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert _secret_patterns.cache_dir() == Path("/somewhere/cache/apiplan")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "/home/someone")
    assert _secret_patterns.cache_dir() == Path("/home/someone/.cache/apiplan")
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)  # no home folder at all
    assert _secret_patterns.cache_dir() is None
    monkeypatch.setenv(_secret_patterns.CACHE_ENV, "")
    assert _secret_patterns.cache_dir() is None


def test_a_detector_compiled_case_insensitive_stays_so_in_the_union() -> None:
    value = "wJalrXUtnFEMI" + "K7MDENGbPxRfiCY" + "9Zq8Lw3Rt6Yp"  # invented, 40 characters
    line = f'AWS_SECRET_KEY = "{value}"'
    kinds = [h.kind for h in _secrets.find_secrets(line)]
    assert kinds == ["AWS Access Key"]  # detect-secrets' AWS pattern, written `aws...` lower
    slack = [p for k, p in _secret_patterns._imported() if k == "Slack Token"]
    assert any(re.search(p, "XOXB-1234-5678-ABCDEF") for p in slack)


def test_long_texts_find_the_same_runs_through_the_byte_map() -> None:
    # Long texts (over CharRuns._MAPPED_ABOVE) are scanned through a byte map; non-ASCII
    # characters must break runs exactly as they do for the plain pattern, at the same offsets.
    import random

    rng = random.Random(7)
    pieces = [*_TRICKY, "é", "😀", "ÄbCdEf123456789Ü", "\u2014", " ", "\n", "a1b2c3d4e5f6g7h8"]
    text = "".join(rng.choice(pieces) for _ in range(2000))
    assert len(text) > _secrets.CharRuns._MAPPED_ABOVE and not text.isascii()
    for runs in (_secrets._KEY_RUNS, CharRuns("ab+/%=" + "0123456789", 40)):
        plain = [m.span() for m in runs.pattern.finditer(text)]
        assert list(runs.spans(text)) == plain
        assert list(runs.spans(text, 1500, 9000)) == [
            m.span() for m in runs.pattern.finditer(text, 1500, 9000)
        ]
    assert _secrets._windows(text) == _one_pattern_windows(text)
