"""Names the package uses in many places are defined once: the severity order, the rule names,
the suffixes of client code. Where a fast-starting entry point spells one out (the CLI's option
choices, the pre-commit hook), it must say exactly the same."""

from __future__ import annotations

import typing

from apiplan.schemas import RISK_RULES, SEVERITIES, RiskRule, Severity, severity_rank


def test_severities_are_one_order() -> None:
    from apiplan.cli import _cmd_gate, _hook

    assert SEVERITIES == typing.get_args(Severity) == ("high", "medium", "low")
    assert [s.value for s in _cmd_gate.Severity] == list(SEVERITIES)
    assert _hook.SEVERITIES == SEVERITIES
    assert sorted(["low", "high", "medium"], key=severity_rank) == list(SEVERITIES)


def test_rule_names_are_one_list() -> None:
    from apiplan.render._findings import _RULE_HELP
    from apiplan.validators import _NEEDS, BLUEPRINT_RULES, CODE_RULES, RULES

    assert RULES == RISK_RULES == typing.get_args(RiskRule)
    assert len(set(RULES)) == len(RULES)
    assert set(_NEEDS) == set(_RULE_HELP) == set(RULES)
    assert set(BLUEPRINT_RULES) | set(CODE_RULES) <= set(RULES)


def test_code_suffixes_are_one_list() -> None:
    import inspect

    from apiplan.cli import _chat_files
    from apiplan.sources import CODE_SUFFIXES

    assert all(s.startswith(".") and s == s.lower() for s in CODE_SUFFIXES)
    assert {".py", ".js", ".ts", ".sh"} <= set(CODE_SUFFIXES)
    # The chat's `add FILE` sorts files with the same list as load_facts.
    assert "CODE_SUFFIXES" in inspect.getsource(_chat_files)
    assert not hasattr(_chat_files, "_CODE_SUFFIXES")


def test_walk_claims_paths_lead_to_the_claims() -> None:
    """The one walker (validators, the Markdown renderer, chat and the eval use it) reaches
    every kind of claim, and each path it reports addresses the claim it came with."""
    import re

    import apiplan
    from apiplan.schemas import Claim, walk_claims

    from .conftest import EXAMPLES

    bp = apiplan.plan([EXAMPLES / "parcelbox-openapi.yaml"], goal="create a shipment label")
    found = list(walk_claims(bp))
    for path, claim in found:
        obj: object = bp
        for name, index in re.findall(r"(\w+)|\[(\d+)\]", path):
            obj = getattr(obj, name) if name else obj[int(index)]  # type: ignore[index]
        assert obj is claim, path
    kinds = {type(c).__name__ for _, c in found}
    assert {"FieldSpec", "RetryPolicy", "ErrorRow", "TestCase", "Step"} <= kinds, kinds
    assert all(isinstance(c, Claim) for _, c in found)
    assert len({id(c) for _, c in found}) == len(found)  # each claim once
