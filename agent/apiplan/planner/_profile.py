"""Reading one operation into a profile: what it acts on, what it does, which words name it.

The profile is read from the method, the path and the names alone, by the conventions REST APIs
share (POST on a collection creates, GET with an id retrieves, a verb segment such as ``/refund``
acts on the item before it); ``_index`` indexes the profiles' words for scoring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..schemas import Operation
from ._lexicon import STOP, VERB_ACTIONS, normalize_phrases, stem, stems, words

METHOD_SAFE = frozenset(("GET", "HEAD"))

OpKind = Literal["create", "upsert", "update", "item-post", "read", "list", "delete", "action"]

_PARAM_SEGMENT = re.compile(r"^(\{[^}]*\}|:\w+|<[^>]*>|\[[^\]]*\]|\([^)]*\)|&lt;.*)")
_EXTENSION = re.compile(r"\.(json|xml|csv|txt)$", re.I)
_VERSION = re.compile(r"^_?v?\d+(?:\.\d+)*$|^\d{4}-\d{2}-\d{2}$|^_matrix$|^api$|^rest$", re.I)
"""Segments that version or prefix a path ('v1', '2.0', '2010-04-01'): never the resource."""
_SUMMARY_CHARS = 200
_DESCRIPTION_CHARS = 400
"""Only the opening of a description names what the operation is; the rest is detail whose
words match every goal a little (Stripe's descriptions run to thousands of characters)."""
_DEPRECATED_WORDS = re.compile(
    r"\bdeprecated\b|\bsuperseded\b|\bno longer (?:supported|recommended)\b|\blegacy\b", re.I
)


NOUNISH = stems(
    "issue record message text page alert post note comment log order event file image label tag "
    "set group task report schedule"
)
"""Verbs that, as a path segment, are nearly always the name of a thing ('/sprint/{id}/issue')."""


def is_param_segment(segment: str) -> bool:
    """A path segment that is a parameter in any notation the docs use."""
    return bool(_PARAM_SEGMENT.match(segment))


def param_name(segment: str) -> str:
    """'{charge}', ':id', '<name>' -> the bare parameter name."""
    return re.sub(r"^[{:<\[(]|[}>\])]$|&lt;|&gt;?|;$", "", _EXTENSION.sub("", segment))


def is_plural(word: str) -> bool:
    w = word.lower()
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "status"))


@dataclass(frozen=True)
class OpProfile:
    """What one operation is, read from its method, path and names."""

    op: Operation
    kind: OpKind
    resource: frozenset[str]
    """Stems of the thing it acts on: the last noun segment of the path."""
    parents: frozenset[str]
    """Stems of the other literal path segments (the containers)."""
    actions: frozenset[str]
    """Stems of the verbs it performs: a verb segment (``/merge``), or the leading verb of its
    operationId or summary."""
    path_actions: frozenset[str]
    """Stems of the verb segments of its path alone (``/refund``, ``/mark-all-as-read``)."""
    fields: dict[str, frozenset[str]]
    collection: str | None
    """The path up to its last collection segment, for items fed by that collection."""
    containers: frozenset[str]
    """Stems of the collections an item of which it works inside ('playlist' in
    /playlists/{playlist_id}/items): where 'add it to my playlist' points."""
    deprecated: bool


def _split_path(path: str) -> list[tuple[str, bool]]:
    """(segment, is_param) for each non-empty segment, extensions dropped."""
    out: list[tuple[str, bool]] = []
    for raw in path.split("?")[0].split("/"):
        if not raw:
            continue
        seg = raw if is_param_segment(raw) else _EXTENSION.sub("", raw)
        # A concrete id in an example path ('/v1/feeds/42') stands for a parameter.
        out.append((seg, is_param_segment(seg) or seg.isdigit()))
    return out


def _lead_verbs(text: str | None) -> set[str]:
    """The verb an operationId, summary or description starts with ('createCharge', 'Add
    accounts to a list', 'Cancels a customer's subscription')."""
    head = [w for w in words(text)[:3] if w not in STOP]
    return {head[0]} if head and head[0] in VERB_ACTIONS else set()


def _strip_tags(text: str | None) -> str:
    return re.sub(r"<[^>]+>", " ", text[:120]) if text else ""


def _returns_array(op: Operation) -> bool:
    """A success body that is a JSON array: a list, whatever the path looks like."""
    return any(
        f.path == "[]" or f.path.startswith("[].")
        for r in op.responses
        if r.status.startswith("2") and r.body is not None
        for f in r.body.fields
    )


def _kind(op: Operation, segments: list[tuple[str, bool]], action_segment: bool) -> OpKind:
    method = op.method
    ends_with_param = bool(segments) and segments[-1][1]
    if method == "DELETE":
        return "delete"
    if action_segment and method not in METHOD_SAFE:
        return "action"
    if method in METHOD_SAFE:
        if _returns_array(op):
            return "list"
        if ends_with_param or not segments:
            return "read"
        last = segments[-1][0]
        return "list" if is_plural(last.split(".")[-1]) or "list" in words(last) else "read"
    if method == "PATCH":
        return "update"
    if method == "PUT":
        return "update" if ends_with_param else "upsert"
    return "item-post" if ends_with_param else "create"


