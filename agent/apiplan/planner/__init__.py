"""The offline planner: each phase's output built deterministically from the facts alone."""

from ._common import PlanInput
from ._context import UserContext, parse_context
from ._deliverable import build_deliverable
from ._error_map import ERROR_ACTIONS
from ._plan import working_plan
from ._scope import build_scope
from ._select import rank, select_operations
from ._sensitive import classify_sensitive
from ._workflow import build_workflow, selection_of, validate_workflow

__all__ = [
    "ERROR_ACTIONS",
    "PlanInput",
    "UserContext",
    "build_deliverable",
    "build_scope",
    "build_workflow",
    "classify_sensitive",
    "parse_context",
    "rank",
    "select_operations",
    "selection_of",
    "validate_workflow",
    "working_plan",
]
