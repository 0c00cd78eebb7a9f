"""Security notes classify sensitive data by what it is, with evidence, and name least privilege."""

from __future__ import annotations

import apiplan

from .conftest import corpus


def _notes(spec: str, goal: str, pins: list[str] | None = None) -> list[str]:
    path = corpus("openapi", spec)
    bp = apiplan.plan([str(path)], goal=goal, operations=pins or [])
    return [n.text for n in bp.deliverable.security_notes]


def test_card_data_is_never_stored_and_cvc_never_comes_from_a_secret_store() -> None:
    notes = _notes("stripe-spec3-2021-06.json", "create a charge", ["POST:/v1/charges"])
    card = next(n for n in notes if n.startswith("Cardholder data"))
    assert "`card.number`" in card and "tokenisation" in card
    assert "never load it from a secret store" in card
    assert not any("`card.cvc`" in n and "load it from the secret store" in n for n in notes)


def test_personal_data_is_masked() -> None:
    notes = _notes("stripe-spec3-2021-06.json", "create a charge", ["POST:/v1/charges"])
    personal = next(n for n in notes if n.startswith("Personal data"))
    assert "`receipt_email`" in personal and "masked in logs" in personal


def test_least_privilege_names_the_required_scopes() -> None:
    notes = _notes("spotify-web-api-official-oas30.yml", "add tracks to a playlist")
    scope = next(n for n in notes if n.startswith("Least privilege"))
    assert "playlist-modify" in scope


def test_a_token_in_the_url_keeps_whole_urls_out_of_logs() -> None:
    notes = _notes(
        "discord-openapi-oas31.json",
        "send a message through a webhook",
        ["POST:/webhooks/{webhook_id}/{webhook_token}"],
    )
    assert any("`webhook_token` travels in the path" in n for n in notes)
    assert not any(n.startswith("Secrets never appear in URLs") for n in notes)
