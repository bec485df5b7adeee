"""Plausible wrong answers for module 07 (resilience and distributed systems): each must lose points on its own exercise.

Written from each exercise's docstring and the notebook's narrative: the mistakes a learner makes with retries,
breakers, stream consumers, outboxes, cost models and shutdown handlers.
"""

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1 — call_with_retries (notebook 1)
# ---------------------------------------------------------------------------------------------------------------
RETRY_HEAD = '''
def call_with_retries(client: httpx.Client, method: str, url: str, *, headers: dict | None = None, json=None,
                      max_attempts: int = 4, base_s: float = 0.1, cap_s: float = 2.0, deadline_s: float = 5.0,
                      clock=time.monotonic, sleep=time.sleep, rand=random.random) -> httpx.Response:
    """Send `method url`, retrying what is safe and worth retrying."""
'''

IDEMPOTENT = 'method.upper() in {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"} or "idempotency-key" in httpx.Headers(headers or {})'
JITTER = "float(int(told)) if told.isdigit() else rand() * min(cap_s, base_s * 2 ** (attempt - 1))"


def retry_loop(*, retryable: str = "(429, 502, 503, 504)", idempotent: str = IDEMPOTENT, wait: str = JITTER,
               out_of_attempts: str = "attempt >= max_attempts", too_late: str = "clock() + wait >= deadline",
               timeout: str = "deadline - clock()", catch: str = "httpx.TransportError") -> str:
    """A learner's loop, right except for the one piece passed in."""
    return RETRY_HEAD + f'''
    retry_ok = {idempotent}
    deadline = clock() + deadline_s
    attempt = 0
    while True:
        attempt += 1
        response, error = None, None
        try:
            response = client.request(method, url, headers=headers, json=json, timeout={timeout})
        except {catch} as exc:
            error = exc
        if response is not None and response.status_code not in {retryable}:
            return response
        if not retry_ok or {out_of_attempts}:
            break
        told = response.headers.get("retry-after", "").strip() if response is not None else ""
        wait = {wait}
        if {too_late}:
            break
        sleep(wait)
    if response is not None:
        return response
    raise error
'''


RETRY_FOR_LOOP_RAISES = RETRY_HEAD + '''
    retry_ok = method.upper() in ("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE") or "idempotency-key" in httpx.Headers(headers or {})
    start = clock()
    for attempt in range(1, max_attempts + 1):
        try:
            response = client.request(method, url, headers=headers, json=json, timeout=deadline_s - (clock() - start))
            if response.status_code in (429, 502, 503, 504):
                response.raise_for_status()  # treat it like a transport error
            return response
        except (httpx.TransportError, httpx.HTTPStatusError):
            if not retry_ok or attempt == max_attempts:
                raise
            told = response.headers.get("retry-after", "") if "response" in dir() else ""
            wait = float(told) if told.isdigit() else rand() * min(cap_s, base_s * 2 ** (attempt - 1))
            if clock() + wait >= start + deadline_s:
                raise
            sleep(wait)
'''

RETRY_ALL_5XX = RETRY_HEAD + '''
    idempotent = method.upper() in {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"} or "idempotency-key" in httpx.Headers(headers or {})
    deadline = clock() + deadline_s
    last_error = None
    for attempt in range(1, max_attempts + 1):
        response = None
        try:
            response = client.request(method, url, headers=headers, json=json, timeout=deadline - clock())
            if response.status_code < 500 and response.status_code != 429:
                return response
        except httpx.TransportError as exc:
            last_error = exc
        if not idempotent or attempt == max_attempts:
            break
        told = response.headers.get("retry-after", "") if response is not None else ""
        wait = float(int(told)) if told.isdigit() else rand() * min(cap_s, base_s * 2 ** (attempt - 1))
        if clock() + wait >= deadline:
            break
        sleep(wait)
    if response is not None:
        return response
    raise last_error
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2 — CircuitBreaker (notebook 1)
# ---------------------------------------------------------------------------------------------------------------
BREAKER_INIT = '''
class CircuitBreaker:
    """Closed, open, half-open."""

    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0, clock=time.monotonic,
                 is_failure=lambda result: False) -> None:
        self.failure_threshold, self.reset_timeout_s = failure_threshold, reset_timeout_s
        self.clock, self.is_failure = clock, is_failure
        self.failures, self.opened_at, self.trial_running = 0, None, False
'''


def breaker(*, half_open_when: str = "self.clock() - self.opened_at >= self.reset_timeout_s",
            refuse_when: str = 'state == "open" or (state == "half-open" and self.trial_running)',
            on_success: str = "self.failures, self.opened_at = 0, None",
            opens_when: str = "trial or self.failures >= self.failure_threshold",
            reopen: str = "self.opened_at, self.failures = self.clock(), 0",
            judged: str = "self.is_failure(result)") -> str:
    """A learner's breaker, right except for the one piece passed in."""
    return BREAKER_INIT + f'''
    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if {half_open_when} else "open"

    def call(self, fn, *args, **kwargs):
        state = self.state
        if {refuse_when}:
            raise resilience.CircuitOpen(f"circuit {{state}}")
        trial = state == "half-open"
        self.trial_running = trial
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self._record_failure(trial)
            raise
        finally:
            if trial:
                self.trial_running = False
        if {judged}:
            self._record_failure(trial)
        else:
            {on_success}
        return result

    def _record_failure(self, trial: bool) -> None:
        self.failures += 1
        if {opens_when}:
            if trial and self.opened_at is not None:
                {reopen}
            else:
                self.opened_at, self.failures = self.clock(), 0
'''


BREAKER_STORED_STATE = '''
class CircuitBreaker:
    """Keeps its state in a field, updated only when call() runs."""

    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0, clock=time.monotonic,
                 is_failure=lambda result: False) -> None:
        self.failure_threshold, self.reset_timeout_s = failure_threshold, reset_timeout_s
        self.clock, self.is_failure = clock, is_failure
        self.failures, self.opened_at, self.state = 0, 0.0, "closed"

    def call(self, fn, *args, **kwargs):
        if self.state == "open":
            if self.clock() - self.opened_at < self.reset_timeout_s:
                raise resilience.CircuitOpen("open")
            self.state = "half-open"
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self._fail()
            raise
        if self.is_failure(result):
            self._fail()
        else:
            self.failures, self.state = 0, "closed"
        return result

    def _fail(self) -> None:
        self.failures += 1
        if self.state == "half-open" or self.failures >= self.failure_threshold:
            self.state, self.opened_at, self.failures = "open", self.clock(), 0
