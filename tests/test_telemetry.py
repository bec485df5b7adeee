"""backendlab.labs.telemetry: tracing without globals, JSON logs with trace ids, per-app metrics, reference answers."""

from __future__ import annotations

import json
import logging
import math

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from backendlab import services
from backendlab.labs import telemetry as tel

INF = math.inf


@pytest.fixture(autouse=True)
def _stop_services():
    yield
    services.stop_all()


def test_setup_tracing_never_sets_the_global_provider_and_a_second_setup_still_records() -> None:
    first = tel.setup_tracing("svc")
    second = tel.setup_tracing("svc")
    with second.tracer("svc").start_as_current_span("work"):
        pass
    assert [s.name for s in second.spans()] == ["work"]
    assert first.spans() == []
    assert type(trace.get_tracer_provider()).__name__ == "ProxyTracerProvider"


def test_spans_carry_their_service_name_and_can_be_filtered_by_trace_id() -> None:
    tracing = tel.setup_tracing(id_generator=tel.SequentialIdGenerator(first_trace_id=0xAB, first_span_id=1))
    with tracing.tracer("gateway").start_as_current_span("a"):
        pass
    with tracing.tracer("orders").start_as_current_span("b"):
        pass
    assert [tel.service_of(s) for s in tracing.spans()] == ["gateway", "orders"]
    assert [s.name for s in tracing.spans(trace_id=f"{0xAC:032x}")] == ["b"]
    assert tel.span_rows(tracing.spans(0xAB))[0]["trace_id"] == f"{0xAB:032x}"


def test_json_formatter_writes_zero_padded_w3c_ids_extras_and_null_outside_spans() -> None:
    tracing = tel.setup_tracing(id_generator=tel.SequentialIdGenerator(first_trace_id=0x0AF7, first_span_id=0x00F0))
    record = logging.getLogger("t").makeRecord("t", logging.INFO, "f.py", 1, "order %s", (7,), None, extra={"order_id": 7})
    with tracing.tracer("t").start_as_current_span("s"):
        inside = json.loads(tel.JsonFormatter().format(record))
    outside = json.loads(tel.JsonFormatter().format(record))
    assert inside["trace_id"] == f"{0x0AF7:032x}" and inside["span_id"] == f"{0x00F0:016x}"
    assert inside["message"] == "order 7" and inside["order_id"] == 7
    assert outside["trace_id"] is None and outside["span_id"] is None


def test_json_loggers_with_the_same_name_keep_their_own_handlers() -> None:
    first, second = tel.LogBuffer(), tel.LogBuffer()
    tel.json_logger("orders", first).info("one")
    tel.json_logger("orders", second).info("two")
    assert [r["message"] for r in first.records()] == ["one"]
    assert [r["message"] for r in second.records()] == ["two"]


def test_log_buffer_keeps_only_the_newest_lines() -> None:
    buffer = tel.LogBuffer(capacity=3)
    log = tel.json_logger("busy", buffer)
    for i in range(5):
        log.info("line %d", i)
    assert [r["message"] for r in buffer.records()] == ["line 2", "line 3", "line 4"]


def test_metrics_use_a_fresh_registry_each_time_and_label_by_route_template() -> None:
    first, second = tel.make_http_metrics(), tel.make_http_metrics()  # would raise with the default registry
    first.observe("GET", "/orders/{order_id}", 200, 0.02)
    rows = tel.parse_metrics(first.exposition().decode())
    assert tel.metric_sum(rows, "http_requests_total", route="/orders/{order_id}") == 1
    assert tel.metric_sum(tel.parse_metrics(second.exposition().decode()), "http_requests_total") == 0
    assert tel.bucket_counts(rows)[:3] == [(0.005, 0.0), (0.01, 0.0), (0.025, 1.0)]


