"""Observability for module 04: OpenTelemetry without globals, per-app Prometheus metrics, JSON logs, reference answers."""

from __future__ import annotations

import json
import logging
import math
import os
import random
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import httpx
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

# --------------------------------------------------------------------------------------------------------------------
# Tracing: one TracerProvider per service, all exporting to one in-memory exporter. The global provider is never set.
# --------------------------------------------------------------------------------------------------------------------


class SequentialIdGenerator(IdGenerator):
    """Predictable trace and span ids (for tests): counts up from the given starting values."""

    def __init__(self, first_trace_id: int = 1, first_span_id: int = 1) -> None:
        self._trace_id = first_trace_id
        self._span_id = first_span_id
        self._lock = threading.Lock()

    def generate_trace_id(self) -> int:
        with self._lock:
            value, self._trace_id = self._trace_id, self._trace_id + 1
        return value

    def generate_span_id(self) -> int:
        with self._lock:
            value, self._span_id = self._span_id, self._span_id + 1
        return value


@dataclass
class Tracing:
    """An OpenTelemetry setup that belongs to you, not to the process: providers per service, one in-memory exporter."""

    exporter: InMemorySpanExporter
    id_generator: IdGenerator
    providers: dict[str, TracerProvider] = field(default_factory=dict)

    def provider(self, service: str) -> TracerProvider:
        """The TracerProvider of `service` (its spans carry resource attribute service.name = service)."""
        if service not in self.providers:
            provider = TracerProvider(resource=Resource.create({"service.name": service}), id_generator=self.id_generator)
            provider.add_span_processor(SimpleSpanProcessor(self.exporter))  # synchronous: a span is visible when it ends
            self.providers[service] = provider
        return self.providers[service]

    def tracer(self, service: str) -> trace.Tracer:
        return self.provider(service).get_tracer(f"backendlab.{service}")

    def spans(self, trace_id: int | str | None = None) -> list[ReadableSpan]:
        """Finished spans, oldest start first; only those of one trace when trace_id (int or 32-hex) is given."""
        spans = list(self.exporter.get_finished_spans())
        if trace_id is not None:
            wanted = int(trace_id, 16) if isinstance(trace_id, str) else trace_id
            spans = [s for s in spans if s.context.trace_id == wanted]
        return sorted(spans, key=lambda s: s.start_time or 0)

    def wait_for_spans(
        self, predicate: Callable[[list[ReadableSpan]], bool], trace_id: int | str | None = None, timeout_s: float = 3.0
    ) -> list[ReadableSpan]:
        """Poll until predicate(spans) holds or timeout_s passes; returns the spans either way.

        A server span ends just after the response is sent, so a client can see the response before the span.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            spans = self.spans(trace_id)
            if predicate(spans) or time.monotonic() > deadline:
                return spans
            time.sleep(0.01)

    def clear(self) -> None:
        self.exporter.clear()

    def shutdown(self) -> None:
        for provider in self.providers.values():
            provider.shutdown()
        self.providers.clear()


def setup_tracing(*services: str, id_generator: IdGenerator | None = None) -> Tracing:
    """A fresh tracing setup with an in-memory exporter; safe to call again (a re-run cell gets a new, working one).

    Nothing global is touched: pass `tracing.provider(service)` to instrumentations explicitly.
    """
    tracing = Tracing(InMemorySpanExporter(), id_generator or RandomIdGenerator())
    for service in services:
        tracing.provider(service)
    return tracing


def service_of(span: ReadableSpan) -> str:
    return str(span.resource.attributes.get("service.name", "?"))


def span_rows(spans: Sequence[ReadableSpan]) -> list[dict[str, Any]]:
    """Spans as plain rows (hex ids, milliseconds) for printing and grouping."""
    rows = []
    for s in spans:
        start, end = s.start_time or 0, s.end_time or s.start_time or 0
        rows.append(
            {
                "service": service_of(s),
                "name": s.name,
                "kind": s.kind.name,
                "trace_id": format(s.context.trace_id, "032x"),
                "span_id": format(s.context.span_id, "016x"),
                "parent_id": format(s.parent.span_id, "016x") if s.parent else None,
                "start_ns": start,
                "duration_ms": (end - start) / 1e6,
                "status": s.status.status_code.name,
                "attributes": dict(s.attributes or {}),
            }
        )
    return rows


def instrument_fastapi(app: Any, tracing: Tracing, service: str) -> None:
    """Automatic FastAPI instrumentation bound to this setup's provider (never the global one).

    Opts in to the stable HTTP semantic conventions (http.request.method, http.response.status_code, url.path)
    unless OTEL_SEMCONV_STABILITY_OPT_IN is already set; the instrumentation reads it once per process.
    """
    os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor  # imported late: it is slow to import

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=tracing.provider(service), excluded_urls="/metrics", exclude_spans=["receive", "send"]
    )


# --------------------------------------------------------------------------------------------------------------------
# JSON logs with trace ids
# --------------------------------------------------------------------------------------------------------------------

STANDARD_RECORD_KEYS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Reference answer of exercise 1: one JSON object per line, with the active trace and span ids (or null)."""

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
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class LogBuffer(logging.Handler):
    """A logging handler that keeps the last `capacity` formatted lines in memory (bounded under load)."""

    def __init__(self, capacity: int = 20_000, formatter: logging.Formatter | None = None) -> None:
        super().__init__()
        self.lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(formatter or JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a broken formatter must not break the request
            self.handleError(record)

    def records(self) -> list[dict[str, Any]]:
        """Every kept line parsed back from JSON (lines that are not JSON are skipped)."""
        out = []
        for line in list(self.lines):
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def clear(self) -> None:
        self.lines.clear()


def json_logger(name: str, handler: logging.Handler, level: int = logging.INFO) -> logging.Logger:
    """A private logger called `name` that writes only to `handler`.

    It is not registered in logging's global tree (logging.getLogger would share it by name), so two apps that
    both log as "orders" never steal each other's handler, and a re-run cell simply gets a new logger.
    """
    logger = logging.Logger(name, level)
    logger.addHandler(handler)
    logger.propagate = False
    return logger


# --------------------------------------------------------------------------------------------------------------------
# Prometheus: a registry per app, never the default one
# --------------------------------------------------------------------------------------------------------------------

LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5)


