"""Precision and recall of each rule over seeded defects and their clean twins.

Code seeds live in evals/seeded/code (<rule>__<name>__bad.py / __good.py), spec seeds in
evals/seeded/docs (<rule>__<name>__bad.yaml / __good.yaml: invented specs, checked alone, as a
client team would). Blueprint seeds are made here from a clean offline blueprint of the bundled
example: each plants one defect.

    python benchmarks/rules.py
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import apiplan
from apiplan.schemas import RISK_RULES, Blueprint, FieldSpec
from apiplan.validators import check, check_blueprint

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "evals" / "seeded" / "code"
DOC_SEEDS = ROOT / "evals" / "seeded" / "docs"
EXAMPLE = ROOT / "examples" / "parcelbox-openapi.yaml"


def _invented_field(bp: Blueprint) -> None:
    ep = bp.scope.endpoints[0]
    ep.request.append(
        FieldSpec(text="x", name="customer_email", location="body", evidence=ep.purpose.evidence)
    )


def _invented_in_prose(bp: Blueprint) -> None:
    bp.plan.client_boundary[0].text += " Send `gift_wrap_flag` with every call."


def _timeout_removed(bp: Blueprint) -> None:
    bp.plan.retry_policies[0].timeouts.read_seconds = 0


def _uncapped_wait(bp: Blueprint) -> None:
    bp.plan.retry_policies[0].retry_after_ceiling_seconds = 0


def _unsafe_retry(bp: Blueprint) -> None:
    p = bp.plan.retry_policies[0]
    p.idempotent, p.idempotency_key = False, None
    p.retry_on.append("read timeout or connection reset")


def _action_dropped(bp: Blueprint) -> None:
    bp.deliverable.error_map = [r for r in bp.deliverable.error_map if r.status != "409"]


def _no_response_validation(bp: Blueprint) -> None:
    bp.plan.validation = [v for v in bp.plan.validation if not v.topic.startswith("response")]


def _key_in_logging_example(bp: Blueprint) -> None:
    bp.plan.observability[
        0
    ].text += " Example: Authorization: Bearer sk_live_9aZ8bY7cX6dW5eV4fU3gT2hS"


def _hedged_safe_row(bp: Blueprint) -> None:
    p = bp.plan.retry_policies[0]
    p.idempotent = True
    row = next(r for r in bp.deliverable.error_map if r.operation == p.operation)
    row.action = "Retry only if the operation is safe to repeat; otherwise raise ServerError."


def _timeout_retried_and_not_resent(bp: Blueprint) -> None:
    p = bp.plan.retry_policies[0]
    p.retry_on.append("read timeout or connection reset (the docs say retry network errors)")
    t = next(t for t in bp.deliverable.test_matrix if t.operation == p.operation)
    t.name = t.name.rsplit("_", 1)[0] + "_read_timeout"
    t.expect = "Read timeout after 15 s; NOT resent (non-idempotent); raises OutcomeUnknownError."


def _test_for_absent_required_field(bp: Blueprint) -> None:
    ep = bp.scope.endpoints[0]
    ep.response = [f.model_copy(update={"required": False}) for f in ep.response]
    ep.omitted_fields = 0
    t = next(t for t in bp.deliverable.test_matrix if t.operation == ep.operation)
    bp.deliverable.test_matrix.append(
        t.model_copy(update={"name": t.name.rsplit("_", 1)[0] + "_missing_required_field"})
    )


BLUEPRINT_SEEDS: dict[str, tuple[str, Callable[[Blueprint], None]]] = {
    "invented field": ("undocumented-field", _invented_field),
    "invented field in prose": ("undocumented-field", _invented_in_prose),
    "timeout removed": ("missing-timeout", _timeout_removed),
    "Retry-After without ceiling": ("unbounded-retry", _uncapped_wait),
    "non-idempotent retry": ("unbounded-retry", _unsafe_retry),
    "documented error without action": ("silent-failure", _action_dropped),
    "no response validation": ("schema-drift", _no_response_validation),
    "key pasted into a logging example": ("secret-exposure", _key_in_logging_example),
    "safe operation with a hedged 5xx row": ("plan-consistency", _hedged_safe_row),
    "read timeout retried and not resent": ("plan-consistency", _timeout_retried_and_not_resent),
    "test of a field the contract lacks": ("plan-consistency", _test_for_absent_required_field),
}


def main() -> None:
    # Every rule the seeds plant a defect for, in the project's own order of rules.
    seeded = {
        p.name.split("__")[0] for p in [*SEEDS.glob("*__bad.py"), *DOC_SEEDS.glob("*__bad.yaml")]
    }
    seeded |= {rule for rule, _ in BLUEPRINT_SEEDS.values()}
    rules = [r for r in RISK_RULES if r in seeded]
    tp = dict.fromkeys(rules, 0)
    fp = dict.fromkeys(rules, 0)
    fn = dict.fromkeys(rules, 0)

    def score(expected: str | None, found: set[str]) -> None:
        for rule in rules:
            if rule == expected:
                tp[rule] += rule in found
                fn[rule] += rule not in found
            elif rule in found:
                fp[rule] += 1

    for bad in sorted(SEEDS.glob("*__bad.py")):
        rule = bad.name.split("__")[0]
        good = bad.with_name(bad.name.replace("__bad.py", "__good.py"))
        score(
            rule, {f.rule for f in check(apiplan.load_facts([], code=[bad]), docs=False).findings}
        )
        score(
            None, {f.rule for f in check(apiplan.load_facts([], code=[good]), docs=False).findings}
        )
    for bad in sorted(DOC_SEEDS.glob("*__bad.yaml")):
        rule = bad.name.split("__")[0]
        good = bad.with_name(bad.name.replace("__bad.yaml", "__good.yaml"))
        score(rule, {f.rule for f in check(apiplan.load_facts([bad])).findings})
        score(None, {f.rule for f in check(apiplan.load_facts([good])).findings})
    facts = apiplan.load_facts([EXAMPLE])
    clean = apiplan.plan(facts, goal="create a shipment label", operations=["POST:/shipments"])
    for _name, (rule, plant) in BLUEPRINT_SEEDS.items():
        bad_bp = clean.model_copy(deep=True)
        plant(bad_bp)
        score(rule, {f.rule for f in check_blueprint(bad_bp, facts).findings})
        score(None, {f.rule for f in check_blueprint(clean, facts).findings})
    print(f"{'rule':20} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>7}")
    for rule in rules:
        p = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else float("nan")
        r = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else float("nan")
        print(f"{rule:20} {tp[rule]:3} {fp[rule]:3} {fn[rule]:3} {p:9.2f} {r:7.2f}")


if __name__ == "__main__":
    main()
