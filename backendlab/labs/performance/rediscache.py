"""Cache-aside in a real Redis shared by several service instances: TTLs, negative caching, invalidation, coalescing
inside an instance (single flight) and, optionally, across instances with a short Redis lock (SET NX PX)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

MISSING = "__missing__"  # what a negative entry holds: "we asked the backend, it has no such key"
# Delete the lock only if it is still ours (it may have expired and been taken by another instance meanwhile).
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisCacheAside:
    """get(key, load): Redis first; on a miss, load once per instance (single flight) and store the value for ttl_s,
    or a negative entry for negative_ttl_s when load returns None. With lock=True, only the instance that wins a
    Redis lock for the key loads; the others poll Redis for the value (at most lock_ms, then load themselves)."""

    def __init__(self, url: str, prefix: str = "catalog:", ttl_s: int = 30, negative_ttl_s: int = 5,
                 lock: bool = False, lock_ms: int = 2000) -> None:
        self.url, self.prefix, self.ttl_s, self.negative_ttl_s = url, prefix, ttl_s, negative_ttl_s
        self.lock, self.lock_ms = lock, lock_ms
        self._clients: dict[int, Any] = {}  # one client per event loop (each service runs its own loop)
        self.loading: dict[Hashable, asyncio.Future[Any]] = {}
        self.hits = self.misses = self.negative_hits = self.waited = 0

    def client(self) -> Any:
        import redis.asyncio as aioredis

        loop = id(asyncio.get_running_loop())
        if loop not in self._clients:
            self._clients[loop] = aioredis.Redis.from_url(self.url, decode_responses=True, socket_timeout=5)
        return self._clients[loop]

    def key(self, key: Hashable) -> str:
        return f"{self.prefix}{key}"

    async def get(self, key: Hashable, load: Callable[[Hashable], Awaitable[Any]]) -> Any:
        raw = await self.client().get(self.key(key))
        if raw is not None:
            self.hits += 1
            if raw == MISSING:
                self.negative_hits += 1
                return None
            return json.loads(raw)
        self.misses += 1
        flight = self.loading.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._fill(key, load))
            self.loading[key] = flight
        return await asyncio.shield(flight)

    async def _fill(self, key: Hashable, load: Callable[[Hashable], Awaitable[Any]]) -> Any:
        r = self.client()
        try:
            token = secrets.token_hex(8)
            if self.lock and not await r.set(f"lock:{self.key(key)}", token, nx=True, px=self.lock_ms):
                deadline = time.monotonic() + self.lock_ms / 1000
                while time.monotonic() < deadline:  # another instance is loading it: wait for its value (bounded)
                    await asyncio.sleep(0.005)
                    raw = await r.get(self.key(key))
                    if raw is not None:
                        self.waited += 1
                        return None if raw == MISSING else json.loads(raw)
            elif self.lock:  # we hold the lock: another instance may have stored the value just before we took it
                raw = await r.get(self.key(key))
                if raw is not None:
                    await r.eval(RELEASE, 1, f"lock:{self.key(key)}", token)
                    return None if raw == MISSING else json.loads(raw)
            try:
                value = await load(key)
                if value is None:
                    await r.set(self.key(key), MISSING, ex=self.negative_ttl_s)
                else:
                    await r.set(self.key(key), json.dumps(value), ex=self.ttl_s)
                return value
            finally:
                if self.lock:
                    await r.eval(RELEASE, 1, f"lock:{self.key(key)}", token)
        finally:
            del self.loading[key]

    async def invalidate(self, key: Hashable) -> None:
        await self.client().delete(self.key(key))

    async def aclose(self) -> None:
        for c in self._clients.values():
            await c.aclose()
        self._clients.clear()