def test_metric_sum_accepts_a_predicate_for_a_label() -> None:
    metrics = tel.make_http_metrics()
    for status in (200, 502, 503, 404):
        metrics.observe("GET", "/x", status, 0.01)
    rows = tel.parse_metrics(metrics.exposition().decode())
    assert tel.metric_sum(rows, "http_requests_total", status=lambda s: s.startswith("5")) == 2


def test_two_services_share_one_trace_and_expose_metrics_by_route() -> None:
    tracing, logs = tel.setup_tracing(), tel.LogBuffer()
    gateway_metrics = tel.make_http_metrics()
    orders = services.serve(tel.build_orders_app(tracing, logs), name="t-orders", quiet=True)
    gateway = services.serve(tel.build_gateway_app(orders.url, tracing, logs, gateway_metrics), name="t-gateway", quiet=True)
    assert httpx.get(f"{gateway.url}/checkout/3").status_code == 200
    assert httpx.get(f"{gateway.url}/checkout/20000").status_code == 404
    spans = tracing.wait_for_spans(lambda s: sum(x.kind == SpanKind.SERVER for x in s) >= 4)
    first_trace = {s.context.trace_id for s in spans if s.attributes.get("url.path") == "/checkout/3"}
    assert {tel.service_of(s) for s in spans if s.context.trace_id in first_trace} == {"gateway", "orders"}
    rows = tel.parse_metrics(httpx.get(f"{gateway.url}/metrics").text)
    assert tel.metric_sum(rows, "http_requests_total", route="/checkout/{order_id}", status="404") == 1
    by_service = {name: {r["trace_id"] for r in logs.records() if r["logger"] == name} for name in ("gateway", "orders")}
    assert len(by_service["gateway"]) == 2 and len(by_service["orders"]) == 1  # the 404 is not logged by orders
    assert by_service["orders"] <= by_service["gateway"]  # logs of both services joined by the trace id


def test_run_instrumented_marks_5xx_and_exceptions_as_errors_but_not_4xx() -> None:
    tracing = tel.setup_tracing()
    tracer = tracing.tracer("t")
    tel.run_instrumented(tracer, "GET", "/o/{id}", "/o/1", lambda: 404)
    tel.run_instrumented(tracer, "GET", "/o/{id}", "/o/2", lambda: 503)
    with pytest.raises(KeyError):
        tel.run_instrumented(tracer, "GET", "/o/{id}", "/o/3", lambda: {}["x"])
    statuses = [(s.status.status_code, s.attributes.get("error.type")) for s in tracing.spans()]
    assert statuses == [(StatusCode.UNSET, None), (StatusCode.ERROR, "503"), (StatusCode.ERROR, "KeyError")]


@pytest.mark.parametrize(
    ("buckets", "q", "expected"),
    [
        ([(0.1, 50), (0.25, 80), (0.5, 95), (1.0, 100), (INF, 100)], 0.9, 0.25 + 0.25 * 10 / 15),
        ([(0.1, 50), (0.25, 80), (0.5, 95), (1.0, 100), (INF, 100)], 0.25, 0.05),
        ([(0.1, 5), (1.0, 8), (INF, 10)], 0.9, 1.0),
        ([(-1.0, 2), (0.0, 5), (INF, 5)], 0.2, -1.0),
        ([(1.0, 4), (INF, 4), (0.5, 2)], 0.75, 0.75),
        ([(0.1, 5), (0.2, 4), (INF, 10)], 0.5, 0.1),  # a decreasing count is forced up, as Prometheus does
    ],
)
def test_histogram_quantile_follows_promql(buckets: list[tuple[float, float]], q: float, expected: float) -> None:
    assert tel.histogram_quantile(buckets, q) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("buckets", "q"),
    [([], 0.5), ([(INF, 3)], 0.5), ([(0.1, 1), (1.0, 2)], 0.5), ([(0.1, 0), (INF, 0)], 0.5), ([(0.1, 1), (INF, 2)], math.nan)],
)
def test_histogram_quantile_is_nan_where_prometheus_is(buckets: list[tuple[float, float]], q: float) -> None:
    assert math.isnan(tel.histogram_quantile(buckets, q))


