"""Module 01's slow downstream service: a FastAPI app that waits without using the CPU and counts what it serves."""

from __future__ import annotations

# Worker processes started with "spawn" import this package: keep top-level imports light
# (FastAPI and httpx are imported inside the functions that need them).
import asyncio
from collections.abc import Sequence
from typing import Any

# --- the slow downstream service ----------------------------------------------------------------


class InFlight:
    """Counts the requests a service is working on now, the most it has seen at once, the total served,
    and the client connections (distinct client address and port) they came on."""

    def __init__(self) -> None:
        self.current = 0
        self.max_seen = 0
        self.served = 0
        self.clients: set[Any] = set()

    def enter(self, client: Any = None) -> None:
        self.current += 1
        self.max_seen = max(self.max_seen, self.current)
        if client is not None:
            self.clients.add(client)

    def leave(self) -> None:
        self.current -= 1
        self.served += 1

    def reset(self) -> None:
        """Forget the history; requests still running keep counting."""
        self.max_seen = self.current
        self.served = 0
        self.clients = set()

    def as_dict(self) -> dict[str, int]:
        return {"in_flight": self.current, "max_in_flight": self.max_seen, "served": self.served,
                "connections": len(self.clients)}


def make_downstream_app(default_delay_ms: float = 20.0, title: str = "slow downstream") -> Any:
    """A FastAPI app whose GET /item/{item_id} waits `delay_ms` (simulated downstream I/O) and echoes the id.

    GET /stats says how many /item requests are in flight now, the most seen at once, how many were served
    and on how many client connections; POST /stats/reset starts counting afresh. Every app has its own
    counters (no globals).
    """
    from fastapi import FastAPI, Query, Request

    if default_delay_ms < 0:
        raise ValueError("default_delay_ms must be >= 0")
    app = FastAPI(title=title)
    counter = InFlight()
    app.state.in_flight = counter
    app.state.default_delay_ms = default_delay_ms

    async def item(request: Request, item_id: int,
                   delay_ms: float | None = Query(default=None, ge=0, le=10_000)) -> dict[str, Any]:
        wait_ms = app.state.default_delay_ms if delay_ms is None else delay_ms
        client = (request.client.host, request.client.port) if request.client else None
        counter.enter(client)  # the app runs on one event loop: no await between read and write, so no lock needed
        try:
            await asyncio.sleep(wait_ms / 1000)
        finally:
            counter.leave()
        return {"id": item_id, "delay_ms": wait_ms}

    item.__annotations__["request"] = Request  # a class, not the string this module's annotations are: FastAPI injects it
    app.get("/item/{item_id}")(item)

    @app.get("/stats")
    async def stats() -> dict[str, int]:
        return counter.as_dict()

    @app.post("/stats/reset")
    async def reset() -> dict[str, int]:
        counter.reset()
        return counter.as_dict()

    return app


def item_urls(base_url: str, count: int, delay_ms: float | Sequence[float] | None = None) -> list[str]:
    """URLs of `count` items on the downstream; `delay_ms` is one wait for all, or one per item."""
    if count < 0:
        raise ValueError("count must be >= 0")
    if delay_ms is None:
        return [f"{base_url}/item/{i}" for i in range(count)]
    delays = [delay_ms] * count if isinstance(delay_ms, int | float) else list(delay_ms)
    if len(delays) != count:
        raise ValueError(f"{len(delays)} delays for {count} items")
    return [f"{base_url}/item/{i}?delay_ms={d:g}" for i, d in enumerate(delays)]


def downstream_stats(base_url: str) -> dict[str, int]:
    """The downstream's counters: in_flight, max_in_flight, served, connections."""
    import httpx

    return httpx.get(f"{base_url}/stats", timeout=5).raise_for_status().json()


def reset_downstream_stats(base_url: str) -> dict[str, int]:
    """Start the downstream's counters afresh and return them."""
    import httpx

    return httpx.post(f"{base_url}/stats/reset", timeout=5).raise_for_status().json()
