"""The command line. The only place that prints or exits; heavy imports happen inside commands."""

from ._app import main  # first: importing it registers every command on `app`
from ._common import app

__all__ = ["app", "main"]