'''

BREAKER_SWALLOWS = '''
class CircuitBreaker:
    """Turns a failing call into None, so the caller never crashes."""

    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0, clock=time.monotonic,
                 is_failure=lambda result: False) -> None:
        self.failure_threshold, self.reset_timeout_s = failure_threshold, reset_timeout_s
        self.clock, self.is_failure = clock, is_failure
        self.failures, self.opened_at, self.trial_running = 0, None, False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.reset_timeout_s else "open"

    def call(self, fn, *args, **kwargs):
        state = self.state
        if state == "open" or (state == "half-open" and self.trial_running):
            raise resilience.CircuitOpen(state)
        self.trial_running = state == "half-open"
        try:
            result = fn(*args, **kwargs)
            failed = self.is_failure(result)
        except Exception:
            result, failed = None, True
        self.trial_running = False
        if failed:
            self.failures += 1
            if state == "half-open" or self.failures >= self.failure_threshold:
                self.opened_at, self.failures = self.clock(), 0
        else:
            self.failures, self.opened_at = 0, None
        return result
'''

BREAKER_SHARED = '''
class CircuitBreaker:
    """Keeps its counters on the class: every breaker shares them."""

    failures = [0]
    opened = [None]
    trial = [False]

    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0, clock=time.monotonic,
                 is_failure=lambda result: False) -> None:
        self.failure_threshold, self.reset_timeout_s = failure_threshold, reset_timeout_s
        self.clock, self.is_failure = clock, is_failure

    @property
    def state(self) -> str:
        if self.opened[0] is None:
            return "closed"
        return "half-open" if self.clock() - self.opened[0] >= self.reset_timeout_s else "open"

    def call(self, fn, *args, **kwargs):
        state = self.state
        if state == "open" or (state == "half-open" and self.trial[0]):
            raise resilience.CircuitOpen(state)
        self.trial[0] = state == "half-open"
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self._fail(state == "half-open")
            raise
        finally:
            self.trial[0] = False
        if self.is_failure(result):
            self._fail(state == "half-open")
        else:
            self.failures[0], self.opened[0] = 0, None
        return result

    def _fail(self, trial: bool) -> None:
        self.failures[0] += 1
        if trial or self.failures[0] >= self.failure_threshold:
            self.opened[0], self.failures[0] = self.clock(), 0
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 3 — consume_batch (notebook 2)
# ---------------------------------------------------------------------------------------------------------------
CONSUME_HEAD = '''
def consume_batch(r, stream: str, group: str, consumer: str, apply, *, dead_letter: str, count: int = 10,
                  min_idle_ms: int = 60_000) -> list[str]:
    """Handle up to `count` entries, each event's effect exactly once."""
'''

CLAIM_THEN_READ = '''
    _, claimed, *_ = r.xautoclaim(stream, group, consumer, min_idle_ms, "0-0", count=count)
    entries = list(claimed)
    if len(entries) < count:
        for _, messages in r.xreadgroup(group, consumer, {stream: ">"}, count=count - len(entries)) or []:
            entries.extend(messages)
'''

HANDLE = '''
            pipe = r.pipeline()
            try:
                apply(fields, pipe)
            except CATCH as exc:
                POISON
            else:
                pipe.sadd(done, fields["event_id"])
                pipe.execute()'''

POISON = '''pipe.reset()
                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})'''


def consumer(*, fetch: str = CLAIM_THEN_READ, done: str = 'f"{stream}:{group}:done"', handle: str = HANDLE,
             poison: str = POISON, catch: str = "ValueError") -> str:
    """A learner's consumer, right except for the one piece passed in."""
    loop = f'''
    done = {done}
    acked = []
    for entry_id, fields in entries:
        if not r.sismember(done, fields["event_id"]):''' + handle.replace("CATCH", catch).replace("POISON", poison) + '''
        r.xack(stream, group, entry_id)
        acked.append(entry_id)
    return acked
'''
    return CONSUME_HEAD + fetch + loop


CONSUME_NO_DEDUPE = CONSUME_HEAD + CLAIM_THEN_READ + '''
    acked = []
    for entry_id, fields in entries:
        pipe = r.pipeline()
        try:
            apply(fields, pipe)
            pipe.execute()
        except ValueError as exc:
            r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
        r.xack(stream, group, entry_id)
        acked.append(entry_id)
    return acked
'''

CONSUME_MEMORY = '''
PROCESSED = set()
''' + CONSUME_HEAD + CLAIM_THEN_READ + '''
    acked = []
    for entry_id, fields in entries:
        key = (stream, group, fields["event_id"])
        if key not in PROCESSED:
            pipe = r.pipeline()
            try:
                apply(fields, pipe)
            except ValueError as exc:
                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
            else:
                pipe.execute()
                PROCESSED.add(key)
        r.xack(stream, group, entry_id)
        acked.append(entry_id)
    return acked
'''

FETCH_NEW_ONLY = '''
    entries = []
    for _, messages in r.xreadgroup(group, consumer, {stream: ">"}, count=count) or []:
        entries.extend(messages)
'''

FETCH_STEALS = CLAIM_THEN_READ.replace("consumer, min_idle_ms,", "consumer, 0,")

FETCH_TOO_MANY = '''
    _, claimed, *_ = r.xautoclaim(stream, group, consumer, min_idle_ms, "0-0", count=count)
    entries = list(claimed)
    for _, messages in r.xreadgroup(group, consumer, {stream: ">"}, count=count) or []:
        entries.extend(messages)
'''

MARK_FIRST = '''
            if r.sadd(done, fields["event_id"]):
                pipe = r.pipeline()
                try:
                    apply(fields, pipe)
                except ValueError as exc:
                    pipe.reset()
                    r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
                else:
                    pipe.execute()'''

MARK_AFTER = '''
            pipe = r.pipeline()
            try:
                apply(fields, pipe)
            except ValueError as exc:
                pipe.reset()
                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
            else:
                pipe.execute()
                r.sadd(done, fields["event_id"])'''

POISON_EXECUTES = '''
            pipe = r.pipeline()
            try:
                apply(fields, pipe)
            except ValueError as exc:
                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
            pipe.sadd(done, fields["event_id"])
            pipe.execute()'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4 — place_order and relay_outbox (notebook 2)
# ---------------------------------------------------------------------------------------------------------------
PLACE_GOOD = '''
def place_order(conn: sqlite3.Connection, order_id: str, customer: str, total_cents: int) -> str:
    """The order and its event in one transaction."""
    event_id = resilience.new_event_id()
    payload = json.dumps({"order_id": order_id, "customer": customer, "total_cents": total_cents})
    with conn:
        conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                     (order_id, customer, total_cents))
        conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (?, 'order-placed', ?, ?)",
                     (event_id, payload, time.time()))
    return event_id
