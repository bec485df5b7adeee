"""Conditional requests: strong ETags and If-None-Match (RFC 9110 §8.8.3, §13.1.2)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

# ---------------------------------------------------------------------------------------------------------------
# Conditional requests
# ---------------------------------------------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """JSON with sorted keys and no spaces: equal values give equal bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def etag_of(representation: Any) -> str:
    """A strong ETag (RFC 9110 §8.8.3) for a JSON representation: a quoted hash of its canonical bytes."""
    return '"' + hashlib.sha256(canonical_json(representation)).hexdigest()[:20] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Does If-None-Match match `etag`? Weak comparison (RFC 9110 §13.1.2): a list of tags, W/ prefixes, or "*"."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))
