"""What feeds what: the inputs an operation needs, and which other operation's response holds them.

An output feeds an input when the docs say so (a field description such as "obtained by calling
GET FeedConnections" or "the ID of an uploaded file"), when the names agree (a response field
`sid` for a query parameter `sid`; `output_file_id` for a path parameter `file_id`), or by the REST
convention that an item's id comes from its collection (`POST /v1/charges` returns the `id` that
`/v1/charges/{charge}/refunds` takes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..schemas import Facts, Operation, SchemaField, Source
from ..sources import norm
from ._common import effectively_required, success_responses
from ._index import OpIndex
from ._lexicon import stem, words
from ._profile import OpProfile, is_param_segment, param_name

InputLocation = Literal["path", "query", "header", "body"]
Basis = Literal["link", "same-name", "rest-convention", "description", "caller"]

_GENERIC_NAMES = frozenset(
    ("id", "name", "type", "key", "value", "url", "data", "object", "status")
)
"""Names too common to link two operations by name alone ('id' is in every response)."""
_ID_WORDS = frozenset(("id", "ids", "sid", "uid", "uuid", "name", "slug", "key", "number", "token"))
"""A path parameter named only like this ('{Sid}', '{id}') is the id of the collection before
it; only that collection's operations produce it."""
_ID_SUFFIX = re.compile(
    r"(?:[._-]?(?:ids?|sids?|uids?|uuids?|slugs?|numbers?|keys?|tokens?|names?))$", re.I
)
SUFFIX_MIN = 6
"""A response field ending with the input's name feeds it ('output_file_id' -> 'file_id') only
when that name is specific enough (six letters: 'fileid' yes, 'id' no)."""


def owner_of(name: str) -> str | None:
    """What an identifier names: 'batch_id' -> 'batch', 'feedConnectionId' -> 'feedconnection',
    'hub.id' -> 'hub', 'webhook.token' -> 'webhook'; None for 'pid' or 'digest'."""
    base = _ID_SUFFIX.sub("", name)
    if base == name:
        return None
    owner = "".join(stem(w) for w in words(base))
    return owner if len(owner) >= 3 else None


@dataclass(frozen=True)
class Input:
    """An input an operation needs: a path parameter, a required query parameter or body field."""

    name: str
    location: InputLocation
    description: str | None
    source: Source
    owner: str | None
    """What the input identifies, from its name or the collection segment before it."""
    choice: bool = False
    """One of a documented set of values (an enum): the caller's choice, never produced."""
    type: str | None = None
    """Documented type: a string id is not fed by a whole object of the same name."""


@dataclass(frozen=True)
class Feed:
    """An output of one operation that feeds an input of another."""

    producer: int
    input: Input
    output: str | None
    basis: Basis
    evidence: tuple[Source, ...]


@dataclass
class Flow:
    """Inputs and outputs of operations, read lazily and kept for one selection."""

    facts: Facts
    index: OpIndex
    _inputs: dict[int, list[Input]] = field(default_factory=dict[int, list[Input]])
    _outputs: dict[int, list[SchemaField]] = field(default_factory=dict[int, list[SchemaField]])

    def inputs(self, i: int) -> list[Input]:
        if i not in self._inputs:
            self._inputs[i] = _read_inputs(self.facts, self.index.profiles[i])
        return self._inputs[i]

    def outputs(self, i: int) -> list[SchemaField]:
        if i not in self._outputs:
            op = self.index.profiles[i].op
            fields: list[SchemaField] = []
            for r in success_responses(op):
                fields += self.facts.body_fields(r.body) if r.body else []
            self._outputs[i] = fields
        return self._outputs[i]

    def feed(self, producer: int, consumer: int, inp: Input) -> Feed | None:
        """How ``producer``'s response feeds ``inp`` of ``consumer``, if it does."""
        if producer == consumer:
            return None
        outs = self.outputs(producer)
        named = _same_name(outs, inp)
        if named is not None:
            return Feed(producer, inp, named.path, "same-name", (inp.source, named.source))
        p = self.index.profiles[producer]
        if (
            inp.owner
            and owns(p, inp.owner)
            and p.kind in ("create", "upsert", "list", "read", "action")
        ):
            found = self._identifier(outs, inp)
            if found is not None:
                path, source = found
                return Feed(producer, inp, path, "rest-convention", (inp.source, source))
            if not outs:
                return Feed(producer, inp, None, "rest-convention", (inp.source, p.op.source))
        return None

    def _identifier(self, outs: list[SchemaField], inp: Input) -> tuple[str, Source] | None:
        """The response field that identifies what was returned, looking one schema deep
        (Kubernetes' `metadata.name` sits in a linked ObjectMeta)."""
        top = _id_field(outs, inp)
        if top is not None:
            return top.path, top.source
        for f in outs:
            if f.path.count(".") or not f.refs:
                continue
            for ref in f.refs:
                schema = self.facts.schemas.get(ref)
                inner = _id_field(schema.fields, inp) if schema is not None else None
                if inner is not None and "." not in inner.path:
                    return f"{f.path}.{inner.path}", inner.source
        return None

    def feeds_between(self, producer: int, consumer: int) -> list[Feed]:
        out: list[Feed] = []
        for inp in self.inputs(consumer):
            f = self.feed(producer, consumer, inp)
            if f is not None:
                out.append(f)
        return out