'''

RELAY_HEAD = '''

def relay_outbox(conn: sqlite3.Connection, publish, batch: int = 100, now=time.time) -> int:
    """Publish pending outbox rows, oldest first."""
'''

SELECT = "SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?"
SEND = 'publish(row[2], row[1], json.loads(row[3]))'
MARK = '''with conn:
            conn.execute("UPDATE outbox SET published_at = ? WHERE id = ?", (now(), row[0]))'''


def relay_body(*, select: str = SELECT, args: str = "(batch,)", first: str = SEND, second: str = MARK) -> str:
    """A learner's relay loop, right except for the one piece passed in."""
    return RELAY_HEAD + f'''
    rows = conn.execute("{select}", {args}).fetchall()
    published = 0
    for row in rows:
        {first}
        {second}
        published += 1
    return published
'''


def relay(**pieces: str) -> str:
    return PLACE_GOOD + relay_body(**pieces)


PLACE_TWO_TRANSACTIONS = '''
def place_order(conn: sqlite3.Connection, order_id: str, customer: str, total_cents: int) -> str:
    """Saves the order, then its event."""
    conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                 (order_id, customer, total_cents))
    conn.commit()
    event_id = resilience.new_event_id()
    conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (?, 'order-placed', ?, ?)",
                 (event_id, json.dumps({"order_id": order_id, "customer": customer, "total_cents": total_cents}), time.time()))
    conn.commit()
    return event_id
'''

PLACE_NO_COMMIT = '''
def place_order(conn: sqlite3.Connection, order_id: str, customer: str, total_cents: int) -> str:
    """Both inserts, but the transaction is left open."""
    event_id = resilience.new_event_id()
    conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                 (order_id, customer, total_cents))
    conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (?, 'order-placed', ?, ?)",
                 (event_id, json.dumps({"order_id": order_id, "customer": customer, "total_cents": total_cents}), time.time()))
    return event_id
'''

PLACE_REPR_PAYLOAD = '''
def place_order(conn: sqlite3.Connection, order_id: str, customer: str, total_cents: int) -> str:
    """Stores the payload as Python's str() of the dict."""
    event_id = resilience.new_event_id()
    with conn:
        conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                     (order_id, customer, total_cents))
        conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (?, 'order-placed', ?, ?)",
                     (event_id, str({"order_id": order_id, "customer": customer, "total_cents": total_cents}), time.time()))
    return event_id
'''

RELAY_COMMIT_AT_END = PLACE_GOOD + RELAY_HEAD + '''
    rows = conn.execute("SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?",
                        (batch,)).fetchall()
    for row in rows:
        publish(row[2], row[1], json.loads(row[3]))
        conn.execute("UPDATE outbox SET published_at = ? WHERE id = ?", (now(), row[0]))
    conn.commit()
    return len(rows)
'''

RELAY_SKIPS_FAILURES = PLACE_GOOD + RELAY_HEAD + '''
    rows = conn.execute("SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?",
                        (batch,)).fetchall()
    published = 0
    for row_id, event_id, topic, payload in rows:
        try:
            publish(topic, event_id, json.loads(payload))
        except Exception:
            continue  # this one is tried again next time
        with conn:
            conn.execute("UPDATE outbox SET published_at = ? WHERE id = ?", (now(), row_id))
        published += 1
    return published
'''

# ---------------------------------------------------------------------------------------------------------------
# Exercise 5 — serverless cost and cold-start model (notebook 3)
# ---------------------------------------------------------------------------------------------------------------
COLD = '''
def cold_start_share(rps: float, keep_warm_s: float) -> float:
    """exp(-rps * keep_warm_s)."""
    if rps < 0 or keep_warm_s < 0:
        raise ValueError("negative")
    return math.exp(-rps * keep_warm_s)
'''

COST = '''

def function_monthly_cost(rps: float, duration_ms: float, memory_mb: float, prices: resilience.LambdaPrices,
                          init_ms: float = 0.0, cold_share: float = 0.0) -> float:
    """USD a month."""
    requests = rps * prices.seconds_per_month
    billed_ms = (1 - cold_share) * math.ceil(duration_ms) + cold_share * math.ceil(duration_ms + init_ms)
    gb_seconds = requests * (memory_mb / 1024) * billed_ms / 1000
    return (max(0.0, requests - prices.free_requests) / 1e6 * prices.usd_per_million_requests
            + max(0.0, gb_seconds - prices.free_gb_seconds) * prices.usd_per_gb_second)
'''

BREAK_EVEN = '''

def break_even_rps(duration_ms: float, memory_mb: float, always_on_usd: float, prices: resilience.LambdaPrices,
                   init_ms: float = 0.0, cold_share: float = 0.0) -> float:
    """Bisection on the monthly cost."""
    if always_on_usd <= 0:
        return 0.0
    cost = lambda rps: function_monthly_cost(rps, duration_ms, memory_mb, prices, init_ms, cold_share)
    high = 1.0
    for _ in range(200):
        if cost(high) >= always_on_usd:
            break
        high *= 2
    else:
        return math.inf
    low = 0.0
    for _ in range(200):
        middle = (low + high) / 2
        if cost(middle) >= always_on_usd:
            high = middle
        else:
            low = middle
    return high
'''


def serverless(cold: str = COLD, cost: str = COST, break_even: str = BREAK_EVEN) -> str:
    """A learner's three functions, right except for the one piece passed in."""
    return cold + cost + break_even


COLD_INVERTED = COLD.replace("return math.exp(-rps * keep_warm_s)", "return 1 - math.exp(-rps * keep_warm_s)")
COLD_NO_CHECK = COLD.replace('    if rps < 0 or keep_warm_s < 0:\n        raise ValueError("negative")\n', "")
COST_DECIMAL_GB = COST.replace("memory_mb / 1024", "memory_mb / 1000")
COST_NO_ROUNDING = COST.replace("(1 - cold_share) * math.ceil(duration_ms) + cold_share * math.ceil(duration_ms + init_ms)",
                                "(1 - cold_share) * duration_ms + cold_share * (duration_ms + init_ms)")
COST_ROUND = COST.replace("math.ceil(duration_ms) + cold_share * math.ceil(duration_ms + init_ms)",
                          "round(duration_ms) + cold_share * round(duration_ms + init_ms)")
COST_SPLIT_CEIL = COST.replace("math.ceil(duration_ms + init_ms)", "(math.ceil(duration_ms) + math.ceil(init_ms))")
COST_NO_INIT = COST.replace("math.ceil(duration_ms + init_ms)", "math.ceil(duration_ms)")
COST_FREE_DOLLARS = COST.replace('''    return (max(0.0, requests - prices.free_requests) / 1e6 * prices.usd_per_million_requests
            + max(0.0, gb_seconds - prices.free_gb_seconds) * prices.usd_per_gb_second)''',
                                 '''    total = requests / 1e6 * prices.usd_per_million_requests + gb_seconds * prices.usd_per_gb_second
    free = prices.free_requests / 1e6 * prices.usd_per_million_requests + prices.free_gb_seconds * prices.usd_per_gb_second
    return max(0.0, total - free)''')
COST_THIRTY_DAYS = COST.replace("requests = rps * prices.seconds_per_month", "requests = rps * 30 * 24 * 3600")
BREAK_EVEN_NO_FREE_TIER = '''

