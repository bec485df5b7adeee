"""backendlab.telemetry: tracing without globals, JSON logs with trace ids, per-app metrics, reference answers."""

from __future__ import annotations

import json
import logging
import math

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from backendlab import services
from backendlab import telemetry as tel

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
