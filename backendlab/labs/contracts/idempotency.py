"""Idempotency keys: the first response per key, replayed for retries (exercise 5)."""

from __future__ import annotations

import copy
import hashlib
import threading
from collections.abc import Callable
from typing import Any

from backendlab.labs.contracts.conditional import canonical_json

# ---------------------------------------------------------------------------------------------------------------
# Idempotency keys
# ---------------------------------------------------------------------------------------------------------------


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was used before with a different request body."""


class IdempotencyStore:
    """Reference answer of exercise 5: the first response per Idempotency-Key, replayed for retries with the same body."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, Any]] = {}
        self._lock = threading.Lock()

    def handle(self, key: str | None, payload: Any, create: Callable[[Any], tuple[int, Any]]) -> tuple[int, Any]:
        """Return create(payload) once per key; the same key again returns the stored (status, body) without calling create.

        The same key with a different payload raises IdempotencyKeyReused. No key: no idempotency.
        """
        if key is None:
            return create(payload)
        fingerprint = hashlib.sha256(canonical_json(payload)).hexdigest()
        with self._lock:  # one request per key at a time: a concurrent retry waits, then replays
            if key in self._seen:
                seen_fingerprint, response = self._seen[key]
                if seen_fingerprint != fingerprint:
                    raise IdempotencyKeyReused(key)
                return copy.deepcopy(response)
            response = create(payload)
            self._seen[key] = (fingerprint, copy.deepcopy(response))
            return response

    def __len__(self) -> int:
        return len(self._seen)
