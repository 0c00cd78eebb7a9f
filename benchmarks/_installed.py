"""Timing apiplan as a user runs it: installed, so byte-compiled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def compiled() -> None:
    """Byte-compile apiplan first, as installing it from a wheel does: a source checkout run
    under PYTHONDONTWRITEBYTECODE would otherwise compile every module in every timed run."""
    import apiplan

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    folder = str(Path(apiplan.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", folder], env=env, check=True)
