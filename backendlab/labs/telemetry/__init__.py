"""Observability lab (module 04): OpenTelemetry without globals, per-app Prometheus metrics, JSON logs, SLO burn rates,
anomaly detection, the gateway -> orders demo, and the reference answers the narrative continues with.

One concern per file; this package re-exports what the notebooks and tests use (`from backendlab.labs import telemetry as tel`).
"""

from backendlab.labs.telemetry.anomalies import (
    detect_anomalies,
    make_latency_series,
    make_latency_series_variant,
    precision_recall,
)
from backendlab.labs.telemetry.apps import Faults, InventoryUnavailable, build_gateway_app, build_orders_app
from backendlab.labs.telemetry.logs import STANDARD_RECORD_KEYS, JsonFormatter, LogBuffer, json_logger
from backendlab.labs.telemetry.metrics import (
    LATENCY_BUCKETS_S,
    HttpMetrics,
    LabelMatch,
    MetricsMiddleware,
    add_metrics,
    bucket_counts,
    bucket_delta,
    make_http_metrics,
    metric_sum,
    parse_metrics,
)
from backendlab.labs.telemetry.reference import call_orders, histogram_quantile, run_instrumented
from backendlab.labs.telemetry.slo import (
    SRE_WORKBOOK_RULES,
    BurnRateRule,
    burn_rate,
    burn_rate_series,
    firing_alerts,
    make_request_series,
)
from backendlab.labs.telemetry.tracing import (
    SequentialIdGenerator,
    Tracing,
    instrument_fastapi,
    service_of,
    setup_tracing,
    span_rows,
)

__all__ = [
    "LATENCY_BUCKETS_S",
    "SRE_WORKBOOK_RULES",
    "STANDARD_RECORD_KEYS",
    "BurnRateRule",
    "Faults",
    "HttpMetrics",
    "InventoryUnavailable",
    "JsonFormatter",
    "LabelMatch",
    "LogBuffer",
    "MetricsMiddleware",
    "SequentialIdGenerator",
    "Tracing",
    "add_metrics",
    "bucket_counts",
    "bucket_delta",
    "build_gateway_app",
    "build_orders_app",
    "burn_rate",
    "burn_rate_series",
    "call_orders",
    "detect_anomalies",
    "firing_alerts",
    "histogram_quantile",
    "instrument_fastapi",
    "json_logger",
    "make_http_metrics",
    "make_latency_series",
    "make_latency_series_variant",
    "make_request_series",
    "metric_sum",
    "parse_metrics",
    "precision_recall",
    "run_instrumented",
    "service_of",
    "setup_tracing",
    "span_rows",
]
