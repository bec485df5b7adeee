"""Rate limiting: a bounded token bucket per client (exercise 5) and the gateway middleware answering 429."""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from fastapi.responses import JSONResponse

# ----------------------------------------------------------------------------------------------------------------
# Rate limiting
# ----------------------------------------------------------------------------------------------------------------


class TokenBucket:
    """Reference for exercise 5: a token bucket per client, refilled at rate_per_s up to burst, clock injected.

    Memory is bounded: at most `max_clients` buckets are kept. A new client that finds the map full first makes
    the buckets that have refilled to `burst` forget (a full bucket is exactly what a new client gets, so nothing
    changes for them); if that is not enough, the fullest buckets go. A client that drained its bucket has the
    fewest tokens, so it is the last to be forgotten: flooding the limiter with other addresses does not refill it.
    """

    def __init__(
        self, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000
    ) -> None:
        if max_clients < 1:
            raise ValueError("max_clients must be at least 1")
        self.rate, self.burst, self.clock = float(rate_per_s), float(burst), clock
        self.max_clients = max_clients
        self._state: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill time)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many clients the limiter remembers (never more than max_clients)."""
        return len(self._state)

    def _level(self, client: str, now: float) -> float:
        tokens, last = self._state[client]
        return min(self.burst, tokens + (now - last) * self.rate)

    def _make_room(self, now: float) -> None:
        """Forget full buckets, then (if still at the bound) the fullest tenth, so one more client fits."""
        if len(self._state) < self.max_clients:
            return
        for client in [c for c in self._state if self._level(c, now) >= self.burst]:
            del self._state[client]
        if len(self._state) >= self.max_clients:
            excess = len(self._state) - self.max_clients + max(1, self.max_clients // 10)
            for client in heapq.nlargest(excess, self._state, key=lambda c: self._level(c, now)):
                del self._state[client]

    def _refill(self, client: str) -> float:
        now = self.clock()
        if client not in self._state:
            self._make_room(now)
            self._state[client] = (self.burst, now)
        tokens = self._level(client, now)
        self._state[client] = (tokens, now)
        return tokens

    def tokens(self, client: str) -> float:
        """How many tokens the client has now."""
        with self._lock:
            return self._refill(client)

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token, or (False, seconds until the next token)."""
        with self._lock:
            tokens = self._refill(client)
            if tokens >= 1.0:
                self._state[client] = (tokens - 1.0, self._state[client][1])
                return True, 0.0
            return False, (1.0 - tokens) / self.rate


class RateLimitMiddleware:
    """Gateway rate limit (pure ASGI): one token bucket per client address for the listed paths; 429 + Retry-After."""

    def __init__(self, app: Any, limiter: TokenBucket, paths: Iterable[str] = ("/login",)) -> None:
        self.app, self.limiter, self.paths = app, limiter, frozenset(paths)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            client = (scope.get("client") or ("unknown", 0))[0]
            allowed, retry_after = self.limiter.allow(client)
            if not allowed:
                response = JSONResponse(
                    {"detail": "too many requests"},
                    status_code=429,
                    headers={"Retry-After": str(max(1, math.ceil(retry_after)))},  # RFC 9110 §10.2.3: whole seconds
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def client_address(peer: str, x_forwarded_for: str | None, trusted_proxies: Iterable[str] = ()) -> str:
    """The address to rate-limit, by the rightmost-trusted-hop rule.

    Each proxy APPENDS the address it received the request from to X-Forwarded-For, so only the entries your own
    proxies wrote can be believed, and they are at the right-hand end. Start from the TCP peer: while it is one of
    your trusted proxies, step one entry left in X-Forwarded-For. The first address that is not a trusted proxy is
    the client; everything to its left was written by the client and is ignored. No trusted proxies: the peer itself.
    """
    trusted = frozenset(trusted_proxies)
    hops = [h.strip() for h in (x_forwarded_for or "").split(",") if h.strip()]
    current = peer
    while current in trusted and hops:
        current = hops.pop()
    return current
