"""Event-loop lag and serialisation cost: one async service with a blocking endpoint, a non-blocking one and an
offloaded one, a lag monitor running on its loop, and two ways to send the same 2,000 items as JSON."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response
from pydantic import BaseModel

TICK_S = 0.005  # the lag monitor asks to wake up every 5 ms


class Item(BaseModel):
    id: int
    name: str
    price: float
    tags: list[str]


def make_items(n: int = 2000) -> list[dict[str, Any]]:
    return [{"id": i, "name": f"item {i}", "price": round(1 + i * 0.37, 2), "tags": ["a", "b", str(i % 7)]} for i in range(n)]


def make_lag_app(work_s: float = 0.05, n_items: int = 2000) -> FastAPI:
    """GET /blocking (time.sleep inside async def: the loop stops), /nonblocking (await asyncio.sleep), /offloaded
    (the blocking call in a worker thread), /ping; GET /lag returns the monitor's worst and median lag since the last
    /lag and resets it. GET /items/model returns n_items through a response_model (validated, then serialised),
    /items/raw the same bytes serialised once at start-up."""
    samples: list[float] = []
    items = make_items(n_items)
    raw = json.dumps(items).encode()

    async def monitor() -> None:
        while True:
            expected = time.perf_counter() + TICK_S
            await asyncio.sleep(TICK_S)
            samples.append(max(0.0, time.perf_counter() - expected))
            if len(samples) > 20_000:
                del samples[:10_000]

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        task = asyncio.create_task(monitor())
        yield
        task.cancel()

    app = FastAPI(title="lag", lifespan=lifespan)

    @app.get("/blocking")
    async def blocking() -> dict[str, str]:
        time.sleep(work_s)  # a blocking call (a sync DB driver, requests.get, a big json.loads) in async code
        return {"done": "blocking"}

    @app.get("/nonblocking")
    async def nonblocking() -> dict[str, str]:
        await asyncio.sleep(work_s)
        return {"done": "nonblocking"}

    @app.get("/offloaded")
    async def offloaded() -> dict[str, str]:
        await asyncio.to_thread(time.sleep, work_s)
        return {"done": "offloaded"}

    @app.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/lag")
    def lag() -> dict[str, float]:
        got = sorted(samples)
        samples.clear()
        if not got:
            return {"max_ms": 0.0, "median_ms": 0.0, "samples": 0}
        return {"max_ms": got[-1] * 1000, "median_ms": got[len(got) // 2] * 1000, "samples": len(got)}

    @app.get("/items/model", response_model=list[Item])
    async def items_model() -> list[dict[str, Any]]:
        return items

    @app.get("/items/raw")
    async def items_raw() -> Response:
        return Response(content=raw, media_type="application/json")

    return app
