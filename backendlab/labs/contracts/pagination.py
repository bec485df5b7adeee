"""Cursor (keyset) pagination: opaque cursors and pages (exercise 4)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from typing import Any

from backendlab.labs.contracts.conditional import canonical_json

# ---------------------------------------------------------------------------------------------------------------
# Cursor pagination
# ---------------------------------------------------------------------------------------------------------------

CURSOR_RE = re.compile(r"[A-Za-z0-9_-]{1,400}")


def encode_cursor(created_at: str, order_id: str) -> str:
    """Reference answer of exercise 4: an opaque, URL-safe cursor for the position (created_at, order_id)."""
    raw = canonical_json({"v": 1, "t": created_at, "id": order_id})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """The (created_at, order_id) inside a cursor from encode_cursor; ValueError for anything else."""
    if not isinstance(cursor, str) or not CURSOR_RE.fullmatch(cursor):
        raise ValueError("invalid cursor")
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        data = json.loads(raw)
    except (binascii.Error, ValueError):
        raise ValueError("invalid cursor") from None
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("t"), str) or not isinstance(data.get("id"), str):
        raise ValueError("invalid cursor")
    return data["t"], data["id"]


def page_of(orders: Iterable[dict[str, Any]], limit: int, cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Reference answer of exercise 4: one page of `orders`, newest first by (created_at, id), and the next cursor.

    Keyset pagination: the cursor remembers the last (created_at, id) seen, so inserts never shift a page.
    next_cursor is None exactly when no order follows the page.
    """
    ordered = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)
    if cursor is not None:
        position = decode_cursor(cursor)
        ordered = [o for o in ordered if (o["created_at"], o["id"]) < position]
    page = ordered[:limit]
    more = len(ordered) > limit
    return page, (encode_cursor(page[-1]["created_at"], page[-1]["id"]) if more and page else None)
