"""Secrets: 15+ kinds planted in docs, code and examples are found, and never appear unmasked in
anything apiplan prints or writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from apiplan._secrets import find_secrets, mask, redact

from .conftest import EXAMPLES

# Invented values in each provider's documented format (none is a real credential).
PLANTED = {
    "AWS Access Key": "AKIAQWERTYUIOPASDF12",
    "Stripe Key": "sk_live_9aZ8bY7cX6dW5eV4fU3gT2hS",
    "GitHub Token": "ghp_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa",
    "GitLab Token": "glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm3",
    "Slack Token": "xoxb-918273645501-928374650192-QwErTyUiOpAsDfGhJkLzXcVb",
    "Slack Webhook": "https://hooks.slack.com/services/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",
    "OpenAI API Key": "sk-proj-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7",
    "Anthropic API Key": "sk-ant-api03-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7",
    "Twilio API Key": "SK3f9a0b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "SendGrid API Key": "SG.Qw3Er5Ty7Ui9Op1As3Df5G.Gh7Jk9Lz1Xc3Vb5Nm7Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9",
    "Google API Key": "AIzaSyQw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3",
    "npm Token": "npm_Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5",
    "PyPI Token": "pypi-AgEIcHlwaS5vcmc"
    + "Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5Nm7",
    "JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcGlwbGFuLXRlc3QifQ.Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9",
    "Private Key": "-----BEGIN RSA PRIVATE KEY-----",
    "Basic Auth URL": "https://svc:Qw3Er5Ty7Ui9@api.example.com/v1",
    "Authorization Value": "Authorization: Bearer Qw3Er5Ty7Ui9Op1As3Df5Gh7",
    "Secret-named Value": 'client_secret: "Zq8Wx7Ec6Rv5Tb4Yn3Um2"',
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_each_kind_is_found_and_redacted(kind: str) -> None:
    value = PLANTED[kind]
    text = f"line one\nexample: {value}\n"
    hits = list(find_secrets(text))
    assert hits, kind
    assert hits[0].line == 2
    cleaned = redact(text)
    assert "[redacted:" in cleaned
    secret_core = value.split(":", 1)[-1].strip().strip('"')[-12:]
    if kind == "Basic Auth URL":
        secret_core = "Qw3Er5Ty7Ui9"
    if kind != "Private Key":
        assert secret_core not in cleaned


def test_placeholders_are_not_secrets() -> None:
    for text in (
        "Authorization: Bearer <your-token>",
        'api_key: "YOUR_API_KEY_HERE"',
        "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        'client_secret: "chatkit_token_123"',
        "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
    ):
        assert list(find_secrets(text)) == [], text


def test_mask_never_shows_the_value() -> None:
    assert mask("sk_live_9aZ8bY7cX6dW5eV4fU3gT2hS") == "sk_l…(32 chars)"
    assert "9aZ8" not in mask("sk_live_9aZ8bY7cX6dW5eV4fU3gT2hS")


def _plant(tmp_path: Path) -> tuple[Path, Path]:
    spec = (EXAMPLES / "parcelbox-openapi.yaml").read_text()
    examples = "\n".join(f"    # {k}: {v}" for k, v in PLANTED.items())
    spec = spec.replace("openapi: 3.0.3", "openapi: 3.0.3\n# planted for the test:\n" + examples, 1)
    doc = tmp_path / "swagger-planted.yaml"  # a 'swagger' path must not be skipped
    doc.write_text(spec)
    code = tmp_path / "client.py"
    code.write_text(
        "import logging, requests\nlog = logging.getLogger(__name__)\n"
        + "\n".join(f"KEY_{i} = {v!r}" for i, v in enumerate(PLANTED.values()))
        + "\n\ndef send(token):\n    r = requests.post('https://api.parcelbox.example/v1/shipments', headers={'Authorization': token})\n"
        "    log.info('sent with %s', token)\n    return r\n"
    )
    return doc, code


def test_planted_secrets_never_leave_unmasked(tmp_path: Path) -> None:
    doc, code = _plant(tmp_path)
    outputs: list[str] = []
    for args in (
        ["check", str(doc), "--code", str(code)],
        ["check", str(doc), "--code", str(code), "-f", "json"],
        ["check", str(doc), "--code", str(code), "-f", "sarif"],
        ["facts", str(doc), "--code", str(code)],
        ["plan", str(doc), "--code", str(code), "--goal", "create a shipment"],
        ["plan", str(doc), "--code", str(code), "--goal", "create a shipment", "-f", "json"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "apiplan", *args], capture_output=True, text=True, timeout=120
        )
        assert result.returncode in (0, 1), (args, result.stderr)
        assert result.stdout, args
        outputs += [result.stdout, result.stderr]
    joined = "\n".join(outputs)
    for kind, value in PLANTED.items():
        core = value.split(":", 1)[-1].strip().strip('"')
        core = core.split("@")[0].rsplit(":", 1)[-1] if kind == "Basic Auth URL" else core
        if kind == "Private Key":
            continue
        assert core[-10:] not in joined, f"{kind} leaked"
    check = json.loads(outputs[2])
    kinds = {f["message"] for f in check["findings"] if f["rule"] == "secret-exposure"}
    assert len(kinds) >= 15


def test_a_base64_blob_with_url_escapes_is_decoded_and_scanned() -> None:
    import base64
    import urllib.parse

    from apiplan._secret_examples import find_encoded_secrets

    # An invented Postman-style environment, base64-encoded, then URL-encoded into a page.
    # (this value puts a `/` mid-blob: `%2F` once URL-encoded)
    env = '[{"key": "api_key", "value": "Zq8Wx7Ec6Rv5Tb4Yn3Um2Lk?"}]'
    blob = urllib.parse.quote(base64.b64encode(env.encode()).decode(), safe="")
    assert 0 < blob.find("%2F") < len(blob) - 3, "the blob carries a URL escape inside it"
    page = f'<div class="run-in-postman" data-env="{blob}">Run</div>\n<p>plain text</p>'
    hits = list(find_encoded_secrets(page))
    assert [h.value for h in hits] == ["Zq8Wx7Ec6Rv5Tb4Yn3Um2Lk?"]
    assert hits[0].kind.endswith("(base64-encoded)")
    assert not list(find_encoded_secrets(page.replace(blob, "x" * 39)))


def test_two_keys_with_one_masked_form_stay_two_facts_and_a_repeated_key_stays_one(
    tmp_path: Path,
) -> None:
    """An invented page: two different live keys share a kind, a prefix and a length (so one
    masked form); the first is written again further down."""
    from apiplan.sources import load_facts

    first = "sk_" + "live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    second = "sk_" + "live_" + "9Zq8Lw3Rt6Yp1Xc4Vb7Nm2Kj"
    page = tmp_path / "keys.md"
    page.write_text(
        "# Example API\n\n## Create a widget\n\n`POST /widgets`\n\n"
        f"Production key: `{first}`\n\nStaging key: `{second}`\n\nAgain: `{first}`\n",
        encoding="utf-8",
    )
    secrets = load_facts([page]).secrets
    assert len(secrets) == 2, [s.masked for s in secrets]
    assert secrets[0].masked == secrets[1].masked  # the case: one masked form, two keys
    assert [len(s.repeated_at) for s in secrets] == [1, 0]
    dumped = "".join(s.model_dump_json() for s in secrets)
    assert first not in dumped and second not in dumped
    assert "digest" not in dumped  # the digest stays in memory


def test_a_document_the_secret_rule_cannot_read_again_is_a_finding(tmp_path: Path) -> None:
    # Its name holds a key-shaped value, so facts show it masked and the rule cannot open it
    # by that name: it says so instead of passing the document unscanned.
    import shutil

    from apiplan.sources import load_facts
    from apiplan.validators import check

    name = "sk_live_" + "Zq8Lw3Rt6Yp1Xc4Vb7Nm2Kd" + ".yaml"  # invented
    spec = tmp_path / name
    shutil.copy(EXAMPLES / "parcelbox-openapi.yaml", spec)
    facts = load_facts([spec])
    assert "[redacted:" in facts.documents[0].path
    unscanned = [f for f in check(facts).findings if "was not scanned" in f.message]
    assert len(unscanned) == 1 and unscanned[0].severity == "medium"
    assert "Zq8Lw3" not in unscanned[0].message
