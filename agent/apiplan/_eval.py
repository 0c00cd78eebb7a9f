"""Batch evaluation: run golden cases through the same path as `plan` and score each blueprint.

Cases are found and read in ``_eval_cases``, scored in ``_eval_score``, and LLM cases replay
their recorded answers through ``_eval_cassettes``.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._eval_cases import find_cases, load_case, resolve
from ._eval_cassettes import _replayed
from ._eval_score import score_case
from ._version import __version__
from .exceptions import ApiplanError
from .schemas import Blueprint, CaseScore, EvalReport

if TYPE_CHECKING:
    from .planner import PlanInput


def case_input(path: Path, *, corpus: Path | None = None) -> tuple[PlanInput, list[Path]]:
    """The planner's input for one case (its documents read, its workflow selected), and the
    documents' paths: what a provider is handed when the case runs phase by phase."""
    from .planner import PlanInput, build_workflow, parse_context, selection_of
    from .sources import load_facts

    case = load_case(path)
    docs = [resolve(d, case=path, corpus=corpus) for d in case.docs]
    facts = load_facts(docs)
    workflow = build_workflow(facts, case.goal, pins=list(case.operations))
    inp = PlanInput(
        facts=facts,
        goal=case.goal.strip(),
        ctx=parse_context(case.goal, list(case.context)),
        selection=selection_of(workflow),
        code_stack=facts.code_stack,
        workflow=workflow,
    )
    return inp, docs


def run_case(
    path: Path,
    *,
    model: str = "offline",
    base_url: str | None = None,
    live: bool = False,
    corpus: Path | None = None,
    fallback: str = "none",
    record: bool = False,
) -> CaseScore:
    """Plan one case through the same path as ``apiplan plan`` and score it; ``corpus`` is
    where its ``corpus:`` references point (see :func:`resolve`)."""
    from ._api import plan

    case = load_case(path)
    start = time.perf_counter()
    bp: Blueprint | None = None
    error: str | None = None
    docs = [resolve(d, case=path, corpus=corpus) for d in case.docs]
    code = [resolve(c, case=path, corpus=corpus) for c in case.code]
    for ref in [*docs, *code]:
        if not ref.exists():
            return CaseScore(
                name=path.stem,
                ok=False,
                score=0.0,
                invented=0,
                leaks=0,
                seconds=0.0,
                problems=[f"input missing: {ref}"],
            )

    def go() -> Blueprint:
        return plan(
            docs,
            goal=case.goal,
            context=case.context,
            code=code,
            operations=case.operations,
            model=model,
            base_url=base_url,
            fallback=fallback,
        )

    try:
        recorded = model != "offline" and (record or not live)
        bp = _replayed(path, model, go, record=record) if recorded else go()
    except ApiplanError as exc:
        error = str(exc)
    return score_case(path.stem, case, bp, error, time.perf_counter() - start, docs=docs)


def run_eval(
    cases: Sequence[Path],
    *,
    model: str = "offline",
    base_url: str | None = None,
    jobs: int = 1,
    live: bool = False,
    corpus: Path | None = None,
    fallback: str = "none",
    record: bool = False,
) -> EvalReport:
    """Run golden cases and score every blueprint.

    Args:
        cases: case files, or folders of them; none means ``evals/golden`` under the current
            directory (never a place found from where apiplan is installed).
        corpus: the folder that ``corpus:`` references in the cases point into (default
            ``../shared/corpus`` under the current directory); other relative references
            are read beside their case file.
        fallback: 'offline' fills what the model could not decide from the offline planner
            (the case is scored as planned); 'none' fails the case.
        record: call the model (like ``live``) and write its answers as each case's cassette
            under ``cassettes/`` beside the cases' folder, keys filtered out.

    Raises:
        UsageError: no case found, or a case that is not one.
    """
    paths = find_cases(cases)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        scores = list(
            pool.map(
                lambda p: run_case(
                    p,
                    model=model,
                    base_url=base_url,
                    live=live,
                    corpus=corpus,
                    fallback=fallback,
                    record=record,
                ),
                paths,
            )
        )
    _record_run(paths, scores, model)
    return EvalReport(
        generator=f"apiplan {__version__}",
        model=model,
        cases=scores,
        mean_score=round(sum(s.score for s in scores) / len(scores), 4),
        invented=sum(s.invented for s in scores),
        leaks=sum(s.leaks for s in scores),
        false_no_limit=sum(s.false_no_limit for s in scores),
    )


_METRICS = (
    "score",
    "selection_precision",
    "selection_recall",
    "workflow_order",
    "auth",
    "error_coverage",
    "rate_limit_recall",
    "retry_conformance",
    "timeouts",
    "assumptions_labelled",
    "open_question_recall",
    "findings_recall",
    "dedup_recall",
    "body_outcome_recall",
    "async_completion",
    "nested_required_recall",
    "paging_recall",
)


def _record_run(paths: Sequence[Path], scores: Sequence[CaseScore], model: str) -> None:
    """With langfuse configured: the run as a dataset run, one trace per case, one score per metric."""
    import os

    if not (os.environ.get("LANGFUSE_PUBLIC_KEY") and os.environ.get("LANGFUSE_SECRET_KEY")):
        return
    from ._tracing import make_tracer

    run_name = f"apiplan-{__version__}-{model}-{time.strftime('%Y%m%dT%H%M%S')}"
    for path, s in zip(paths, scores, strict=True):
        tracer = make_tracer(f"eval:{s.name}", {"model": model, "run": run_name})
        for metric in _METRICS:
            value = getattr(s, metric)
            if value is not None:
                tracer.score(metric, float(value))
        tracer.score("invented", float(s.invented))
        tracer.score("leaks", float(s.leaks))
        tracer.link_dataset("apiplan-golden", s.name, {"case": path.name}, run_name)
        tracer.close()


def report_markdown(report: EvalReport) -> str:
    from .render import GENERATED_MARK, table

    def f(v: float | None) -> str:
        return "" if v is None else f"{v:.2f}"

    out = [
        GENERATED_MARK,
        f"# apiplan eval ({report.model})",
        "",
        f"Mean score {report.mean_score:.3f}; invented items {report.invented}; leaks {report.leaks}.",
        "",
    ]
    out += table(
        [
            "case",
            "ok",
            "score",
            "invented",
            "sel P",
            "sel R",
            "auth",
            "errors",
            "limits",
            "retry",
            "questions",
            "seconds",
            "LLM calls",
            "tokens",
        ],
        [
            (
                c.name,
                "yes" if c.ok else "NO",
                f"{c.score:.2f}",
                c.invented,
                f(c.selection_precision),
                f(c.selection_recall),
                f(c.auth),
                f(c.error_coverage),
                f(c.rate_limit_recall),
                f(c.retry_conformance),
                f(c.open_question_recall),
                f"{c.seconds:.2f}",
                c.llm_calls,
                c.prompt_tokens + c.completion_tokens,
            )
            for c in report.cases
        ],
    )
    problems = [(c.name, p) for c in report.cases for p in c.problems]
    if problems:
        out += ["", "## Problems", ""] + [f"- {n}: {p}" for n, p in problems]
    return "\n".join(out) + "\n"
