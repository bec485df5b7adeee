"""Caching, measured: a slow backend that counts its calls, an in-process LRU + TTL cache, the single-flight cache-aside
of exercise 3 (reference), and the catalog service that puts any of them in front of the backend."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException


class BackendError(RuntimeError):
    """The backend failed to load a key."""


class Backend:
    """A slow data store: each load waits `delay_s`, and is counted. Keys in `failing` raise BackendError; ids above
    `size` do not exist (load returns None)."""

    def __init__(self, size: int = 1000, delay_s: float = 0.02) -> None:
        self.size, self.delay_s = size, delay_s
        self.prices = {i: round(5 + (i * 37) % 200 + 0.99, 2) for i in range(1, size + 1)}
        self.failing: set[int] = set()
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls_by_key: dict[Any, int] = {}

    def reset_counters(self) -> None:
        self.calls = self.in_flight = self.max_in_flight = 0
        self.calls_by_key = {}

    async def load(self, key: int) -> dict[str, Any] | None:
        self.calls += 1
        self.calls_by_key[key] = self.calls_by_key.get(key, 0) + 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
            if key in self.failing:
                raise BackendError(f"backend failed to load {key}")
            if key not in self.prices:
                return None
            return {"id": key, "name": f"product {key}", "price": self.prices[key]}
        finally:
            self.in_flight -= 1

    def update(self, key: int, price: float) -> None:
        self.prices[key] = price


class TTLCache:
    """An in-process cache: at most `capacity` entries (least recently used evicted first), each fresh for ttl_s."""

    def __init__(self, capacity: int = 128, ttl_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity, self.ttl_s, self.clock = capacity, ttl_s, clock
        self.entries: OrderedDict[Hashable, tuple[Any, float]] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self.entries.get(key)
        if entry is None or self.clock() >= entry[1]:
            self.misses += 1
            return default
        self.entries.move_to_end(key)
        self.hits += 1
        return entry[0]

    def __contains__(self, key: Hashable) -> bool:
        entry = self.entries.get(key)
        return entry is not None and self.clock() < entry[1]

    def set(self, key: Hashable, value: Any) -> None:
        self.entries[key] = (value, self.clock() + self.ttl_s)
        self.entries.move_to_end(key)
        while len(self.entries) > self.capacity:
            self.entries.popitem(last=False)

    @property
    def hit_ratio(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class SingleFlightCache:
    """Reference for exercise 3: cache-aside with a TTL and one load per key however many callers ask at once."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self.clock = ttl_s, clock
        self.entries: dict[Hashable, tuple[Any, float]] = {}
        self.loading: dict[Hashable, asyncio.Future[Any]] = {}

    async def get(self, key: Hashable, load: Callable[[Hashable], Awaitable[Any]]) -> Any:
        entry = self.entries.get(key)
        if entry is not None and self.clock() < entry[1] + self.ttl_s:
            return entry[0]
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._load(key, load))
            self.loading[key] = flight
        return await asyncio.shield(flight)  # a caller that gives up does not cancel the others' load

    async def _load(self, key: Hashable, load: Callable[[Hashable], Awaitable[Any]]) -> Any:
        try:
            value = await load(key)
            self.entries[key] = (value, self.clock())
            return value
        finally:
            del self.loading[key]

    def invalidate(self, key: Hashable) -> None:
        self.entries.pop(key, None)


class NoCache:
    """Every get goes to the backend: the baseline."""

    async def get(self, key: Hashable, load: Callable[[Hashable], Awaitable[Any]]) -> Any:
        return await load(key)

    def invalidate(self, key: Hashable) -> None:
        return None


def make_catalog_app(backend: Backend, cache: Any = None, title: str = "catalog") -> FastAPI:
    """The catalog service: GET /products/{id} through `cache` (anything with `async get(key, load)`) in front of the
    backend; PUT /products/{id}?price= updates the backend and invalidates the key; GET /stats counts backend calls."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        yield
        close = getattr(app.state.cache, "aclose", None)  # a Redis cache closes its connections on this loop
        if close is not None:
            await close()

    app = FastAPI(title=title, lifespan=lifespan)
    app.state.cache = cache if cache is not None else NoCache()

    @app.get("/products/{product_id}")
    async def product(product_id: int) -> dict[str, Any]:
        try:
            value = await app.state.cache.get(product_id, backend.load)
        except BackendError as exc:
            raise HTTPException(503, "the catalog backend is failing") from exc
        if value is None:
            raise HTTPException(404, "no such product")
        return value

    @app.put("/products/{product_id}")
    async def update(product_id: int, price: float) -> dict[str, Any]:
        backend.update(product_id, price)
        done = app.state.cache.invalidate(product_id)
        if inspect.isawaitable(done):
            await done
        return {"id": product_id, "price": price}

    @app.get("/stats")
    def stats() -> dict[str, int]:
        return {"backend_calls": backend.calls, "max_in_flight": backend.max_in_flight}

    return app


def zipf_keys(count: int, universe: int = 1000, s: float = 1.0, seed: int = 6) -> list[int]:
    """`count` product ids drawn with a Zipf-like popularity (id k has weight 1/k^s): a few hot keys, a long tail."""
    import random

    rng = random.Random(seed)
    weights = [1 / k**s for k in range(1, universe + 1)]
    return rng.choices(range(1, universe + 1), weights=weights, k=count)


def lru_hit_ratio(keys: list[int], capacity: int) -> float:
    """The hit ratio of an LRU cache of `capacity` entries (no expiry) replaying `keys`."""
    cache: OrderedDict[int, None] = OrderedDict()
    hits = 0
    for k in keys:
        if k in cache:
            hits += 1
            cache.move_to_end(k)
        else:
            cache[k] = None
            if len(cache) > capacity:
                cache.popitem(last=False)
    return hits / len(keys) if keys else 0.0
