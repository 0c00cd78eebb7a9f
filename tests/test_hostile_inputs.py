"""Hostile inputs (issue 20): every case ends in a valid result or one clear line, in bounded time
and memory, and no file the user owns is clobbered.

Fixtures are generated in ``tmp_path``. Library cases run in-process (those that could block run
under an alarm); the cases that need a real process (exit codes, hangs, memory) run the CLI under
a 10 s timeout and a 2 GB address-space cap.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import apiplan
from apiplan import DocumentError, UsageError, load_facts
from apiplan import _output as output
from apiplan._files import ReadBudget, read_regular
from apiplan._schema_files import check_schema_files, write_schema_files
from apiplan.cli._chat import Chat
from apiplan.cli._chat_session import SESSION_FORMAT, SessionState, read_session
from apiplan.sources import _refs
from apiplan.sources._code import read_code
from apiplan.sources._document import parse_document
from apiplan.validators import check as run_check

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"
CLI_TIMEOUT = 10
MEMORY_CAP = 2 * 1024**3

MINI = {
    "openapi": "3.0.0",
    "info": {"title": "Mini (invented)", "version": "1"},
    "paths": {
        "/things": {
            "get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}}
        }
    },
}


# -- helpers ---------------------------------------------------------------------------------------
def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli(
    *args: str | Path, cwd: Path | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """The CLI in a real process: bounded in time and memory, as the attack run measured it."""
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "apiplan", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=CLI_TIMEOUT,
        cwd=cwd,
        preexec_fn=_cap_memory,
    )
    assert time.monotonic() - start < CLI_TIMEOUT
    return result


def assert_one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]


def one_line(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message
    return message


@contextlib.contextmanager
def alarm(seconds: int = 5) -> Iterator[None]:
    """Fail instead of hanging: an in-process read of a FIFO must never block."""

    def timeout(signum: int, frame: Any) -> None:
        raise TimeoutError("blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def spec_with_ref(ref: str) -> dict[str, Any]:
    spec = json.loads(json.dumps(MINI))
    spec["paths"]["/things"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": ref}}
    }
    return spec


def ref_warnings(path: Path) -> list[str]:
    facts = load_facts([path])
    return [w.message for w in facts.warnings if w.code == "unresolved-ref"]


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@contextlib.contextmanager
def unix_socket(path: Path) -> Iterator[Path]:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    try:
        yield path
    finally:
        sock.close()


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".apiplan-tmp")]


# -- 11: only regular files are read, with a cap that does not trust st_size -----------------------
@pytest.mark.parametrize("name", ["doc.yaml", "doc.txt", "doc"])
def test_fifo_document_is_refused_without_blocking(tmp_path: Path, name: str) -> None:
    # doc.txt and doc are sniffed for prose first: the sniff must not block either.
    path = fifo(tmp_path / name)
    with alarm(), pytest.raises(DocumentError) as info:
        load_facts([path])
    assert "not a regular file" in one_line(info.value)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_device_documents_are_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} not present")
    with alarm(), pytest.raises(DocumentError, match="not a regular file"):
        load_facts([device])


def test_directory_and_socket_documents_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="is a directory"):
        load_facts([tmp_path])
    with unix_socket(tmp_path / "api.sock") as sock, alarm():
        with pytest.raises(DocumentError) as info:
            load_facts([sock])
        assert str(sock) in one_line(info.value)


def test_byte_cap_holds_when_st_size_lies() -> None:
    # /proc files are regular files that report size 0 whatever they hold.
    status = Path("/proc/self/status")
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("no /proc file with a lying size here")
    with pytest.raises(DocumentError, match="over the"):
        read_regular(status, "status", max_bytes=16)


def test_bytes_read_per_run_are_budgeted(tmp_path: Path) -> None:
    doc = write(tmp_path / "a.json", json.dumps(MINI))
    budget = ReadBudget(max_bytes=doc.stat().st_size * 2 + 10)
    parse_document(doc, "a.json", budget=budget)
    parse_document(doc, "a.json", budget=budget)
    with pytest.raises(DocumentError, match="read per run"):
        parse_document(doc, "a.json", budget=budget)


# -- 14 and re-checks: hostile documents give one line, never a traceback --------------------------
HOSTILE_DOCUMENTS: dict[str, tuple[str, bytes, str]] = {
    "json-int-5000-digits": (
        "doc.json",
        b'{"openapi": "3.0.0", "x": ' + b"9" * 5000 + b"}",
        "more digits",
    ),
    "yaml-int-5000-digits": ("doc.yaml", b"openapi: 3.0.0\nx: " + b"9" * 5000 + b"\n", "digits"),
    "yaml-bad-int-tag": ("doc.yaml", b"openapi: 3.0.0\nx: !!int abc\n", "invalid YAML"),
    "yaml-custom-tag": ("doc.yaml", b"openapi: 3.0.0\nx: !Ref thing\n", "invalid YAML"),
    "yaml-python-tag": (
        "doc.yaml",
        b"openapi: 3.0.0\nx: !!python/object/apply:os.system [id]\n",
        "invalid YAML",
    ),
    "yaml-omap-of-scalars": ("doc.yaml", b"openapi: 3.0.0\nx: !!omap [a, b]\n", "invalid YAML"),
    "yaml-map-tag-on-list": ("doc.yaml", b"openapi: 3.0.0\nx: !!map [a]\n", "invalid YAML"),
    "yaml-two-documents": ("doc.yaml", b"openapi: 3.0.0\n---\nopenapi: 3.0.0\n", "invalid YAML"),
    "yaml-undefined-alias": ("doc.yaml", b"openapi: 3.0.0\nx: *nope\n", "invalid YAML"),
    "yaml-recursive-alias": ("doc.yaml", b"openapi: 3.0.0\npaths: &p\n  /a: *p\n", "alias"),
    "yaml-billion-laughs": (
        "doc.yaml",
        b"openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n".encode()
            for i in range(8)
        ),
        "alias",
    ),
    "yaml-deep-flow": ("doc.yaml", b"a: " + b"[" * 100_000 + b"]" * 100_000, "invalid YAML"),
    "yaml-deep-block": (
        "doc.yaml",
        "".join(f"{' ' * i}k{i}:\n" for i in range(2000)).encode(),
        "nested",
    ),
    "json-deep": ("doc.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "binary": ("doc.json", bytes(range(256)) * 4, "binary file"),
    "nul-name": ("doc\x00.yaml", b"", "not a usable file name"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_DOCUMENTS))
def test_hostile_documents_are_one_line_errors(tmp_path: Path, case: str) -> None:
    name, content, expected = HOSTILE_DOCUMENTS[case]
    path = tmp_path / name if "\x00" in name else write(tmp_path / name, content)
    with pytest.raises(DocumentError) as info:  # how fast: benchmarks/bounded.py
        load_facts([str(path)])
    assert expected in one_line(info.value)


ODD_SHAPES = {
    "components-list": "openapi: 3.0.0\ninfo: null\nservers: 5\ncomponents: [1]\npaths: {}\n",
    "responses-of-scalars": (
        "openapi: 3.0.0\npaths: {/a: {get: {responses: "
        "{200: 5, 201: [1], default: null, 429: {headers: 5, content: 7}}}}}\n"
    ),
    "swagger-scalars": (
        "swagger: '2.0'\nbasePath: 5\nhost: [1]\nschemes: 3\npaths: {/a: {get: "
        "{parameters: [{in: body, schema: 5}], responses: {200: {schema: [1]}}}}}\n"
    ),
    "refs-not-strings": "openapi: 3.0.0\npaths: {/a: {get: {responses: {200: {$ref: {a: 1}}}}}}\n",
    "nan-and-inf": (
        "openapi: 3.0.0\npaths: {/a: {get: {responses: {200: {description: .nan, content: "
        "{application/json: {schema: {properties: {x: {maximum: .inf, default: .nan}}}}}}}}}}\n"
    ),
}


@pytest.mark.parametrize("case", sorted(ODD_SHAPES))
def test_odd_shapes_give_facts_or_one_line(tmp_path: Path, case: str) -> None:
    path = write(tmp_path / "odd.yaml", ODD_SHAPES[case])
    try:
        facts = load_facts([path])
    except DocumentError as exc:
        one_line(exc)
    else:
        apiplan.to_json(facts)
        apiplan.facts_to_markdown(facts)


def test_lone_surrogate_escapes_reach_output_as_replacement_characters(tmp_path: Path) -> None:
    # JSON may escape half of a surrogate pair (\ud800) and YAML a code point the same way;
    # no UTF-8 output can hold one, and serialising it used to end in a traceback.
    spec = {
        "openapi": "3.0.0",
        "info": {"title": "Half \ud800 pair (invented)", "version": "1"},
        "paths": {
            "/a": {"get": {"summary": "x\udcffy", "responses": {"200": {"description": "ok"}}}}
        },
    }
    path = write(tmp_path / "surrogates.json", json.dumps(spec))
    assert "\\ud800" in path.read_text()  # written as an escape, as a document would
    facts = load_facts([path])
    text = apiplan.to_json(facts)
    assert "Half \ufffd pair" in text and "x\ufffdy" in text
    text.encode("utf-8")  # strict: no surrogate left anywhere
    bp = apiplan.plan([path], goal="read a")
    apiplan.to_json(bp).encode("utf-8")


def test_yaml_omap_and_pairs_are_read_as_mappings(tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.0\ninfo: !!omap\n  - title: Ordered (invented)\n  - version: '1'\n"
        "paths: !!pairs\n  - /a:\n      get:\n        responses: {'200': {description: ok}}\n"
    )
    facts = load_facts([write(tmp_path / "omap.yaml", text)])
    assert facts.documents[0].title == "Ordered (invented)"
    assert [op.key for op in facts.operations] == ["GET /a"]
    assert facts.operations[0].source.line == 7  # the line of `get:`


def _aliased_string_spec(size: int, aliases: int) -> str:
    lines = ["openapi: 3.0.0", "info: {title: t, version: '1'}", f"x-big: &s {'a' * size}"]
    lines.append("paths:")
    per_op = 10
    for i in range(aliases // per_op):
        lines += [f"  /a{i}:", "    get:", "      description: *s", "      parameters:"]
        for j in range(per_op - 2):
            lines += [f"        - {{name: p{j}, in: query, description: *s}}"]
        lines += ["      responses: {'200': {description: *s}}"]
    return "\n".join(lines) + "\n"


def test_long_string_aliased_thousands_of_times_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "big.yaml", _aliased_string_spec(3 * 1024 * 1024, 6000))
    with pytest.raises(DocumentError, match="alias"):  # how fast: benchmarks/bounded.py
        load_facts([path])


def test_expanded_size_is_budgeted_across_a_run(tmp_path: Path) -> None:
    # Each document stands for ~1 MB; the run may stand for only 2 MB in all.
    doc = write(tmp_path / "a.yaml", _aliased_string_spec(100_000, 10))
    budget = ReadBudget(max_expanded_chars=2_500_000)
    parse_document(doc, "a.yaml", budget=budget)
    parse_document(doc, "a.yaml", budget=budget)
    with pytest.raises(DocumentError, match="once YAML aliases are expanded"):
        parse_document(doc, "a.yaml", budget=budget)


# -- refs: traversal, remote, links, loops, long names; 9: symlinked documents; 13: inodes ---------
@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("../../etc/passwd", "outside the folder"),
        ("../../../../../../etc/passwd#/x", "outside the folder"),
        ("http://169.254.169.254/latest/meta-data#/x", "remote references are not fetched"),
        ("//evil.example/x.json", "remote references are not fetched"),
        ("loop.yaml#/Pet", "symbolic link loop"),
        ("x" * 300 + ".yaml#/Pet", "file name too long"),
        ("pipe.yaml#/Pet", "not a regular file"),
        ("sub#/Pet", "is a directory"),
        ("bad%00name.yaml#/Pet", "not a usable file name"),
    ],
)
def test_bad_refs_are_warnings_not_crashes(tmp_path: Path, ref: str, reason: str) -> None:
    os.symlink("loop.yaml", tmp_path / "loop.yaml")
    fifo(tmp_path / "pipe.yaml")
    (tmp_path / "sub").mkdir()
    path = write(tmp_path / "spec.json", json.dumps(spec_with_ref(ref)))
    with alarm():
        warnings = ref_warnings(path)
    assert any(reason in w for w in warnings), warnings


def _linked_layout(tmp_path: Path) -> Path:
    """real/spec.yaml refs schemas/pet.yaml; link/spec.yaml is a symlink to it with its own
    schemas/ beside it."""
    spec = spec_with_ref("schemas/pet.yaml#/Pet")
    write(tmp_path / "real" / "spec.json", json.dumps(spec))
    pet = {"Pet": {"type": "object", "properties": {"real_field": {"type": "string"}}}}
    write(tmp_path / "real" / "schemas" / "pet.yaml", json.dumps(pet))
    mine = {"Pet": {"type": "object", "properties": {"given_field": {"type": "string"}}}}
    write(tmp_path / "link" / "schemas" / "pet.yaml", json.dumps(mine))
    os.symlink(tmp_path / "real" / "spec.json", tmp_path / "link" / "spec.json")
    return tmp_path / "link" / "spec.json"


def test_refs_of_a_symlinked_document_resolve_beside_the_given_path(tmp_path: Path) -> None:
    facts = load_facts([_linked_layout(tmp_path)])
    body = facts.operations[0].responses[0].body
    assert body is not None
    assert [f.path for f in facts.body_fields(body)] == ["given_field"]


def test_confinement_uses_real_paths_for_symlinked_refs(tmp_path: Path) -> None:
    given = _linked_layout(tmp_path)
    outside = write(tmp_path / "outside.yaml", json.dumps({"Pet": {"type": "string"}}))
    pet = tmp_path / "link" / "schemas" / "pet.yaml"
    pet.unlink()
    os.symlink(outside, pet)  # inside by name, outside in reality
    messages = ref_warnings(given)
    assert any("outside the folder" in m for m in messages), messages


def test_hardlinked_ref_targets_are_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = write(
        tmp_path / "defs0.yaml",
        json.dumps({"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}),
    )
    for i in range(1, 12):
        os.link(shared, tmp_path / f"defs{i}.yaml")
    spec = json.loads(json.dumps(MINI))
    spec["paths"] = {
        f"/p{i}": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": f"defs{i}.yaml#/Pet"}}},
                    }
                }
            }
        }
        for i in range(12)
    }
    calls: list[Path] = []
    real_parse = _refs.parse_document

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        calls.append(path)
        return real_parse(path, *args, **kwargs)

    monkeypatch.setattr(_refs, "parse_document", counting)
    facts = load_facts([write(tmp_path / "spec.json", json.dumps(spec))])
    assert len(facts.operations) == 12 and not facts.warnings
    assert len(calls) == 1


# -- 5, 6, 7: -o files ------------------------------------------------------------------------------
MARKDOWN = "<!-- generated by apiplan -->\n# API facts\n\nbody\n"
JSON_TEXT = '{\n  "generator": "apiplan 0.1.0",\n  "documents": []\n}\n'


@pytest.mark.parametrize("text", [MARKDOWN, JSON_TEXT], ids=["md", "json"])
def test_fresh_output_is_stamped_and_replaced_by_a_rerun(tmp_path: Path, text: str) -> None:
    out = tmp_path / "out"
    output.write_output(out, text)
    written = out.read_text()
    assert "sha256=" in written and output.written_by_apiplan(out)
    output.write_output(out, text.replace("body", "new body"))  # a re-run replaces it
    if text is JSON_TEXT:
        assert json.loads(out.read_text())["generator"].startswith("apiplan 0.1.0 sha256=")
    assert no_temp_files(tmp_path)


@pytest.mark.parametrize("text", [MARKDOWN, JSON_TEXT], ids=["md", "json"])
def test_output_edited_by_hand_is_kept(tmp_path: Path, text: str) -> None:
    out = tmp_path / "out"
    output.write_output(out, text)
    edited = out.read_text().replace("apiplan 0.1.0", "apiplan 0.1.0 ").replace("body", "mine")
    out.write_text(edited)
    with pytest.raises(UsageError, match="edited since"):
        output.write_output(out, text)
    assert out.read_text() == edited
    output.write_output(out, text, force=True)
    assert output.written_by_apiplan(out)


def test_a_note_quoting_the_mark_is_kept(tmp_path: Path) -> None:
    note = tmp_path / "notes.md"
    output.write_output(tmp_path / "ours.md", MARKDOWN)
    stamp_line = (tmp_path / "ours.md").read_text().splitlines()[0]
    for quoted in ("<!-- generated by apiplan -->\nmy notes\n", stamp_line + "\nmy notes\n"):
        note.write_text(quoted)
        with pytest.raises(UsageError, match="not written by apiplan"):
            output.write_output(note, MARKDOWN)
        assert note.read_text() == quoted


def test_force_never_replaces_a_symlink(tmp_path: Path) -> None:
    target = write(tmp_path / "target.md", "keep me\n")
    link = tmp_path / "link.md"
    os.symlink(target, link)
    for force in (False, True):
        with pytest.raises(UsageError, match="symbolic link"):
            output.write_output(link, MARKDOWN, force=force)
    assert link.is_symlink() and target.read_text() == "keep me\n"


def test_force_never_replaces_a_fifo_or_socket_and_never_blocks(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "out.md")
    with alarm():
        for force in (False, True):
            with pytest.raises(UsageError, match="not a regular file"):
                output.write_output(pipe, MARKDOWN, force=force)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    with unix_socket(tmp_path / "out.sock") as sock:
        with pytest.raises(UsageError, match="not a regular file"):
            output.write_output(sock, MARKDOWN, force=True)
        assert stat.S_ISSOCK(os.lstat(sock).st_mode)


def test_new_output_respects_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        output.write_output(tmp_path / "new.md", MARKDOWN)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664])
def test_replacing_keeps_the_existing_mode(tmp_path: Path, mode: int) -> None:
    out = write(tmp_path / "old.md", "someone's file\n")
    out.chmod(mode)
    output.write_output(out, MARKDOWN, force=True)
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_full_disk_is_one_line_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.md"
    output.write_output(out, MARKDOWN)
    before = out.read_bytes()

    def full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "_write_all", full)
    with pytest.raises(UsageError) as info:
        output.write_output(out, MARKDOWN.replace("body", "other"))
    assert "no space left" in one_line(info.value)
    assert out.read_bytes() == before and no_temp_files(tmp_path)


def test_interrupted_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.md"
    output.write_output(out, MARKDOWN)
    before = out.read_bytes()

    def interrupted(fd: int, data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_output(out, MARKDOWN.replace("body", "other"))
    assert out.read_bytes() == before and no_temp_files(tmp_path)


def test_unwritable_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make the folder refuse the way the OS would

        def denied(*args: Any, **kwargs: Any) -> Any:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(output.tempfile, "mkstemp", denied)
    else:
        folder.chmod(0o500)
    with pytest.raises(UsageError) as info:
        output.write_output(folder / "out.md", MARKDOWN)
    assert "Permission denied" in one_line(info.value)


def test_output_name_too_long_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        output.write_output(tmp_path / ("x" * 300 + ".md"), MARKDOWN)
    assert "too long" in one_line(info.value)


# -- 4: schema files --------------------------------------------------------------------------------
def test_schema_refuses_files_it_did_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    mine = write(folder / "facts.schema.json", '{"mine": true}\n')
    with pytest.raises(UsageError, match=r"facts\.schema\.json"):
        write_schema_files(folder)
    assert mine.read_text() == '{"mine": true}\n'
    assert len(list(folder.iterdir())) == 1  # nothing written when one file is refused
    write_schema_files(folder, force=True)
    assert check_schema_files(folder) == []


def test_schema_rewrites_its_own_files_but_not_edited_ones(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    write_schema_files(folder)
    write_schema_files(folder)  # its own, unchanged: rewritten without --force
    edited = folder / "risk.schema.json"
    data = json.loads(edited.read_text())
    data["title"] = "edited by hand"
    edited.write_text(json.dumps(data))
    with pytest.raises(UsageError, match=r"risk\.schema\.json"):
        write_schema_files(folder)
    assert json.loads(edited.read_text())["title"] == "edited by hand"
    assert no_temp_files(folder)


def test_schema_never_replaces_a_symlink(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    os.symlink(write(tmp_path / "elsewhere.json", "{}"), folder / "plan.schema.json")
    with pytest.raises(UsageError, match="symbolic link"):
        write_schema_files(folder, force=True)
    assert (tmp_path / "elsewhere.json").read_text() == "{}"


# -- 3: chat sessions -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "why"),
    [
        ('{"name": "my-app", "version": "1.0.0", "dependencies": {}}', "format marker"),
        ("[]", "format marker"),
        ('["docs", "goal"]', "format marker"),
        ("not json at all", "not JSON"),
        (json.dumps({"format": SESSION_FORMAT, "version": 99}), "unknown version"),
        (json.dumps({"format": SESSION_FORMAT, "version": 1, "docs": 5}), "wrong type"),
    ],
)
def test_files_that_are_not_sessions_are_refused(tmp_path: Path, content: str, why: str) -> None:
    path = write(tmp_path / "package.json", content)
    with pytest.raises(UsageError) as info:
        read_session(path)
    assert why in one_line(info.value)
    assert path.read_text() == content


class _Quiet:
    def print(self, *args: Any, **kwargs: Any) -> None:
        pass


def test_session_save_uses_unique_temporary_names(tmp_path: Path) -> None:
    session = tmp_path / "s.json"
    neighbour = write(tmp_path / "s.json.tmp", "the user's own file\n")
    chat = Chat(SessionState(goal="g"), session, _Quiet(), lambda prompt: None)
    chat.save()
    chat.save()
    assert neighbour.read_text() == "the user's own file\n"
    assert read_session(session).goal == "g"
    data = json.loads(session.read_text())
    assert data["format"] == SESSION_FORMAT and data["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json", "s.json.tmp"]


def test_session_replaced_by_another_file_is_not_overwritten(tmp_path: Path) -> None:
    session = tmp_path / "s.json"
    chat = Chat(SessionState(goal="g"), session, _Quiet(), lambda prompt: None)
    chat.save()
    session.write_text('{"name": "not a session any more"}')
    chat.save()
    assert json.loads(session.read_text()) == {"name": "not a session any more"}


# -- 12, 15: code ------------------------------------------------------------------------------------
def test_reading_many_calls_is_linear(tmp_path: Path) -> None:
    lines = ["import requests", "", "def sync():"]
    for i in range(5000):
        lines += [
            f"    r = requests.get('https://api.example/{i}', timeout=5)",
            "    r.raise_for_status()",
        ]
    path = write(tmp_path / "many.py", "\n".join(lines) + "\n")
    facts = read_code([path])  # how fast (35 s once): benchmarks/bounded.py
    calls = facts.files[0].calls
    assert len(calls) == 5000 and all(c.status_checked for c in calls)


@pytest.mark.parametrize("suffix", [".py", ".js"])
def test_code_time_budget_stops_with_a_warning(tmp_path: Path, suffix: str) -> None:
    call = "requests.get('https://x', timeout=3)" if suffix == ".py" else "fetch('https://x')"
    path = write(tmp_path / f"c{suffix}", "import requests\n" + f"{call}\n" * 50)
    file = read_code([path], seconds=0).files[0]
    assert any("time budget" in w for w in file.warnings)


@pytest.mark.parametrize(
    "source",
    ["def f(:\n    pass\n", "x = " + "(" * 300 + ")" * 300 + "\n", "import requests\nif:\n"],
)
def test_code_that_cannot_be_read_is_a_high_finding(tmp_path: Path, source: str) -> None:
    path = write(tmp_path / "client.py", source)
    facts = load_facts([], code=[path])
    risk = run_check(facts, docs=False)
    assert any(f.severity == "high" and "could not check" in f.message for f in risk.findings)


# -- 14: library bounds -------------------------------------------------------------------------------
@pytest.mark.parametrize("deadline", [math.nan, math.inf, -math.inf, -5.0, 0.0])
def test_bad_deadlines_are_usage_errors(deadline: float) -> None:
    with pytest.raises(UsageError, match="positive, finite"):
        apiplan.plan([EXAMPLE], goal="create a shipment", deadline=deadline)


@pytest.mark.parametrize("docs", ["spec.yaml", [3], [None]])
def test_library_refuses_non_paths_with_its_own_error(docs: Any) -> None:
    with pytest.raises(UsageError):
        load_facts(docs)


# -- the CLI in a real process: exit codes, one line, no hang, bounded memory --------------------
def test_cli_fifo_and_device_documents(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "doc")
    assert_one_line_error(cli("facts", pipe), "not a regular file")
    assert_one_line_error(cli("facts", "/dev/zero"), "/dev/zero", "not a regular file")


@pytest.mark.parametrize("target", ["fifo", "/dev/stdout"])
def test_cli_output_to_a_pipe_never_hangs(tmp_path: Path, target: str) -> None:
    out = fifo(tmp_path / "out.json") if target == "fifo" else Path(target)
    result = cli("facts", EXAMPLE, "-o", out, "--force")
    assert_one_line_error(result, str(out))


@pytest.mark.parametrize("blueprint", ["/dev/zero", "fifo", "dir"])
def test_cli_check_blueprint_that_is_not_a_file(tmp_path: Path, blueprint: str) -> None:
    target = {"/dev/zero": Path("/dev/zero"), "fifo": tmp_path / "bp.json", "dir": tmp_path}[
        blueprint
    ]
    if blueprint == "fifo":
        fifo(target)
    assert_one_line_error(cli("check", EXAMPLE, "--blueprint", target), str(target))


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_cli_bad_deadline(value: str) -> None:
    result = cli("plan", EXAMPLE, "--goal", "create a shipment", "--deadline", value, "-q")
    assert_one_line_error(result, "--deadline")


def test_cli_check_code_that_does_not_parse_exits_1(tmp_path: Path) -> None:
    bad = write(tmp_path / "client.py", "import requests\ndef f(:\n")
    result = cli("check", "--code", bad)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "could not check this file" in result.stdout and "no findings" not in result.stdout


@pytest.mark.parametrize("content", ['{"name": "my-app", "private": true}\n', "[]\n"])
def test_cli_chat_refuses_a_file_that_is_not_a_session(tmp_path: Path, content: str) -> None:
    package = write(tmp_path / "package.json", content)
    result = cli("chat", EXAMPLE, "--goal", "ship", "--session", package, stdin="quit\n")
    assert_one_line_error(result, "not an apiplan chat session")
    assert package.read_text() == content


def test_cli_schema_refuses_foreign_files(tmp_path: Path) -> None:
    write(tmp_path / "schemas" / "facts.schema.json", "{}\n")
    assert_one_line_error(cli("schema", cwd=tmp_path), "--force")
    assert cli("schema", "--force", cwd=tmp_path).returncode == 0
    assert cli("schema", "--check", cwd=tmp_path).returncode == 0


def test_cli_aliased_string_is_refused_under_the_memory_cap(tmp_path: Path) -> None:
    path = write(tmp_path / "big.yaml", _aliased_string_spec(3 * 1024 * 1024, 6000))
    assert_one_line_error(cli("facts", path), "alias")


def test_cli_peak_memory_stays_within_ten_times_the_input(tmp_path: Path) -> None:
    ops = {
        f"/things{i}/{{id}}": {
            "post": {
                "operationId": f"createThing{i}",
                "description": f"Creates thing {i}. " * 20,
                "parameters": [
                    {"name": f"p{j}", "in": "query", "description": f"param {i}.{j}"}
                    for j in range(10)
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {f"f{j}": {"type": "string"} for j in range(10)},
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}, "429": {"description": "slow"}},
            }
        }
        for i in range(1500)
    }
    spec = {**MINI, "paths": ops}
    path = write(tmp_path / "wide.yaml", json.dumps(spec, indent=1))
    size_mb = path.stat().st_size / 2**20
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run([sys.executable, '-m', 'apiplan', 'facts', sys.argv[1]],"
        " capture_output=True)\n"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_cap_memory,
    )
    code, peak_kb = map(int, result.stdout.split())
    assert code == 0
    assert peak_kb / 1024 <= 10 * size_mb + 150, (peak_kb, size_mb)
