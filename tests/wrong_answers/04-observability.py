"""Plausible wrong answers for module 04 (observability): each must lose points on its own exercise's tests.

The first ones of each exercise were written by a red team from the student notebooks' docstrings alone, before
the tests were reworked (issue 11); the earlier ones, written together with the tests, follow where they are not
redundant with them. At most 8 per exercise: the suite grades one execution of the module per variant.
"""

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1: JsonFormatter.format
# ---------------------------------------------------------------------------------------------------------------

_JF_HEAD = '''from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """Format a log record as one line of JSON carrying the active trace and span ids (see the contract above)."""

    def format(self, record: logging.LogRecord) -> str:
'''

_JF_STANDARD = '''        standard = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
'''


def _jf(ts="datetime.fromtimestamp(record.created, UTC).isoformat()",
        ids='''        ctx = trace.get_current_span().get_span_context()
        trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
        span_id = format(ctx.span_id, "016x") if ctx.is_valid else None
''',
        extras='''        for key, value in vars(record).items():
            if key not in standard and key not in line:
                line[key] = value
''',
        exc='''        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
'''):
    return _JF_HEAD + _JF_STANDARD + ids + f'''        line = {{
            "ts": {ts},
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": trace_id,
            "span_id": span_id,
        }}
''' + extras + exc + '''        return json.dumps(line, default=str)
'''


# ---------------------------------------------------------------------------------------------------------------
# Exercise 2: run_instrumented
# ---------------------------------------------------------------------------------------------------------------

_RI_HEAD = '''def run_instrumented(tracer: trace.Tracer, method: str, route: str, path: str, handler) -> int:
    """Run handler() inside a SERVER span that follows the HTTP semantic conventions; return its status code.

    - span name "{method} {route}" (the route template, e.g. "GET /orders/{order_id}"), kind SpanKind.SERVER,
      and the span is the CURRENT span while handler() runs (spans the handler starts become its children);
    - attributes: "http.request.method" = method, "http.route" = route, "url.path" = path,
      "http.response.status_code" = the status handler() returned (an int);
    - status >= 500: span status ERROR and "error.type" = the status code as a string, e.g. "503";
      status < 500 (4xx included): leave the span status UNSET and set no error.type;
    - handler() raises: "http.response.status_code" = 500, "error.type" = the exception's class name
      (type(exc).__qualname__), status ERROR, the exception recorded as a span event; then re-raise it.
    """
'''


def _ri(on_status='''        if status >= 500:
            span.set_attribute("error.type", str(status))
            span.set_status(Status(StatusCode.ERROR))
''', error_type="type(exc).__qualname__"):
    return _RI_HEAD + f'''    with tracer.start_as_current_span(f"{{method}} {{route}}", kind=SpanKind.SERVER) as span:
        span.set_attribute("http.request.method", method)
        span.set_attribute("http.route", route)
        span.set_attribute("url.path", path)
        try:
            status = handler()
        except Exception as exc:
            span.set_attribute("http.response.status_code", 500)
            span.set_attribute("error.type", {error_type})
            span.set_status(Status(StatusCode.ERROR))
            raise
        span.set_attribute("http.response.status_code", status)
''' + on_status + '''        return status
'''


# ---------------------------------------------------------------------------------------------------------------
# Exercise 3: call_orders
# ---------------------------------------------------------------------------------------------------------------

