"""The reference HTTP layer (exercise 2): the contract's routes over the parts, idempotent bookings, payment outcomes
mapped to 201 / 202 / 402, ownership, cursor pagination and a lifespan that shuts down gracefully."""


import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from backendlab.labs.capstone.config import (
    MAX_SEATS,
    PAGE_LIMIT_DEFAULT,
    PAGE_LIMIT_MAX,
    MissingIdempotencyKey,
    Parts,
    Principal,
    UnknownBooking,
    UnknownEvent,
)
from backendlab.labs.capstone.problems import install_problem_handlers, problem
from backendlab.labs.capstone.store import decode_cursor, encode_cursor

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
STATUS_CODES = {"confirmed": 201, "cancelled": 201, "pending_payment": 202}


def booking_response(booking: dict[str, Any], replayed: bool) -> Any:
    """The answer to POST /bookings for a booking in its current state (also for a replay)."""
    from fastapi.responses import JSONResponse

    headers = {"Location": f"/bookings/{booking['id']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    if booking["status"] == "rejected":
        return problem(402, "payment-declined", "Payment declined", "the payment was declined; the seats were released", headers)
    return JSONResponse(booking, status_code=STATUS_CODES[booking["status"]], headers=headers)


def create_app(parts: Parts) -> Any:
    """Reference answer of exercise 2."""
    from fastapi import Depends, FastAPI, Header, Query
    from pydantic import BaseModel, ConfigDict, Field

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        parts.relay.start()
        yield
        # uvicorn stops accepting connections and lets requests in flight finish before this runs
        parts.relay.stop(flush=True)
        parts.payments.close()

    app = FastAPI(title="Bookings API", version="1.0.0", lifespan=lifespan)
    install_problem_handlers(app, parts.log)
    store, cache, log = parts.store, parts.cache, parts.log

    def caller(*roles: str) -> Any:
        """A parameter type: the verified caller, who must have one of `roles` (401 / 403 / 429 from the guard)."""

        def dependency(authorization: str | None = Header(default=None)) -> Principal:
            return parts.guard.authorize(authorization, roles)

        return Annotated[Principal, Depends(dependency)]

    Customer, Anyone, Admin = caller("customer"), caller("customer", "admin"), caller("admin")

    def refresh_event(event_id: str) -> None:
        cache.invalidate(("event", event_id))
        cache.invalidate(("events",))

    def visible(booking_id: str, who: Principal) -> dict[str, Any]:
        booking = store.booking(booking_id)
        if booking is None or (who.role != "admin" and booking["customer"] != who.subject):
            raise UnknownBooking(booking_id)  # someone else's booking does not exist, as far as you can tell
        return booking

    class NewBooking(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        event_id: str = Field(max_length=40)
        seats: int = Field(ge=1, le=MAX_SEATS)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/events")
    def list_events() -> dict[str, Any]:
        return {"items": cache.get(("events",), store.events)}

    @app.get("/events/{event_id}")
    def get_event(event_id: str) -> dict[str, Any]:
        event = cache.get(("event", event_id), lambda: store.event(event_id))
        if event is None:
            raise UnknownEvent(event_id)
        return event

    @app.post("/bookings", status_code=201)
    def create_booking(body: NewBooking, who: Customer, key: str | None = Header(default=None, alias="Idempotency-Key")) -> Any:
        if key is None or not KEY_PATTERN.match(key):
            raise MissingIdempotencyKey()
        booking, created = store.book(body.event_id, who.subject, body.seats, key)
        if created:
            refresh_event(body.event_id)
            charge = parts.payments.charge(booking["id"], booking["amount_cents"])
            if charge.outcome == "captured":
                booking = store.settle(booking["id"], "confirmed")
            elif charge.outcome == "declined":
                booking = store.settle(booking["id"], "rejected")
                refresh_event(body.event_id)
            log.info("booking created", extra={"booking_id": booking["id"], "status": booking["status"], "attempts": charge.attempts})
        return booking_response(booking, replayed=not created)

    @app.get("/bookings")
    def list_bookings(who: Anyone, limit: int = Query(default=PAGE_LIMIT_DEFAULT, ge=1, le=PAGE_LIMIT_MAX),
                      cursor: str | None = Query(default=None, max_length=200)) -> dict[str, Any]:
        after = decode_cursor(cursor) if cursor is not None else None
        rows = store.bookings(None if who.role == "admin" else who.subject, after, limit + 1)
        items = rows[:limit]
        return {"items": items, "next_cursor": encode_cursor(items[-1]["id"]) if len(rows) > limit else None}

    @app.get("/bookings/{booking_id}")
    def get_booking(booking_id: str, who: Anyone) -> dict[str, Any]:
        return visible(booking_id, who)

    @app.post("/bookings/{booking_id}/cancel")
    def cancel_booking(booking_id: str, who: Anyone) -> dict[str, Any]:
        booking = store.cancel(visible(booking_id, who)["id"])
        refresh_event(booking["event_id"])
        log.info("booking cancelled", extra={"booking_id": booking_id})
        return booking

    @app.get("/reports/sales")
    def sales_report(who: Admin) -> dict[str, Any]:
        return {"items": store.sales_report()}

    return app