def _read_inputs(facts: Facts, p: OpProfile) -> list[Input]:
    op = p.op
    out: list[Input] = []
    segments = [s for s in op.path.split("?")[0].split("/") if s]
    for k, seg in enumerate(segments):
        if not is_param_segment(seg):
            continue
        name = param_name(seg)
        param = next((x for x in op.parameters if x.name == name and x.location == "path"), None)
        before = segments[k - 1] if k > 0 and not is_param_segment(segments[k - 1]) else None
        owner = owner_of(name) or (
            "".join(stem(w) for w in words(before)) if before is not None else None
        )
        out.append(
            Input(
                name=name,
                location="path",
                description=param.description if param else None,
                source=param.source if param else op.source,
                owner=owner,
            )
        )
    for param in op.parameters:
        if param.location in ("query", "header") and param.required:
            out.append(
                Input(
                    param.name,
                    param.location,
                    param.description,
                    param.source,
                    owner_of(param.name),
                    bool(param.enum),
                    param.type,
                )
            )
        elif param.location == "query" and norm(param.name) in ("sid", "session", "sessionid"):
            out.append(Input(param.name, "query", param.description, param.source, None))
    for f in effectively_required(facts.body_fields(op.request_body)):
        depth = f.path.count(".")
        if depth == 0 or (depth == 1 and norm(f.path.rsplit(".", 1)[-1]) in ("id", "ids")):
            out.append(
                Input(
                    f.path, "body", f.description, f.source, owner_of(f.path), bool(f.enum), f.type
                )
            )
    return out


_PRODUCED = ("output", "result", "download")
_GIVEN = ("input", "error", "source")


def _same_name(outs: list[SchemaField], inp: Input) -> SchemaField | None:
    target = norm(inp.name.rsplit(".", 1)[-1] if inp.location == "path" else inp.name)
    if target in _GENERIC_NAMES or len(target) < 3:
        return None
    if inp.location == "path" and norm(inp.name) in _ID_WORDS:
        return None
    outs = [f for f in outs if _compatible(f, inp.type)]
    exact = [f for f in outs if norm(f.name or f.path.rsplit(".", 1)[-1]) == target]
    if exact:
        return min(exact, key=lambda f: f.path.count("."))
    if len(target) < SUFFIX_MIN:
        return None
    suffix = [f for f in outs if norm(f.name or f.path.rsplit(".", 1)[-1]).endswith(target)]
    # 'output_file_id' rather than 'input_file_id' or 'error_file_id': what a step produced.
    suffix.sort(
        key=lambda f: (
            not f.path.startswith(_PRODUCED),
            f.path.startswith(_GIVEN),
            f.path.count("."),
            len(f.path),
        )
    )
    return suffix[0] if suffix else None


def _compatible(output: SchemaField, wanted: str | None) -> bool:
    """A scalar input (a user's id) is not fed by an object or array of the same name (nor by
    a field that only links to a schema)."""
    composite = {"object", "array"}
    if not wanted or set(wanted.split("|")) & composite:
        return True
    if output.type:
        return not set(output.type.split("|")) <= composite
    return not output.refs


def owns(p: OpProfile, owner: str) -> bool:
    """The operation's resource is what the identifier names ('docgen_batches' owns 'batch')."""
    joined = "".join(sorted(p.resource, key=lambda w: p.op.path.find(w)))
    names = {joined, *p.resource}
    return any(
        n and (n == owner or owner.endswith(n) or n.endswith(owner)) for n in names if len(n) >= 3
    )


