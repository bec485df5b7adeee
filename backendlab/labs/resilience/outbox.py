"""The transactional outbox for module 07, on SQLite: an order and its event in one local transaction, and a relay
that publishes the events (the reference for exercise 4), with a broker that records what it received."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backendlab.labs.resilience.streams import Crash

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    total_cents INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    published_at REAL
);
"""


def open_db(path: str | Path) -> sqlite3.Connection:
    """A connection to the shop's SQLite file, tables created; rows come back as sqlite3.Row."""
    conn = sqlite3.connect(str(path), timeout=5)
    conn.row_factory = sqlite3.Row
    conn.executescript(SCHEMA)
    conn.commit()
    return conn


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex[:16]}"


def place_order(conn: sqlite3.Connection, order_id: str, customer: str, total_cents: int) -> str:
    """The course's reference answer to exercise 4, part 1: the order row and its outbox row in one transaction."""
    event_id = new_event_id()
    payload = {"order_id": order_id, "customer": customer, "total_cents": total_cents}
    with conn:
        conn.execute("INSERT INTO orders (id, customer, total_cents, status) VALUES (?, ?, ?, 'placed')",
                     (order_id, customer, total_cents))
        conn.execute("INSERT INTO outbox (event_id, topic, payload, created_at) VALUES (?, 'order-placed', ?, ?)",
                     (event_id, json.dumps(payload), time.time()))
    return event_id


def relay_outbox(conn: sqlite3.Connection, publish: Callable[[str, str, dict], None], batch: int = 100,
                 now: Callable[[], float] = time.time) -> int:
    """The course's reference answer to exercise 4, part 2: publish pending rows oldest first, mark each at once."""
    rows = conn.execute("SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?",
                        (batch,)).fetchall()
    published = 0
    for row in rows:
        publish(row["topic"], row["event_id"], json.loads(row["payload"]))
        with conn:
            conn.execute("UPDATE outbox SET published_at = ? WHERE id = ?", (now(), row["id"]))
        published += 1
    return published


@dataclass
class Broker:
    """What a topic received, in order, and the effect an idempotent consumer applied (deduplicated by event_id).

    `publish` can be made to fail: crash_before=k raises Crash on the k-th call before delivering, crash_after=k
    delivers, then raises Crash (the relay died between publish and mark); fail_on=k raises ConnectionError."""

    received: list[tuple[str, str, dict]] = field(default_factory=list)
    calls: int = 0
    crash_before: int | None = None
    crash_after: int | None = None
    fail_on: int | None = None

    def publish(self, topic: str, event_id: str, payload: dict) -> None:
        self.calls += 1
        if self.calls == self.crash_before:
            raise Crash(f"the relay crashed before publish #{self.calls} reached the broker")
        if self.calls == self.fail_on:
            raise ConnectionError(f"publish #{self.calls}: the broker is unreachable")
        self.received.append((topic, event_id, payload))
        if self.calls == self.crash_after:
            raise Crash(f"the relay crashed after publish #{self.calls}, before marking it")

    def event_ids(self) -> list[str]:
        return [e for _, e, _ in self.received]

    def applied_once(self) -> dict[str, dict]:
        """The consumer's view: event_id -> payload, each event applied once however often it arrived."""
        seen: dict[str, dict] = {}
        for _, event_id, payload in self.received:
            seen.setdefault(event_id, payload)
        return seen


def outbox_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT * FROM outbox ORDER BY id")]
