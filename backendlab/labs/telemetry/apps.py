"""The two-service demo: a gateway calling an orders service, traced, logged and measured (notebook 2 uses these)."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from opentelemetry.trace import SpanKind, Status, StatusCode

from backendlab.labs.telemetry.logs import json_logger
from backendlab.labs.telemetry.metrics import HttpMetrics, add_metrics
from backendlab.labs.telemetry.reference import call_orders
from backendlab.labs.telemetry.tracing import Tracing, instrument_fastapi


class InventoryUnavailable(RuntimeError):
    """The orders service's inventory dependency failed."""


@dataclass
class Faults:
    """Knobs to break the orders service's inventory dependency: a share of slow calls and a share of failures."""

    slow_ratio: float = 0.0
    slow_s: float = 0.0
    error_ratio: float = 0.0
    seed: int = 4
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def roll(self) -> tuple[float, bool]:
        """(seconds to sleep, whether to fail) for one call."""
        with self._lock:
            slow = self._rng.random() < self.slow_ratio
            fail = self._rng.random() < self.error_ratio
        return (self.slow_s if slow else 0.0), fail


def build_orders_app(tracing: Tracing, logs: logging.Handler, metrics: HttpMetrics | None = None, faults: Faults | None = None) -> Any:
    """The orders service: GET /orders/{order_id} reads a (simulated) database and checks a (simulated) inventory."""
    from fastapi import FastAPI, HTTPException

    faults = faults or Faults()
    tracer = tracing.tracer("orders")
    log = json_logger("orders", logs)
    app = FastAPI(title="orders")

    @app.get("/orders/{order_id}")
    def get_order(order_id: int) -> dict[str, Any]:
        db_attrs = {"db.system.name": "sqlite", "db.operation.name": "SELECT", "db.collection.name": "orders"}
        with tracer.start_as_current_span("SELECT orders", kind=SpanKind.CLIENT, attributes=db_attrs):
            time.sleep(0.002)
            if order_id > 10_000:
                raise HTTPException(404, "no such order")
        delay, fail = faults.roll()
        # a client span named as the HTTP semantic conventions ask: "{method} {url.template}" ("{method}" without a template)
        inventory_attrs = {"http.request.method": "GET", "url.template": "/inventory/{order_id}", "server.address": "inventory"}
        with tracer.start_as_current_span("GET /inventory/{order_id}", kind=SpanKind.CLIENT, attributes=inventory_attrs) as span:
            time.sleep(0.001 + delay)
            if fail:
                span.set_status(Status(StatusCode.ERROR, "inventory unavailable"))
                span.set_attribute("error.type", "InventoryUnavailable")
                log.error("inventory lookup failed", extra={"order_id": order_id})
                raise HTTPException(503, "inventory unavailable")
        log.info("order loaded", extra={"order_id": order_id, "inventory_ms": round(1000 * (0.001 + delay), 1)})
        return {"order_id": order_id, "items": 1 + order_id % 3, "total_cents": 1250 * (1 + order_id % 3)}

    if metrics is not None:
        add_metrics(app, metrics)
    instrument_fastapi(app, tracing, "orders")
    return app


def build_gateway_app(
    orders_url: str,
    tracing: Tracing,
    logs: logging.Handler,
    metrics: HttpMetrics | None = None,
    call: Callable[[httpx.Client, str], httpx.Response] = call_orders,
) -> Any:
    """The gateway: GET /checkout/{order_id} calls the orders service through `call(client, path)`."""
    from fastapi import FastAPI, HTTPException

    log = json_logger("gateway", logs)
    state: dict[str, httpx.Client] = {}

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        state["client"] = httpx.Client(base_url=orders_url, timeout=5.0)
        yield
        state["client"].close()

    app = FastAPI(title="gateway", lifespan=lifespan)

    @app.get("/checkout/{order_id}")
    def checkout(order_id: int) -> dict[str, Any]:
        log.info("checkout started", extra={"order_id": order_id})
        response = call(state["client"], f"/orders/{order_id}")
        if response.status_code == 404:
            raise HTTPException(404, "no such order")
        if response.status_code >= 400:
            log.error("orders service failed", extra={"order_id": order_id, "upstream_status": response.status_code})
            raise HTTPException(502, "orders service failed")
        order = response.json()
        return {"order_id": order_id, "to_pay_cents": order["total_cents"] + 499}

    if metrics is not None:
        add_metrics(app, metrics)
    instrument_fastapi(app, tracing, "gateway")
    return app
