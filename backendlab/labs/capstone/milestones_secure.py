"""Graded milestones of notebook 2: observability (one trace across the downstream call; RED metrics; JSON logs with
trace ids) and the guard (the attack suite's token attacks; rotation, refetching, rate and size limits)."""

from __future__ import annotations

import json
import logging
import re
import secrets
import uuid
from typing import Any

import httpx
from opentelemetry.trace import SpanKind, StatusCode

from backendlab.checks import answer, check_equal, check_true, quiet
from backendlab.labs.capstone.attacks import attack_table, run_attack_suite
from backendlab.labs.capstone.config import LATENCY_BUCKETS_S
from backendlab.labs.capstone.kit import Kit, assemble, http_client, running
from backendlab.labs.capstone.observability import parse_metrics

HEX32, HEX16 = re.compile(r"^[0-9a-f]{32}$"), re.compile(r"^[0-9a-f]{16}$")


def _service(span: Any) -> str:
    return str(span.resource.attributes.get("service.name", "?"))


def _traceparent() -> tuple[str, str, str]:
    trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
    return trace_id, parent, f"00-{trace_id}-{parent}-01"


def _kit_with(name: str, **parts: Any) -> tuple[Kit, Any]:
    kit = Kit(name)
    try:
        app = answer(assemble, kit, **parts, hint="instrument(app, tel) adds to the app; traced_transport(inner, tel) returns a transport.")
    except BaseException:
        kit.close()
        raise
    return kit, app


def observability_trace(instrument: Any, traced_transport: Any, full: bool = True) -> None:
    """A booking sent with a traceparent: the service's SERVER span continues it, a CLIENT span wraps the call to
    payments, and the payments service's SERVER span is that CLIENT span's child, all in one trace."""
    kit, app = _kit_with("capstone-grade-trace", instrument=instrument, traced_transport=traced_transport)
    try:
        with quiet("your instrumentation"), running(kit, app) as c:
            opening = {e["name"]: e["id"] for e in c.get("/events").json()["items"]}["Opening night"]
            trace_id, parent, header = _traceparent()
            r = c.post("/bookings", json={"event_id": opening, "seats": 1},
                       headers={**kit.headers("tina"), "Idempotency-Key": "trace-0001", "traceparent": header})
            check_equal(r.status_code, 201, "POST /bookings with a traceparent header")
            spans = kit.tracing.wait_for(lambda s: any(_service(x) == "payments" for x in s) and
                                         any(x.kind == SpanKind.SERVER and _service(x) == "bookings" for x in s), trace_id)
            _linked(spans, parent, "the booking")
            if not full:
                return
            check_equal((r.json()["status"], len({s.context.trace_id for s in spans})), ("confirmed", 1), "(status, traces) of the booking")
            route = c.get(f"/events/{opening}", headers={"traceparent": _traceparent()[2]})
            check_equal(route.status_code, 200, "GET /events/{event_id}")
            named = kit.tracing.wait_for(lambda s: any(x.name == "GET /events/{event_id}" for x in s))
            check_true(any(x.name == "GET /events/{event_id}" and x.kind == SpanKind.SERVER for x in named),
                       "a SERVER span named after the route TEMPLATE: 'GET /events/{event_id}'")
            fresh = c.post("/bookings", json={"event_id": opening, "seats": 1},
                           headers={**kit.headers("tina"), "Idempotency-Key": "trace-0002"})
            check_equal(fresh.status_code, 201, "POST /bookings without a traceparent")
            def complete_traces(spans: list[Any]) -> set[int]:
                """Traces other than the first booking's that hold both a bookings and a payments SERVER span."""
                found: dict[int, set[str]] = {}
                for x in spans:
                    if x.kind == SpanKind.SERVER:
                        found.setdefault(x.context.trace_id, set()).add(_service(x))
                return {t for t, services in found.items() if services >= {"bookings", "payments"} and format(t, "032x") != trace_id}

            complete = complete_traces(kit.tracing.wait_for(lambda s: bool(complete_traces(s))))
            check_true(len(complete) == 1, "a booking without traceparent to start one trace of its own, across both services "
                       f"(found {len(complete)} such traces)")
            _linked(kit.tracing.spans(next(iter(complete))), None, "a booking without incoming traceparent")
            kit.proxy.set(error_rate=1.0)
            _error_spans(c, kit, opening, "trace-0003", "a 503 from payments")
            kit.proxy.clear()
            kit.proxy.down()
            try:
                _error_spans(c, kit, opening, "trace-0004", "a refused connection to payments")
            finally:
                kit.proxy.up()
        _transport_error_reaches_caller(traced_transport, app.state.tel)
    finally:
        kit.close()