def break_even_rps(duration_ms: float, memory_mb: float, always_on_usd: float, prices: resilience.LambdaPrices,
                   init_ms: float = 0.0, cold_share: float = 0.0) -> float:
    """Always-on cost divided by the cost of one request a second for a month."""
    if always_on_usd <= 0:
        return 0.0
    billed_ms = (1 - cold_share) * math.ceil(duration_ms) + cold_share * math.ceil(duration_ms + init_ms)
    per_request = prices.usd_per_million_requests / 1e6 + (memory_mb / 1024) * billed_ms / 1000 * prices.usd_per_gb_second
    if per_request == 0:
        return math.inf
    return always_on_usd / (per_request * prices.seconds_per_month)
'''
BREAK_EVEN_PER_MONTH = BREAK_EVEN.replace("    return high\n", "    return high * prices.seconds_per_month\n")

# ---------------------------------------------------------------------------------------------------------------
# Exercise 6 — graceful shutdown (notebook 3)
# ---------------------------------------------------------------------------------------------------------------
SHUTDOWN_HEAD = '''
def run_service(port: int, grace_s: float, drain_s: float) -> None:
    """Serve make_app() on 127.0.0.1:port until SIGTERM, then shut down gracefully."""
'''

SHUTDOWN_PLAIN = SHUTDOWN_HEAD + '''
    import uvicorn

    app, state = make_app()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")  # uvicorn already handles SIGTERM gracefully
'''

SHUTDOWN_NO_DRAIN = SHUTDOWN_HEAD + '''
    import uvicorn

    app, state = make_app()

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            state.ready = False
            super().handle_exit(sig, frame)  # stop at once: readiness and shutdown together

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=grace_s / 2)
    Server(config).run()
'''

SHUTDOWN_SLEEP_IN_HANDLER = SHUTDOWN_HEAD + '''
    import time

    import uvicorn

    app, state = make_app()

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            state.ready = False
            time.sleep(drain_s)  # drain, then stop
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=max(0.1, grace_s - drain_s - 0.5))
    Server(config).run()
'''

SHUTDOWN_NO_TIMEOUT = SHUTDOWN_HEAD + '''
    import threading

    import uvicorn

    app, state = make_app()

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            state.ready = False
            threading.Timer(drain_s, super().handle_exit, (sig, frame)).start()

    Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")).run()  # waits for every request
'''

SHUTDOWN_ALL_INTERFACES = SHUTDOWN_HEAD + '''
    import threading

    import uvicorn

    app, state = make_app()

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            state.ready = False
            threading.Timer(drain_s, super().handle_exit, (sig, frame)).start()

    config = uvicorn.Config(app, host="0.0.0.0", port=port, log_level="warning",
                            timeout_graceful_shutdown=max(0.1, grace_s - drain_s - 0.5))
    Server(config).run()
'''

SHUTDOWN_EXIT_AFTER_DRAIN = SHUTDOWN_HEAD + '''
    import os
    import threading

    import uvicorn

    app, state = make_app()

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            state.ready = False
            threading.Timer(drain_s, os._exit, (0,)).start()  # drained: leave

    Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")).run()
'''

SHUTDOWN_READY_NEVER_FLIPS = SHUTDOWN_HEAD + '''
    import threading

    import uvicorn

    app, state = make_app()

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            threading.Timer(drain_s, super().handle_exit, (sig, frame)).start()  # keeps serving, then stops

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=max(0.1, grace_s - drain_s - 0.5))
    Server(config).run()
