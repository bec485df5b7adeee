"""Telemetry for the capstone (tracing without globals, a registry and a log buffer per service) and the reference
answer of the observability exercise: server spans, RED metrics, JSON logs with trace ids, a traced outgoing transport."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from backendlab.labs.capstone.config import LATENCY_BUCKETS_S

STANDARD_RECORD_KEYS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class Tracing:
    """Tracer providers per service, all exporting to one in-memory exporter; the global provider is never touched."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.providers: dict[str, TracerProvider] = {}
        self._lock = threading.Lock()

    def provider(self, service: str) -> TracerProvider:
        with self._lock:
            if service not in self.providers:
                provider = TracerProvider(resource=Resource.create({"service.name": service}))
                provider.add_span_processor(SimpleSpanProcessor(self.exporter))
                self.providers[service] = provider
            return self.providers[service]

    def spans(self, trace_id: int | str | None = None) -> list[ReadableSpan]:
        spans = list(self.exporter.get_finished_spans())
        if trace_id is not None:
            wanted = int(trace_id, 16) if isinstance(trace_id, str) else trace_id
            spans = [s for s in spans if s.context.trace_id == wanted]
        return sorted(spans, key=lambda s: s.start_time or 0)

    def wait_for(self, predicate: Callable[[list[ReadableSpan]], bool], trace_id: int | str | None = None,
                 timeout_s: float = 3.0) -> list[ReadableSpan]:
        """Poll until predicate(spans) holds or timeout_s passes (a server span ends just after its response is sent)."""
        deadline = time.monotonic() + timeout_s
        while True:
            spans = self.spans(trace_id)
            if predicate(spans) or time.monotonic() > deadline:
                return spans
            time.sleep(0.01)

    def clear(self) -> None:
        self.exporter.clear()


class LogBuffer(logging.Handler):
    """Keeps the last `capacity` formatted lines (plain text until someone sets a JSON formatter)."""

    def __init__(self, capacity: int = 20_000) -> None:
        super().__init__()
        self.lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:
            self.handleError(record)

    def records(self) -> list[dict[str, Any]]:
        """The kept lines that parse as JSON objects."""
        out = []
        for line in list(self.lines):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                out.append(value)
        return out

    def clear(self) -> None:
        self.lines.clear()


class Telemetry:
    """What one service reports into, owned by you and nothing global: `tracer_provider` (its spans land in
    `tracing`, shared with the services it calls), `registry` (its Prometheus metrics), `log_handler` (its log lines)
    and `logger` (a private logger writing only to log_handler)."""

    def __init__(self, tracing: Tracing | None = None, service: str = "bookings") -> None:
        self.tracing = tracing or Tracing()
        self.service = service
        self.registry = CollectorRegistry()
        self.log_handler = LogBuffer()
        self.logger = logging.Logger(service, logging.INFO)  # not in logging's global tree: no name clashes on re-runs
        self.logger.addHandler(self.log_handler)
        self.logger.propagate = False

    @property
    def tracer_provider(self) -> TracerProvider:
        return self.tracing.provider(self.service)

    def tracer(self) -> trace.Tracer:
        return self.tracer_provider.get_tracer("backendlab.capstone")

    def spans(self, trace_id: int | str | None = None) -> list[ReadableSpan]:
        return self.tracing.spans(trace_id)


