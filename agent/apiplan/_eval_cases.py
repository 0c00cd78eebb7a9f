"""Golden cases: where they are found, how a case's references resolve, and reading one.

Cases and the documents they name come from arguments or the current directory, never from where
apiplan is installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from .exceptions import DocumentError, UsageError
from .schemas import GoldenCase

DEFAULT_CASES = Path("evals", "golden")
"""Where ``apiplan eval`` looks when no case is named: relative to the current directory."""
DEFAULT_CORPUS = Path("..", "shared", "corpus")
"""Where a case's ``corpus:`` references point when no corpus folder is given: relative to the
current directory (this repository's own cases read a corpus kept beside the checkout)."""


def resolve(ref: str, *, case: Path | None = None, corpus: Path | None = None) -> Path:
    """The file a case names: ``corpus:openapi/x.json`` under ``corpus`` (default
    :data:`DEFAULT_CORPUS`); any other relative path against the folder of the case file
    ``case``, so that a folder of cases and the documents beside it move together."""
    if ref.startswith("corpus:"):
        return (corpus if corpus is not None else DEFAULT_CORPUS) / ref.removeprefix("corpus:")
    path = Path(ref)
    if case is not None and not path.is_absolute():
        return case.parent / path
    return path


def find_cases(cases: Sequence[Path] = ()) -> list[Path]:
    """Case files from what was named: files as given, folders expanded to their ``*.yaml``;
    nothing named means :data:`DEFAULT_CASES` under the current directory.

    Raises:
        UsageError: the default folder is missing, a named file or folder does not exist, or
            no case was found.
    """
    if not cases:
        if not DEFAULT_CASES.is_dir():
            raise UsageError(
                f"no golden cases: {DEFAULT_CASES} does not exist under {Path.cwd()}; "
                "name case files or a folder of them"
            )
        cases = [DEFAULT_CASES]
    paths: list[Path] = []
    for given in cases:
        if given.is_dir():
            paths += sorted([*given.glob("*.yaml"), *given.glob("*.yml")])
        elif given.is_file():
            paths.append(given)
        else:
            raise UsageError(f"{given}: no such golden case")
    if not paths:
        raise UsageError(f"no golden cases (*.yaml) in {', '.join(map(str, cases))}")
    return paths


def load_case(path: Path) -> GoldenCase:
    """Read one golden case (bounded like every document apiplan reads).

    Raises:
        UsageError: unreadable, not YAML, or not a golden case; one line naming the file.
    """
    from pydantic import ValidationError

    from ._constants import MAX_DOCUMENT_BYTES
    from .sources import read_regular

    try:
        data = yaml.safe_load(read_regular(path, str(path), max_bytes=MAX_DOCUMENT_BYTES))
        return GoldenCase.model_validate(data)
    except DocumentError as exc:
        raise UsageError(f"{exc.document}: cannot read golden case ({exc.reason})") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: cannot read golden case ({str(exc).splitlines()[0]})") from None
    except ValidationError as exc:
        raise UsageError(
            f"{path}: not a golden case ({exc.errors()[0]['loc']}: {exc.errors()[0]['msg']})"
        ) from None
