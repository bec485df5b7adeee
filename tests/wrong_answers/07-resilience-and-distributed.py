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
         retry_loop(idempotent='method.upper() in {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"} or "Idempotency-Key" in (headers or {})')),
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
}
