"""apiplan: grounded integration blueprints from API docs.

The public names below are loaded on first use (PEP 562): ``apiplan --help`` must start in
well under 0.3 s, and building the Pydantic models alone costs about 0.1 s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names
from ._version import __version__

if TYPE_CHECKING:
    from ._api import aplan, plan
    from .exceptions import ApiplanError, DocumentError, PhaseError, RefError, UsageError
    from .providers import PhaseProvider
    from .render import blueprint_to_markdown, facts_to_markdown, to_json
    from .schemas import Blueprint, Facts, Source
    from .sources import load_facts
    from .validators import check, check_blueprint

_LAZY = {
    "ApiplanError": ".exceptions",
    "Blueprint": ".schemas",
    "aplan": "._api",
    "blueprint_to_markdown": ".render",
    "check": ".validators",
    "check_blueprint": ".validators",
    "facts_to_markdown": ".render",
    "plan": "._api",
    "to_json": ".render",
    "DocumentError": ".exceptions",
    "Facts": ".schemas",
    "PhaseError": ".exceptions",
    "PhaseProvider": ".providers",
    "RefError": ".exceptions",
    "Source": ".schemas",
    "UsageError": ".exceptions",
    "load_facts": ".sources",
}

__all__ = [
    "ApiplanError",
    "Blueprint",
    "DocumentError",
    "Facts",
    "PhaseError",
    "PhaseProvider",
    "RefError",
    "Source",
    "UsageError",
    "__version__",
    "aplan",
    "blueprint_to_markdown",
    "check",
    "check_blueprint",
    "facts_to_markdown",
    "load_facts",
    "plan",
    "to_json",
]


__getattr__ = lazy_names(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return sorted(__all__)