def test_histogram_quantile_is_infinite_outside_zero_to_one() -> None:
    buckets = [(0.1, 1), (INF, 2)]
    assert tel.histogram_quantile(buckets, -0.5) == -INF and tel.histogram_quantile(buckets, 1.5) == INF


def test_firing_alerts_needs_both_windows_and_stops_after_recovery() -> None:
    during = [(1000, 0)] * 1420 + [(1000, 50)] * 20
    after = during + [(1000, 0)] * 10
    assert tel.firing_alerts(during, 0.999) == ["page-1h"]
    assert tel.firing_alerts(after, 0.999) == []


def test_burn_rate_series_matches_burn_rate_at_every_minute() -> None:
    requests = tel.make_request_series(seed=1, minutes=200, incidents=[(100, 30, 0.02)])
    series = tel.burn_rate_series(requests, 0.999, 60)
    for minute in (0, 59, 120, 199):
        assert series[minute] == pytest.approx(tel.burn_rate(requests[: minute + 1], 0.999, 60))


def test_detect_anomalies_finds_labelled_spikes_and_decides_causally() -> None:
    series, labels = tel.make_latency_series(2024)
    flagged = tel.detect_anomalies(series)
    precision, recall = tel.precision_recall(flagged, labels)
    assert precision >= 0.9 and recall >= 0.9
    assert tel.detect_anomalies(series[:200]) == [i for i in flagged if i < 200]
    assert tel.detect_anomalies([100.0] * 100) == []


def test_latency_series_is_reproducible_for_a_seed() -> None:
    assert tel.make_latency_series(7) == tel.make_latency_series(7)
    assert tel.make_latency_series(7) != tel.make_latency_series(8)


# --- histogram_quantile against a line-by-line port of Prometheus' promql/quantile.go (bucketQuantile) ---------------


def _go_div(a: float, b: float) -> float:
    """Go's float64 division: x/0 is ±Inf, 0/0 is NaN (Python raises instead)."""
    if b != 0:
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(INF, a) * math.copysign(1.0, b)


def _prometheus_bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """promql/quantile.go bucketQuantile, coalesceBuckets, correctPrecisionErrors(1e-12) and ensureMonotonic, as written in Go."""
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -INF
    if q > 1:
        return INF
    b = sorted(([float(le), float(c)] for le, c in buckets), key=lambda x: x[0])
    if not b or not math.isinf(b[-1][0]):  # (Go indexes buckets[len-1]: PromQL never calls it without buckets)
        return math.nan
    merged = [b[0]]  # coalesceBuckets
    for le, c in b[1:]:
        if le == merged[-1][0]:
            merged[-1][1] += c
        else:
            merged.append([le, c])
    prev = merged[0][1]  # correctPrecisionErrors
    for x in merged[1:]:
        delta = abs(x[1] - prev)
        if delta == 0:
            continue
        if _go_div(delta, x[1]) <= 1e-12:
            x[1] = prev
        else:
            prev = x[1]
    top = merged[0][1]  # ensureMonotonic
    for x in merged[1:]:
        if x[1] > top:
            top = x[1]
        elif x[1] < top:
            x[1] = top
    if len(merged) < 2:
        return math.nan
    observations = merged[-1][1]
    if observations == 0:
        return math.nan
    rank = q * observations
    i = next((k for k in range(len(merged) - 1) if merged[k][1] >= rank), len(merged) - 1)  # sort.Search
    if i == len(merged) - 1:
        return merged[-2][0]
    if i == 0 and merged[0][0] <= 0:
        return merged[0][0]
    start, end, count = 0.0, merged[i][0], merged[i][1]
    if i > 0:
        start = merged[i - 1][0]
        count -= merged[i - 1][1]
        rank -= merged[i - 1][1]
    return start + (end - start) * _go_div(rank, count)


