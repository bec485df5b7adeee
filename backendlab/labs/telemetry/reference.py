"""Reference answers of exercises 2-4 (a server span, trace propagation, histogram_quantile): the narrative continues with these."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import httpx
from opentelemetry import trace
from opentelemetry.propagate import inject
from opentelemetry.trace import SpanKind, Status, StatusCode


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
    ordered = sorted(((float(le), float(c)) for le, c in buckets), key=lambda b: b[0])
    if not ordered or not math.isinf(ordered[-1][0]):
        return math.nan
    merged: list[list[float]] = []  # equal upper bounds are merged, summed in input order (Go leaves that order unspecified)
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