def _id_field(outs: list[SchemaField], inp: Input) -> SchemaField | None:
    """The field that identifies what the producer returns: 'id', else the input's own name
    ('metadata.name' for '{name}'), else the id word it ends with ('sid' for '{CallSid}')."""
    leaf = inp.name.rsplit(".", 1)[-1]
    suffix = _ID_SUFFIX.search(leaf)
    wanted = ["id", norm(leaf)] + ([norm(suffix.group(0))] if suffix else [])
    for want in wanted:
        ids = [f for f in outs if norm(f.name or f.path.rsplit(".", 1)[-1]) == want]
        if ids:
            return min(ids, key=lambda f: (f.path.count("."), len(f.path)))
    return None


# --- the docs' own words about where an input comes from ------------------------------------------
_ENDPOINT = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\s+(/?[\w{}/.:-]+)")
_MD_LINK = re.compile(r"\[([^\]]{2,80})\]\(([^)\s]{1,200})\)")
_POINTER = re.compile(
    r"\b(?:obtained|returned|retrieved|received|created|generated|issued)\s+(?:by|from|when|with|using)\s+"
    r"(?:calling\s+|the\s+|a\s+|an\s+)?([^.;]{3,80})",
    re.I,
)
_PAST_VERB = re.compile(
    r"\b(?:an?|the)\s+(uploaded|pushed|created|registered|imported)\s+(\w+)", re.I
)
_NAMES_AN_ID = re.compile(r"\b(?:id|ids|identifier|digest|token|key|handle|reference)\b", re.I)
"""'The ID of an uploaded file': only a value that names something made elsewhere is produced
by another call ('The intended purpose of the uploaded file' is not)."""
_MUST = re.compile(
    r"(?:^|[.!]\s+)((?:if\b[^.]{0,200}?,\s*)?[^.]{0,60}?\b(?:must|need to|first)\b[^.]{0,160})",
    re.I,
)


_CUE = re.compile(
    r"\b(?:see|call|calling|use|using|obtained|returned|created|uploaded|upload|from|via|retrieve|"
    r"retrieved|push|pushed|must|first)\b",
    re.I,
)
"""Words that make a link a statement of provenance ('See [upload file](...)')."""


@dataclass(frozen=True)
class Pointer:
    """Text in the docs that names another operation: where to look for the producer."""

    text: str
    method: str | None = None
    path: str | None = None
    condition: str | None = None
    slug: str | None = None
    """The last segment of a link's target ('add-items-to-playlist'), matched to operationIds."""


def pointers(text: str | None) -> list[Pointer]:
    """Phrases of a description that say where a value comes from or what must come first."""
    if not text:
        return []
    out: list[Pointer] = []
    for m in _ENDPOINT.finditer(text):
        out.append(Pointer(text=m.group(0), method=m.group(1).upper(), path=m.group(2)))
    for m in _MD_LINK.finditer(text):
        target = m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            continue  # another site: not an operation of these docs
        if not _CUE.search(text[max(0, m.start() - 60) : m.start()]):
            continue  # a link for reading, not a statement of where the value comes from
        out.append(Pointer(text=m.group(1), slug=target.rstrip("/").split("/")[-1].split("#")[-1]))
    for m in _POINTER.finditer(text):
        out.append(Pointer(text=m.group(1)))
    if _NAMES_AN_ID.search(text[:160]):
        for m in _PAST_VERB.finditer(text):
            out.append(Pointer(text=f"{stem(m.group(1))} {m.group(2)}"))
    return out


def prerequisite_sentences(text: str | None) -> list[Pointer]:
    """Sentences of an operation's description that ask for another call first ('you must
    push a blob for each of the files'), with their condition ('If you are creating a model
    from a GGUF file')."""
    if not text:
        return []
    out: list[Pointer] = []
    for m in _MUST.finditer(text):
        sentence = m.group(1)
        cond = None
        if sentence.lower().startswith("if"):
            cond, _, sentence = sentence.partition(",")
        for p in pointers(sentence):
            out.append(
                Pointer(
                    text=p.text, method=p.method, path=p.path, condition=cond or None, slug=p.slug
                )
            )
    return out


def resolve_endpoint(index: OpIndex, method: str, path: str) -> int | None:
    """The operation an explicit 'METHOD /path' (or 'GET FeedConnections') names."""
    want = [w for w in words(path)]
    best: tuple[int, int] | None = None
    for i, p in enumerate(index.profiles):
        if p.op.method != method:
            continue
        if p.op.path == path:
            return i
        have = [
            w
            for seg in p.op.path.split("/")
            if seg and not is_param_segment(seg)
            for w in words(seg)
        ]
        if want and have[-len(want) :] == want:
            score = -len(have)
            if best is None or score > best[1]:
                best = (i, score)
    return best[0] if best else None


def operation_of(index: OpIndex, op: Operation) -> int:
    return index.by_key[op.key]
