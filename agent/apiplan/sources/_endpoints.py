"""A general recogniser of endpoints written in prose: an HTTP method next to something path-shaped.

Real reference pages write one endpoint in many ways: ``GET /todos/456.json`` in a fenced block,
``**GET** https://host/api2/repos/{repo-id}/``, a table cell ``GET SITE_ROOT/api/v3/checks/<uuid>``,
``.. http:get:: /files/(string:name)``, ``<Route method="post" path="/x/<id>">``, a curl command with a method flag,
``http --form POST "https://..."``. This module knows nothing of any site: it finds a method and a
target in one line of text (whatever the page's parser made of it), separates the host and host
placeholders from the path, and writes every parameter notation as ``{name}``. What the page says
around the line (its section, its base path, its other endpoints) is the caller's business; the
functions here that compare paths (``matches``, ``is_suffix``) help it fold example requests into
the templates they instantiate.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Methods recognised anywhere a method can stand next to a path.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "COPY")
# Methods some APIs add (Vault's LIST, WebDAV, cache purges): words that also occur in running
# text, so they are taken only where the page's structure says "this is a method" (a method
# table cell, a directive, a component attribute, the method flag of a curl command).
EXTENDED_METHODS = ("LIST", "MOVE", "PURGE", "PROPFIND", "PROPPATCH", "MKCOL", "LOCK", "UNLOCK")
ALL_METHODS = METHODS + EXTENDED_METHODS

_M = "|".join(METHODS)
_MX = "|".join(ALL_METHODS)
# A host written as a placeholder: {{base_url}}, ${HOST}, $HOST, SITE_ROOT, <host>, :host, {host}.
# <host> and {host} count only with a host-like name: '<topic>/json' is a path.
_HOSTLIKE = (
    r"(?:[\w.-]*(?:host|base|server|url|uri|domain|root|origin|site|address|instance)[\w.-]*)"
)
_HOST_PLACEHOLDER = (
    r"(?:\{\{\s*[\w.-]+\s*\}\}|\$\{[\w.-]+\}|\$[A-Za-z_]\w*|[A-Z][A-Z0-9_]{2,}"
    r"|<%=?\s*[\w.]+\s*%>|\{\{\s*\.[\w.]+\s*\}\}"  # ERB <%= api_url %>, Go {{ .Host }}
    rf"|<{_HOSTLIKE}>|\{{{_HOSTLIKE}\}}|\[{_HOSTLIKE}\](?::\[[\w.-]+\]|:\d+)?)"
)
# Characters a URL path can hold (RFC 3986) plus the brackets of parameter notations.
_P = r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%{}<>^]"
_TARGET = (
    rf"(?:https?://{_P}+|{_HOST_PLACEHOLDER}(?=/){_P}*|/{_P}*"
    rf"|[a-z][\w.-]*/{_P}*)"
)
# METHOD, then decorations a page puts between (emphasis, code marks, brackets, a colon), then
# the target. The method must not be part of a word or of a quoted JSON key.
_ANY_METHOD = re.compile(rf"(?:{_MX}|http:[a-z]+::)", re.I)
_LINE_HIT = re.compile(
    rf"(?<![\w/.-])(?:\*\*|__|`|\[|\()?({_M})(?:\*\*|__|`|\]|\))?"
    rf"(?:[ \t]*[:|\-–]?[ \t]+|[ \t]*(?=`|\*\*))(?:`|\*\*)?[ \t]*({_TARGET})"
)
_DIRECTIVE = re.compile(rf"^\s*\.\.\s+http:({_MX.lower()})::\s*(\S.*?)\s*$", re.I)
_ROLE = re.compile(rf":http:({_MX.lower()}):`([^`]+)`", re.I)
_ATTR = re.compile(
    r"""\b(method|verb|path|route|url|endpoint|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{["'`]([^"'`]*)["'`]\})""",
    re.I,
)
_TAG = re.compile(r"""<([A-Z][\w.]*)\b((?:[^<>"']|"[^"]*"|'[^']*')*?)/?>""", re.S)
_CURL = re.compile(r"(?<![\w-])curl\b((?:[^\n]*\\\n)*[^\n]*)")
_HTTPIE = re.compile(
    rf"(?:^|[\s$>])(?:http|https|xh)\s+(?:--?[\w-]+(?:=\S+)?\s+)*({_M})?\s*['\"]?((?:https?://|:)\S+)",
    re.M,
)
_CURL_METHOD = re.compile(rf"(?:-X|--request)[ =]?['\"]?({_MX})\b")
_CURL_DATA = re.compile(r"(?:^|\s)(?:-d|--data[\w-]*|-F|--form|-T|--upload-file)\b")
_CURL_URL = re.compile(r"""['"]?(https?://[^\s'"]+)""")
_CURL_PLACEHOLDER_URL = re.compile(
    r"""['"]?((?:\{\{\s*[\w.-]+\s*\}\}|\$\{?[A-Za-z_]\w*\}?)/[^\s'"]*)"""
)
_REQUEST_LINE = re.compile(rf"^\s*({_MX})\s+(\S+)\s+HTTP/[\d.]+\s*$")
_URLISH = re.compile(r"(?:https?://\S+|/\S*)")


@dataclass(frozen=True)
class Hit:
    """One endpoint as written: its method, the raw target, and where on the line it starts."""

    method: str
    target: str
    column: int
    how: str  # "line", "directive", "component", "curl", "httpie", "request-line"


def _trim(target: str) -> str:
    target = target.rstrip(".,;:!?*`'\"")
    # Drop an unbalanced closing bracket that belongs to the sentence, not the path.
    for o, c in ("()", "[]", "{}", "<>"):
        while target.endswith(c) and target.count(c) > target.count(o):
            target = target[:-1]
    return target


def scan_line(line: str) -> Iterator[Hit]:
    """Every ``METHOD target`` pair written on one line of text."""
    if not _ANY_METHOD.search(line):
        return
    d = _DIRECTIVE.match(line)
    if d:
        yield Hit(d.group(1).upper(), d.group(2), d.start(2), "directive")
        return
    for m in _ROLE.finditer(line):
        yield Hit(m.group(1).upper(), m.group(2), m.start(2), "directive")
    r = _REQUEST_LINE.match(line)
    if r:
        yield Hit(r.group(1), r.group(2), r.start(2), "request-line")
        return
    for m in _LINE_HIT.finditer(line):
        before = line[: m.start()]
        if before.rstrip().endswith(('"', "'")) and re.match(r"['\"]\s*:", line[m.end() :]):
            continue  # a JSON key such as "GET /collections": response data, not an endpoint
        if re.search(r"=\s*[\"']$", before):
            continue  # an attribute value (caption="GET /x"): components are read whole
        if re.search(r"(?:-X|--request)[ =]?['\"]?$", before):
            continue  # curl's -X: read with the whole command by scan_commands
        if m.group(2) == "/" and re.match(rf"\s*`?\s*(?:{_MX})\b", line[m.end() :]):
            continue  # "`GET` / `HEAD`", "`POST`/`PUT`": a slash between two methods
        if re.match(rf"/(?:{_MX})\b", m.group(2)):
            continue  # "POST/GET/DELETE": a list of methods, not a path
        yield Hit(m.group(1), _trim(m.group(2)), m.start(2), "line")


def scan_components(text: str) -> Iterator[tuple[Hit, int]]:
    """JSX/MDX components whose attributes name a method and a path, in any order."""
    for m in _TAG.finditer(text):
        attrs: dict[str, str] = {}
        for a in _ATTR.finditer(m.group(2)):
            attrs.setdefault(a.group(1).lower(), a.group(2) or a.group(3) or a.group(4) or "")
        method = attrs.get("method") or attrs.get("verb")
        target = (
            attrs.get("path") or attrs.get("route") or attrs.get("url") or attrs.get("endpoint")
        )
        if method and not target:
            # <Route method="GET">/path</Route>: the path is the component's text.
            inner = re.match(r"\s*([^<\s]+)\s*</", text[m.end() : m.end() + 400])
            target = inner.group(1) if inner else None
        if method and target and method.upper() in ALL_METHODS:
            yield Hit(method.upper(), target, 0, "component"), text.count("\n", 0, m.start())


def scan_commands(text: str) -> Iterator[tuple[Hit, int]]:
    """curl and HTTPie commands (continued lines joined): method from -X or data flags."""
    if "curl" not in text and "http" not in text and "xh " not in text:
        return
    for m in _CURL.finditer(text) if "curl" in text else ():
        args = m.group(1).replace("\\\n", " ")
        url = _CURL_URL.search(args) or _CURL_PLACEHOLDER_URL.search(args)
        if not url:
            continue
        verb = _CURL_METHOD.search(args)
        if verb:
            method = verb.group(1)
        elif re.search(r"(?:^|\s)(?:-I|--head)\b", args):
            method = "HEAD"
        elif re.search(r"(?:^|\s)(?:-G|--get)\b", args):
            method = "GET"  # -G sends the data as a query string
        else:
            method = "POST" if _CURL_DATA.search(args) else "GET"
        yield Hit(method, _trim(url.group(1)), 0, "curl"), text.count("\n", 0, m.start())
    for m in _HTTPIE.finditer(text):
        rest = text[m.end() : text.find("\n", m.end()) if "\n" in text[m.end() :] else None]
        method = m.group(1) or ("POST" if re.search(r"\s[\w-]+:?=", rest) else "GET")
        target = m.group(2)
        if target.startswith(":"):  # httpie's localhost shorthand ':8080/path'
            target = re.sub(r"^:\d*", "", target) or "/"
        yield Hit(method, _trim(target), 0, "httpie"), text.count("\n", 0, m.start())


# -- normalising a target ---------------------------------------------------------------------
_HOST = re.compile(rf"^(?:https?://[^/\s]+|{_HOST_PLACEHOLDER}(?=/|$))")
_PARAM_FORMS = (
    (re.compile(r"\((?:[\w.]+\s*:\s*)?([\w.-]+)\)"), r"{\1}"),  # httpdomain (string:name)
    (re.compile(r"#\{([\w.-]+)\}"), r"{\1}"),  # Ruby interpolation #{id}
    (re.compile(r"\{\{\s*([\w.-]+)\s*\}\}"), r"{\1}"),  # {{id}}
    (re.compile(r"\$\{([\w.-]+)\}"), r"{\1}"),  # ${id}
    (re.compile(r"<([\w.-]+)>"), r"{\1}"),  # <id>
    (re.compile(r"<([\w.-]+) ([\w.-]+)>"), r"{\1_\2}"),  # <camera entity_id>
    (re.compile(r"\[([\w.-]+)\]"), r"{\1}"),  # [id]
    (re.compile(r"(?<=/):([A-Za-z_][\w.-]*)"), r"{\1}"),  # :id
    (re.compile(r"(?<=/)\*([\w.-]+)\*(?=/|$)"), r"{\1}"),  # an emphasised segment: *id*
    (re.compile(r"(?<=/)\$([A-Za-z_]\w*)"), r"{\1}"),  # $id
    (re.compile(r"\{\+?([\w.-]+)\*?\}"), r"{\1}"),  # RFC 6570 {+path}, {id*}
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_HEX = re.compile(r"^(?=.*\d)[0-9a-f]{12,}$", re.I)
_DIGEST = re.compile(r"^(?:sha\d+|md5):[0-9a-f]+$", re.I)
_SIGIL = re.compile(r"^[!@$+#][^/]*:[^/]+$")  # Matrix-style ids: !room:server, @user:server
_TOKEN = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9_-]{20,}$")


def split_target(raw: str) -> tuple[str | None, str]:
    """'https://h.io/v1/a?x=1' -> ('https://h.io', '/v1/a'); a host placeholder is dropped."""
    raw = html.unescape(raw.strip())
    raw = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)  # a Markdown link around a segment
    raw = raw.replace("\\{", "{").replace("\\}", "}").replace("\\_", "_").replace("\\*", "*")
    raw = raw.strip("`'\"")
    # Emphasis around a parameter ('*<share_id>*', '_{id}_') is markup, not path.
    raw = re.sub(r"(?<=/)[*_]+(<[^<>/]+>|\{[^{}/]+\})[*_]*", r"\1", raw)
    host = None
    m = _HOST.match(raw)
    if m:
        host = m.group(0) if m.group(0).startswith("http") else None
        raw = raw[m.end() :]
    # RFC 6570 query expansions ({?q,limit}) and plain query strings and fragments; a Ruby
    # interpolation #{id} is a parameter, not a fragment.
    raw = re.sub(r"\{[?&#][^}]*\}", "", raw)
    raw = re.sub(r"#\{([\w.-]+)\}", r"{\1}", raw)
    raw = re.split(r"[?#]", raw, maxsplit=1)[0]
    if not raw.startswith("/"):
        raw = "/" + raw
    return host, raw


def template(path: str) -> str:
    """Every parameter notation written as ``{name}``."""
    for rx, rep in _PARAM_FORMS:
        path = rx.sub(rep, path)
    return re.sub(r"/{2,}", "/", path)


def is_concrete_id(segment: str) -> bool:
    """A segment that is evidently an example value: a number, UUID, hash, digest or token."""
    return bool(
        segment.isdigit()
        or _UUID.match(segment)
        or _HEX.match(segment)
        or _DIGEST.match(segment)
        or _SIGIL.match(segment)
        or _TOKEN.match(segment)
        or re.search(r"%[0-9A-Fa-f]{2}", segment)
    )


def param_name(previous: str) -> str:
    """A parameter name for an example id, from the segment before it ('feeds' -> 'feed_id')."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", previous).strip("_") or "id"
    if base.endswith("ies"):
        base = base[:-3] + "y"
    elif base.endswith("s") and not base.endswith("ss"):
        base = base[:-1]
    return base if base.endswith("id") else f"{base}_id"


def generalise(path: str) -> str:
    """Turn example ids in a concrete path into ``{name}`` parameters."""
    segs = path.split("/")
    out: list[str] = []
    for i, seg in enumerate(segs):
        if i and seg and "{" not in seg and (is_concrete_id(seg) or seg in ("id", "ID", "uuid")):
            seg = "{" + param_name(segs[i - 1] if i > 1 else "id") + "}"
        out.append(seg)
    return "/".join(out)


def plausible_path(path: str) -> bool:
    """A path an API could serve: no spaces, no prose punctuation, at most one odd character."""
    if not path.startswith("/") or len(path) > 300:
        return False
    bare = re.sub(r"\{[^{}/]*\}", "x", path)
    return not re.search(r"[\s<>\"'`|\\^{}()\[\]]", bare) and ".." not in bare


def segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/")]


def _is_param(seg: str) -> bool:
    return seg.startswith("{") and seg.endswith("}")


def _instance(concrete: list[str], tmpl: list[str]) -> bool:
    return len(concrete) == len(tmpl) and all(
        x == y or (_is_param(y) and bool(x)) for x, y in zip(concrete, tmpl, strict=True)
    )


def matches(concrete: str, tmpl: str) -> bool:
    """Whether ``concrete`` is an instance of ``tmpl`` (equal segments or a parameter)."""
    a, b = segments(concrete), segments(tmpl)
    return any(_is_param(s) for s in b) and _instance(a, b)


def is_suffix(short: str, long: str, *, template_is_long: bool) -> bool:
    """Whether one path is the other with a literal base path in front (``/login`` and
    ``/_matrix/client/v3/login``). Parameters of the template side match any segment; the
    other side's parameters match only parameters."""
    a, b = segments(short), segments(long)
    if not a or a == [""] or len(a) >= len(b):
        return False
    prefix, tail = b[: len(b) - len(a)], b[len(b) - len(a) :]
    if any(_is_param(s) for s in prefix):
        return False
    return _instance(a, tail) if template_is_long else _instance(tail, a)


_ILLUSTRATIVE = frozenset({"resource", "resources", "endpoint", "path", "foo", "bar", "baz", "xxx"})


def illustrative(path: str) -> bool:
    """A path that only illustrates a form ('/v3/resource', '/_matrix/client/v3/endpoint')."""
    last = segments(path)[-1].lower()
    return last in _ILLUSTRATIVE


def match_key(method: str, path: str) -> str:
    """'GET /a/{id}/' -> 'GET /a/{}': what decides that two spellings are one endpoint."""
    path = re.sub(r"\{[^}]*\}", "{}", path.strip())
    return f"{method.upper()} {path.rstrip('/') or '/'}"