'''

WRONG_ANSWERS = {
    "call_with_retries": [
        ("retries every 5xx, 500 included (a bug is not transient)", RETRY_ALL_5XX),
        ("retries every method: a POST without an Idempotency-Key is sent again", retry_loop(idempotent="True")),
        ("exponential backoff without jitter: every client waits the same time",
         retry_loop(wait="float(int(told)) if told.isdigit() else min(cap_s, base_s * 2 ** (attempt - 1))")),
        ("ignores Retry-After and always backs off", retry_loop(wait="rand() * min(cap_s, base_s * 2 ** (attempt - 1))")),
        ("max_attempts counts retries: one attempt too many", retry_loop(out_of_attempts="attempt > max_attempts")),
        ("the same full timeout for every attempt: the deadline is not passed on", retry_loop(timeout="deadline_s")),
        ("catches only ConnectError: a reset connection is not retried", retry_loop(catch="httpx.ConnectError")),
        ("looks for the Idempotency-Key header with its exact spelling in a plain dict",
         retry_loop(idempotent='method.upper() in {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"} '
                               'or "Idempotency-Key" in (headers or {})')),
        ("raises on a final retryable status instead of returning the response", RETRY_FOR_LOOP_RAISES),
    ],
    "circuit_breaker": [
        ("counts every failure: a success does not reset the count", breaker(on_success="self.opened_at = None")),
        ("opens one failure late (> instead of >=)", breaker(opens_when="trial or self.failures > self.failure_threshold")),
        ("half-open only after more than reset_timeout_s (> instead of >=)",
         breaker(half_open_when="self.clock() - self.opened_at > self.reset_timeout_s")),
        ("no single trial: every call made while half-open runs", breaker(refuse_when='state == "open"')),
        ("a failed trial keeps the old opening time: the breaker is half-open again at once",
         breaker(reopen="self.failures = 0")),
        ("ignores is_failure: only exceptions count", breaker(judged="False")),
        ("state kept in a field and updated only inside call()", BREAKER_STORED_STATE),
        ("swallows exceptions and returns None", BREAKER_SWALLOWS),
        ("counters on the class: all breakers share one state", BREAKER_SHARED),
    ],
    "consume_batch": [
        ("no deduplication: a duplicate event is applied again", CONSUME_NO_DEDUPE),
        ("remembers processed events in a Python set: lost on restart, invisible to other consumers", CONSUME_MEMORY),
        ("one processed-set per stream, shared by every group: a second group skips the events",
         consumer(done='f"{stream}:done"')),
        ("marks the event processed before applying it, outside the transaction: a crash loses the effect",
         consumer(handle=MARK_FIRST)),
        ("marks the event processed after the transaction, as a separate command: a crash applies it twice",
         consumer(handle=MARK_AFTER)),
        ("never claims pending entries: a crashed consumer's entries stay stuck", consumer(fetch=FETCH_NEW_ONLY)),
        ("claims every pending entry at once, ignoring min_idle_ms: steals from consumers still working",
         consumer(fetch=FETCH_STEALS)),
        ("reads `count` new entries on top of the claimed ones", consumer(fetch=FETCH_TOO_MANY)),
        ("executes the poison event's pipeline anyway: part of its effect is applied", consumer(handle=POISON_EXECUTES)),
        ("dead-letters without the error and the source entry id",
         consumer(poison="pipe.reset()\n                r.xadd(dead_letter, fields)")),
        ("treats every exception as poison: a transient failure is dead-lettered", consumer(catch="Exception")),
    ],
    "outbox_relay": [
        ("place_order commits the order before inserting its event: two transactions", PLACE_TWO_TRANSACTIONS + relay_body()),
        ("place_order never commits", PLACE_NO_COMMIT + relay_body()),
        ("place_order stores str(dict), not JSON", PLACE_REPR_PAYLOAD + relay_body()),
        ("marks the row published (and commits) before publishing it: a crash loses the event", relay(first=MARK, second=SEND)),
        ("commits the marks once, after the whole batch: a crash publishes the batch again", RELAY_COMMIT_AT_END),
        ("publishes a new event id each time: consumers cannot deduplicate",
         relay(first="publish(row[2], resilience.new_event_id(), json.loads(row[3]))")),
        ("skips a row whose publish failed and goes on with the next ones", RELAY_SKIPS_FAILURES),
        ("orders rows by created_at, not by id", relay(select=SELECT.replace("ORDER BY id", "ORDER BY created_at"))),
        ("forgets the published_at filter: every run publishes everything again",
         relay(select=SELECT.replace(" WHERE published_at IS NULL", ""))),
        ("passes the payload as JSON text, not a dict", relay(first="publish(row[2], row[1], row[3])")),
        ("one row too many per batch", relay(args="(batch + 1,)")),
    ],
    "serverless_model": [
        ("cold_start_share inverted: the share of warm requests", serverless(cold=COLD_INVERTED)),
        ("cold_start_share accepts negative rates", serverless(cold=COLD_NO_CHECK)),
        ("GB as memory_mb / 1000", serverless(cost=COST_DECIMAL_GB)),
        ("bills the exact duration, not whole milliseconds", serverless(cost=COST_NO_ROUNDING)),
        ("rounds to the nearest millisecond instead of up", serverless(cost=COST_ROUND)),
        ("rounds duration and init up separately", serverless(cost=COST_SPLIT_CEIL)),
        ("a cold request does not bill its init phase", serverless(cost=COST_NO_INIT)),
        ("subtracts the free tier from the total in dollars", serverless(cost=COST_FREE_DOLLARS)),
        ("a month of 30 days instead of prices.seconds_per_month", serverless(cost=COST_THIRTY_DAYS)),
        ("break-even ignores the free tier", serverless(break_even=BREAK_EVEN_NO_FREE_TIER)),
        ("break-even in requests per month, not per second", serverless(break_even=BREAK_EVEN_PER_MONTH)),
    ],
    "graceful_shutdown": [
        ("plain uvicorn.run: readiness never answers 503, and the exit waits for every request", SHUTDOWN_PLAIN),
        ("flips readiness and stops at once: no drain, new requests are refused", SHUTDOWN_NO_DRAIN),
        ("sleeps in the signal handler: the event loop is blocked for the whole drain", SHUTDOWN_SLEEP_IN_HANDLER),
        ("drains, but no graceful-shutdown timeout: a long request keeps it past the grace period", SHUTDOWN_NO_TIMEOUT),
        ("listens on every interface (0.0.0.0)", SHUTDOWN_ALL_INTERFACES),
        ("exits right after the drain: requests in flight are cut", SHUTDOWN_EXIT_AFTER_DRAIN),
        ("keeps serving for the drain but never flips readiness", SHUTDOWN_READY_NEVER_FLIPS),
    ],
}


# ---------------------------------------------------------------------------------------------------------------
# Blind red team, 2026-11-30 (written from the student notebook alone)
# ---------------------------------------------------------------------------------------------------------------
# Each list starts from a correct control answer written from the docstring (the _BLIND_* constants below, checked
# against the visible tests) and changes ONE sentence of the contract, as a learner might.

def _blind(control: str, *edits: tuple[str, str]) -> str:
    """The control answer with each (old, new) edit applied; every `old` must occur in it."""
    source = control
    for old, new in edits:
        assert old in source, f"blind edit does not apply: {old!r}"
        source = source.replace(old, new)
    return source


_BLIND_RETRY = '''
def call_with_retries(client: httpx.Client, method: str, url: str, *, headers: dict | None = None, json=None,
                      max_attempts: int = 4, base_s: float = 0.1, cap_s: float = 2.0, deadline_s: float = 5.0,
                      clock=time.monotonic, sleep=time.sleep, rand=random.random) -> httpx.Response:
    """Send `method url` with `client`, retrying the failures that are safe and worth retrying."""
    deadline = clock() + deadline_s
    names = {name.lower() for name in (headers or {})}
    retry_ok = method.upper() in {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"} or "idempotency-key" in names
    attempt = 0
    while True:
        attempt += 1
        response, error = None, None
        try:
            response = client.request(method, url, headers=headers, json=json, timeout=deadline - clock())
        except httpx.TransportError as exc:
            error = exc
        if error is None and response.status_code not in (429, 502, 503, 504):
            return response
        if not retry_ok or attempt >= max_attempts:
            if error is not None:
                raise error
            return response
        told = response.headers.get("retry-after", "").strip() if response is not None else ""
        if told.isdigit():
            wait = float(int(told))
        else:
            wait = rand() * min(cap_s, base_s * 2 ** (attempt - 1))
        if clock() + wait >= deadline:
            if error is not None:
                raise error
            return response
        sleep(wait)
'''

_BLIND_BREAKER = '''
class CircuitBreaker:
    """Fail fast while a dependency is down, and probe it now and then to notice that it recovered."""

    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0, clock=time.monotonic,
                 is_failure=lambda result: False) -> None:
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.clock = clock
        self.is_failure = is_failure
        self.failures = 0
        self.opened_at = None
        self.trial_running = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_timeout_s:
            return "half-open"
        return "open"

    def _failed(self, trial: bool) -> None:
        if trial:
            self.opened_at = self.clock()
            return
        self.failures += 1
        if self.failures >= self.failure_threshold:
            self.opened_at = self.clock()

    def call(self, fn, *args, **kwargs):
        state = self.state
        if state == "open" or (state == "half-open" and self.trial_running):
            raise resilience.CircuitOpen("circuit open")
        trial = state == "half-open"
        if trial:
            self.trial_running = True
        try:
            try:
                result = fn(*args, **kwargs)
            except Exception:
                self._failed(trial)
                raise
            if self.is_failure(result):
                self._failed(trial)
            else:
                self.failures = 0
                self.opened_at = None
            return result
        finally:
            if trial:
                self.trial_running = False
