"""Large JSON is written as UTF-8 pieces, never joined or decoded: the pieces must say exactly
what the text did, stamp included, wherever the pieces are cut."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

import apiplan
from apiplan._output import stamp_chunks, written_by_apiplan
from apiplan._text import strip_controls, strip_controls_utf8
from apiplan.cli._common import _emit
from apiplan.render import to_json, to_json_chunks

from .conftest import EXAMPLES

SPEC = EXAMPLES / "parcelbox-openapi.yaml"


def _pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_pieces_join_to_the_text_and_stamp_the_same_wherever_they_are_cut() -> None:
    facts = apiplan.load_facts([SPEC])
    text = to_json(facts)
    chunks = to_json_chunks(facts)
    assert b"".join(chunks).decode("utf-8") == text
    assert text.startswith('{\n  "kind": "apiplan.facts",\n  "version": 1,\n  "generator"')
    expected = b"".join(stamp_chunks([text.encode("utf-8")]))  # the text in one piece
    assert expected != text.encode("utf-8")  # a mark was stamped
    for size in (1, 7, 64, 4095, 4096, 10**9):
        assert b"".join(stamp_chunks(_pieces(text.encode("utf-8"), size))) == expected, size


def test_a_file_written_in_pieces_is_recognised_as_apiplans_own(tmp_path: Path) -> None:
    out = tmp_path / "facts.json"
    _emit(to_json_chunks(apiplan.load_facts([SPEC])), out, False, quiet=True)
    assert written_by_apiplan(out)
    _emit(to_json_chunks(apiplan.load_facts([SPEC])), out, False, quiet=True)  # replaced
    out.write_text(out.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert not written_by_apiplan(out)  # edited since: never replaced without --force


def test_the_bytes_pattern_strips_exactly_the_characters_the_text_pattern_strips() -> None:
    sample = "".join(chr(c) for c in range(0x3000)) + "\u202a\u2069\u200e\ud7ff\U0001f600"
    for ch in sample:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            continue
        assert strip_controls_utf8(ch.encode("utf-8")) == strip_controls(ch).encode("utf-8"), hex(
            ord(ch)
        )
    text = "a\x1bb\u202ec\x9bd é ✓"
    assert strip_controls_utf8(text.encode("utf-8")) == strip_controls(text).encode("utf-8")


def test_pieces_to_a_text_only_stream_are_decoded_across_cuts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()  # no .buffer, as an embedding harness may give
    monkeypatch.setattr(sys, "stdout", stream)
    data = '{"name": "é✓😀"}\n'.encode()
    _emit(_pieces(data, 1), None, False)
    assert stream.getvalue() == data.decode("utf-8")
