"""Graded milestones of notebook 3, the payments client: retries without a storm and the circuit breaker, on simulated
time (a fake clock, a fake sleep, a scripted downstream), then the fault drills for real through the fault proxy."""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import httpx

from backendlab.checks import answer, check_equal, check_true, quiet
from backendlab.labs.capstone.config import (
    ATTEMPT_TIMEOUT_S,
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    BREAKER_OPEN_S,
    BREAKER_THRESHOLD,
    CALL_BUDGET_S,
    MAX_ATTEMPTS,
    Charge,
)
from backendlab.labs.capstone.drills import drill_table, run_fault_drills
from backendlab.labs.capstone.kit import Kit


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(0.0, float(seconds)))


class Downstream:
    """A scripted payments service: each request takes the next outcome ("ok", "declined", "timeout", "refused",
    a status code, or (status, Retry-After)); when the script runs out, "ok"."""

    def __init__(self, clock: FakeClock, script: list[Any] | None = None) -> None:
        self.clock, self.script = clock, list(script or [])
        self.requests: list[httpx.Request] = []
        self.gate: threading.Event | None = None  # when set, the next request waits for it (a slow trial)
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            outcome = self.script.pop(0) if self.script else "ok"
            gate, self.gate = self.gate, None
        if gate is not None:
            gate.wait(5)
        if outcome == "timeout":
            self.clock.advance(ATTEMPT_TIMEOUT_S)
            raise httpx.ReadTimeout("timed out", request=request)
        if outcome == "refused":
            raise httpx.ConnectError("connection refused", request=request)
        self.clock.advance(0.01)
        if outcome == "ok":
            return httpx.Response(201, json={"charge_id": f"ch_{len(self.requests):04d}", "status": "captured"})
        if outcome == "declined":
            return httpx.Response(402, json={"type": "card-declined", "title": "Card declined", "status": 402})
        status, retry_after = (outcome, None) if isinstance(outcome, int) else outcome
        return httpx.Response(status, json={"title": "failure", "status": status},
                              headers={"Retry-After": str(retry_after)} if retry_after is not None else {})


def _client(cls: Any, script: list[Any] | None = None, seed: int = 3) -> tuple[Any, FakeClock, Downstream]:
    clock = FakeClock()
    downstream = Downstream(clock, script)
    http = httpx.Client(base_url="http://payments.test", transport=httpx.MockTransport(downstream))
    client = answer(cls, http, clock=clock, sleep=clock.sleep, rng=random.Random(seed),
                    hint="PaymentsClient(http, clock=..., sleep=..., rng=...): keep the given __init__ signature.")
    return client, clock, downstream


def _charge(client: Any, booking_id: str = "bkg_0123456789ab", amount: int = 4_500) -> Any:
    return answer(client.charge, booking_id, amount, hint="charge() never raises for a downstream failure: answer 'unavailable'.")


def payments_retries(cls: Any, full: bool = True) -> None:
    """Timeouts per attempt, the same Idempotency-Key on every attempt, bounded retries of retryable failures only,
    full-jitter backoff drawn from the client's rng, Retry-After honoured within the call's budget, never raising."""
    with quiet("your PaymentsClient"):
        _payments_retries(cls, full)


