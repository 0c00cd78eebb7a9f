"""Token counts. tiktoken needs its encoding files, which it downloads on first use; apiplan never
downloads them (machines without internet must not hang or crash), so without a cached file the
count is an estimate and says so."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tiktoken

ESTIMATE_CHARS_PER_TOKEN = 2.2
"""Characters per token when no tokenizer is at hand. Measured on our prompts (JSON facts,
Markdown instructions) against a llama.cpp server's own count: 7,368 / 9,303 / 11,114 tokens
where four characters a token had estimated 4,086 / 5,546 / 7,248, i.e. 2.2-2.6 characters per
token. The low end is used so that an estimate errs towards "does not fit"."""

_ENCODING_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}


def _cached(encoding: str) -> bool:
    """Is the encoding file already in tiktoken's cache (its own naming: sha1 of the URL)?"""
    cache = (
        os.environ.get("TIKTOKEN_CACHE_DIR")
        or os.environ.get("DATA_GYM_CACHE_DIR")
        or str(Path(tempfile.gettempdir()) / "data-gym-cache")
    )
    key = hashlib.sha1(_ENCODING_URLS[encoding].encode()).hexdigest()
    return (Path(cache) / key).is_file()


@lru_cache(maxsize=4)
def _encoder(encoding: str) -> tiktoken.Encoding | None:
    if not _cached(encoding):
        return None
    try:
        import tiktoken

        return tiktoken.get_encoding(encoding)
    except Exception:  # any failure to load the encoding means: estimate
        return None


def count_tokens(text: str, *, encoding: str = "o200k_base") -> tuple[int, bool]:
    """(tokens, exact). Without the encoding file, a conservative estimate, exact=False."""
    enc = _encoder(encoding)
    if enc is None:
        return max(1, math.ceil(len(text) / ESTIMATE_CHARS_PER_TOKEN)), False
    return len(enc.encode(text, disallowed_special=())), True