'''

_BLIND_CONSUME = '''
def consume_batch(r, stream: str, group: str, consumer: str, apply, *, dead_letter: str, count: int = 10,
                  min_idle_ms: int = 60_000) -> list[str]:
    """Handle up to `count` entries of `stream` as `consumer` of `group`, applying each event's effect exactly once."""
    claimed = r.xautoclaim(stream, group, consumer, min_idle_time=min_idle_ms, start_id="0-0", count=count)[1]
    entries = [(entry_id, fields) for entry_id, fields in claimed if fields]
    if len(entries) < count:
        got = r.xreadgroup(group, consumer, {stream: ">"}, count=count - len(entries))
        if got:
            entries += got[0][1]
    processed = f"processed:{stream}:{group}"
    handled = []
    for entry_id, fields in entries[:count]:
        event_id = fields["event_id"]
        if not r.sismember(processed, event_id):
            pipe = r.pipeline()
            try:
                apply(fields, pipe)
            except ValueError as exc:
                pipe.reset()
                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
            else:
                pipe.sadd(processed, event_id)
                pipe.execute()
        r.xack(stream, group, entry_id)
        handled.append(entry_id)
    return handled
'''

_BLIND_OUTBOX = '''
def place_order(conn: sqlite3.Connection, order_id: str, customer: str, total_cents: int) -> str:
    """Insert the order (status 'placed') and its 'order-placed' event into the outbox in ONE transaction."""
    event_id = resilience.new_event_id()
    payload = json.dumps({"order_id": order_id, "customer": customer, "total_cents": total_cents})
    with conn:
        conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                     (order_id, customer, total_cents))
        conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at, published_at) VALUES (?, ?, ?, ?, NULL)",
                     (event_id, "order-placed", payload, time.time()))
    return event_id


def relay_outbox(conn: sqlite3.Connection, publish, batch: int = 100, now=time.time) -> int:
    """Publish the outbox rows not yet published, oldest first (by id), at most `batch` of them."""
    rows = conn.execute("SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?",
                        (batch,)).fetchall()
    published = 0
    for row in rows:
        publish(row["topic"], row["event_id"], json.loads(row["payload"]))
        with conn:
            conn.execute("UPDATE outbox SET published_at = ? WHERE id = ?", (now(), row["id"]))
        published += 1
    return published
'''

_BLIND_SERVERLESS = '''
def cold_start_share(rps: float, keep_warm_s: float) -> float:
    """The share of requests that find no warm instance and wait for a cold start."""
    if rps < 0 or keep_warm_s < 0:
        raise ValueError("rps and keep_warm_s must not be negative")
    return math.exp(-rps * keep_warm_s)


def function_monthly_cost(rps: float, duration_ms: float, memory_mb: float, prices: resilience.LambdaPrices,
                          init_ms: float = 0.0, cold_share: float = 0.0) -> float:
    """USD a month for a function that receives a steady `rps`, billed as `prices` says."""
    requests = rps * prices.seconds_per_month
    billed_ms = (1 - cold_share) * math.ceil(duration_ms) + cold_share * math.ceil(duration_ms + init_ms)
    gb_seconds = requests * (memory_mb / 1024) * billed_ms / 1000
    request_part = max(0.0, (requests - prices.free_requests) / 1e6 * prices.usd_per_million_requests)
    duration_part = max(0.0, (gb_seconds - prices.free_gb_seconds) * prices.usd_per_gb_second)
    return request_part + duration_part


def break_even_rps(duration_ms: float, memory_mb: float, always_on_usd: float, prices: resilience.LambdaPrices,
                   init_ms: float = 0.0, cold_share: float = 0.0) -> float:
    """The smallest steady rps at which function_monthly_cost(...) reaches `always_on_usd` a month."""
    if always_on_usd <= 0:
        return 0.0

    def cost(x):
        return function_monthly_cost(x, duration_ms, memory_mb, prices, init_ms, cold_share)

    low, high = 0.0, 1.0
    while cost(high) < always_on_usd:
        high *= 2
        if high > 1e300:
            return math.inf
    for _ in range(400):
        mid = (low + high) / 2
        if cost(mid) >= always_on_usd:
            high = mid
        else:
            low = mid
        if high - low <= 1e-12 * high:
            break
    return high
'''

_BLIND_SHUTDOWN = '''
def run_service(port: int, grace_s: float, drain_s: float) -> None:
    """Serve the course's service with uvicorn on 127.0.0.1:`port` until SIGTERM, then shut down gracefully."""
    import os
    import threading

    import uvicorn

    app, state = make_app()
    margin = min(0.3, grace_s / 4)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=max(0.1, grace_s - drain_s - margin))
    server = uvicorn.Server(config)
    stop = server.handle_exit

    def on_sigterm(sig, frame):
        if not state.ready:
            return
        state.ready = False
        threading.Timer(drain_s, stop, args=(sig, frame)).start()
        guard = threading.Timer(grace_s - margin / 2, os._exit, args=(0,))
        guard.daemon = True
        guard.start()

    server.handle_exit = on_sigterm
    server.run()
