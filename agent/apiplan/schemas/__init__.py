"""Pydantic models: the facts read from documents (and, later, each phase's output).

The models of a blueprint's plan and deliverable, and of eval, are imported when first used:
``apiplan check`` and ``apiplan facts`` never need them (a fortieth of a check's time on Slack's
spec).
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_names
from ._base import FactModel, StrictModel
from ._claim import Claim, walk_claims
from ._code import (
    BodyParse,
    CodeFacts,
    CodeFile,
    ErrorHandler,
    FallThrough,
    HttpCall,
    LogStatement,
    RetryMechanism,
    SecretEvidence,
)
from ._describe import requirement_text
from ._evidence import (
    AsyncMarker,
    BodyOutcome,
    IdempotencyEvidence,
    ProseNote,
    RateLimitEvidence,
    RetryGuidance,
    SizeLimit,
)
from ._facts import DocFormat, DocumentInfo, Facts, FactWarning
from ._operation import (
    Body,
    Header,
    Operation,
    Parameter,
    Response,
    SchemaFacts,
    SchemaField,
    Server,
    ServerVariable,
    Webhook,
)
from ._risk import (
    RISK_RULES,
    SEVERITIES,
    Finding,
    RiskCheck,
    RiskRule,
    Severity,
    SkippedRule,
    severity_rank,
)
from ._scope import (
    EndpointScope,
    ExcludedOperation,
    ExclusionReason,
    FieldLocation,
    FieldSpec,
    OpenQuestion,
    OperationChoice,
    RunnerUp,
    Scope,
    StepInput,
    Workflow,
    WorkflowRole,
    WorkflowStep,
)
from ._security import OAuthFlow, SecurityRequirement, SecurityScheme
from ._source import Source

if TYPE_CHECKING:
    from ._blueprint import Blueprint, ChatAnswer, DecisionRun, PhaseRun
    from ._deliverable import Deliverable, ErrorClass, ErrorRow, Step, Tradeoff
    from ._eval import (
        CaseScore,
        EvalReport,
        Expectations,
        GoldenCase,
        RetryExpectation,
        WorkflowExpectation,
    )
    from ._plan import (
        Completion,
        DedupPlan,
        Paging,
        PlanItem,
        RetryPolicy,
        TestCase,
        Timeouts,
        WorkingPlan,
    )

_HOME = {
    "Blueprint": "._blueprint",
    "ChatAnswer": "._blueprint",
    "DecisionRun": "._blueprint",
    "PhaseRun": "._blueprint",
    "Deliverable": "._deliverable",
    "ErrorClass": "._deliverable",
    "ErrorRow": "._deliverable",
    "Step": "._deliverable",
    "Tradeoff": "._deliverable",
    "CaseScore": "._eval",
    "EvalReport": "._eval",
    "Expectations": "._eval",
    "GoldenCase": "._eval",
    "RetryExpectation": "._eval",
    "WorkflowExpectation": "._eval",
    "Completion": "._plan",
    "DedupPlan": "._plan",
    "Paging": "._plan",
    "PlanItem": "._plan",
    "RetryPolicy": "._plan",
    "TestCase": "._plan",
    "Timeouts": "._plan",
    "WorkingPlan": "._plan",
}

__all__ = [
    "RISK_RULES",
    "SEVERITIES",
    "AsyncMarker",
    "Blueprint",
    "Body",
    "BodyOutcome",
    "BodyParse",
    "CaseScore",
    "ChatAnswer",
    "Claim",
    "CodeFacts",
    "CodeFile",
    "Completion",
    "DecisionRun",
    "DedupPlan",
    "Deliverable",
    "DocFormat",
    "DocumentInfo",
    "EndpointScope",
    "ErrorClass",
    "ErrorHandler",
    "ErrorRow",
    "EvalReport",
    "ExcludedOperation",
    "ExclusionReason",
    "Expectations",
    "FactModel",
    "FactWarning",
    "Facts",
    "FallThrough",
    "FieldLocation",
    "FieldSpec",
    "Finding",
    "GoldenCase",
    "Header",
    "HttpCall",
    "IdempotencyEvidence",
    "LogStatement",
    "OAuthFlow",
    "OpenQuestion",
    "Operation",
    "OperationChoice",
    "Paging",
    "Parameter",
    "PhaseRun",
    "PlanItem",
    "ProseNote",
    "RateLimitEvidence",
    "Response",
    "RetryExpectation",
    "RetryGuidance",
    "RetryMechanism",
    "RetryPolicy",
    "RiskCheck",
    "RiskRule",
    "RunnerUp",
    "SchemaFacts",
    "SchemaField",
    "Scope",
    "SecretEvidence",
    "SecurityRequirement",
    "SecurityScheme",
    "Server",
    "ServerVariable",
    "Severity",
    "SizeLimit",
    "SkippedRule",
    "Source",
    "Step",
    "StepInput",
    "StrictModel",
    "TestCase",
    "Timeouts",
    "Tradeoff",
    "Webhook",
    "Workflow",
    "WorkflowExpectation",
    "WorkflowRole",
    "WorkflowStep",
    "WorkingPlan",
    "requirement_text",
    "severity_rank",
    "walk_claims",
]

__getattr__ = lazy_names(__name__, _HOME, globals())
