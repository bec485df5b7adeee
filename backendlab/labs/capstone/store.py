"""The reference booking store (exercise 1): atomic seat taking, one booking per idempotency key, the outbox, pagination,
the sales report in SQL; plus the naive store the notebook races, and opaque cursors."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from backendlab.labs.capstone.config import BadCursor, Conflict, KeyReused, SoldOut, UnknownBooking, UnknownEvent
from backendlab.labs.capstone.schema import Booking, Event, StoreBase, booking_dict, new_id, now_iso

CURSOR_ID = re.compile(r"^bkg_[0-9a-f]{12}$")

SALES_REPORT_SQL = text("""
    SELECT e.id AS event_id, e.name AS name, COUNT(b.seq) AS bookings,
           COALESCE(SUM(b.seats), 0) AS seats_sold, COALESCE(SUM(b.amount_cents), 0) AS revenue_cents
    FROM events e
    LEFT JOIN bookings b ON b.event_id = e.id AND b.status = 'confirmed'
    GROUP BY e.id, e.name
    ORDER BY revenue_cents DESC, e.name, e.id
""")


def encode_cursor(booking_id: str) -> str:
    """An opaque cursor that resumes a listing after `booking_id` (clients must not build or read it)."""
    return base64.urlsafe_b64encode(json.dumps({"v": 1, "after": booking_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The booking id inside a cursor from encode_cursor(); anything else raises capstone.BadCursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        after = data["after"] if isinstance(data, dict) and data.get("v") == 1 else None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise BadCursor(cursor[:40]) from None
    if not isinstance(after, str) or not CURSOR_ID.match(after):
        raise BadCursor(cursor[:40])
    return after


class BookingStore(StoreBase):
    """Reference answer of exercise 1."""

    def _by_key(self, customer: str, key: str) -> Booking | None:
        with self.Session() as s:
            return s.scalars(select(Booking).where(Booking.customer == customer, Booking.idempotency_key == key)).first()

    @staticmethod
    def _replay(existing: Booking, event_id: str, seats: int) -> tuple[dict[str, Any], bool]:
        if existing.event_id != event_id or existing.seats != seats:
            raise KeyReused(existing.idempotency_key)
        return booking_dict(existing), False

    def book(self, event_id: str, customer: str, seats: int, key: str) -> tuple[dict[str, Any], bool]:
        existing = self._by_key(customer, key)
        if existing is not None:
            return self._replay(existing, event_id, seats)
        try:
            with self.Session.begin() as s:
                event = s.get(Event, event_id)
                if event is None:
                    raise UnknownEvent(event_id)
                # One conditional UPDATE: the database checks and takes the seats in one step, so two concurrent
                # bookings can never both see the last seat.
                taken = s.execute(update(Event).where(Event.id == event_id, Event.seats_left >= seats)
                                  .values(seats_left=Event.seats_left - seats)).rowcount
                if taken != 1:
                    raise SoldOut(event_id)
                booking = Booking(id=new_id("bkg"), event_id=event_id, customer=customer, seats=seats,
                                  amount_cents=seats * event.price_cents, status="pending_payment", idempotency_key=key,
                                  created_at=now_iso())
                s.add(booking)
                s.flush()  # the unique (customer, key) constraint speaks now, inside the transaction
                self.emit(s, "booking.created", booking)
        except IntegrityError:  # a concurrent request with the same key won: its transaction committed first
            existing = self._by_key(customer, key)
            if existing is None:
                raise
            return self._replay(existing, event_id, seats)
        return booking_dict(booking), True

    def settle(self, booking_id: str, outcome: str) -> dict[str, Any]:
        if outcome not in ("confirmed", "rejected"):
            raise ValueError(f"outcome is 'confirmed' or 'rejected', got {outcome!r}")
        with self.Session.begin() as s:
            booking = s.scalars(select(Booking).where(Booking.id == booking_id)).first()
            if booking is None:
                raise UnknownBooking(booking_id)
            changed = s.execute(update(Booking).where(Booking.id == booking_id, Booking.status == "pending_payment")
                                .values(status=outcome)).rowcount
            s.refresh(booking)
            if changed:
                if outcome == "rejected":
                    s.execute(update(Event).where(Event.id == booking.event_id).values(seats_left=Event.seats_left + booking.seats))
                self.emit(s, f"booking.{outcome}", booking)
        return booking_dict(booking)

    def cancel(self, booking_id: str) -> dict[str, Any]:
        with self.Session.begin() as s:
            booking = s.scalars(select(Booking).where(Booking.id == booking_id)).first()
            if booking is None:
                raise UnknownBooking(booking_id)
            changed = s.execute(update(Booking).where(Booking.id == booking_id, Booking.status.in_(("pending_payment", "confirmed")))
                                .values(status="cancelled")).rowcount
            s.refresh(booking)
            if changed:
                s.execute(update(Event).where(Event.id == booking.event_id).values(seats_left=Event.seats_left + booking.seats))
                self.emit(s, "booking.cancelled", booking)
            elif booking.status == "rejected":
                raise Conflict(booking_id)
        return booking_dict(booking)

    def bookings(self, customer: str | None, after: str | None, limit: int) -> list[dict[str, Any]]:
        with self.Session() as s:
            query = select(Booking).order_by(Booking.seq).limit(limit)
            if customer is not None:
                query = query.where(Booking.customer == customer)
            if after is not None:
                position = s.scalar(select(Booking.seq).where(Booking.id == after))
                if position is None:
                    raise BadCursor(after)
                query = query.where(Booking.seq > position)
            return [booking_dict(b) for b in s.scalars(query)]

    def sales_report(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(SALES_REPORT_SQL)]


class NaiveStore(BookingStore):
    """The store as it is often first written: read the seats left, check in Python, write the new value.

    Correct alone, wrong under concurrency: two requests read the same seats_left, both pass the check, and the
    second write overwrites the first (a lost update). The notebook races it against BookingStore.
    """

    def book(self, event_id: str, customer: str, seats: int, key: str) -> tuple[dict[str, Any], bool]:
        existing = self._by_key(customer, key)
        if existing is not None:
            return self._replay(existing, event_id, seats)
        with self.Session.begin() as s:
            event = s.get(Event, event_id)
            if event is None:
                raise UnknownEvent(event_id)
            left = event.seats_left
            if left < seats:
                raise SoldOut(event_id)
            s.execute(update(Event).where(Event.id == event_id).values(seats_left=left - seats))
            booking = Booking(id=new_id("bkg"), event_id=event_id, customer=customer, seats=seats,
                              amount_cents=seats * event.price_cents, status="pending_payment", idempotency_key=key, created_at=now_iso())
            s.add(booking)
            s.flush()
            self.emit(s, "booking.created", booking)
        return booking_dict(booking), True