_CO_SIG = '''def call_orders(client: httpx.Client, path: str) -> httpx.Response:
    """GET `path` with client, sending the CURRENT trace context as W3C trace-context headers; return the response.

    Build the headers for each call (the active span differs per request), e.g. with
    opentelemetry.propagate.inject(headers), which writes `traceparent` into a dict.
    """
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4: histogram_quantile
# ---------------------------------------------------------------------------------------------------------------

_HQ_SIG = '''def histogram_quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Estimate the q-quantile from cumulative histogram buckets, exactly as PromQL's histogram_quantile does.

    buckets: (upper bound le, cumulative count) pairs, in ANY order; the +Inf bucket is (math.inf, total).
    You may assume distinct upper bounds and counts that never decrease as le grows.
    Rules: q < 0 -> -inf; q > 1 -> inf; q NaN -> nan; nan without a +Inf bucket, with fewer than two buckets, or
    with zero observations. rank = q * total; take the first bucket whose count >= rank and interpolate linearly
    between the previous bucket's upper bound (0 for the lowest bucket if its le > 0) and its own. The lowest
    bucket with le <= 0 returns its le; a rank in the +Inf bucket returns the highest finite le.
    """
'''


def _hq(q_rules='''    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
''', order="    ordered = sorted((float(le), float(c)) for le, c in buckets)\n",
        empty='''    if len(ordered) < 2 or not math.isinf(ordered[-1][0]) or ordered[-1][1] == 0:
        return math.nan
''', find="ordered[i][1] >= rank",
        in_inf="        return ordered[-2][0]\n",
        low='''    if b == 0 and ordered[0][0] <= 0:
        return ordered[0][0]
'''):
    return _HQ_SIG + q_rules + order + empty + f'''    total = ordered[-1][1]
    rank = q * total
    b = next((i for i in range(len(ordered) - 1) if {find}), len(ordered) - 1)
    if b == len(ordered) - 1:
''' + in_inf + low + '''    start, end, count = 0.0, ordered[b][0], ordered[b][1]
    if b > 0:
        start = ordered[b - 1][0]
        count -= ordered[b - 1][1]
        rank -= ordered[b - 1][1]
    if count == 0:
        return math.nan
    return start + (end - start) * (rank / count)
'''


# ---------------------------------------------------------------------------------------------------------------
# Exercise 5: firing_alerts
# ---------------------------------------------------------------------------------------------------------------

_FA_SIG = '''def firing_alerts(requests: list[tuple[int, int]], slo: float, rules=tel.SRE_WORKBOOK_RULES) -> list[str]:
    """Names of the multiwindow burn-rate rules that fire at the end of a per-minute request series.

    requests: one (total, errors) pair per minute, oldest first; the last pair is the minute that just ended.
    slo: the availability objective, e.g. 0.999 (error budget 1 - slo = 0.001).
    rules: tel.BurnRateRule(name, long_minutes, short_minutes, factor) tuples; by default the SRE workbook's
        page-1h (60, 5, 14.4), page-6h (360, 30, 6.0) and ticket-3d (4320, 360, 1.0).
    Burn rate over N minutes = (sum of errors / sum of totals over the last N pairs) / (1 - slo);
    with fewer than N pairs use them all; with no requests in the window it is 0.
    A rule fires when the burn rates over its long AND its short window are both > factor.
    Return the names of the firing rules in the order of `rules` ([] if none).
    """
'''

_FA_BURN = '''    def burn(minutes):
        window = requests[-minutes:]
        total = sum(t for t, _ in window)
        errors = sum(e for _, e in window)
        return 0.0 if total == 0 else (errors / total) / (1 - slo)

'''


_FA_RULES = '''    return [r.name for r in rules if burn(r.long_minutes) > r.factor and burn(r.short_minutes) > r.factor]
'''


def _fa(burn=_FA_BURN, rule_loop=_FA_RULES):
    return _FA_SIG + burn + rule_loop


# ---------------------------------------------------------------------------------------------------------------
# Exercise 6: detect_anomalies
# ---------------------------------------------------------------------------------------------------------------

_DA_SIG = '''def detect_anomalies(latencies_ms: list[float]) -> list[int]:
    """Indices (ascending) of the anomalous points of a per-minute latency series: spikes ABOVE the recent baseline.

    Decide point i from points 0..i only, as a live alert must: detect_anomalies(series[:k]) flags exactly the
    points below k that detect_anomalies(series) flags. The series drifts slowly and is noisy; spikes last 1 to 4
    points. A flat series must not crash. Graded on precision and recall (each >= 0.75) on hidden series made
    like tel.make_latency_series(seed). Suggested: EWMA mean and variance (alpha about 0.15), a warm-up of about
    20 points, flag z > 4, and keep flagged points out of the baseline.
    """
'''


def _da(init='''    head = [float(x) for x in latencies_ms[:warmup]]
    mean = sum(head) / warmup
    var = sum((x - mean) ** 2 for x in head) / warmup
''', std="max(math.sqrt(var), 1e-9)", test="(x - mean) / std > 4"):
    return _DA_SIG + '''    import math

    alpha, warmup = 0.15, 20
    if len(latencies_ms) <= warmup:
        return []
''' + init + f'''    flagged = []
    for i in range(warmup, len(latencies_ms)):
        x = float(latencies_ms[i])
        std = {std}
        if {test}:
            flagged.append(i)
            continue
        diff = x - mean
        mean += alpha * diff
        var = (1 - alpha) * (var + alpha * diff * diff)
    return flagged
'''


WRONG_ANSWERS = {
    "json_log_formatter": [
        ("ts is the time of formatting (datetime.now), not record.created as the contract says",
         _jf(ts="datetime.now(UTC).isoformat()")),
        ("ts is local, naive time without a UTC offset (datetime.fromtimestamp without tz)",
         _jf(ts="datetime.fromtimestamp(record.created).isoformat()")),
        ("outside any span, trace_id and span_id are all-zero hex strings instead of null",
         _jf(ids='''        ctx = trace.get_current_span().get_span_context()
        trace_id = format(ctx.trace_id, "032x")
        span_id = format(ctx.span_id, "016x")
''')),
        ("extra fields with a falsy value (0, False, '') are dropped",
         _jf(extras='''        for key, value in vars(record).items():
            if key not in standard and key not in line and value:
                line[key] = value
''')),
        ("extra values are stringified: order_id 7 becomes \"7\", so the field loses its type",
         _jf(extras='''        for key, value in vars(record).items():
            if key not in standard and key not in line:
                line[key] = str(value)
''')),
        ("the exception traceback is never written (no 'exception' field when exc_info is set)",
         _jf(exc="")),
    ],
    "instrument_endpoint": [
        ("4xx responses mark the server span as ERROR (status >= 400), although a 4xx is the client's mistake",
         _ri(on_status='''        if status >= 400:
            span.set_attribute("error.type", str(status))
            span.set_status(Status(StatusCode.ERROR))
''')),
        ("off by one on the boundary: a 500 response (status > 500) leaves the span UNSET",
         _ri(on_status='''        if status > 500:
            span.set_attribute("error.type", str(status))
            span.set_status(Status(StatusCode.ERROR))
''')),
        ("error.type for a 5xx is the int status code, not its string form \"503\"",
         _ri(on_status='''        if status >= 500:
            span.set_attribute("error.type", status)
            span.set_status(Status(StatusCode.ERROR))
''')),
        ("error.type is also set for 4xx responses (only the status is left UNSET)",
         _ri(on_status='''        if status >= 400:
            span.set_attribute("error.type", str(status))
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR))
''')),
        ("error.type after an exception is type(exc).__name__, not the __qualname__ the contract asks for",
         _ri(error_type="type(exc).__name__")),
        ("the span is started but never made current: spans the handler starts are not its children",
         _RI_HEAD + '''    span = tracer.start_span(f"{method} {route}", kind=SpanKind.SERVER)
    span.set_attribute("http.request.method", method)
    span.set_attribute("http.route", route)
    span.set_attribute("url.path", path)
    try:
        try:
            status = handler()
        except Exception as exc:
            span.set_attribute("http.response.status_code", 500)
            span.set_attribute("error.type", type(exc).__qualname__)
            span.set_status(Status(StatusCode.ERROR))
            span.record_exception(exc)
            raise
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_attribute("error.type", str(status))
            span.set_status(Status(StatusCode.ERROR))
        return status
    finally:
        span.end()
'''),
    ],
    "propagate_context": [
        ("the headers are built once and cached: every later call sends the first request's traceparent",
         '''_CACHED_HEADERS: dict = {}


''' + _CO_SIG + '''    if not _CACHED_HEADERS:
        inject(_CACHED_HEADERS)
    return client.get(path, headers=_CACHED_HEADERS)
'''),
        ("traceparent written by hand with hex() and no zero padding: ids with a leading 0 nibble are invalid",
         _CO_SIG + '''    ctx = trace.get_current_span().get_span_context()
    headers = {}
    if ctx.is_valid:
        headers["traceparent"] = f"00-{hex(ctx.trace_id)[2:]}-{hex(ctx.span_id)[2:]}-01"
    return client.get(path, headers=headers)
'''),
        ("injects into the shared client's own headers: a stale traceparent leaks into later calls and races",
         _CO_SIG + '''    inject(client.headers)
    return client.get(path)
'''),
        ("one module-level headers dict reused by every call: a call without a span resends the last trace",
         '''_HEADERS: dict = {}


''' + _CO_SIG + '''    inject(_HEADERS)
    return client.get(path, headers=_HEADERS)
'''),
        ("hand-built traceparent with no validity check: sends all-zero ids (invalid W3C) and always 'sampled'",
         _CO_SIG + '''    ctx = trace.get_current_span().get_span_context()
    headers = {"traceparent": f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-01"}
    return client.get(path, headers=headers)
'''),
    ],
    "histogram_quantile": [
        ("assumes the buckets arrive sorted by le (the docstring says ANY order)",
         _hq(order="    ordered = [(float(le), float(c)) for le, c in buckets]\n")),
        ("'count > rank' instead of '>=': a rank exactly on a bucket's count skips past empty buckets",
         _hq(find="ordered[i][1] > rank")),
        ("a rank in the +Inf bucket returns +Inf instead of the highest finite upper bound",
         _hq(in_inf="        return math.inf\n")),
        ("the lowest bucket always starts at 0, even when its le <= 0 (Prometheus returns that le)",
         _hq(low="")),
        ("zero observations give 0.0 instead of nan",
         _hq(empty='''    if len(ordered) < 2 or not math.isinf(ordered[-1][0]):
        return math.nan
    if ordered[-1][1] == 0:
        return 0.0
''')),
        ("q outside [0, 1] is clamped instead of giving -inf / +inf",
         _hq(q_rules='''    if math.isnan(q):
        return math.nan
    q = min(1.0, max(0.0, q))
''')),
        ("sorts the caller's list in place (buckets.sort()): the input is mutated",
         _hq(order='''    buckets.sort()
    ordered = [(float(le), float(c)) for le, c in buckets]
''')),
    ],
    "burn_rate_alerts": [
        ("'>=' instead of '>': a burn rate exactly equal to the factor fires",
         _fa(rule_loop='''    return [r.name for r in rules if burn(r.long_minutes) >= r.factor and burn(r.short_minutes) >= r.factor]
''')),
        ("averages the per-minute error ratios instead of dividing summed errors by summed requests",
         _fa(burn='''    def burn(minutes):
        window = [(t, e) for t, e in requests[-minutes:] if t]
        if not window:
            return 0.0
        return (sum(e / t for t, e in window) / len(window)) / (1 - slo)

''')),
        ("only the long window is checked: a page keeps firing long after the incident is over",
         _fa(rule_loop='''    return [r.name for r in rules if burn(r.long_minutes) > r.factor]
''')),
        ("a window with fewer than N minutes of data gives burn rate 0 instead of using the pairs there are",
         _fa(burn='''    def burn(minutes):
        if len(requests) < minutes:
            return 0.0
        window = requests[-minutes:]
        total = sum(t for t, _ in window)
        errors = sum(e for _, e in window)
        return 0.0 if total == 0 else (errors / total) / (1 - slo)

''')),
        ("off by one: the window leaves out the minute that just ended (requests[-N-1:-1])",
         _fa(burn='''    def burn(minutes):
        window = requests[-minutes - 1:-1]
        total = sum(t for t, _ in window)
        errors = sum(e for _, e in window)
        return 0.0 if total == 0 else (errors / total) / (1 - slo)

''')),
        ("ignores the `rules` argument and always evaluates the SRE workbook's default rules",
         _fa(rule_loop='''    return [r.name for r in tel.SRE_WORKBOOK_RULES
            if burn(r.long_minutes) > r.factor and burn(r.short_minutes) > r.factor]
''')),
        ("reverses the caller's list in place to read newest first: the input is mutated",
         _FA_SIG + '''    requests.reverse()  # newest first

    def burn(minutes):
        window = requests[:minutes]
        total = sum(t for t, _ in window)
        errors = sum(e for _, e in window)
        return 0.0 if total == 0 else (errors / total) / (1 - slo)

    return [r.name for r in rules if burn(r.long_minutes) > r.factor and burn(r.short_minutes) > r.factor]
'''),
    ],
    "anomaly_detector": [
        ("two-sided test |z| > 4: downward dips are flagged too, although only spikes ABOVE the baseline count",
         _da(test="abs(x - mean) / std > 4")),
        ("no floor on the spread: a flat series has std 0 and the z-score divides by zero",
         _da(std="math.sqrt(var)")),
        ("not causal: each point is compared to a centred rolling median that looks at future points",
         _DA_SIG + '''    import statistics

    n = len(latencies_ms)
    if n < 5:
        return []
    residuals = []
    for i in range(n):
        window = latencies_ms[max(0, i - 7):i + 8]
        residuals.append(latencies_ms[i] - statistics.median(window))
    spread = statistics.median(abs(r) for r in residuals) * 1.4826 or 1e-9
    return [i for i, r in enumerate(residuals) if r / spread > 5]
'''),
        ("not causal: the baseline starts from the median and spread of the WHOLE series",
         _da(init='''    import statistics

    mean = statistics.median(latencies_ms)
    var = statistics.pvariance(latencies_ms[:warmup])
''')),
        ("memorises the visible series' scale: an absolute threshold of 30 ms above the EWMA instead of a z-score",
         _da(test="x - mean > 30")),
        ("keeps flagged points out of the baseline by overwriting them in the caller's list: the input is mutated",
         _DA_SIG + '''    import math

    alpha, warmup = 0.15, 20
    if len(latencies_ms) <= warmup:
        return []
    head = [float(x) for x in latencies_ms[:warmup]]
    mean = sum(head) / warmup
    var = sum((x - mean) ** 2 for x in head) / warmup
    flagged = []
    for i in range(warmup, len(latencies_ms)):
        std = max(math.sqrt(var), 1e-9)
        if (latencies_ms[i] - mean) / std > 4:
            flagged.append(i)
            latencies_ms[i] = mean  # replace the spike by the baseline so it does not drag it up
        diff = latencies_ms[i] - mean
        mean += alpha * diff
        var = (1 - alpha) * (var + alpha * diff * diff)
    return flagged
'''),
    ],
}


# --- earlier wrong answers, written with the tests -------------------------------------------------------------------

_EARLIER = {
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

for _gid, _keep in {"json_log_formatter": (0, 1), "instrument_endpoint": (0, 1), "propagate_context": (0, 1),
                    "histogram_quantile": (2,), "burn_rate_alerts": (), "anomaly_detector": (0, 1)}.items():
    WRONG_ANSWERS[_gid] += [_EARLIER[_gid][i] for i in _keep]
