"""The command line. The only place that prints or exits; heavy imports happen inside commands."""

from ._app import app, main

__all__ = ["app", "main"]
