"""What the prose readers recognise: the compiled patterns for methods, paths, statuses, auth
and rate limits, and the limits on how much of a page is read."""

from __future__ import annotations

import re

from ._endpoints import (
    ALL_METHODS,
    METHODS,
)

_METHODS = "|".join(METHODS)
# An API Blueprint heading: "## Messages [/api/v3/messages{?q}]", "### Create [POST]",
# "### Get a post [GET /api/v3/messages/{id}/post]".
_APIB = re.compile(rf"\[\s*(?:({'|'.join(ALL_METHODS)})\s*)?(/[^\]\s]*)?\s*\]\s*$")
_METHOD_CELL = re.compile(
    rf"^(?:[`*_\s]*(?:{'|'.join(ALL_METHODS)})[`*_\s]*(?:[/,&]|\bor\b|\band\b)?\s*)+$"
)
_MARK = re.compile(r"^(?:x|✓|✔|yes|y|\*)$", re.I)
_KEY_METHOD = re.compile(r"^(?:http\s+)?(?:method|verb|request method)s?$", re.I)
_KEY_PATH = re.compile(
    r"^(?:endpoint|url|uri|path|resource|syntax|route|request url|resource url)s?$", re.I
)
# "send a `POST` request to the following endpoint:" - the path comes in the next block.
_METHOD_THEN_PATH = re.compile(
    rf"`?\b({_METHODS})\b`?\s+(?:HTTP\s+)?requests?\b[^.]{{0,120}}?"
    r"(?:following|this|the)\s+(?:endpoint|url|uri|path|resource|address|form)[^.]{0,80}:\s*$",
    re.I,
)
# "All the following endpoints must be accessed with a `GET` HTTP request."
_DEFAULT_METHOD = re.compile(
    rf"\b(?:all|every|each|the following|these)\b[^.]{{0,80}}\bendpoints?\b[^.]{{0,80}}`?\b({_METHODS})\b`?",
    re.I,
)
# Cheap gate before the auth patterns: most blocks say nothing about authentication.
_AUTH_HINT = re.compile(r"authori[sz]ation|bearer|\bbot <|basic|api[-_ ]?key|auth-token|hmac", re.I)
_AUTHZ = re.compile(r"Authorization:?\s*`?\s*(Bearer|Bot|Basic|Token)\b\s*(token=)?")
_KEY_HEADER = re.compile(r"`?(X-[A-Za-z-]*API[-_]?KEY|Api-Key|X-Auth-Token)`?", re.I)
_KEY_QUERY = re.compile(
    r"`(\w*(?:api[_-]?key|apikey|access_token|auth_token))`\s+(?:query(?:\s+string)?|URL)\s+"
    r"param(?:eter)?",
    re.I,
)
_HMAC = re.compile(r"\bHMAC[\s_-]?(SHA-?\d+|MD5)?\b", re.I)
# Reading one page stops here with a warning (a hostile or broken page must not run for
# minutes); a 5 MB reference page takes a few seconds.
_TIME_BUDGET_S = 8.0
# The longest block read whole (characters): the largest code sample in the corpus is ~40 KB.
_MAX_BLOCK_CHARS = 200_000
# A method named as a method: `GET`, **PUT**, <code>POST</code>, a list item '- GET - Retrieve',
# 'Verb: GET'.
_NAMED_METHOD = re.compile(
    rf"(?:`{{1,3}}|\*\*|<code>)\s*({_METHODS})\s*(?:`{{1,3}}|\*\*|</code>)"
    rf"|^\s*(?:[*+-]\s+|\d+\.\s+)?({_METHODS})\s+[-–—:]\s"
    rf"|\b(?:verb|method)s?\s*[:=]\s*`?({_METHODS})\b",
    re.M | re.I,
)
_LONE_METHOD = re.compile(rf"^[\s`*_]*({_METHODS})[\s`*_]*(?:[-–—:].*)?$")
# Shorter paragraphs ('Example:', 'Response') describe nothing.
_MIN_DESCRIPTION = 24
# Beyond this many characters before a method, the line is a sentence about the endpoint.
_LEAD_MAX = 80
# Unread endpoint-like lines listed one by one; beyond this the coverage line gives the count.
_MAX_UNREAD_LISTED = 20
_STATUS_FIELD = re.compile(r"^\s*:(?:statuscode|status|code)\s+(\d{3})\s*:\s*(.*)$")
_STATUS_HEAD = re.compile(r"^\s*`?(\d{3})`?\s*[:\-–—]\s*(.+)$")
_STATUS_ROW = re.compile(r"^\s*`?(\d{3})`?\s*$")
# '- `404` - Not found', '200 OK: done', '**201 Created** - the item': a status code leading
# a list item or a line, then its meaning.
_STATUS_ITEM = re.compile(
    r"^\s*(?:[*+-]\s+)?[`*_]*(\d{3})[`*_]*(?=[\s:–—-])((?:\s*[A-Z][\w' ]*)?[`*_]*\s*(?:[-–—:]\s*.*)?)$"
)
_HTTP_STATUS_LINE = re.compile(r"HTTP/[\d.]+\s+(\d{3})\s*([A-Za-z][A-Za-z ]*)?")
_TRANSCLUDE = re.compile(r"\{\{%\s*http-api\s+[^%]*%\}\}")
_LIMIT = re.compile(
    r"(\d[\d,]*)\s*(?:requests?|calls?|times|messages?|emails?|events?)?\s*"
    r"(?:per|every|within|each|in|an?|/)\s*(?:a\s+|an\s+|one\s+)?(\d+(?:\.\d+)?\s*)?"
    r"(seconds?|secs?|minutes?|mins?|hours?|days?)\b",
    re.I,
)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_WORDS = re.compile(r"rate[- ]?limit|throttl|too many requests|\b429\b", re.I)
_RL_HEADER = re.compile(r"\b(X-RateLimit-[A-Za-z-]+|RateLimit-[A-Za-z-]+|Retry-After)\b", re.I)
_SCOPES = re.compile(
    r"per[- ](route|ip|account|user|bot|application|app|key|token|guild|channel|endpoint)|\bglobal(?:ly)?\b",
    re.I,
)
_REQ_HEADERS = re.compile(
    r"\b(User[- ]Agent|Content-Type|Accept|[A-Z][A-Za-z]+-Version|X-[A-Za-z-]*Version)\b"
)
