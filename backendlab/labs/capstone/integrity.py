"""Data-integrity drills for a store: many threads race for the last seats, or retry one request with the same key at
once. A small delay after every SELECT (as on a busy database) widens the race windows so a race shows up reliably."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from backendlab.labs.capstone.schema import Booking, Event, OutboxEvent, database, recording

JOIN_TIMEOUT_S = 30.0


@dataclass
class RaceResult:
    """What a race left behind: bookings in the database, seats left, what each caller got."""

    kind: str
    threads: int
    capacity: int
    booked_seats: int = 0
    seats_left: int = 0
    outcomes: Counter = field(default_factory=Counter)  # "booked", "SoldOut", other exception names
    distinct_ids: int = 0
    created: int = 0  # callers that got created=True
    bookings_rows: int = 0
    created_events: int = 0
    seconds: float = 0.0

    @property
    def oversold(self) -> bool:
        return self.booked_seats > self.capacity or self.seats_left < 0 or self.booked_seats + self.seats_left != self.capacity

    def describe(self) -> str:
        got = ", ".join(f"{n} got {k}" for k, n in sorted(self.outcomes.items()))
        rows = f"{self.bookings_rows} booking row{'s' if self.bookings_rows != 1 else ''}"
        return (f"{self.kind:10} {self.threads} threads for {self.capacity} seats: {got}; in the database {rows}, "
                f"{self.booked_seats} seats booked, {self.seats_left} left{'  OVERSOLD' if self.oversold else ''} ({self.seconds:.2f} s)")


def _run_threads(n: int, work: Callable[[int], Any], outcomes: Counter, results: list[Any]) -> None:
    barrier = threading.Barrier(n)
    lock = threading.Lock()

    def runner(i: int) -> None:
        try:
            barrier.wait(10)
            value = work(i)
            with lock:
                outcomes["booked"] += 1
                results.append(value)
        except Exception as exc:
            with lock:
                outcomes[type(exc).__name__] += 1

    threads = [threading.Thread(target=runner, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + JOIN_TIMEOUT_S
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() for t in threads):
        outcomes["still running after 30 s"] += sum(t.is_alive() for t in threads)


def _totals(engine: Any, event_id: str, result: RaceResult) -> None:
    with engine.connect() as conn:
        result.booked_seats = int(conn.execute(select(func.coalesce(func.sum(Booking.seats), 0)).where(
            Booking.event_id == event_id, Booking.status != "rejected", Booking.status != "cancelled")).scalar_one())
        result.seats_left = int(conn.execute(select(Event.seats_left).where(Event.id == event_id)).scalar_one())
        result.bookings_rows = int(conn.execute(select(func.count()).select_from(Booking).where(Booking.event_id == event_id)).scalar_one())
        result.created_events = int(conn.execute(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.type == "booking.created")).scalar_one())


REPLICAS = 2  # racers share the database through two store objects, as two replicas of the service would


def race_for_last_seats(store_cls: Callable[[Any], Any], kind: str = "sqlite", threads: int = 12, capacity: int = 3,
                        seats: int = 1, delay_s: float = 0.02) -> RaceResult:
    """`threads` customers book `seats` each, all at once, of an event with `capacity` seats, on a fresh database,
    through REPLICAS store objects (a lock inside one store object protects nothing across replicas)."""
    db = database(kind)
    try:
        stores = [store_cls(db.engine) for _ in range(REPLICAS)]
        event = stores[0].add_event("Last seats", capacity, 1_000)
        result = RaceResult(kind, threads, capacity)
        ids: list[Any] = []
        started = time.perf_counter()
        with recording(db.engine, delay_after_select_s=delay_s):
            _run_threads(threads, lambda i: stores[i % REPLICAS].book(event["id"], f"racer-{i}", seats, f"race-{uuid.uuid4().hex[:12]}"),
                         result.outcomes, ids)
        result.seconds = time.perf_counter() - started
        result.distinct_ids = len({r[0]["id"] for r in ids if isinstance(r, tuple) and r and isinstance(r[0], dict)})
        _totals(db.engine, event["id"], result)
        return result
    finally:
        db.close()


def race_same_key(store_cls: Callable[[Any], Any], kind: str = "sqlite", threads: int = 8, delay_s: float = 0.02) -> RaceResult:
    """One customer sends the same booking with the same Idempotency-Key from `threads` threads at once (a client
    that retried too eagerly): exactly one booking and one booking.created event may result."""
    db = database(kind)
    try:
        stores = [store_cls(db.engine) for _ in range(REPLICAS)]
        event = stores[0].add_event("Retried", 100, 1_000)
        result = RaceResult(kind, threads, 100)
        ids: list[Any] = []
        key = f"retry-{uuid.uuid4().hex[:12]}"
        started = time.perf_counter()
        with recording(db.engine, delay_after_select_s=delay_s):
            _run_threads(threads, lambda i: stores[i % REPLICAS].book(event["id"], "retrier", 2, key), result.outcomes, ids)
        result.seconds = time.perf_counter() - started
        result.distinct_ids = len({r[0]["id"] for r in ids if isinstance(r, tuple) and r and isinstance(r[0], dict)})
        result.created = sum(1 for r in ids if isinstance(r, tuple) and len(r) == 2 and r[1] is True)
        _totals(db.engine, event["id"], result)
        return result
    finally:
        db.close()