def profile(op: Operation) -> OpProfile:
    """Read one operation: its kind by REST convention, its resource, its verbs, its words."""
    segments = _split_path(op.path)
    literals = [s for s, is_param in segments if not is_param]
    actions: set[str] = set()
    head: list[str] = []
    modifiers: list[str] = []
    action_segment = False
    # The last literal segment names the resource, unless it is a verb acting on what precedes
    # it (/charges/{charge}/refund, /pullrequests/{pid}/merge); an RPC method names its verb and
    # noun (/chat.postMessage, /users.lookupByEmail). The resource's head is its last noun.
    for i in range(len(segments) - 1, -1, -1):
        seg, is_param = segments[i]
        if is_param:
            continue
        if "." in seg:
            namespace, _, method_part = seg.partition(".")
            mwords = words(method_part)
            cut = mwords.index("by") if "by" in mwords else len(mwords)
            # An RPC method starts with its verb ('postMessage'); later verbs must not be nouns.
            leads = not is_plural(re.split(r"(?=[A-Z])|[._-]", method_part)[0])
            verbs = [
                w
                for k, w in enumerate(mwords[:cut])
                if w in VERB_ACTIONS and ((k == 0 and leads) or w not in NOUNISH)
            ]
            nouns = [w for w in mwords[:cut] if w not in verbs and w not in STOP]
            if verbs:
                actions.update(verbs)
                action_segment = True
            ns_words = [w for w in words(namespace) if w not in STOP]
            head = nouns or ns_words
            modifiers = (ns_words if nouns else []) + [
                w for w in mwords[cut + 1 :] if w not in STOP
            ]
            break
        if _VERSION.match(seg):
            continue
        seg_words = [w for w in words(seg) if w not in STOP]
        after_item = i > 0 and segments[i - 1][1]
        last = i == len(segments) - 1
        verbs = [w for w in seg_words if w in VERB_ACTIONS and w not in NOUNISH]
        if verbs and (after_item or last) and not is_plural(seg):
            actions.update(verbs)
            action_segment = True
            continue
        head = seg_words
        break
    resource = set(head[-1:])
    modifiers += head[:-1]
    path_actions = frozenset(actions)
    actions |= (
        _lead_verbs(op.operation_id)
        | _lead_verbs(op.summary)
        | _lead_verbs(_strip_tags(op.description))
    )
    parents = {w for seg in literals for w in words(seg) if w not in resource and w not in STOP}
    parents |= set(modifiers) - resource
    for seg in literals:
        parts = [w for w in words(seg) if not w.isdigit()]
        if len(parts) > 1:
            parents.add(stem("".join(parts)))  # 'fine_tuning' also reads as 'finetuning'

    containers = {
        w
        for k, (seg, is_param) in enumerate(segments[:-1])
        if not is_param and segments[k + 1][1] and k + 1 < len(segments) - 1
        for w in words(seg)
        if w not in STOP
    }
    collection = None
    for i in range(len(segments) - 1, -1, -1):
        if not segments[i][1] and i + 1 < len(segments) and segments[i + 1][1]:
            collection = "/" + "/".join(s for s, _ in segments[: i + 1])
            break
    summary = normalize_phrases((op.summary or "")[:_SUMMARY_CHARS])
    description = normalize_phrases((op.description or "")[:_DESCRIPTION_CHARS])
    fields = {
        "resource": frozenset(resource),
        "action": frozenset(actions),
        "path": frozenset(parents),
        "operationId": frozenset(words(op.operation_id)),
        "summary": frozenset(words(summary)),
        "params": frozenset(
            w for p in op.parameters if p.location == "path" for w in words(p.name)
        ),
        "tags": frozenset(w for t in op.tags for w in words(t)),
        "description": frozenset(words(description)),
    }
    named_deprecated = bool(
        {"deprecat", "legacy"} & (set(words(op.operation_id)) | set(words(op.summary)))
        or _DEPRECATED_WORDS.search(op.summary or "")
        or _DEPRECATED_WORDS.search(description[:160])
    )
    return OpProfile(
        op=op,
        kind=_kind(op, segments, action_segment),
        resource=frozenset(resource),
        parents=frozenset(parents),
        actions=frozenset(actions),
        path_actions=path_actions,
        fields=fields,
        collection=collection,
        containers=frozenset(containers),
        deprecated=op.deprecated or named_deprecated,
    )


__all__ = [
    "METHOD_SAFE",
    "NOUNISH",
    "OpKind",
    "OpProfile",
    "is_param_segment",
    "is_plural",
    "param_name",
    "profile",
]