@dataclass
class HttpMetrics:
    """RED metrics of one app in its own CollectorRegistry: a request counter and a latency histogram."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = {"method": method, "route": route, "status": str(status)}
        self.requests.labels(**labels).inc()
        self.latency.labels(**labels).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def make_http_metrics(buckets: Sequence[float] = LATENCY_BUCKETS_S) -> HttpMetrics:
    """Fresh metrics in a fresh registry: re-running a cell never raises "Duplicated timeseries"."""
    registry = CollectorRegistry()
    requests = Counter("http_requests", "HTTP requests served", ["method", "route", "status"], registry=registry)
    latency = Histogram(
        "http_request_duration_seconds", "Time to serve a request", ["method", "route", "status"], buckets=buckets, registry=registry
    )
    return HttpMetrics(registry, requests, latency)


class MetricsMiddleware:
    """Pure ASGI middleware: count and time every request by method, route TEMPLATE (low cardinality) and status."""

    def __init__(self, app: Any, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") == "/metrics":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # an exception that escapes the app becomes a 500

        async def send_and_remember(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_remember)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"  # the router stores the matched route
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - start)


def add_metrics(app: Any, metrics: HttpMetrics) -> None:
    """Count and time every request of `app`, and serve the registry at GET /metrics."""
    from fastapi import Response

    app.add_middleware(MetricsMiddleware, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    def metrics_endpoint() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


LabelMatch = str | Callable[[str], bool]


def parse_metrics(text: str) -> list[dict[str, Any]]:
    """The Prometheus text format as rows: {"name", "labels", "value"} per sample."""
    rows = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            rows.append({"name": sample.name, "labels": dict(sample.labels), "value": float(sample.value)})
    return rows


def _matches(labels: Mapping[str, str], wanted: Mapping[str, LabelMatch]) -> bool:
    for key, want in wanted.items():
        value = labels.get(key)
        if value is None or (not want(value) if callable(want) else value != want):
            return False
    return True


def metric_sum(rows: Sequence[Mapping[str, Any]], name: str, **labels: LabelMatch) -> float:
    """Sum of the samples called `name` whose labels match (a value, or a predicate such as str.startswith)."""
    return sum(r["value"] for r in rows if r["name"] == name and _matches(r["labels"], labels))


def bucket_counts(
    rows: Sequence[Mapping[str, Any]], name: str = "http_request_duration_seconds", **labels: LabelMatch
) -> list[tuple[float, float]]:
    """Cumulative (le, count) pairs of histogram `name`, summed over the series that match `labels`, sorted by le."""
    totals: dict[float, float] = {}
    for r in rows:
        if r["name"] == f"{name}_bucket" and _matches(r["labels"], labels):
            le = float(r["labels"]["le"])  # "+Inf" parses as inf
            totals[le] = totals.get(le, 0.0) + r["value"]
    return sorted(totals.items())


def bucket_delta(later: Sequence[tuple[float, float]], earlier: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Buckets of the observations made between two scrapes (what rate()/increase() does for a histogram)."""
    before = dict(earlier)
    return [(le, count - before.get(le, 0.0)) for le, count in later]


