"""The JSON Schema files in schemas/: generated from the models, drift-checked in the tests."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .exceptions import UsageError


def _models() -> dict[str, type[BaseModel]]:
    from .schemas import (
        Blueprint,
        Deliverable,
        EvalReport,
        Facts,
        GoldenCase,
        RiskCheck,
        Scope,
        WorkingPlan,
    )

    return {
        "facts.schema.json": Facts,
        "scope.schema.json": Scope,
        "plan.schema.json": WorkingPlan,
        "deliverable.schema.json": Deliverable,
        "risk.schema.json": RiskCheck,
        "blueprint.schema.json": Blueprint,
        "golden-case.schema.json": GoldenCase,
        "eval-report.schema.json": EvalReport,
    }


def render_schema(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schema_files(directory: Path) -> list[Path]:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in _models().items():
        path = directory / name
        path.write_text(render_schema(model), encoding="utf-8")
        written.append(path)
    return written


def check_schema_files(directory: Path) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    stale = []
    for name, model in _models().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != render_schema(model):
            stale.append(name)
    return stale