class _Refusing(httpx.BaseTransport):
    """An inner transport whose every request fails to connect."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)


def _transport_error_reaches_caller(traced_transport: Any, tel: Any) -> None:
    """traced_transport called directly on an inner transport that raises: the same exception reaches the caller."""
    transport = answer(traced_transport, _Refusing(), tel)
    request = httpx.Request("POST", "http://127.0.0.1:9/charges", json={"booking_id": "bkg_000000000000"})
    outcome: str
    try:
        with quiet("your traced_transport"):
            response = transport.handle_request(request)
        outcome = f"an answer {getattr(response, 'status_code', response)!r}"
    except httpx.ConnectError:
        outcome = "ConnectError"
    except Exception as exc:  # noqa: BLE001 - what the caller got is the check
        outcome = f"{type(exc).__name__}: {exc}"
    check_equal(outcome, "ConnectError", "what the caller of your transport gets when the inner transport raises ConnectError",
                hint="Mark the CLIENT span ERROR and let the exception go on (re-raise it): the payments client decides what "
                     "a refused connection means, not the transport.")


def _linked(spans: list[Any], parent: str | None, what: str) -> None:
    servers = [s for s in spans if s.kind == SpanKind.SERVER and _service(s) == "bookings"]
    check_true(bool(servers), f"a SERVER span of the bookings service in the trace of {what}",
               hint="Instrument the app with tel.tracer_provider (FastAPIInstrumentor.instrument_app(app, tracer_provider=...)).")
    server = servers[0]
    if parent is not None:
        check_equal(format(server.parent.span_id, "016x") if server.parent else None, parent,
                    f"the parent span id of the bookings SERVER span ({what}): the span id of the incoming traceparent")
    clients = [s for s in spans if s.kind == SpanKind.CLIENT and _service(s) == "bookings"]
    check_true(bool(clients), f"a CLIENT span of the bookings service around the call to payments ({what})",
               hint="traced_transport: start a span with kind=SpanKind.CLIENT from tel.tracer_provider for every request.")
    payments = [s for s in spans if s.kind == SpanKind.SERVER and _service(s) == "payments"]
    check_true(bool(payments), f"the payments service's SERVER span in the same trace ({what})",
               hint="Inject the CLIENT span's context into the request headers (opentelemetry.propagate.inject(request.headers)).")
    check_equal(format(payments[0].parent.span_id, "016x") if payments[0].parent else None, format(clients[0].context.span_id, "016x"),
                f"the parent of the payments SERVER span ({what}): the CLIENT span",
                hint="Inject while the CLIENT span is the current span.")
    ids = {s.context.span_id for s in spans}
    check_true(clients[0].parent is not None and clients[0].parent.span_id in ids,
               f"the CLIENT span's parent to be a span of the same trace ({what})")
    attrs = dict(clients[0].attributes or {})
    check_equal((attrs.get("http.request.method"), attrs.get("http.response.status_code")), ("POST", 201),
                f"the CLIENT span's (http.request.method, http.response.status_code) ({what})")
    check_equal(clients[0].name, "POST", f"the CLIENT span's name ({what})",
                hint="Name it after the method alone: a client knows no route template, and the OpenTelemetry HTTP "
                     "conventions forbid the URI path as a default span name.")


def _error_spans(c: httpx.Client, kit: Kit, event_id: str, key: str, what: str) -> None:
    _, _, header = _traceparent()
    trace_id = header.split("-")[1]
    r = c.post("/bookings", json={"event_id": event_id, "seats": 1},
               headers={**kit.headers("tina"), "Idempotency-Key": key, "traceparent": header})
    check_equal(r.status_code, 202, f"POST /bookings with {what}")
    spans = kit.tracing.wait_for(lambda s: any(x.kind == SpanKind.SERVER and _service(x) == "bookings" for x in s), trace_id)
    clients = [s for s in spans if s.kind == SpanKind.CLIENT and _service(s) == "bookings"]
    check_true(bool(clients) and all(s.status.status_code == StatusCode.ERROR for s in clients),
               f"every CLIENT span of a booking with {what} to have status ERROR (got {[s.status.status_code.name for s in clients]})",
               hint="Set ERROR on a 5xx answer and when the inner transport raises (then re-raise).")


def observability_metrics_logs(instrument: Any, traced_transport: Any, full: bool = True) -> None:
    """RED metrics by method, route template and status at /metrics (not counting /metrics), with the capstone's
    buckets; every log line one JSON object with the trace and span ids of its request."""
    kit, app = _kit_with("capstone-grade-metrics", instrument=instrument, traced_transport=traced_transport)
    tel = app.state.tel
    try:
        with quiet("your instrumentation"), running(kit, app) as c:
            opening = {e["name"]: e["id"] for e in c.get("/events").json()["items"]}["Opening night"]
            scrape_trace, _, header = _traceparent()
            c.get("/metrics", headers={"traceparent": header})
            traced: list[str] = []
            for path in (f"/events/{opening}", f"/events/{opening}", "/events/evt_000000000000", "/nowhere"):
                trace_id, _, header = _traceparent()
                traced.append(trace_id)
                c.get(path, headers={"traceparent": header})
            trace_id, _, header = _traceparent()
            traced.append(trace_id)
            c.post("/bookings", json={"event_id": opening, "seats": 1},
                   headers={**kit.headers("uma"), "Idempotency-Key": "metric-001", "traceparent": header})
            c.post("/bookings", json={"event_id": opening, "seats": 1}, headers={"Idempotency-Key": "metric-002"})
            if full:
                crash_trace = _crash(c, kit, app)
            scrape = c.get("/metrics")
            check_equal(scrape.status_code, 200, "GET /metrics")
            rows = parse_metrics(scrape.text)

            def count(**labels: str) -> float:
                return sum(r["value"] for r in rows if r["name"] == "http_requests_total" and all(r["labels"].get(k) == v for k,
                                                                                                  v in labels.items()))

            check_equal(count(method="GET", route="/events/{event_id}", status="200"), 2.0,
                        'http_requests_total{method="GET", route="/events/{event_id}", status="200"}',
                        hint="Label the route TEMPLATE (scope['route'].path after the app ran), never the raw path: one series per route.")
            check_equal(count(method="GET", route="/events/{event_id}", status="404"), 1.0,
                        'http_requests_total{..., route="/events/{event_id}", status="404"}')
            check_equal((count(method="POST", route="/bookings", status="201"), count(method="POST", route="/bookings", status="401")),
                        (1.0, 1.0),
                        "POST /bookings counted as 201 once and 401 once")
            if not full:
                return
            routes = {r["labels"].get("route") for r in rows if r["name"] == "http_requests_total"}
            check_equal(sorted(r for r in routes if r is not None and ("evt_" in r or r == "/metrics")), [],
                        "route labels that are raw paths or /metrics", hint="/metrics is not counted; routes are templates.")
            check_equal(count(method="GET", route="unmatched", status="404"), 1.0,
                        'http_requests_total{method="GET", route="unmatched", status="404"} for GET /nowhere')
            buckets = sorted({float(r["labels"]["le"]) for r in rows if r["name"] == "http_request_duration_seconds_bucket"})
            check_equal(buckets, [*LATENCY_BUCKETS_S, float("inf")], "the le buckets of http_request_duration_seconds",
                        hint="Histogram(..., buckets=capstone.LATENCY_BUCKETS_S)")
            histogram_count = sum(r["value"] for r in rows if r["name"] == "http_request_duration_seconds_count")
            check_equal(histogram_count, sum(r["value"] for r in rows if r["name"] == "http_requests_total"),
                        "requests observed by the histogram vs counted by the counter")
            check_equal(count(method="GET", route="/bookings/{booking_id}", status="500"), 1.0,
                        'http_requests_total{method="GET", route="/bookings/{booking_id}", status="500"} after a handler raised',
                        hint="Record the request in a finally: (status 500 when the app raised before answering); a crash is a "
                             "request too, the one the error ratio is about.")
            check_equal([s.name for s in kit.tracing.spans(scrape_trace)], [], "spans of a GET /metrics sent with a traceparent",
                        hint='/metrics is not traced: FastAPIInstrumentor.instrument_app(..., excluded_urls="/metrics").')
        lines = list(tel.log_handler.lines)
        check_true(bool(lines), "log lines in tel.log_handler (the access log writes one per request)")
        records = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            check_true(isinstance(record, dict), f"every log line to be one JSON object, got {line[:120]!r}")
            records.append(record)
        for record in records:
            check_true(all(k in record for k in ("ts", "level", "logger", "message", "trace_id", "span_id")),
                       f"the keys ts, level, logger, message, trace_id, span_id in {json.dumps(record)[:160]}")
            check_true(isinstance(record["trace_id"], str) and bool(HEX32.match(record["trace_id"])) and
                       isinstance(record["span_id"], str) and bool(HEX16.match(record["span_id"])),
                       f"a trace_id (32 lowercase hex) and span_id (16) on every line logged during a request: {json.dumps(record)[:160]}")
        for trace_id in traced:
            mine = [r for r in records if r["trace_id"] == trace_id]
            check_true(any(r["message"] == "request" and {"method", "route", "status", "duration_ms"} <= set(r) for r in mine),
                       f"an access-log line ('request', with method, route, status, duration_ms) carrying trace id {trace_id}")
        created = [r for r in records if r["message"] == "booking created"]
        check_true(bool(created) and created[0]["trace_id"] == traced[-1] and "booking_id" in created[0],
                   "the service's own 'booking created' line to carry its request's trace id and its extra booking_id")
        if not full:
            return
        crashed = [r for r in records if r["trace_id"] == crash_trace and r["message"] == "request"]
        check_equal([(r.get("route"), str(r.get("status"))) for r in crashed], [("/bookings/{booking_id}", "500")],
                    "(route, status) of the access-log lines of a request whose handler raised",
                    hint="Write the access-log line in a finally: too, with status 500 when the app raised.")
        tel.logger.info("outside any request")
        outside = next((r for r in map(json.loads, reversed(list(tel.log_handler.lines))) if r.get("message") == "outside any request"),
                       {})
        check_equal((outside.get("message"), outside.get("trace_id"), outside.get("span_id")), ("outside any request", None, None),
                    "(message, trace_id, span_id) of a line logged outside any span",
                    hint="Outside a span the current span context is invalid (its ids are 0): write null, not zeros.")
    finally:
        kit.close()


class _DatabaseWentAway(RuntimeError):
    """The crash the observability check provokes on purpose."""


def _not_the_provoked_crash(record: logging.LogRecord) -> bool:
    """A uvicorn log filter: uvicorn logs the traceback of every request whose app raised; not this expected one."""
    return not (record.exc_info and record.exc_info[0] is _DatabaseWentAway)


def _crash(c: httpx.Client, kit: Kit, app: Any) -> str:
    """GET /bookings/{booking_id} while the store raises (the database went away): the app answers 500. Returns the
    request's trace id. Sent on a client of its own, because uvicorn closes a connection whose request raised."""
    store = app.state.parts.store
    uvicorn_errors = logging.getLogger("uvicorn.error")
    if _not_the_provoked_crash not in uvicorn_errors.filters:  # uvicorn may log after the 500 went out: keep it
        uvicorn_errors.addFilter(_not_the_provoked_crash)

    def broken(booking_id: str) -> Any:
        raise _DatabaseWentAway("the database went away")

    trace_id, _, header = _traceparent()
    store.booking = broken  # an instance attribute shadows StoreBase.booking for this request only
    try:
        with http_client(base_url=str(c.base_url), timeout=10.0) as one:
            r = one.get("/bookings/bkg_000000000000", headers={**kit.headers("uma"), "traceparent": header, "Connection": "close"})
    finally:
        del store.booking
    check_equal(r.status_code, 500, "GET /bookings/{booking_id} while the store raises")
    return trace_id