# --------------------------------------------------------------------------------------------------------------------
# Reference answers (the narrative continues with these after each exercise)
# --------------------------------------------------------------------------------------------------------------------


def run_instrumented(tracer: trace.Tracer, method: str, route: str, path: str, handler: Callable[[], int]) -> int:
    """Reference answer of exercise 2: run handler() inside a SERVER span that follows the HTTP semantic conventions."""
    with tracer.start_as_current_span(f"{method} {route}", kind=SpanKind.SERVER) as span:
        span.set_attribute("http.request.method", method)
        span.set_attribute("http.route", route)
        span.set_attribute("url.path", path)
        try:
            status = handler()
        except Exception as exc:
            span.set_attribute("http.response.status_code", 500)
            span.set_attribute("error.type", type(exc).__qualname__)
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            raise  # start_as_current_span records the exception as a span event on the way out
        span.set_attribute("http.response.status_code", status)
        if status >= 500:  # server spans: 5xx is an error, 4xx is the client's problem and leaves the status unset
            span.set_attribute("error.type", str(status))
            span.set_status(Status(StatusCode.ERROR))
        return status


def call_orders(client: httpx.Client, path: str) -> httpx.Response:
    """Reference answer of exercise 3: GET path with the current trace context in a W3C `traceparent` header."""
    headers: dict[str, str] = {}
    inject(headers)  # the default propagator writes traceparent (and baggage) from the active span
    return client.get(path, headers=headers)


def histogram_quantile(buckets: Sequence[tuple[float, float]], q: float) -> float:
    """Reference answer of exercise 4: PromQL's histogram_quantile for classic (le, cumulative count) buckets.

    Follows promql/quantile.go (bucketQuantile, with coalesceBuckets, correctPrecisionErrors and ensureMonotonic)
    and https://prometheus.io/docs/prometheus/latest/querying/functions/; tests/test_telemetry.py compares it with a
    line-by-line port of that Go code on generated histograms.
    """
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    ordered = sorted((float(le), float(c)) for le, c in buckets)
    if not ordered or not math.isinf(ordered[-1][0]):
        return math.nan
    merged: list[list[float]] = []  # equal upper bounds are merged
    for le, count in ordered:
        if merged and merged[-1][0] == le:
            merged[-1][1] += count
        else:
            merged.append([le, count])
    prev = merged[0][1]  # float noise: a count within 1e-12 (relative) of the one below it is set equal to it
    for b in merged[1:]:
        delta = abs(b[1] - prev)
        if delta == 0:
            continue
        if (delta / b[1] if b[1] != 0 else math.inf) <= 1e-12:
            b[1] = prev
        else:
            prev = b[1]
    highest = -math.inf  # counts are forced to be non-decreasing
    for b in merged:
        highest = max(highest, b[1])
        b[1] = highest
    if len(merged) < 2:
        return math.nan
    observations = merged[-1][1]
    if observations == 0:
        return math.nan
    rank = q * observations
    b = next((i for i in range(len(merged) - 1) if merged[i][1] >= rank), len(merged) - 1)
    if b == len(merged) - 1:
        return merged[-2][0]  # in the +Inf bucket: the highest finite upper bound
    if b == 0 and merged[0][0] <= 0:
        return merged[0][0]
    start, end, count = 0.0, merged[b][0], merged[b][1]
    if b > 0:
        start = merged[b - 1][0]
        count -= merged[b - 1][1]
        rank -= merged[b - 1][1]
    if count == 0:  # only q = 0 with an empty lowest bucket: Prometheus computes 0/0 = NaN
        return math.nan
    return start + (end - start) * (rank / count)


