"""Retries done right (module 07): capped exponential backoff with full jitter, an overall deadline, Retry-After,
only retryable failures of idempotent requests, and a retry budget; plus the retry-storm simulation."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# RFC 9110 §9.2.2: the safe methods (GET, HEAD, OPTIONS, TRACE) plus PUT and DELETE are idempotent.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


def full_jitter(attempt: int, base_s: float, cap_s: float, rand: Callable[[], float]) -> float:
    """The wait before retry number `attempt` (1 = the first retry): uniform in [0, min(cap, base * 2**(attempt-1)))."""
    return rand() * min(cap_s, base_s * 2 ** (attempt - 1))


def retry_after_seconds(response: httpx.Response) -> int | None:
    """Retry-After as delay-seconds (RFC 9110 §10.2.3), or None: absent, or the HTTP-date form (not used here)."""
    value = response.headers.get("retry-after")
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def is_idempotent(method: str, headers: Any) -> bool:
    """An idempotent method, or any request that carries an Idempotency-Key (header names are case-insensitive)."""
    return method.upper() in IDEMPOTENT_METHODS or "idempotency-key" in httpx.Headers(headers or {})


def call_with_retries(client: httpx.Client, method: str, url: str, *, headers: dict | None = None, json: Any = None,
                      max_attempts: int = 4, base_s: float = 0.1, cap_s: float = 2.0, deadline_s: float = 5.0,
                      clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                      rand: Callable[[], float] = random.random) -> httpx.Response:
    """The course's reference answer to exercise 1 (see the notebook for the contract)."""
    retry_ok = is_idempotent(method, headers)
    deadline = clock() + deadline_s
    attempt = 0
    while True:
        attempt += 1
        response: httpx.Response | None = None
        error: httpx.TransportError | None = None
        try:
            response = client.request(method, url, headers=headers, json=json, timeout=deadline - clock())
        except httpx.TransportError as exc:
            error = exc
        if response is not None and response.status_code not in RETRYABLE_STATUSES:
            return response
        if not retry_ok or attempt >= max_attempts:
            break
        told = retry_after_seconds(response) if response is not None else None
        wait = float(told) if told is not None else full_jitter(attempt, base_s, cap_s, rand)
        if clock() + wait >= deadline:
            break
        sleep(wait)
    if response is not None:
        return response
    assert error is not None
    raise error


@dataclass
class RetryBudget:
    """Retries allowed as a share of requests (Finagle's RetryBudget, the SRE book's "per-client retry budget"):
    every request deposits `ratio` of a token (up to `max_tokens`), every retry spends a whole one."""

    ratio: float = 0.1
    max_tokens: float = 10.0
    tokens: float = 0.0

    def record_request(self) -> None:
        self.tokens = min(self.max_tokens, self.tokens + self.ratio)

    def try_retry(self) -> bool:
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def downstream_load(requests: int, failure_rate: float, max_attempts: int, budget: RetryBudget | None = None,
                    seed: int = 0) -> int:
    """How many attempts reach a downstream that fails each attempt with `failure_rate`, for `requests` calls that
    each try up to `max_attempts` times (fewer when the budget says no)."""
    rng = random.Random(seed)
    sent = 0
    for _ in range(requests):
        if budget is not None:
            budget.record_request()
        for attempt in range(1, max_attempts + 1):
            sent += 1
            if rng.random() >= failure_rate:
                break
            if attempt < max_attempts and budget is not None and not budget.try_retry():
                break
    return sent


@dataclass
class StormResult:
    policy: str
    bucket_s: float
    arrivals: list[int] = field(default_factory=list)  # attempts per bucket
    served: list[int] = field(default_factory=list)
    attempts: int = 0
    done_at_s: float = math.inf  # when the last client got an answer (inf: some never did)
    gave_up: int = 0


def simulate_retry_storm(policy: str, clients: int = 1000, outage_s: float = 1.0, capacity_per_s: float = 1500.0,
                         base_s: float = 0.1, cap_s: float = 3.2, max_attempts: int = 8, horizon_s: float = 8.0,
                         bucket_s: float = 0.05, seed: int = 1) -> StormResult:
    """`clients` requests arrive in the first 50 ms; the server is down for `outage_s`, then serves at most
    capacity_per_s * bucket_s attempts per bucket (the rest fail as overload). Policies: "fixed" (wait base_s * 2 every
    time), "exponential" (base * 2**(n-1), capped, no jitter) and "full-jitter" (uniform in [0, that)). Simulated
    time: no sleep, a few milliseconds of CPU."""
    if policy not in ("fixed", "exponential", "full-jitter"):
        raise ValueError("policy is 'fixed', 'exponential' or 'full-jitter'")
    rng = random.Random(seed)
    buckets = int(round(horizon_s / bucket_s))
    per_bucket = max(1, int(capacity_per_s * bucket_s))
    pending: list[list[tuple[int, int]]] = [[] for _ in range(buckets)]  # bucket -> [(client, attempt number)]
    for c in range(clients):
        pending[int(rng.random() * 0.05 / bucket_s)].append((c, 1))
    result = StormResult(policy, bucket_s, [0] * buckets, [0] * buckets)
    finished = 0
    for b in range(buckets):
        arrivals = pending[b]
        rng.shuffle(arrivals)
        result.arrivals[b] = len(arrivals)
        result.attempts += len(arrivals)
        up = b * bucket_s >= outage_s
        for i, (c, n) in enumerate(arrivals):
            if up and i < per_bucket:
                result.served[b] += 1
                finished += 1
                if finished == clients:
                    result.done_at_s = (b + 1) * bucket_s
                continue
            if n >= max_attempts:
                result.gave_up += 1
                continue
            ceiling = min(cap_s, base_s * 2 ** (n - 1))
            wait = 2 * base_s if policy == "fixed" else ceiling if policy == "exponential" else rng.random() * ceiling
            target = b + max(1, int(round(wait / bucket_s)))
            if target < buckets:
                pending[target].append((c, n + 1))
    return result