'''

BLIND_2026_11_30 = {
    "call_with_retries": [
        ("a method in lower case ('get') is never retried: the idempotent-method check ignores 'in any letter case'",
         _blind(_BLIND_RETRY, ('method.upper() in {"GET"', 'method in {"GET"'))),
        # caught since call_with_retries_waits_and_deadline
        ("Retry-After parsed with float(): '1.5' or '2.0' is slept instead of ignored (only whole seconds count)",
         _blind(_BLIND_RETRY, ('''        if told.isdigit():
            wait = float(int(told))
        else:
            wait = rand() * min(cap_s, base_s * 2 ** (attempt - 1))''', '''        try:
            wait = float(told)
        except ValueError:
            wait = rand() * min(cap_s, base_s * 2 ** (attempt - 1))'''))),
        # caught since call_with_retries_waits_and_deadline
        ("rand() drawn for every retry, Retry-After or not: the jittered waits after a Retry-After use the wrong values",
         _blind(_BLIND_RETRY, ('''        if told.isdigit():
            wait = float(int(told))
        else:
            wait = rand() * min(cap_s, base_s * 2 ** (attempt - 1))''', '''        wait = rand() * min(cap_s, base_s * 2 ** (attempt - 1))
        if told.isdigit():
            wait = float(int(told))'''))),
        ("a wait that ends exactly at the deadline is still taken (> instead of 'at or after')",
         _blind(_BLIND_RETRY, ("if clock() + wait >= deadline:", "if clock() + wait > deadline:"))),
        ("the deadline is measured with time.monotonic, not the injected clock: on a fake clock it never arrives",
         _blind(_BLIND_RETRY, ("deadline = clock() + deadline_s", "deadline = time.monotonic() + deadline_s"),
                ("timeout=deadline - clock())", "timeout=max(0.001, deadline - time.monotonic()))"),
                ("if clock() + wait >= deadline:", "if time.monotonic() + wait >= deadline:"))),
        ("the deadline is checked for jittered waits only: a long Retry-After is slept past the deadline",
         _blind(_BLIND_RETRY, ('''            wait = float(int(told))
        else:''', '''            sleep(float(int(told)))
            continue
        else:'''))),
    ],
    "circuit_breaker": [
        ("a success does not reset the count in the closed state: failures are counted in total, not consecutively",
         _blind(_BLIND_BREAKER, ('''            else:
                self.failures = 0
                self.opened_at = None''', '''            elif trial:
                self.failures = 0
                self.opened_at = None'''))),
        ("the trial's success closes the breaker but leaves the failure count at the threshold: one failure reopens it",
         _blind(_BLIND_BREAKER, ('''            else:
                self.failures = 0
                self.opened_at = None''', '''            else:
                if not trial:
                    self.failures = 0
                self.opened_at = None'''))),
        ("half-open lets every call through as a trial: calls made while the trial runs are not refused",
         _blind(_BLIND_BREAKER, ('if state == "open" or (state == "half-open" and self.trial_running):', 'if state == "open":'))),
        ("each refused call restarts the open period: a caller that keeps calling keeps the breaker open forever",
         _blind(_BLIND_BREAKER, ('''        if state == "open" or (state == "half-open" and self.trial_running):
            raise''', '''        if state == "open":
            self.opened_at = self.clock()
        if state == "open" or (state == "half-open" and self.trial_running):
            raise'''))),
        # caught since circuit_breaker_timing_and_trial
        ("the trial flag is cleared only when the trial returns: a trial that raises leaves every later call refused",
         _blind(_BLIND_BREAKER, ('''        try:
            try:
                result = fn(*args, **kwargs)
            except Exception:
                self._failed(trial)
                raise
            if self.is_failure(result):
                self._failed(trial)
            else:
                self.failures = 0
                self.opened_at = None
            return result
        finally:
            if trial:
                self.trial_running = False''', '''        try:
            result = fn(*args, **kwargs)
        except Exception:
            self._failed(trial)
            raise
        self.trial_running = False
        if self.is_failure(result):
            self._failed(trial)
        else:
            self.failures = 0
            self.opened_at = None
        return result'''))),
        ("recent failures kept in a class-level list: every breaker shares one failure count",
         _blind(_BLIND_BREAKER, ('''class CircuitBreaker:
    """Fail fast while a dependency is down, and probe it now and then to notice that it recovered."""
''', '''class CircuitBreaker:
    """Fail fast while a dependency is down, and probe it now and then to notice that it recovered."""

    recent_failures = []
'''), ("        self.failures = 0\n        self.opened_at = None\n        self.trial_running = False",
       "        self.opened_at = None\n        self.trial_running = False"),
                ('''        self.failures += 1
        if self.failures >= self.failure_threshold:''', '''        self.recent_failures.append(self.clock())
        if len(self.recent_failures) >= self.failure_threshold:'''),
                ('''            else:
                self.failures = 0''', '''            else:
                self.recent_failures.clear()'''))),
    ],
    "consume_batch": [
        ("processed event_ids kept in a local set: duplicates in one batch are skipped, but not across batches or consumers",
         _blind(_BLIND_CONSUME, ("    handled = []\n", "    handled, seen = [], set()\n"),
                ("        if not r.sismember(processed, event_id):", "        if event_id not in seen:"),
                ("                pipe.sadd(processed, event_id)\n                pipe.execute()",
                 "                pipe.execute()\n                seen.add(event_id)"))),
        # caught since consume_batch_crashes_and_poison
        ("the dead letter's error is repr(exc) ('ValueError(...)'), not the exception's message",
         _blind(_BLIND_CONSUME, ('"error": str(exc)', '"error": repr(exc)'))),
        ("poison is dead-lettered but not acknowledged: it stays pending and is dead-lettered again by every takeover",
         _blind(_BLIND_CONSUME, ('''                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
''', '''                r.xadd(dead_letter, {**fields, "error": str(exc), "source_id": entry_id})
                continue
'''))),
        ("any exception from apply is treated as poison: a transient error is dead-lettered instead of left pending",
         _blind(_BLIND_CONSUME, ("except ValueError as exc:", "except Exception as exc:"))),
        # caught since consume_batch_crashes_and_poison
        ("new entries read with count, not the rest: a batch can handle up to twice `count` entries",
         _blind(_BLIND_CONSUME, ("count=count - len(entries))", "count=count)"), ("entries[:count]", "entries"))),
        ("claims pending entries whatever their idle time (min_idle_ms ignored): steals entries other consumers are handling",
         _blind(_BLIND_CONSUME, ("min_idle_time=min_idle_ms", "min_idle_time=0"))),
    ],
    "outbox_relay": [
        ("place_order commits the order, then the outbox row: a failing outbox insert leaves the order without its event",
         _blind(_BLIND_OUTBOX, ('''    with conn:
        conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                     (order_id, customer, total_cents))
        conn.execute(''', '''    with conn:
        conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                     (order_id, customer, total_cents))
    with conn:
        conn.execute('''))),
        # caught since outbox_relay_one_transaction_in_order
        ("place_order commits at the end but never rolls back: after a failed insert the order stays in the open "
         "transaction and the next commit on the connection keeps it",
         _blind(_BLIND_OUTBOX, ('''    with conn:
        conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                     (order_id, customer, total_cents))
        conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at, published_at) VALUES (?, ?, ?, ?, NULL)",
                     (event_id, "order-placed", payload, time.time()))