class BurnRateRule(NamedTuple):
    """A multiwindow burn-rate alert: fires when BOTH windows burn the error budget faster than `factor`."""

    name: str
    long_minutes: int
    short_minutes: int
    factor: float


# The Site Reliability Workbook, ch. 5 "Alerting on SLOs", table "Recommended parameters" (2% / 5% / 10% of a 30-day budget)
SRE_WORKBOOK_RULES: tuple[BurnRateRule, ...] = (
    BurnRateRule("page-1h", 60, 5, 14.4),
    BurnRateRule("page-6h", 360, 30, 6.0),
    BurnRateRule("ticket-3d", 3 * 24 * 60, 360, 1.0),
)


def burn_rate(requests: Sequence[tuple[int, int]], slo: float, minutes: int) -> float:
    """Error ratio of the last `minutes` (total, errors) pairs divided by the error budget 1 - slo; 0 without traffic."""
    window = requests[-minutes:] if minutes > 0 else []
    total = sum(t for t, _ in window)
    errors = sum(e for _, e in window)
    return 0.0 if total == 0 else (errors / total) / (1.0 - slo)


def firing_alerts(requests: Sequence[tuple[int, int]], slo: float, rules: Sequence[BurnRateRule] = SRE_WORKBOOK_RULES) -> list[str]:
    """Reference answer of exercise 5: names of the rules that fire at the end of the per-minute series."""
    return [
        r.name
        for r in rules
        if burn_rate(requests, slo, r.long_minutes) > r.factor and burn_rate(requests, slo, r.short_minutes) > r.factor
    ]


def burn_rate_series(requests: Sequence[tuple[int, int]], slo: float, minutes: int) -> list[float]:
    """burn_rate evaluated at the end of every minute (prefix sums: fast enough for weeks of minutes)."""
    totals, errors = [0], [0]
    for t, e in requests:
        totals.append(totals[-1] + t)
        errors.append(errors[-1] + e)
    out = []
    for i in range(1, len(totals)):
        j = max(0, i - minutes)
        t, e = totals[i] - totals[j], errors[i] - errors[j]
        out.append(0.0 if t == 0 else (e / t) / (1.0 - slo))
    return out


def detect_anomalies(
    series: Sequence[float], alpha: float = 0.15, threshold: float = 4.0, warmup: int = 20, max_run: int = 8
) -> list[int]:
    """Reference answer of exercise 6: indices of points far ABOVE an exponentially weighted baseline (causal).

    The baseline is an EWMA of the series and of its squared deviation from it; a point is anomalous when it sits
    more than `threshold` standard deviations above the baseline. Anomalous points are kept out of the baseline,
    so a spike does not hide the next one, unless `max_run` points in a row were anomalous: then the level has
    moved (a deploy, a new normal) and the baseline learns it. Decides point i from points 0..i only.
    """
    if len(series) <= warmup:
        return []
    head = [float(x) for x in series[:warmup]]
    mean = sum(head) / warmup
    var = sum((x - mean) ** 2 for x in head) / warmup
    flagged: list[int] = []
    run = 0
    for i in range(warmup, len(series)):
        x = float(series[i])
        std = max(math.sqrt(var), 0.01 * abs(mean), 1e-9)  # a floor: a flat series still has a scale
        if (x - mean) / std > threshold and run < max_run:
            flagged.append(i)
            run += 1
            continue
        run = 0
        diff = x - mean
        mean += alpha * diff
        var = (1 - alpha) * (var + alpha * diff * diff)
    return flagged


# --------------------------------------------------------------------------------------------------------------------
# Data generators (seeded) for the exercises
# --------------------------------------------------------------------------------------------------------------------


