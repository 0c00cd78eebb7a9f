"""What a sentence says about a term: negated, removed, deprecated.

Shared by the prose extractor (so that "no more Basic authentication" never becomes a Basic
scheme) and by the citation rule (so that a claim cited to such a line is reported).
"""

from __future__ import annotations

import re

# A negation within a few words before the term it negates.
_NEGATION = (
    r"\b(?:no\s+(?:more|longer)|not(?:\s+\w+){0,3}|never|without|instead\s+of|removed|dropped)\b"
)
REMOVED = re.compile(
    r"\b(?:removed|no longer (?:available|supported)|deprecated|superseded by)\b", re.I
)


def negates(text: str, term: str) -> bool:
    """Whether ``text`` negates ``term`` (a regex): "no more Basic authentication", "Basic auth
    is not supported", "use a token instead of Basic auth"."""
    before = re.search(rf"{_NEGATION}[^.;:]{{0,40}}?\b{term}", text, re.I)
    after = re.search(
        rf"\b{term}\b[^.;:]{{0,40}}?\b(?:is|are|was|were)\s+(?:no\s+longer|not|never)\b",
        text,
        re.I,
    )
    return bool(before or after)
