"""Cited prose must support its claim: negations, optional columns, removed endpoints.

Pages here describe an invented API (Acme); the words are ours."""

from __future__ import annotations

from pathlib import Path

import apiplan
from apiplan.schemas import Facts, Operation, Parameter, SecurityScheme, Source
from apiplan.sources._meaning import negates
from apiplan.validators._citations import check_citation_meaning


def _src(text: str, line: int = 3) -> Source:
    return Source(document="acme.md", line=line, text=text)


def test_negation_reading() -> None:
    assert negates("There is no more Basic authentication on v2.", "basic")
    assert negates("Basic auth is no longer supported.", "basic")
    assert negates("Use a token instead of Basic auth.", "basic")
    assert not negates("Authenticate with HTTP Basic auth: your key is the username.", "basic")


def test_extractor_does_not_take_a_negated_scheme(tmp_path: Path) -> None:
    page = tmp_path / "auth.md"
    page.write_text(
        "# Acme auth\n\nThere is no more Basic authentication.\n\n"
        "Send `Authorization: Bearer <token>` with every request.\n\n## Get me\n\n`GET /me`\n",
        encoding="utf-8",
    )
    facts = apiplan.load_facts([page])
    assert [s.name for s in facts.security_schemes] == ["bearer"]
    assert check_citation_meaning(facts) == []


def test_mandatory_column_read_with_its_meaning(tmp_path: Path) -> None:
    page = tmp_path / "params.md"
    page.write_text(
        "# Acme\n\n## Create order\n\n`POST /api/v3/order`\n\n### Parameters\n\n"
        "| Name | Type | Mandatory | Description |\n|---|---|---|---|\n"
        "| symbol | STRING | YES | The pair |\n| newClientOrderId | STRING | NO | Your id |\n",
        encoding="utf-8",
    )
    facts = apiplan.load_facts([page])
    op = facts.operation("POST /api/v3/order")
    assert op is not None and op.request_body is not None
    required = {f.name: f.required for f in op.request_body.fields}
    assert required == {"symbol": True, "newClientOrderId": False}
    assert check_citation_meaning(facts) == []


def test_rule_reports_claims_their_own_line_contradicts() -> None:
    facts = Facts(
        security_schemes=[
            SecurityScheme(
                name="basic",
                type="http",
                scheme="basic",
                source=_src("There is no more Basic authentication."),
            )
        ],
        operations=[
            Operation(
                key="GET /version",
                method="GET",
                path="/version",
                security_origin="unspecified",
                source=_src("GET /version (deprecated, removed in v2.2)", 9),
                parameters=[
                    Parameter(
                        name="page",
                        location="query",
                        required=True,
                        source=_src("| page | integer | NO | Page number |", 12),
                    )
                ],
            )
        ],
    )
    rules = [(f.rule, f.location) for f in check_citation_meaning(facts)]
    assert rules == [
        ("unsupported-citation", "acme.md:3"),
        ("unsupported-citation", "acme.md:9"),
        ("unsupported-citation", "acme.md:12"),
    ]
