"""The reference payments client (exercise 5): per-attempt timeouts, bounded retries with full jitter that honour
Retry-After within a budget, a circuit breaker and a fallback; and the naive client the notebook measures against it."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import httpx

from backendlab.labs.capstone.config import (
    ATTEMPT_TIMEOUT_S,
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    BREAKER_OPEN_S,
    BREAKER_THRESHOLD,
    CALL_BUDGET_S,
    MAX_ATTEMPTS,
    RETRYABLE_STATUSES,
    Charge,
)


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds (RFC 9110 §10.2.3 also allows an HTTP date: treated here as absent)."""
    if value is None or not value.strip().isdigit():
        return None
    return float(value.strip())


class PaymentsClient:
    """Reference answer of exercise 5."""

    def __init__(self, http: httpx.Client, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self.http, self.clock, self.sleep = http, clock, sleep
        self.rng = rng or random.Random()
        self.state = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._trial = False
        self._lock = threading.Lock()

    def _allow(self) -> bool:
        with self._lock:
            if self.state == "open":
                if self.clock() - self._opened_at < BREAKER_OPEN_S:
                    return False
                self.state, self._trial = "half-open", False
            if self.state == "half-open":
                if self._trial:
                    return False  # one trial at a time
                self._trial = True
            return True

    def _record(self, ok: bool) -> None:
        with self._lock:
            self._trial = False
            if ok:
                self._failures, self.state = 0, "closed"
                return
            self._failures += 1
            if self.state == "half-open" or self._failures >= BREAKER_THRESHOLD:
                self.state, self._opened_at = "open", self.clock()

    def charge(self, booking_id: str, amount_cents: int) -> Charge:
        start = self.clock()
        attempts = 0
        while True:
            if not self._allow():
                return Charge("unavailable", None, attempts)
            attempts += 1
            wait_at_least = None
            try:
                response = self.http.post("/charges", json={"booking_id": booking_id, "amount_cents": amount_cents},
                                          headers={"Idempotency-Key": booking_id}, timeout=ATTEMPT_TIMEOUT_S)
            except httpx.HTTPError:  # timeouts, refused or reset connections, protocol errors
                pass
            else:
                status = response.status_code
                if status < 300:
                    self._record(True)
                    return Charge("captured", response.json().get("charge_id"), attempts)
                if status not in RETRYABLE_STATUSES:
                    self._record(True)  # the service answered: it is up, and a retry would get the same answer
                    return Charge("declined" if status == 402 else "unavailable", None, attempts)
                wait_at_least = retry_after_seconds(response.headers.get("Retry-After"))
            self._record(False)
            if attempts >= MAX_ATTEMPTS or self.state == "open":
                return Charge("unavailable", None, attempts)
            delay = self.rng.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempts - 1)))
            if wait_at_least is not None:
                delay = max(delay, wait_at_least)
            if self.clock() - start + delay > CALL_BUDGET_S:
                return Charge("unavailable", None, attempts)
            self.sleep(delay)

    def close(self) -> None:
        self.http.close()


class NaiveRetryClient:
    """How retries are often first written: up to 10 immediate retries on any failure, the client's default timeout,
    no breaker. It turns a struggling downstream into a flood, and a slow one into a slow booking service."""

    def __init__(self, http: httpx.Client, *args: object, **kwargs: object) -> None:
        self.http = http
        self.state = "closed"

    def charge(self, booking_id: str, amount_cents: int) -> Charge:
        attempts = 0
        for _ in range(10):
            attempts += 1
            try:
                response = self.http.post("/charges", json={"booking_id": booking_id, "amount_cents": amount_cents})
            except httpx.HTTPError:
                continue
            if response.status_code < 300:
                return Charge("captured", response.json().get("charge_id"), attempts)
            if response.status_code == 402:
                return Charge("declined", None, attempts)
        return Charge("unavailable", None, attempts)

    def close(self) -> None:
        self.http.close()
