"""Module 07's two embedded services: payments (the dependency that will fail) and checkout (the caller that must
survive it), plus the small measurements the notebook repeats: latency percentiles and outcome counts."""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse, PlainTextResponse


@dataclass
class PaymentsState:
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)  # charge id -> charge
    by_key: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> charge id
    requests: int = 0
    work: list[dict[str, Any]] = field(default_factory=list)  # per /quote: work asked, done, deadline given
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.charges.clear()
            self.by_key.clear()
            self.work.clear()
            self.requests = 0


def make_payments_app(state: PaymentsState | None = None) -> tuple[FastAPI, PaymentsState]:
    """POST /charges {amount_cents} (an Idempotency-Key replays the first charge), GET /quote?work_ms=N (N ms of work
    in 10 ms slices; with `x-deadline-ms` it stops when the caller's budget is spent and answers 504), and
    GET /report?kb=N (N KiB of text: a body to slow down)."""
    state = state or PaymentsState()
    app = FastAPI(title="payments", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/charges", status_code=201)
    async def charge(request: Request, idempotency_key: str | None = Header(default=None)) -> JSONResponse:
        body = await request.json()
        with state.lock:
            state.requests += 1
            if idempotency_key and idempotency_key in state.by_key:
                return JSONResponse(state.charges[state.by_key[idempotency_key]], status_code=201)
            charge_id = f"ch_{uuid.uuid4().hex[:12]}"
            state.charges[charge_id] = {"id": charge_id, "amount_cents": int(body.get("amount_cents", 0))}
            if idempotency_key:
                state.by_key[idempotency_key] = charge_id
            return JSONResponse(state.charges[charge_id], status_code=201)

    @app.get("/quote")
    async def quote(work_ms: int = 50, x_deadline_ms: float | None = Header(default=None)) -> JSONResponse:
        t0 = time.monotonic()
        record = {"asked_ms": work_ms, "deadline_ms": x_deadline_ms, "done_ms": 0.0, "stopped": False}
        with state.lock:
            state.requests += 1
            state.work.append(record)
        for _ in range(max(0, min(work_ms, 5000)) // 10):
            if x_deadline_ms is not None and (time.monotonic() - t0) * 1000 >= x_deadline_ms:
                record["stopped"] = True
                return JSONResponse({"title": "deadline exceeded", "status": 504}, status_code=504)
            await asyncio.sleep(0.01)
            record["done_ms"] = (time.monotonic() - t0) * 1000
        return JSONResponse({"price_cents": 1999, "work_ms": work_ms})

    @app.get("/report")
    async def report(kb: int = 4) -> PlainTextResponse:
        return PlainTextResponse("x" * 1024 * max(0, min(kb, 256)))

    return app, state


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by the nearest-rank method; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, int(-(-q * len(ordered) // 100)))  # ceil(q/100 * n)
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Outcomes:
    """What a batch of calls produced: latency in ms and an outcome label per call."""

    latencies_ms: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def add(self, ms: float, label: str) -> None:
        self.latencies_ms.append(ms)
        self.labels.append(label)

    def share(self, *labels: str) -> float:
        return sum(lab in labels for lab in self.labels) / len(self.labels) if self.labels else float("nan")

    def summary(self) -> dict[str, Any]:
        counts = Counter(self.labels)
        return {"calls": len(self.labels), **dict(sorted(counts.items())),
                "p50_ms": round(percentile(self.latencies_ms, 50), 1), "p95_ms": round(percentile(self.latencies_ms, 95), 1),
                "max_ms": round(max(self.latencies_ms, default=float("nan")), 1)}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")