def attack_results(guard: Any, focus: str) -> list[Any]:
    """Run the attack suite (focus "tokens" or "limits") against the course's service with your Guard."""
    kit = Kit(f"capstone-grade-{focus}")
    try:
        app = answer(assemble, kit, guard=guard, hint="Guard(settings, http, clock=...) with authorize() and install().")
        with quiet("your Guard"), running(kit, app) as c:
            results = run_attack_suite(c, kit, focus=focus)
    finally:
        kit.close()
    print(attack_table(results))
    return results


VISIBLE_ATTACKS = 4  # the visible checks read the legitimate requests and the first attacks of a run


def check_attacks(results: list[Any], full: bool = True) -> None:
    attacks = 0
    for r in results:
        attacks += r.kind == "attack"
        if full or r.kind == "legit" or attacks <= VISIBLE_ATTACKS:
            check_true(r.ok, f"the {r.kind} request '{r.name}' to get {r.expected} (it got {r.got})",
                       hint="Legitimate requests must be served, attacks refused: compare with the Guard's docstring.")


def guard_tokens(guard: Any) -> None:
    """The attack suite's token attacks against the service with your Guard: all refused, legitimate requests served."""
    check_attacks(attack_results(guard, "tokens"))


def guard_limits(guard: Any) -> None:
    """Rotation, bounded refetching, the rate limit per customer, the body limit, and refusals that say nothing."""
    check_attacks(attack_results(guard, "limits"))


def fresh_key() -> str:
    return "k-" + uuid.uuid4().hex[:16]
