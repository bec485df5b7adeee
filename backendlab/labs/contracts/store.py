"""The in-memory order store, its clock and sample data."""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

# ---------------------------------------------------------------------------------------------------------------
# The order store and the reference service
# ---------------------------------------------------------------------------------------------------------------


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds, fixed width, so that text order is time order: 2025-01-01T12:00:00.000000Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakeClock:
    """A clock for tests: each call returns the next instant, `step` apart."""

    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(seconds=1)) -> None:
        self.now = start or datetime(2025, 1, 1, tzinfo=UTC)
        self.step = step

    def __call__(self) -> datetime:
        current = self.now
        self.now += self.step
        return current


SAMPLE_CUSTOMERS = ("cus_ada01", "cus_bob02", "cus_cy03", "cus_dee04", "cus_eve05")
SAMPLE_SKUS = ("BOOK-42", "MUG-7", "PEN-3", "LAMP-11", "DESK-1", "CABLE-USB")
PRICES = (250, 499, 1250, 3999, 12900)


class OrderStore:
    """Orders in memory, safe to use from FastAPI's worker threads. Ids are ord_ + 12 hex digits, in creation order."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self._orders: dict[str, dict[str, Any]] = {}
        self._counter = 0
        self._lock = threading.Lock()

    def create(self, new_order: dict[str, Any], status: str = "pending") -> dict[str, Any]:
        """Store a NewOrder (a dict) as an Order and return it: id, status, total and created_at are set here."""
        items = [dict(item) for item in new_order["items"]]
        with self._lock:
            self._counter += 1
            order: dict[str, Any] = {
                "id": f"ord_{self._counter:012x}",
                "customer_id": new_order["customer_id"],
                "status": status,
                "currency": new_order["currency"],
                "items": items,
                "total_cents": sum(i["quantity"] * i["unit_price_cents"] for i in items),
                "created_at": format_timestamp(self.clock()),
            }
            if new_order.get("note") is not None:
                order["note"] = new_order["note"]
            self._orders[order["id"]] = order
            return copy.deepcopy(order)

    def get(self, order_id: str) -> dict[str, Any] | None:
        """A copy of the order, or None."""
        with self._lock:
            order = self._orders.get(order_id)
            return copy.deepcopy(order) if order is not None else None

    def update(self, order_id: str, **changes: Any) -> dict[str, Any]:
        """Change fields of an order (KeyError if it does not exist) and return the new version."""
        with self._lock:
            order = self._orders[order_id]
            order.update(changes)
            return copy.deepcopy(order)

    def all(self, status: str | None = None, customer_id: str | None = None) -> list[dict[str, Any]]:
        """Copies of all orders, optionally filtered."""
        with self._lock:
            return [
                copy.deepcopy(o)
                for o in self._orders.values()
                if (status is None or o["status"] == status) and (customer_id is None or o["customer_id"] == customer_id)
            ]

    def __len__(self) -> int:
        with self._lock:
            return len(self._orders)

    def seed(self, count: int, seed: int = 0) -> list[dict[str, Any]]:
        """Add `count` plausible orders (deterministic for a seed) and return them."""
        rng = random.Random(seed)
        made = []
        for _ in range(count):
            items = [
                {"sku": rng.choice(SAMPLE_SKUS), "quantity": rng.randint(1, 5), "unit_price_cents": rng.choice(PRICES)}
                for _ in range(rng.randint(1, 3))
            ]
            status = rng.choices(["pending", "paid", "shipped", "cancelled"], weights=[3, 3, 3, 1])[0]
            currency = rng.choice(["EUR", "EUR", "USD", "GBP"])
            data: dict[str, Any] = {"customer_id": rng.choice(SAMPLE_CUSTOMERS), "currency": currency, "items": items}
            order = self.create(data, status=status)
            if status == "cancelled":
                order = self.update(order["id"], cancel_reason=rng.choice(["customer_request", "out_of_stock"]))
            made.append(order)
        return made