def _same_float(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_histogram_quantile_matches_prometheus_quantile_go_on_generated_histograms() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    bounds = st.sampled_from([-5.0, -1.0, -0.25, 0.0, 0.001, 0.1, 0.25, 0.5, 1.0, 2.5, 60.0, INF])
    counts = st.one_of(st.integers(0, 50).map(float), st.floats(0, 1e6, allow_nan=False), st.sampled_from([1e15, 1e15 + 1.0]))
    quantiles = st.one_of(st.sampled_from([0.0, 1.0, 0.5, -0.01, 1.01, math.nan]), st.floats(0, 1))

    @settings(max_examples=3000, derandomize=True, database=None, deadline=None)
    @given(st.lists(st.tuples(bounds, counts), max_size=8), quantiles)
    def compare(buckets: list[tuple[float, float]], q: float) -> None:  # duplicates and decreasing counts included
        assert _same_float(tel.histogram_quantile(buckets, q), _prometheus_bucket_quantile(q, buckets)), (buckets, q)

    compare()


@pytest.mark.parametrize(
    ("buckets", "q", "expected"),
    [
        ([(0.1, 0), (0.5, 4), (INF, 4)], 0.0, math.nan),  # q=0 and an empty lowest bucket: Go computes 0 * (0/0)
        ([(0.1, 3), (0.5, 4), (INF, 4)], 0.0, 0.0),
        ([(0.1, 3), (0.5, 4), (INF, 4)], 1.0, 0.5),  # q=1: the first bucket holding every observation
        ([(0.1, 3), (0.5, 4), (INF, 6)], 1.0, 0.5),  # ... or the +Inf bucket: the highest finite bound
        ([(0.1, 5), (0.25, 5), (INF, 10)], 0.5, 0.1),  # a rank exactly on a count stops there (>=), empty buckets after it
        ([(0.1, 1e15), (1.0, 1e15 + 0.1), (INF, 1e15 + 0.1)], 1.0, 0.1),  # within 1e-12: the same count (precision fix)
        ([(-1.0, 2), (-0.5, 2), (0.0, 4), (INF, 4)], 0.5, -1.0),
    ],
)
def test_histogram_quantile_on_every_path_of_quantile_go(buckets: list[tuple[float, float]], q: float, expected: float) -> None:
    assert _same_float(tel.histogram_quantile(buckets, q), expected)
    assert _same_float(_prometheus_bucket_quantile(q, buckets), expected)


def test_histogram_quantile_leaves_the_callers_buckets_alone() -> None:
    buckets = [(INF, 10), (0.1, 5), (1.0, 8)]
    tel.histogram_quantile(buckets, 0.5)
    assert buckets == [(INF, 10), (0.1, 5), (1.0, 8)]


# --- the held-out latency generator of exercise 6 -------------------------------------------------------------------


def test_latency_series_variant_has_spikes_above_and_unlabelled_dips_below_at_any_scale() -> None:
    series, labels = tel.make_latency_series_variant(3, scale=8.0)
    small, small_labels = tel.make_latency_series_variant(3, scale=0.2)
    assert small_labels == labels and len(series) == 600 and min(small) > 0
    assert series == pytest.approx([40 * x for x in small], rel=1e-3)
    assert tel.make_latency_series_variant(3) != tel.make_latency_series_variant(4)
    base = sorted(series)[len(series) // 2]
    dips = [i for i, x in enumerate(series) if x < 0.6 * base]
    assert labels and dips and not set(dips) & set(labels)


def test_reference_detector_generalises_to_the_variant_and_ignores_dips() -> None:
    hits = flagged = wanted = 0
    for seed, scale in [(11, 0.2), (12, 1.0), (13, 8.0), (14, 3.0), (21, 1.0), (22, 0.2)]:
        series, labels = tel.make_latency_series_variant(seed, scale)
        found = set(tel.detect_anomalies(series))
        hits, flagged, wanted = hits + len(found & set(labels)), flagged + len(found), wanted + len(labels)
    assert hits / flagged >= 0.9 and hits / wanted >= 0.9
