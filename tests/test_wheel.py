"""apiplan installed from its wheel, run from a folder that is not this checkout.

The wheel is built offline (no build isolation: hatchling comes with the dev extras) and
installed with ``--no-deps`` into a new virtual environment. Its dependencies are not
downloaded (tests never touch the network): a ``.pth`` file makes the test environment's
site-packages visible behind the new one. That folder holds this checkout only through an
editable-install ``.pth`` of its own, which Python does not read from a folder named in another
``.pth``; the test checks that ``apiplan`` is imported from the new environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from apiplan import Blueprint

from .conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow  # 15-30 s: a build, a venv and a few CLI runs

GOAL = "create a shipping label for a parcel"


def _run(
    args: list[str | Path], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(bin folder of a venv holding only the wheel, environment to run it in)."""
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONNOUSERSITE"] = "1"
    build = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            base / "dist",
            ROOT,
        ],
        base,
        env,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (base / "dist").glob("apiplan-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "apiplan/_prompts/role.md.j2" in names and "apiplan/py.typed" in names
    assert "apiplan/_schemas/blueprint.schema.json" in names
    assert not any(n.startswith(("tests/", "evals/", "examples/")) for n in names)

    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv], base, env)
    assert made.returncode == 0, made.stderr
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    put = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        base,
        env,
    )
    assert put.returncode == 0, put.stderr
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], base, env)
    (Path(site.stdout.strip()) / "_dev_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    return bindir, env


def test_the_installed_wheel_plans_checks_and_evals_from_elsewhere(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bindir, env = installed
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(EXAMPLES / "parcelbox-openapi.yaml", work)
    shutil.copytree(EXAMPLES / "golden", work / "golden")
    python, cli = bindir / "python", bindir / "apiplan"

    where = _run(
        [python, "-c", "import apiplan._prompts as p; print(p.__file__); print(p.prompts_dir())"],
        work,
        env,
    )
    assert where.returncode == 0, where.stderr
    module, prompts = where.stdout.split()
    venv = bindir.parent.resolve()
    assert Path(module).resolve().is_relative_to(venv), module
    assert (
        Path(prompts).resolve().is_relative_to(venv) and (Path(prompts) / "scope.md.j2").is_file()
    )

    r = _run(
        [cli, "plan", "parcelbox-openapi.yaml", "-g", GOAL, "-f", "json", "-o", "bp.json", "-q"],
        work,
        env,
    )
    assert r.returncode == 0, r.stderr
    bp = Blueprint.model_validate_json((work / "bp.json").read_text(encoding="utf-8"))
    assert [c.key for c in bp.scope.selection] == ["POST /shipments"]

    r = _run(
        [cli, "check", "parcelbox-openapi.yaml", "--blueprint", "bp.json", "-f", "json"], work, env
    )
    assert r.returncode == 0, r.stderr
    assert "undocumented-field" in json.loads(r.stdout)["rules_run"]

    r = _run([cli, "eval", "--cases", "golden", "-f", "json"], work, env)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert [c["name"] for c in report["cases"]] == ["parcelbox-label"]
    assert report["cases"][0]["ok"] and report["mean_score"] == 1.0

    # No case named and no evals/golden here: one line, not a search of the installation.
    r = _run([cli, "eval"], work, env)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1
    assert "evals/golden does not exist under" in r.stderr

    # The schemas shipped in the wheel are the installed models' own.
    r = _run([cli, "schema", "--check", "--dir", Path(prompts).parent / "_schemas"], work, env)
    assert r.returncode == 0, r.stdout + r.stderr