# --- the reference answer of the observability exercise ---------------------------------------------------------
class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, trace_id and span_id of the active span (or null), extras."""

    def format(self, record: logging.LogRecord) -> str:
        ctx = trace.get_current_span().get_span_context()
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": format(ctx.trace_id, "032x") if ctx.is_valid else None,
            "span_id": format(ctx.span_id, "016x") if ctx.is_valid else None,
        }
        for key, value in vars(record).items():
            if key not in STANDARD_RECORD_KEYS and key not in line:
                line[key] = value
        return json.dumps(line, default=str)


class RedMiddleware:
    """Pure ASGI middleware: RED metrics by method, route TEMPLATE and status, and one access-log line per request."""

    def __init__(self, app: Any, requests: Counter, latency: Histogram, log: logging.Logger) -> None:
        self.app, self.requests, self.latency, self.log = app, requests, latency, log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") == "/metrics":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def remember(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            seconds = time.perf_counter() - start
            labels = {"method": scope["method"], "route": route, "status": str(status)}
            self.requests.labels(**labels).inc()
            self.latency.labels(**labels).observe(seconds)
            self.log.info("request", extra={"method": scope["method"], "route": route, "status": status,
                                            "duration_ms": round(seconds * 1000, 2)})


def instrument(app: Any, tel: Telemetry) -> None:
    """Reference answer: server spans (FastAPI instrumentation bound to tel.tracer_provider), RED metrics at /metrics,
    JSON log lines with the active trace id, and an access-log line per request."""
    from fastapi import Response
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
    tel.log_handler.setFormatter(JsonFormatter())
    requests = Counter("http_requests", "HTTP requests served", ["method", "route", "status"], registry=tel.registry)
    latency = Histogram("http_request_duration_seconds", "Time to serve a request", ["method", "route", "status"],
                        buckets=LATENCY_BUCKETS_S, registry=tel.registry)
    app.add_middleware(RedMiddleware, requests=requests, latency=latency, log=tel.logger)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(tel.registry), media_type=CONTENT_TYPE_LATEST)

    FastAPIInstrumentor.instrument_app(app, tracer_provider=tel.tracer_provider, excluded_urls="/metrics",
                                       exclude_spans=["receive", "send"])


class TracedTransport(httpx.BaseTransport):
    """Reference answer: a CLIENT span around every outgoing request, its context sent along in `traceparent`."""

    def __init__(self, inner: httpx.BaseTransport, tel: Telemetry) -> None:
        self.inner, self.tel = inner, tel

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attributes = {"http.request.method": request.method, "server.address": request.url.host or "",
                      "server.port": request.url.port or 80, "url.full": str(request.url)}
        with self.tel.tracer().start_as_current_span(request.method, kind=SpanKind.CLIENT, attributes=attributes,
                                                     record_exception=True, set_status_on_exception=True) as span:
            inject(request.headers)  # W3C traceparent (and baggage) of the span just started
            try:
                response = self.inner.handle_request(request)
            except Exception as exc:
                span.set_attribute("error.type", type(exc).__name__)
                raise
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_attribute("error.type", str(response.status_code))
                span.set_status(Status(StatusCode.ERROR))
            return response

    def close(self) -> None:
        self.inner.close()


def traced_transport(inner: httpx.BaseTransport, tel: Telemetry) -> httpx.BaseTransport:
    return TracedTransport(inner, tel)


# --- reading what was recorded ------------------------------------------------------------------------------------
def parse_metrics(text: str) -> list[dict[str, Any]]:
    """A /metrics scrape as rows {"name", "labels", "value"}."""
    return [{"name": s.name, "labels": dict(s.labels), "value": float(s.value)}
            for family in text_string_to_metric_families(text) for s in family.samples]


def prometheus_text(app: Any) -> str:
    """The Prometheus text an assembled app's /metrics would serve (read from its registry, no request needed)."""
    return generate_latest(app.state.tel.registry).decode()


def metric_sum(rows: list[dict[str, Any]], name: str, **labels: str) -> float:
    return sum(r["value"] for r in rows if r["name"] == name and all(r["labels"].get(k) == v for k, v in labels.items()))


def span_rows(spans: list[ReadableSpan]) -> list[dict[str, Any]]:
    """Spans as plain rows (hex ids, ms), the shape backendlab.plots.trace_waterfall also draws."""
    rows = []
    for s in spans:
        start, end = s.start_time or 0, s.end_time or s.start_time or 0
        rows.append({"service": str(s.resource.attributes.get("service.name", "?")), "name": s.name, "kind": s.kind.name,
                     "trace_id": format(s.context.trace_id, "032x"), "span_id": format(s.context.span_id, "016x"),
                     "parent_id": format(s.parent.span_id, "016x") if s.parent else None, "start_ns": start,
                     "duration_ms": (end - start) / 1e6, "status": s.status.status_code.name, "attributes": dict(s.attributes or {})})
    return rows