def _payments_retries(cls: Any, full: bool) -> None:
    client, clock, down = _client(cls)
    check_equal(_charge(client), Charge("captured", "ch_0001", 1), "charge() against a healthy payments service")
    request = down.requests[0]
    check_equal((request.method, request.url.path, request.headers.get("idempotency-key")), ("POST", "/charges", "bkg_0123456789ab"),
                "(method, path, Idempotency-Key header) of the request")
    check_equal(json.loads(request.content), {"booking_id": "bkg_0123456789ab", "amount_cents": 4_500}, "the request's JSON body")
    timeout = request.extensions.get("timeout", {})
    check_equal({k: timeout.get(k) for k in ("connect", "read", "write", "pool")},
                dict.fromkeys(("connect", "read", "write", "pool"), ATTEMPT_TIMEOUT_S),
                "the attempt's timeouts", hint="Pass timeout=capstone.ATTEMPT_TIMEOUT_S to every request.")
    client, clock, down = _client(cls, [503, 503, "ok"])
    got = _charge(client)
    check_equal((got.outcome, got.attempts, len(clock.sleeps)), ("captured", 3, 2),
                "(outcome, attempts, sleeps) after 503, 503, then success")
    check_equal({r.headers.get("idempotency-key") for r in down.requests}, {"bkg_0123456789ab"}, "the Idempotency-Key of every attempt",
                hint="Every retry of one charge carries the same key: the payments service then charges once.")
    bounds = [min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** n) for n in range(2)]
    check_true(all(0 <= s <= b for s, b in zip(clock.sleeps, bounds, strict=True)),
               f"backoff sleeps within full-jitter bounds {bounds} (got {[round(s, 4) for s in clock.sleeps]})")
    for script, expected, what in [(["declined"], Charge("declined", None, 1), "a 402 (declined): no retry"),
                                   ([400], Charge("unavailable", None, 1), "a 400: our bug, no retry"),
                                   ([409], Charge("unavailable", None, 1), "a 409: no retry"),
                                   ([503, 503, 503, 503], Charge("unavailable", None, MAX_ATTEMPTS),
                                    "503 every time: at most MAX_ATTEMPTS"),
                                   (["timeout", "timeout", "ok"], Charge("captured", "ch_0003", 3), "two timeouts, then success"),
                                   (["refused"] * 4, Charge("unavailable", None, MAX_ATTEMPTS), "connection refused every time")]:
        client, clock, down = _client(cls, script)
        check_equal(_charge(client), expected, f"charge() after {what}")
    if not full:
        return
    for status in (429, 500, 502, 504):
        client, clock, down = _client(cls, [status, "ok"])
        check_equal(_charge(client).outcome, "captured", f"charge() after a {status}, then success (retryable)")
    client, clock, down = _client(cls, [501, "ok"])
    check_equal((_charge(client), len(down.requests)), (Charge("unavailable", None, 1), 1),
                "(charge(), requests sent) after a 501 Not Implemented, a 5xx outside RETRYABLE_STATUSES",
                hint="Only a timeout, a connection error or a status in capstone.RETRYABLE_STATUSES is retried: a 501 would "
                     "get the same answer again.")
    client, clock, down = _client(cls, [(503, 1), "ok"])
    got = _charge(client)
    check_true(got.outcome == "captured" and len(clock.sleeps) == 1 and clock.sleeps[0] >= 1.0,
               f"a 503 with Retry-After: 1 to be retried after sleeping at least 1 s (slept {clock.sleeps})")
    client, clock, down = _client(cls, [(503, 5), "ok"])
    start = clock()
    got = _charge(client)
    check_equal((got.outcome, got.attempts, clock.sleeps), ("unavailable", 1, []),
                f"(outcome, attempts, sleeps) after Retry-After: 5 (longer than the {CALL_BUDGET_S} s budget)",
                hint="If the next attempt could not start within CALL_BUDGET_S of the call's start, stop now.")
    check_true(clock() - start < CALL_BUDGET_S, "the call to end within its budget")
    sleeps: list[list[float]] = []
    for seed in (11, 11, 12):
        client, clock, down = _client(cls, [503, "ok"] * 30, seed=seed)
        for i in range(30):
            client.charge(f"bkg_{i:012x}", 100)
        sleeps.append(list(clock.sleeps))
    check_true(sleeps[0] == sleeps[1], "the same sleeps from two clients with the same rng seed (draw the jitter from self.rng)")
    check_true(sleeps[0] != sleeps[2], "different sleeps for another seed")
    first = sleeps[0]
    check_true(len(first) == 30 and min(first) < 0.2 * BACKOFF_BASE_S and max(first) > 0.8 * BACKOFF_BASE_S,
               f"full jitter: 30 first-retry sleeps spread over [0, {BACKOFF_BASE_S}] (got {len(first)}, min {min(first, default=0):.4f}, "
               f"max {max(first, default=0):.4f})",
               hint="rng.uniform(0, min(cap, base * 2 ** (retry - 1))): not a constant, not base/2 + jitter.")
    client, clock, down = _client(cls, ["timeout"] * 3)
    got = _charge(client)
    check_true(got.outcome == "unavailable" and clock() - 1000.0 <= CALL_BUDGET_S + ATTEMPT_TIMEOUT_S,
               f"three timeouts to end as 'unavailable' within the budget (took {clock() - 1000.0:.2f} simulated s)")


def payments_breaker(cls: Any, full: bool = True) -> None:
    """The circuit breaker: BREAKER_THRESHOLD failed attempts in a row open it; open, it answers at once; after
    BREAKER_OPEN_S one trial decides; a success (any answer that is not a failure) resets the count."""
    with quiet("your PaymentsClient"):
        _payments_breaker(cls, full)


