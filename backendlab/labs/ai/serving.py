"""Serving the fraud model: the reference endpoint of exercise 1, and the full service the notebook runs (readiness that
waits for the model, a deadline with a rule-based fallback, micro-batching, shadow scoring, metrics and traces)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from backendlab.labs.ai.batching import MicroBatcher, SerialModel
from backendlab.labs.ai.model import FraudModel
from backendlab.labs.ai.transactions import RULES_VERSION, Transaction, decision, feature_row, rule_score


class ManualClock:
    """Time that moves only when told to: clock() reads it, advance(s) moves it (and can stand in for sleep)."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_prediction_app(model: Any, deadline_s: float) -> FastAPI:
    """Reference answer of exercise 1 (see the notebook for the contract)."""
    app = FastAPI(title="fraud scoring")

    @app.post("/predict")
    async def predict(tx: Transaction) -> dict[str, Any]:
        try:
            score = float(await asyncio.wait_for(asyncio.to_thread(model.score, tx), deadline_s))
            return {"score": score, "decision": decision(score), "model_version": model.version, "source": "model"}
        except Exception:  # too slow (TimeoutError) or broken: the rules answer, the caller never sees a 5xx
            score = rule_score(tx)
            return {"score": score, "decision": decision(score), "model_version": RULES_VERSION, "source": "fallback"}

    return app


@dataclass
class ScoringService:
    """The app plus what the notebook inspects: its metrics registry, its finished spans, the shadow's scores."""

    app: FastAPI
    registry: CollectorRegistry
    exporter: InMemorySpanExporter
    state: dict[str, Any] = field(default_factory=dict)

    def spans(self) -> list[Any]:
        return list(self.exporter.get_finished_spans())

    def metrics_text(self) -> str:
        return generate_latest(self.registry).decode()


def make_scoring_service(load_model: Callable[[], FraudModel], *, deadline_s: float = 0.05, load_delay_s: float = 0.0,
                         model_overhead_s: float = 0.0, batch: tuple[int, float] | None = None,
                         shadow: FraudModel | None = None) -> ScoringService:
    """POST /predict (exercise 1's contract, plus an X-Model-Version header), GET /health, GET /ready, GET /metrics.

    The model loads in a background thread when the app starts (load_delay_s simulates a big file); /ready answers 503
    until it is loaded, and /predict answers with the rules meanwhile. model_overhead_s is the simulated fixed cost of
    one model call (one worker, as one GPU or one model-server connection); batch=(max_batch, max_wait_s) turns on
    micro-batching. A shadow model scores the same requests after the answer is sent, and never changes it.
    """
    registry = CollectorRegistry()
    predictions = Counter("fraud_predictions", "Predictions served", ["model_version", "source", "decision"], registry=registry)
    latency = Histogram("fraud_prediction_seconds", "Time to answer /predict", ["source"], registry=registry,
                        buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0))
    ready_gauge = Gauge("fraud_model_ready", "1 once the model is loaded", registry=registry)
    calls = Counter("fraud_model_calls", "Calls of the model (one per batch when batching)", registry=registry)
    shadow_disagree = Counter("fraud_shadow_disagreements", "Requests where the shadow model decided otherwise", registry=registry)
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "fraud-scoring"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("backendlab.ai.serving")
    state: dict[str, Any] = {"model": None, "shadow": [], "serial": None, "batcher": None}

    def load() -> None:
        time.sleep(load_delay_s)
        model = load_model()
        serial = SerialModel(model.predict_proba, model_overhead_s)
        state["serial"] = serial
        if batch is not None:
            state["batcher"] = MicroBatcher(serial, batch[0], batch[1])
        state["model"] = model
        ready_gauge.set(1)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=load, name="model-loader", daemon=True).start()
        yield

    app = FastAPI(title="fraud scoring service", lifespan=lifespan)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}  # liveness: the process answers; it says nothing about the model

    @app.get("/ready")
    def ready() -> JSONResponse:
        model = state["model"]
        body = {"ready": model is not None, "model_version": model.version if model else None}
        return JSONResponse(body, status_code=200 if model is not None else 503)

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    async def model_score(row: list[float]) -> float:
        calls.inc()
        if state["batcher"] is not None:
            return await state["batcher"].submit(row)
        return float((await asyncio.to_thread(state["serial"], np.array([row])))[0])

    @app.post("/predict")
    async def predict(tx: Transaction, response: Response) -> dict[str, Any]:
        started = time.perf_counter()
        model = state["model"]
        row = feature_row(tx)
        with tracer.start_as_current_span("predict") as span:
            score, version, source = rule_score(tx), RULES_VERSION, "fallback"
            if model is not None:
                try:
                    with tracer.start_as_current_span("model.score"):
                        score, version, source = await asyncio.wait_for(model_score(row), deadline_s), model.version, "model"
                except Exception as exc:
                    span.add_event("fallback", {"reason": type(exc).__name__})
            span.set_attributes({"model.version": version, "prediction.source": source, "prediction.decision": decision(score)})
        predictions.labels(version, source, decision(score)).inc()
        latency.labels(source).observe(time.perf_counter() - started)
        response.headers["X-Model-Version"] = version
        if shadow is not None and source == "model":
            shadow_score = shadow.score(tx)  # cheap here; a heavy shadow runs in a background task or a queue consumer
            state["shadow"].append((score, shadow_score))
            if decision(shadow_score) != decision(score):
                shadow_disagree.inc()
        return {"score": float(score), "decision": decision(score), "model_version": version, "source": source}

    return ScoringService(app, registry, exporter, state)


def wait_ready(client: Any, timeout_s: float = 10.0) -> float:
    """Poll GET /ready until 200; return the seconds it took (bounded by timeout_s)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        if client.get("/ready").status_code == 200:
            return time.perf_counter() - t0
        time.sleep(0.02)
    raise TimeoutError(f"not ready after {timeout_s} s")


def timed_post(client: Any, path: str, body: Any) -> tuple[int | None, Any, float]:
    """(status, JSON body or None, seconds) of one POST; status None when the client's timeout ran out first."""
    import httpx

    t0 = time.perf_counter()
    try:
        r = client.post(path, json=body) if not isinstance(body, bytes) else client.post(
            path, content=body, headers={"content-type": "application/json"})
    except httpx.TimeoutException:
        return None, None, time.perf_counter() - t0
    try:
        data = r.json()
    except ValueError:
        data = None
    return r.status_code, data, time.perf_counter() - t0


def until(condition: Callable[[], bool], timeout_s: float, every_s: float = 0.02) -> bool:
    """Poll condition() until it holds (True) or timeout_s passes (False): bounded waiting for something to happen."""
    deadline = time.perf_counter() + timeout_s
    while True:
        if condition():
            return True
        if time.perf_counter() >= deadline:
            return False
        time.sleep(every_s)
