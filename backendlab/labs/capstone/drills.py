"""Fault drills: the booking service with a given payments client, its downstream made healthy, flapping, refusing with
Retry-After, down, recovered and slow through the fault proxy; per phase, what the customers got and what the
downstream had to take."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from backendlab.labs.capstone.config import ATTEMPT_TIMEOUT_S, BREAKER_OPEN_S, BREAKER_THRESHOLD, CALL_BUDGET_S, MAX_ATTEMPTS
from backendlab.labs.capstone.kit import assemble, running
from backendlab.labs.capstone.observability import traced_transport as ref_transport

SLACK_S = 1.0  # on top of every latency bound: a busy machine adds delay, never a wrong answer


class CountingTransport(httpx.BaseTransport):
    """Counts the requests a client sends (every attempt), whatever happens to them."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.sent = inner, 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.sent += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@dataclass
class Phase:
    """One drill phase: what the bookings got, the slowest answer, the attempts the downstream saw, and the verdict."""

    name: str
    fault: str
    statuses: Counter = field(default_factory=Counter)
    slowest_s: float = 0.0
    last_s: float = 0.0
    attempts: int = 0
    double_charges: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def row(self) -> str:
        got = ", ".join(f"{n}×{s}" for s, n in sorted(self.statuses.items()))
        return (f"{'✓' if self.ok else '✗':2} {self.name:11} {self.fault[:38]:38} {got:16} {self.attempts:>3} attempts  "
                f"slowest {self.slowest_s:5.2f} s  " + "; ".join(self.problems)[:80])


def drill_table(phases: list[Phase]) -> str:
    head = f"{'':2} {'phase':11} {'fault (through the proxy)':38} {'answers':16} {'downstream':>12}  latency"
    return "\n".join([head] + [p.row() for p in phases])


def run_fault_drills(kit: Any, payments: Callable[..., Any] | None = None, slow_bookings: int = 3) -> list[Phase]:
    """Serve the reference service with `payments` as its payments client (None: the reference) and drill it.

    Phases, in order: healthy (3 bookings: 201, one attempt each — one spare attempt is tolerated in the healthy and
    flapping phases, for a machine that stalled past a timeout); flapping (every other downstream request fails:
    4 bookings, all 201, at most 2 attempts each, never a double charge); retry-after (every request 503 with
    Retry-After: 5, longer than the call budget: 202 at once, one attempt); down (connection refused: 4 bookings,
    202, the breaker stops the attempts, the last answers fast); recovery (up again, breaker open time passed:
    201); slow (1 s latency, over the attempt timeout: 202 within the budget). Never a 500. Takes about 3-4 s.
    """
    counters: list[CountingTransport] = []

    def counting(inner: httpx.BaseTransport, tel: Any) -> httpx.BaseTransport:
        counters.append(CountingTransport(inner))
        return ref_transport(counters[-1], tel)

    app = assemble(kit, payments=payments, traced_transport=counting)
    events = {}
    phases: list[Phase] = []
    run_id = uuid.uuid4().hex[:6]
    with running(kit, app, name="drills") as c:
        events = {e["name"]: e["id"] for e in c.get("/events").json()["items"]}
        opening = events["Opening night"]

        def bookings(phase: Phase, n: int) -> list[tuple[int, dict[str, Any], float]]:
            out = []
            before = counters[0].sent
            for i in range(n):
                t0 = time.perf_counter()
                headers = {**kit.headers(f"drill-{run_id}-{phase.name}-{i}"), "Idempotency-Key": f"drill-{uuid.uuid4().hex[:16]}"}
                try:
                    r = c.post("/bookings", json={"event_id": opening, "seats": 1}, headers=headers)
                    status, body = r.status_code, (r.json() if r.headers.get("content-type", "").startswith("application/json") else {})
                except httpx.HTTPError as exc:
                    status, body = 0, {"error": type(exc).__name__}
                elapsed = time.perf_counter() - t0
                phase.statuses[status] += 1
                phase.slowest_s, phase.last_s = max(phase.slowest_s, elapsed), elapsed
                out.append((status, body, elapsed))
            phase.attempts = counters[0].sent - before
            phase.double_charges = sum(1 for _, body, _ in out if body.get("id") and kit.ledger.charged(body["id"]) > 1)
            if phase.statuses.get(500) or phase.statuses.get(0):
                phase.problems.append("answered 500 (or not at all) for a downstream fault")
            if phase.double_charges:
                phase.problems.append(f"{phase.double_charges} bookings charged twice (retries without the Idempotency-Key?)")
            return out

        def expect(phase: Phase, status: int, n: int) -> None:
            if phase.statuses.get(status, 0) != n:
                phase.problems.insert(0, f"expected {n}×{status}")

        healthy = Phase("healthy", "none")
        kit.proxy.clear()
        bookings(healthy, 3)
        expect(healthy, 201, 3)
        if healthy.attempts > 3 + 1:  # one each; one spare for an attempt a stalled machine timed out
            healthy.problems.append(f"{healthy.attempts} downstream requests for 3 bookings (expected one each)")
        phases.append(healthy)

        flapping = Phase("flapping", "every other request: 503")
        kit.proxy.set(rule=lambda i: "error" if i % 2 else None)
        bookings(flapping, 4)
        expect(flapping, 201, 4)
        if flapping.attempts > 8 + 1:
            flapping.problems.append(f"{flapping.attempts} downstream requests for 4 bookings (at most 2 each)")
        phases.append(flapping)

        patience = Phase("retry-after", "every request: 503, Retry-After: 5")
        kit.proxy.set(error_rate=1.0, retry_after_s=5)
        bookings(patience, 1)
        expect(patience, 202, 1)
        if patience.attempts != 1:
            patience.problems.append(f"{patience.attempts} requests: Retry-After 5 s is past the {CALL_BUDGET_S} s budget, so no retry")
        if patience.slowest_s > 0.5 + SLACK_S:
            patience.problems.append(f"took {patience.slowest_s:.1f} s: it waited for Retry-After instead of answering")
        phases.append(patience)

        down = Phase("down", "connection refused")
        kit.proxy.clear()
        kit.proxy.down()
        bookings(down, 4)
        expect(down, 202, 4)
        bound = MAX_ATTEMPTS + BREAKER_THRESHOLD
        if down.attempts > bound:
            down.problems.append(f"{down.attempts} attempts for 4 bookings against a dead service (at most {bound}: "
                                 f"{BREAKER_THRESHOLD} failures in a row open the breaker, plus the rest of a call in progress)")
        if down.last_s > 0.2 + SLACK_S:
            down.problems.append(f"the 4th booking still took {down.last_s:.2f} s: the breaker should answer at once")
        phases.append(down)

        recovery = Phase("recovery", f"up again, {BREAKER_OPEN_S:g} s later")
        kit.proxy.up()
        kit.clock.advance(BREAKER_OPEN_S + 0.1)
        bookings(recovery, 2)
        expect(recovery, 201, 2)
        phases.append(recovery)

        slow = Phase("slow", f"1000 ms latency (timeout {ATTEMPT_TIMEOUT_S} s)")
        kit.proxy.set(latency_ms=1000)
        bookings(slow, slow_bookings)
        expect(slow, 202, slow_bookings)
        limit = CALL_BUDGET_S + ATTEMPT_TIMEOUT_S + SLACK_S
        if slow.slowest_s > limit:
            slow.problems.append(f"a booking took {slow.slowest_s:.1f} s (the budget allows {CALL_BUDGET_S + ATTEMPT_TIMEOUT_S:.1f} s)")
        phases.append(slow)
        kit.proxy.clear()
    return phases