def _payments_breaker(cls: Any, full: bool) -> None:
    client, clock, down = _client(cls, [503] * 10)
    check_equal(getattr(client, "state", None), "closed", "state of a new client")
    first = _charge(client)
    check_equal((first.outcome, first.attempts, client.state), ("unavailable", 3, "closed"),
                "(outcome, attempts, state) after 3 failed attempts")
    second = _charge(client)
    check_equal((second.outcome, second.attempts, client.state), ("unavailable", BREAKER_THRESHOLD - 3, "open"),
                f"(outcome, attempts, state) when the {BREAKER_THRESHOLD}th failure in a row opens the breaker",
                hint="Count failed attempts (not calls) in a row; the breaker opens on the threshold, and the retry loop stops.")
    sent = len(down.requests)
    check_equal(_charge(client), Charge("unavailable", None, 0), "charge() while the breaker is open")
    clock.advance(BREAKER_OPEN_S - 0.05)
    check_equal((_charge(client), len(down.requests)), (Charge("unavailable", None, 0), sent),
                "(charge(), requests sent) just before BREAKER_OPEN_S has passed")
    down.script = [503]
    clock.advance(0.1)
    trial = _charge(client)
    check_equal((trial.outcome, trial.attempts, client.state), ("unavailable", 1, "open"),
                "(outcome, attempts, state) when the half-open trial fails",
                hint="A failed trial opens the breaker again at once: no retry.")
    clock.advance(BREAKER_OPEN_S + 0.1)
    down.script = []
    check_equal((_charge(client).outcome, client.state), ("captured", "closed"), "(outcome, state) when the trial succeeds")
    if not full:
        return
    client, clock, down = _client(cls, [503, 503, 503, 503, "declined", 503, 503, 503, 503])
    _charge(client)
    _charge(client)
    _charge(client)
    check_equal(client.state, "closed", "state after 4 failures, a decline (402: the service works), then 4 failures",
                hint="Any answer that is not a failure resets the count: a 402 is the payments service working.")
    client, clock, down = _client(cls, [503] * 5 + ["declined"])
    _charge(client)
    _charge(client)
    clock.advance(BREAKER_OPEN_S + 0.1)
    check_equal((_charge(client).outcome, client.state), ("declined", "closed"), "(outcome, state) when the half-open trial gets a 402",
                hint="Any answer that is not a failure closes the breaker: a 402 is the payments service working.")
    client, clock, down = _client(cls, ["refused"] * 5)
    _charge(client)
    _charge(client)
    check_equal(client.state, "open", "state after 5 refused connections in a row")
    clock.advance(BREAKER_OPEN_S + 0.1)
    gate = threading.Event()
    down.script, down.gate = [], gate
    box: dict[str, Any] = {}
    trial_thread = threading.Thread(target=lambda: box.setdefault("trial", client.charge("bkg_trial0000000", 100)))
    trial_thread.start()
    deadline = time.monotonic() + 5
    while len(down.requests) < 6 and time.monotonic() < deadline:
        time.sleep(0.002)
    state_during = client.state
    other = client.charge("bkg_other0000000", 100)
    gate.set()
    trial_thread.join(5)
    check_equal((state_during, other, len(down.requests)), ("half-open", Charge("unavailable", None, 0), 6),
                "(state during the trial, another charge() meanwhile, requests sent): one trial at a time")
    check_equal((box.get("trial") and box["trial"].outcome, client.state), ("captured", "closed"), "(trial outcome, state) after the trial")
    a, _, _ = _client(cls, [503] * 5)
    b, _, _ = _client(cls, [])
    _charge(a)
    _charge(a)
    check_equal((a.state, b.state), ("open", "closed"), "the states of two clients (breakers are not shared)")


def payments_drills(cls: Any) -> None:
    """The fault drills through the fault proxy with your client in the course's service: never a 500.

    The drills start only for a client that keeps its contract (the two milestones before, on simulated time): a
    drill of a client that is known to be wrong would cost seconds and prove nothing new."""
    payments_retries(cls)
    payments_breaker(cls)
    kit = Kit("capstone-grade-drills")
    try:
        with quiet("your PaymentsClient"):
            phases = run_fault_drills(kit, payments=cls)
        print(drill_table(phases))
        for phase in phases:
            check_true(phase.ok, f"drill phase '{phase.name}' ({phase.fault}): {'; '.join(phase.problems)}",
                       hint="Timeouts on every attempt, bounded retries with backoff, the breaker, and 'unavailable' instead of raising.")
    finally:
        kit.close()
