"""The reference availability cache (exercise 6): read-through, a TTL, LRU-bounded, one load per key at a time, and
no stale value kept from a load that an invalidation overtook."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any

from backendlab.labs.capstone.config import CACHE_MAX_ENTRIES, CACHE_TTL_S


class AvailabilityCache:
    """Reference answer of exercise 6."""

    def __init__(self, ttl_s: float = CACHE_TTL_S, max_entries: int = CACHE_MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self.max_entries, self.clock = ttl_s, max_entries, clock
        self._data: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._loading: dict[Hashable, Future] = {}
        self._generation: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        with self._lock:
            entry = self._data.get(key)
            if entry is not None and self.clock() < entry[0]:
                self._data.move_to_end(key)
                self.hits += 1
                return entry[1]
            pending = self._loading.get(key)
            if pending is None:
                pending = Future()
                self._loading[key] = pending
                owner = True
                self.misses += 1
                generation = self._generation.get(key, 0)
            else:
                owner = False
                self.hits += 1  # served by someone else's load: no load of its own
        if not owner:
            return pending.result()  # the loader's value, or its exception
        try:
            value = load()
        except BaseException as exc:
            with self._lock:
                if self._loading.get(key) is pending:
                    del self._loading[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            if self._loading.get(key) is pending:
                del self._loading[key]
            if self._generation.get(key, 0) == generation:  # no invalidate() since the load began: the value is current
                self._data[key] = (self.clock() + self.ttl_s, value)
                self._data.move_to_end(key)
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
        pending.set_result(value)
        return value

    def invalidate(self, key: Hashable) -> None:
        with self._lock:
            self._data.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1
            self._loading.pop(key, None)  # later readers start a fresh load; waiters of the old one get its value

    def clear(self) -> None:
        with self._lock:
            for key in list(self._data) + list(self._loading):
                self._generation[key] = self._generation.get(key, 0) + 1
            self._data.clear()
            self._loading.clear()

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "size": len(self._data)}
