"""Prometheus metrics for module 04: a registry per app (never the default one), RED middleware, parsing a scrape."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

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
