"""The `apiplan facts` command as a user runs it: output, files, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apiplan.schemas import Facts

from .conftest import EXAMPLES, corpus

EXAMPLE = EXAMPLES / "parcelbox-openapi.yaml"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apiplan", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_facts_json_validates_against_the_model() -> None:
    result = run("facts", EXAMPLE)
    assert result.returncode == 0, result.stderr
    facts = Facts.model_validate_json(result.stdout)
    assert {op.key for op in facts.operations} == {
        "GET /shipments",
        "POST /shipments",
        "GET /shipments/{shipment_id}",
        "POST /shipments/{shipment_id}/cancel",
    }
    create = facts.operation("POST /shipments")
    assert create is not None
    assert create.security_origin == "global"
    assert [p.name for p in create.parameters] == ["Idempotency-Key"]
    assert {i.detail for i in facts.idempotency if i.kind == "header"} == {"Idempotency-Key"}
    fields = facts.body_fields(create.request_body)
    assert facts.field_at(fields, "parcel.weight_grams").constraints == {
        "minimum": "1",
        "maximum": "30000",
    }
    assert facts.field_at(fields, "to.country").constraints["maxLength"] == "2"


def test_facts_markdown_cites_sources() -> None:
    result = run("facts", EXAMPLE, "--format", "md")
    assert result.returncode == 0
    assert "| POST | `/shipments` | createShipment | bearerAuth |" in result.stdout
    assert "parcelbox-openapi.yaml#/paths/~1shipments/post:21" in result.stdout
    assert "100 requests per minute" in result.stdout


def test_output_file_is_not_clobbered(tmp_path: Path) -> None:
    mine = tmp_path / "notes.md"
    mine.write_text("my own notes\n")
    result = run("facts", EXAMPLE, "-f", "md", "-o", mine)
    assert result.returncode == 2
    assert "exists and was not written by apiplan" in result.stderr
    assert mine.read_text() == "my own notes\n"
    out = tmp_path / "facts.md"
    assert run("facts", EXAMPLE, "-f", "md", "-o", out).returncode == 0
    # Our own file may be rewritten; someone else's only with --force.
    assert run("facts", EXAMPLE, "-o", out).returncode == 0
    assert json.loads(out.read_text())["generator"].startswith("apiplan ")
    assert run("facts", EXAMPLE, "-o", mine, "--force").returncode == 0


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("doc.json", None, "no such file"),
        ("doc.json", b"\x00\x01\x02binary", "binary file"),
        ("doc.yaml", b"hello: world\n", "not an OpenAPI document"),
        ("doc.json", b"hello: world\n", "invalid JSON"),
        ("doc.json", b'{"openapi": "3.0.0", ', "invalid JSON"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, name: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("facts", path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_usage_errors_exit_2() -> None:
    result = run("facts")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert run("facts", EXAMPLE, "--format", "xml").returncode == 2
    assert run("nosuchcommand").returncode == 2


def test_warnings_go_to_stderr_and_facts_still_print() -> None:
    result = run("facts", corpus("openapi", "matrix-cs-login-oas31-extrefs.yaml"))
    assert result.returncode == 0
    assert "warning: definitions/errors/error.yaml: file not found" in result.stderr
    assert len(Facts.model_validate_json(result.stdout).operations) == 2


def test_help_lists_commands_and_version() -> None:
    result = run("--help")
    assert result.returncode == 0 and "facts" in result.stdout
    assert run("--version").stdout.startswith("apiplan ")


def test_every_json_document_names_its_kind_and_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Scripts can tell what they read: kind and version come first, whatever the content."""
    import json
    import subprocess
    import sys

    import apiplan

    example = "examples/parcelbox-openapi.yaml"
    runs = {
        "apiplan.facts": ["facts", example],
        "apiplan.blueprint": ["plan", example, "--goal", "track a parcel", "-f", "json"],
        "apiplan.risk-check": ["check", example, "-f", "json"],
    }
    for kind, args in runs.items():
        r = subprocess.run(
            [sys.executable, "-m", "apiplan", *args], capture_output=True, text=True, timeout=120
        )
        doc = json.loads(r.stdout)
        assert list(doc)[:2] == ["kind", "version"] and doc["kind"] == kind, (kind, r.stderr)
        assert doc["version"] == 1
    # A document written before kind existed still reads.
    bp = json.loads(
        subprocess.run(
            [sys.executable, "-m", "apiplan", *runs["apiplan.blueprint"]],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )
    del bp["kind"], bp["version"]
    assert apiplan.Blueprint.model_validate(bp).kind == "apiplan.blueprint"