def make_latency_series(seed: int, minutes: int = 480) -> tuple[list[float], list[int]]:
    """A per-minute p95 latency series in ms (daily-like swing, noise, spikes) and the indices of its anomalies."""
    rng = random.Random(seed)
    base = rng.uniform(90, 150)
    swing = rng.uniform(15, 35)
    period = rng.uniform(180, 300)
    phase = rng.uniform(0, 2 * math.pi)
    noise = rng.uniform(3, 6)
    series = [base + swing * math.sin(2 * math.pi * t / period + phase) + rng.gauss(0, noise) for t in range(minutes)]
    labels: set[int] = set()
    start = 40
    while start < minutes - 10:
        start += rng.randint(25, 70)
        if start >= minutes - 5:
            break
        length = rng.randint(1, 4)
        jump = rng.uniform(8, 20) * noise
        for i in range(start, min(start + length, minutes)):
            series[i] += jump * rng.uniform(0.8, 1.2)
            labels.add(i)
        start += length
    return [round(x, 2) for x in series], sorted(labels)


def make_latency_series_variant(seed: int, scale: float = 1.0, minutes: int = 600) -> tuple[list[float], list[int]]:
    """Held-out latency series, made unlike make_latency_series: another scale, a trend, spikes AND downward dips.

    `scale` multiplies every latency (0.2 for a 20 ms service, 8 for a 1 s one). Returns the series and the indices
    of its upward spikes (1 to 4 points, 8 to 20 noise deviations above the baseline). The dips (a cache that warmed
    up, traffic that drained) go as far below the baseline and are NOT anomalies for a detector of spikes above it.
    Events alternate spike, dip, spike... at least 30 points apart, so a baseline disturbed by one has recovered.
    """
    rng = random.Random(seed * 7919 + 17)
    base = rng.uniform(60, 140)
    slope = rng.uniform(-0.04, 0.04)  # per minute: a slow trend over the window
    swing = rng.uniform(5, 20)
    period = rng.uniform(90, 400)
    phase = rng.uniform(0, 2 * math.pi)
    noise = rng.uniform(1.5, 5)
    series = [
        base + slope * t + swing * math.sin(2 * math.pi * t / period + phase) + rng.gauss(0, noise) for t in range(minutes)
    ]
    labels: set[int] = set()
    start, spike = 30, rng.random() < 0.5
    while True:
        start += rng.randint(30, 60)
        length = rng.randint(1, 4)
        if start + length >= minutes:
            break
        size = rng.uniform(8, 20) * noise
        for i in range(start, start + length):
            jump = size * rng.uniform(0.8, 1.2)
            if spike:
                series[i] += jump
                labels.add(i)
            else:
                series[i] = max(series[i] - jump, 0.2 * base)
        start += length
        spike = not spike
    return [round(scale * x, 3) for x in series], sorted(labels)


def make_request_series(
    seed: int, minutes: int, rpm: int = 1000, base_error_ratio: float = 0.0002, incidents: Sequence[tuple[int, int, float]] = ()
) -> list[tuple[int, int]]:
    """Per-minute (total, errors) pairs: Gaussian traffic, a base error ratio, and incidents (start, minutes, ratio).

    Errors per minute follow the normal approximation of the binomial (fast for weeks of minutes).
    """
    rng = random.Random(seed)
    out = []
    for minute in range(minutes):
        total = max(0, round(rng.gauss(rpm, rpm**0.5)))
        ratio = base_error_ratio
        for start, length, incident_ratio in incidents:
            if start <= minute < start + length:
                ratio = incident_ratio
        mean = total * ratio
        errors = min(total, max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - ratio))))))
        out.append((total, errors))
    return out


def precision_recall(flagged: Sequence[int], labels: Sequence[int]) -> tuple[float, float]:
    """Point-wise precision and recall of flagged indices against labelled ones (1.0 when nothing to find or flag)."""
    got, want = set(flagged), set(labels)
    hits = len(got & want)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(want) if want else 1.0
    return precision, recall


# --------------------------------------------------------------------------------------------------------------------
# The two-service demo: a gateway calling an orders service (notebook 2 uses these; notebook 1 builds them in cells)
# --------------------------------------------------------------------------------------------------------------------


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
        with tracer.start_as_current_span("GET inventory", kind=SpanKind.CLIENT, attributes={"server.address": "inventory"}) as span:
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