''', '''    conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                 (order_id, customer, total_cents))
    conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at, published_at) VALUES (?, ?, ?, ?, NULL)",
                 (event_id, "order-placed", payload, time.time()))
    conn.commit()
'''))),
        ("relay_outbox ignores `batch`: every pending row is published in one call",
         _blind(_BLIND_OUTBOX, (" LIMIT ?\",\n                        (batch,))", "\")"))),
        ("relay_outbox keeps going after a failed publish and re-raises at the end: later rows are published",
         _blind(_BLIND_OUTBOX, ('''    published = 0
    for row in rows:
        publish(row["topic"], row["event_id"], json.loads(row["payload"]))
''', '''    published, failure = 0, None
    for row in rows:
        try:
            publish(row["topic"], row["event_id"], json.loads(row["payload"]))
        except Exception as exc:
            failure = failure or exc
            continue
'''), ("        published += 1\n    return published",
                 "        published += 1\n    if failure is not None:\n        raise failure\n    return published"))),
        ("relay_outbox stamps published_at with time.time(), not the injected now()",
         _blind(_BLIND_OUTBOX, ("(now(), row[\"id\"])", "(time.time(), row[\"id\"])"))),
        ("relay_outbox swallows a failed publish and returns the count so far: the exception does not propagate",
         _blind(_BLIND_OUTBOX, ('''        publish(row["topic"], row["event_id"], json.loads(row["payload"]))
''', '''        try:
            publish(row["topic"], row["event_id"], json.loads(row["payload"]))
        except Exception:
            return published
'''))),
    ],
    "serverless_model": [
        ("cold_start_share raises ValueError for a negative rps only: a negative keep_warm_s returns a share above 1",
         _blind(_BLIND_SERVERLESS, ("if rps < 0 or keep_warm_s < 0:", "if rps < 0:"))),
        ("function_monthly_cost applies 'at least 0' to the total, not to each part: a request part below the free tier "
         "subtracts from the duration part",
         _blind(_BLIND_SERVERLESS, ("request_part = max(0.0, (requests - prices.free_requests) / 1e6 * prices.usd_per_million_requests)",
                                    "request_part = (requests - prices.free_requests) / 1e6 * prices.usd_per_million_requests"),
                ('''    duration_part = max(0.0, (gb_seconds - prices.free_gb_seconds) * prices.usd_per_gb_second)
    return request_part + duration_part''', '''    duration_part = (gb_seconds - prices.free_gb_seconds) * prices.usd_per_gb_second
    return max(0.0, request_part + duration_part)'''))),
        ("function_monthly_cost hard-codes a month of 730 hours: right for the default prices only",
         _blind(_BLIND_SERVERLESS, ("requests = rps * prices.seconds_per_month", "requests = rps * 730 * 3600"))),
        ("break_even_rps does not pass init_ms and cold_share on: the break-even of a function with cold starts is too high",
         _blind(_BLIND_SERVERLESS, ("return function_monthly_cost(x, duration_ms, memory_mb, prices, init_ms, cold_share)",
                                    "return function_monthly_cost(x, duration_ms, memory_mb, prices)"))),
        # caught since serverless_break_even
        ("break_even_rps returns the int 0, not 0.0, when always_on_usd <= 0",
         _blind(_BLIND_SERVERLESS, ("    if always_on_usd <= 0:\n        return 0.0", "    if always_on_usd <= 0:\n        return 0"))),
        ("break_even_rps searches up to 10,000 rps only and returns the bound: large bills and all-zero prices get 10000",
         _blind(_BLIND_SERVERLESS, ('''    low, high = 0.0, 1.0
    while cost(high) < always_on_usd:
        high *= 2
        if high > 1e300:
            return math.inf
''', '''    low, high = 0.0, 10_000.0
'''))),
    ],
    "graceful_shutdown": [
        # caught since graceful_shutdown_bounded_and_local
        ("the grace period is given to uvicorn after the drain (timeout_graceful_shutdown=grace_s): the process exits "
         "up to drain_s + grace_s after SIGTERM",
         _blind(_BLIND_SHUTDOWN, ("timeout_graceful_shutdown=max(0.1, grace_s - drain_s - margin))", "timeout_graceful_shutdown=grace_s)"),
                ('''        guard = threading.Timer(grace_s - margin / 2, os._exit, args=(0,))
        guard.daemon = True
        guard.start()
''', ""))),
        ("exits right after the drain (os._exit): requests still in flight are cut off",
         _blind(_BLIND_SHUTDOWN, ("threading.Timer(drain_s, stop, args=(sig, frame)).start()",
                                  "threading.Timer(drain_s, os._exit, args=(0,)).start()"))),
        ("no bound on the wait for requests in flight: a long request keeps the process past grace_s",
         _blind(_BLIND_SHUTDOWN, ('''    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=max(0.1, grace_s - drain_s - margin))''',
                                  '''    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")'''),
                ('''        guard = threading.Timer(grace_s - margin / 2, os._exit, args=(0,))
        guard.daemon = True
        guard.start()
''', ""))),
        # caught since graceful_shutdown_drains
        ("the drain window is hard-coded to 0.5 s instead of drain_s",
         _blind(_BLIND_SHUTDOWN, ("threading.Timer(drain_s, stop,", "threading.Timer(0.5, stop,"),
                ("timeout_graceful_shutdown=max(0.1, grace_s - drain_s - margin))",
                 "timeout_graceful_shutdown=max(0.1, grace_s - 0.5 - margin))"))),
        # caught since graceful_shutdown_drains
        ("keeps accepting new connections after the drain until the requests in flight are done, then exits",
         _blind(_BLIND_SHUTDOWN, ('''        threading.Timer(drain_s, stop, args=(sig, frame)).start()''', '''        def finish():
            import time
            while state.in_flight > 0:
                time.sleep(0.01)
            stop(sig, frame)

        threading.Timer(drain_s, finish).start()'''))),
    ],
}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
