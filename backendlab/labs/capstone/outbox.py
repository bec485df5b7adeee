"""The transactional outbox's other half: a relay that publishes the outbox rows a store wrote, in order, to an event
bus (at least once: consumers dedupe by the row's seq), and an in-memory bus that records what it got."""

from __future__ import annotations

import threading
from typing import Any


class EventBus:
    """An in-memory broker: `published` is every event it received, in order (duplicates included)."""

    def __init__(self) -> None:
        self.published: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def publish(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.published.append(event)

    def types(self, booking_id: str | None = None) -> list[str]:
        with self._lock:
            return [e["type"] for e in self.published if booking_id is None or e["booking_id"] == booking_id]

    def clear(self) -> None:
        with self._lock:
            self.published.clear()


class OutboxRelay:
    """Publishes a store's unpublished outbox rows to `bus` every `interval_s` seconds once started, and on flush().

    A row is marked published only after the bus took it: a crash in between publishes it again (at least once).
    stop() ends the background thread and, by default, flushes what is left: call it when the service shuts down.
    """

    def __init__(self, store: Any, bus: EventBus, interval_s: float = 0.2, batch: int = 100) -> None:
        self.store, self.bus, self.interval_s, self.batch = store, bus, interval_s, batch
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._flush_lock = threading.Lock()
        self.published = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def flush(self) -> int:
        """Publish every unpublished row now (bounded: at most 100 batches); return how many were published."""
        count = 0
        with self._flush_lock:
            for _ in range(100):
                rows = self.store.unpublished(self.batch)
                if not rows:
                    break
                for row in rows:
                    self.bus.publish(row)
                self.store.mark_published([r["seq"] for r in rows])
                count += len(rows)
        self.published += count
        return count

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.flush()
            except Exception:  # the database is busy or gone: try again at the next tick
                continue

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._thread.start()

    def stop(self, flush: bool = True) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if flush:
            self.flush()
