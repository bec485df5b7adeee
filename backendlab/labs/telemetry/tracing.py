"""Tracing for module 04: one TracerProvider per service, all exporting to one in-memory exporter; the global provider is never set."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator


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
