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
        self._lock = threading.Lock()  # guards the two dicts only, never held across create()
        self._key_locks: dict[str, threading.Lock] = {}

    def _lock_for(self, key: str) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    def handle(self, key: str | None, payload: Any, create: Callable[[Any], tuple[int, Any]]) -> tuple[int, Any]:
        """Return create(payload) once per key; the same key again returns the stored (status, body) without calling create.

        The same key with a different payload raises IdempotencyKeyReused. No key: no idempotency.
        """
        if key is None:
            return create(payload)
        fingerprint = hashlib.sha256(canonical_json(payload)).hexdigest()
        # A per-key lock: a concurrent retry with the same key waits for the first request, then replays its
        # response; requests with other keys never wait for this one's create().
        with self._lock_for(key):
            with self._lock:
                seen = self._seen.get(key)
            if seen is not None:
                seen_fingerprint, response = seen
                if seen_fingerprint != fingerprint:
                    raise IdempotencyKeyReused(key)
                return copy.deepcopy(response)
            response = create(payload)
            with self._lock:
                self._seen[key] = (fingerprint, copy.deepcopy(response))
            return response

    def __len__(self) -> int:
        return len(self._seen)
