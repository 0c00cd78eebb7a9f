"""Completion: an operation whose outcome comes later, and the operation that reads it.

A call that answers 202, starts a job-like resource (a batch, a build, a deploy) or whose docs
say it works asynchronously is followed in the workflow by the GET that reads the item it made
(its status sub-resource when there is one), polled within the retry policy's bounds.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ._flow import Flow, owns
from ._lexicon import stems
from ._profile import OpProfile

_JOB_WORDS = stems(
    "job task batch run build deploy deployment operation export import snapshot transcript "
    "transcription render rollout migration backup report execution pipeline"
)
"""Resources that finish after the call returns: their status must be polled or awaited."""
_ASYNC = re.compile(
    r"\basynchronous\w*|\bin the background\b|\bpoll\w*\b|\bqueued\b|\bbegins the process\b|"
    r"\bwill be scheduled\b|\bcheck (?:the|its) status\b|\btakes? (?:a while|some time|minutes)\b",
    re.I,
)
_STATUS_WORDS = stems("status state progress result")


def why_later(p: OpProfile) -> str | None:
    """Why the operation's outcome comes later (202, a job it starts, the docs' words), or None
    when its answer is the outcome."""
    if p.op.method in ("GET", "HEAD", "DELETE"):
        return None
    if any(r.status == "202" for r in p.op.responses):
        return "answers 202 Accepted: the work finishes later"
    job = {
        w
        for w in p.resource
        if w in _JOB_WORDS or w[:6] in {j[:6] for j in _JOB_WORDS if len(j) >= 6}
    }
    if job and p.kind in ("create", "upsert"):
        return f"starts a {sorted(job)[0]} that finishes later"
    m = _ASYNC.search(" ".join(x for x in (p.op.summary, p.op.description) if x)[:600])
    if m:
        return f"the docs say it works asynchronously ('{m.group(0)}')"
    return None


def poll_for(flow: Flow, i: int, excluded: Collection[int] = ()) -> int | None:
    """The operation that reads the outcome of ``i``: a GET that takes the id ``i`` returns,
    near its path, preferring a status resource."""
    p = flow.index.profiles[i]
    best: tuple[float, int] | None = None
    for j, q in enumerate(flow.index.profiles):
        if j == i or q.op.method != "GET" or q.deprecated or j in excluded:
            continue
        near = q.op.path.startswith(p.collection or p.op.path) or q.op.path.startswith(p.op.path)
        shared = bool(q.resource & p.resource) or bool(q.parents & p.resource)
        if not (near or shared):
            continue
        feeds = [
            f
            for f in flow.feeds_between(i, j)
            if f.input.location == "path" and f.input.owner and owns(p, f.input.owner)
        ]
        if not feeds:
            continue
        score = (2.0 if _STATUS_WORDS & (q.resource | q.parents | q.path_actions) else 0.0) + (
            1.0 if near else 0.0
        )
        score -= 0.1 * q.op.path.count("/") + (
            1.0 if q.kind == "list" and not q.op.path.endswith("}") else 0.0
        )
        if best is None or score > best[0]:
            best = (score, j)
    return best[1] if best else None


__all__ = ["poll_for", "why_later"]
