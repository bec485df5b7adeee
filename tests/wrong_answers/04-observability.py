"""Plausible wrong answers for module 04 (observability): each must lose points on its own exercise's tests."""

WRONG_ANSWERS = {
    "json_log_formatter": [
        ("trace and span ids as decimal integers, not W3C hex", '''
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """Format a log record as one line of JSON carrying the active trace and span ids (see the contract above)."""

    def format(self, record: logging.LogRecord) -> str:
        ctx = trace.get_current_span().get_span_context()
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": str(ctx.trace_id) if ctx.is_valid else None,
            "span_id": str(ctx.span_id) if ctx.is_valid else None,
        }
        standard = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
        line.update({k: v for k, v in vars(record).items() if k not in standard and k not in line})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
'''),
        ("hex without zero padding, and record.msg without its arguments", '''
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """Format a log record as one line of JSON carrying the active trace and span ids (see the contract above)."""

    def format(self, record: logging.LogRecord) -> str:
        ctx = trace.get_current_span().get_span_context()
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": str(record.msg),
            "trace_id": format(ctx.trace_id, "x") if ctx.is_valid else None,
            "span_id": format(ctx.span_id, "x") if ctx.is_valid else None,
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
'''),
        ("all-zero ids instead of null outside a span, and extra= fields dropped", '''
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """Format a log record as one line of JSON carrying the active trace and span ids (see the contract above)."""

    def format(self, record: logging.LogRecord) -> str:
        ctx = trace.get_current_span().get_span_context()
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": format(ctx.trace_id, "032x"),
            "span_id": format(ctx.span_id, "016x"),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
'''),
    ],
    "instrument_endpoint": [
        ("span named after the concrete path: one span name per order id", '''
def run_instrumented(tracer: trace.Tracer, method: str, route: str, path: str, handler) -> int:
    """Run handler() inside a SERVER span that follows the HTTP semantic conventions; return its status code."""
    with tracer.start_as_current_span(f"{method} {path}", kind=SpanKind.SERVER) as span:
        span.set_attribute("http.request.method", method)
        span.set_attribute("http.route", route)
        span.set_attribute("url.path", path)
        try:
            status = handler()
        except Exception as exc:
            span.set_attribute("http.response.status_code", 500)
            span.set_attribute("error.type", type(exc).__qualname__)
            span.set_status(Status(StatusCode.ERROR, str(exc)))
            raise
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_attribute("error.type", str(status))
            span.set_status(Status(StatusCode.ERROR))
        return status
'''),
        ("default INTERNAL kind and the old http.method / http.status_code attribute names", '''
def run_instrumented(tracer: trace.Tracer, method: str, route: str, path: str, handler) -> int:
    """Run handler() inside a SERVER span that follows the HTTP semantic conventions; return its status code."""
    with tracer.start_as_current_span(f"{method} {route}") as span:
        span.set_attribute("http.method", method)
        span.set_attribute("http.route", route)
        span.set_attribute("http.target", path)
        try:
            status = handler()
        except Exception as exc:
            span.set_attribute("http.status_code", 500)
            span.set_attribute("error.type", type(exc).__qualname__)
            raise
        span.set_attribute("http.status_code", status)
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR))
        return status
'''),
        ("every status >= 400 marked as an error, and the span not made current", '''
def run_instrumented(tracer: trace.Tracer, method: str, route: str, path: str, handler) -> int:
    """Run handler() inside a SERVER span that follows the HTTP semantic conventions; return its status code."""
    span = tracer.start_span(f"{method} {route}", kind=SpanKind.SERVER)
    span.set_attribute("http.request.method", method)
    span.set_attribute("http.route", route)
    span.set_attribute("url.path", path)
    try:
        status = handler()
    except Exception as exc:
        span.record_exception(exc)
        span.set_attribute("http.response.status_code", 500)
        span.set_attribute("error.type", type(exc).__qualname__)
        span.set_status(Status(StatusCode.ERROR, str(exc)))
        span.end()
        raise
    span.set_attribute("http.response.status_code", status)
    if status >= 400:
        span.set_attribute("error.type", str(status))
        span.set_status(Status(StatusCode.ERROR))
    span.end()
    return status
'''),
    ],
    "propagate_context": [
        ("no context sent: the orders service starts a new trace", '''
def call_orders(client: httpx.Client, path: str) -> httpx.Response:
    """GET `path` with client, sending the CURRENT trace context as W3C trace-context headers; return the response."""
    return client.get(path)
'''),
        ("a hand-made traceparent with the right trace id but a made-up parent span id", '''
import random


def call_orders(client: httpx.Client, path: str) -> httpx.Response:
    """GET `path` with client, sending the CURRENT trace context as W3C trace-context headers; return the response."""
    ctx = trace.get_current_span().get_span_context()
    parent = random.getrandbits(64) | 1
    headers = {"traceparent": f"00-{ctx.trace_id:032x}-{parent:016x}-01"}
    return client.get(path, headers=headers)
'''),
        ("headers built once and reused: every later request joins the first trace", '''
_HEADERS: dict[str, str] = {}


def call_orders(client: httpx.Client, path: str) -> httpx.Response:
    """GET `path` with client, sending the CURRENT trace context as W3C trace-context headers; return the response."""
    if not _HEADERS:
        inject(_HEADERS)
    return client.get(path, headers=_HEADERS)
'''),
    ],
    "histogram_quantile": [
        ("no interpolation: the upper bound of the bucket that holds the rank", '''
def histogram_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Estimate the q-quantile from cumulative histogram buckets, exactly as PromQL's histogram_quantile does."""
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    ordered = sorted(buckets)
    if len(ordered) < 2 or not math.isinf(ordered[-1][0]) or ordered[-1][1] == 0:
        return math.nan
    rank = q * ordered[-1][1]
    for le, count in ordered[:-1]:
        if count >= rank:
            return le
    return ordered[-2][0]
'''),
        ("a rank in the +Inf bucket returns +Inf, and empty input is not handled", '''
def histogram_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Estimate the q-quantile from cumulative histogram buckets, exactly as PromQL's histogram_quantile does."""
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    ordered = sorted(buckets)
    total = ordered[-1][1]
    rank = q * total
    prev_le, prev_count = 0.0, 0.0
    for le, count in ordered:
        if count >= rank:
            if math.isinf(le):
                return math.inf
            return prev_le + (le - prev_le) * (rank - prev_count) / (count - prev_count)
        prev_le, prev_count = le, count
    return math.nan
'''),
        ("interpolates with the cumulative count instead of the bucket's own count", '''
def histogram_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Estimate the q-quantile from cumulative histogram buckets, exactly as PromQL's histogram_quantile does."""
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    ordered = sorted(buckets)
    if len(ordered) < 2 or not math.isinf(ordered[-1][0]) or ordered[-1][1] == 0:
        return math.nan
    rank = q * ordered[-1][1]
    prev_le = 0.0
    for le, count in ordered[:-1]:
        if count >= rank:
            return prev_le + (le - prev_le) * rank / count
        prev_le = le
    return ordered[-2][0]
'''),
    ],
    "burn_rate_alerts": [
        ("only the long window: keeps paging long after the incident ended", '''
def firing_alerts(requests: list[tuple[int, int]], slo: float, rules=tel.SRE_WORKBOOK_RULES) -> list[str]:
    """Names of the multiwindow burn-rate rules that fire at the end of a per-minute request series."""
    fired = []
    for rule in rules:
        window = requests[-rule.long_minutes:]
        total = sum(t for t, _ in window)
        errors = sum(e for _, e in window)
        if total and errors / total / (1 - slo) > rule.factor:
            fired.append(rule.name)
    return fired
'''),
        ("averages the per-minute error ratios instead of dividing the sums", '''
def firing_alerts(requests: list[tuple[int, int]], slo: float, rules=tel.SRE_WORKBOOK_RULES) -> list[str]:
    """Names of the multiwindow burn-rate rules that fire at the end of a per-minute request series."""
    def burn(minutes):
        ratios = [e / t if t else 0.0 for t, e in requests[-minutes:]]
        return (sum(ratios) / len(ratios) if ratios else 0.0) / (1 - slo)

    return [r.name for r in rules if burn(r.long_minutes) > r.factor and burn(r.short_minutes) > r.factor]
'''),
        ("windows that leave out the minute that just ended", '''
def firing_alerts(requests: list[tuple[int, int]], slo: float, rules=tel.SRE_WORKBOOK_RULES) -> list[str]:
    """Names of the multiwindow burn-rate rules that fire at the end of a per-minute request series."""
    def burn(minutes):
        window = requests[-minutes - 1:-1]
        total = sum(t for t, _ in window)
        errors = sum(e for _, e in window)
        return 0.0 if total == 0 else errors / total / (1 - slo)

    return [r.name for r in rules if burn(r.long_minutes) > r.factor and burn(r.short_minutes) > r.factor]
'''),
    ],
    "anomaly_detector": [
        ("z-score against the mean and spread of the whole series", '''
def detect_anomalies(latencies_ms: list[float]) -> list[int]:
    """Indices (ascending) of the anomalous points of a per-minute latency series: spikes ABOVE the recent baseline."""
    if len(latencies_ms) < 2:
        return []
    mean = sum(latencies_ms) / len(latencies_ms)
    std = math.sqrt(sum((x - mean) ** 2 for x in latencies_ms) / len(latencies_ms)) or 1.0
    return [i for i, x in enumerate(latencies_ms) if (x - mean) / std > 3]
'''),
        ("flags every big jump from the previous point, down as well as up", '''
def detect_anomalies(latencies_ms: list[float]) -> list[int]:
    """Indices (ascending) of the anomalous points of a per-minute latency series: spikes ABOVE the recent baseline."""
    return [i for i in range(1, len(latencies_ms)) if abs(latencies_ms[i] - latencies_ms[i - 1]) > 20]
'''),
        ("a centred rolling median: accurate, but it peeks at the future", '''
def detect_anomalies(latencies_ms: list[float]) -> list[int]:
    """Indices (ascending) of the anomalous points of a per-minute latency series: spikes ABOVE the recent baseline."""
    flagged = []
    for i, x in enumerate(latencies_ms):
        window = sorted(latencies_ms[max(0, i - 5):i + 6])
        if x - window[len(window) // 2] > 25:
            flagged.append(i)
    return flagged
'''),
    ],
}
