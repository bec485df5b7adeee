"""Graded milestones of notebook 1: the store (CRUD, outbox, report, races) and the HTTP layer (conformance, retries
with one effect, graceful shutdown). Each function drives your part with the course's parts around it and fails at
the first broken promise with a readable message (backendlab.checks)."""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import Any

import httpx

from backendlab.checks import answer, check_equal, check_raises, check_true, quiet
from backendlab.labs.capstone.cache import AvailabilityCache
from backendlab.labs.capstone.choose import written
from backendlab.labs.capstone.config import BadCursor, Conflict, KeyReused, SoldOut, UnknownBooking, UnknownEvent
from backendlab.labs.capstone.conformance import check_conformance
from backendlab.labs.capstone.integrity import race_for_last_seats, race_same_key
from backendlab.labs.capstone.kit import Kit, assemble, http_client, running
from backendlab.labs.capstone.schema import StoreBase, booking_dict, database, recording

BOOKING_KEYS = ["amount_cents", "created_at", "customer", "event_id", "id", "seats", "status"]
BOOKING_ID = re.compile(r"^bkg_[0-9a-f]{12}$")


def _new_store(store_cls: Any, engine: Any) -> Any:
    store = answer(store_cls, engine, hint="BookingStore(engine) builds on capstone.StoreBase: keep its __init__.")
    check_true(isinstance(store, StoreBase), "BookingStore to be a subclass of capstone.StoreBase")
    return store


def _seats(store: Any, event_id: str) -> int:
    return store.event(event_id)["seats_left"]


def _types(store: Any) -> list[tuple[str, str]]:
    return [(r["type"], r["booking_id"]) for r in store.outbox()]


def store_crud(store_cls: Any, kinds: tuple[str, ...] = ("sqlite",), full: bool = True) -> None:
    """Every sentence of the store's docstrings, on each database kind."""
    for kind in kinds:
        db = database(kind)
        try:
            with quiet("your BookingStore"):
                _store_crud(store_cls, db.engine, f"[{kind}] ", full)
        finally:
            db.close()


def _store_crud(store_cls: Any, engine: Any, on: str, full: bool) -> None:
    store = _new_store(store_cls, engine)
    concert, talk = store.add_event("Concert", 10, 2_500), store.add_event("Talk", 5, 1_000)
    result = answer(store.book, concert["id"], "alice", 2, "key-0001")
    check_true(isinstance(result, tuple) and len(result) == 2, f"{on}book() to return a (booking, created) tuple, got {result!r}"[:300])
    first, created = result
    check_equal(created, True, f"{on}created, for a new key")
    check_equal(sorted(first) if isinstance(first, dict) else first, BOOKING_KEYS, f"{on}the keys of the booking dict",
                hint="Return capstone.booking_dict(row).")
    check_true(bool(BOOKING_ID.match(str(first["id"]))),
               f"{on}a booking id like bkg_0123456789ab (capstone.new_id('bkg')), got {first['id']!r}")
    check_equal({k: first[k] for k in ("event_id", "customer", "seats", "amount_cents", "status")},
                {"event_id": concert["id"], "customer": "alice", "seats": 2, "amount_cents": 5_000, "status": "pending_payment"},
                f"{on}the new booking (2 seats at 2 500 cents)")
    check_equal(_seats(store, concert["id"]), 8, f"{on}seats_left after booking 2 of 10")
    check_equal(_types(store), [("booking.created", first["id"])], f"{on}the outbox after one booking")
    check_equal(answer(store.book, concert["id"], "alice", 2, "key-0001"), (first, False), f"{on}book() again with the same key",
                hint="The same customer and key return the existing booking with created=False.")
    check_equal((_seats(store, concert["id"]), len(store.outbox())), (8, 1), f"{on}(seats_left, outbox rows) after the replay")
    check_raises(KeyReused, store.book, concert["id"], "alice", 3, "key-0001", what=f"{on}the same key with 3 seats instead of 2")
    check_raises(KeyReused, store.book, talk["id"], "alice", 2, "key-0001", what=f"{on}the same key for another event")
    bob, bob_created = answer(store.book, concert["id"], "bob", 2, "key-0001",
                              hint="Keys belong to a customer: bob's key-0001 is not alice's.")
    check_true(bob_created is True and bob["id"] != first["id"] and bob["customer"] == "bob",
               f"{on}bob's own booking with the key alice used")
    check_raises(UnknownEvent, store.book, "evt_000000000000", "alice", 1, "key-0002", what=f"{on}book() of an unknown event")
    check_raises(SoldOut, store.book, talk["id"], "carol", 6, "key-0003", what=f"{on}6 seats of an event with 5 left")
    check_equal((_seats(store, talk["id"]), len(store.outbox())), (5, 2), f"{on}(seats_left, outbox rows) after refused bookings",
                hint="A refused booking writes nothing: no booking, no seats taken, no outbox row.")
    last, _ = answer(store.book, talk["id"], "carol", 5, "key-0004", hint="Exactly the seats left can be booked.")
    check_equal(_seats(store, talk["id"]), 0, f"{on}seats_left after booking exactly the 5 left")
    check_raises(SoldOut, store.book, talk["id"], "dave", 1, "key-0005", what=f"{on}1 seat of a sold-out event")

    confirmed = answer(store.settle, first["id"], "confirmed")
    check_equal(confirmed, {**first, "status": "confirmed"}, f"{on}settle(booking, 'confirmed')")
    check_equal(_types(store)[-1], ("booking.confirmed", first["id"]), f"{on}the last outbox row after settle(..., 'confirmed')")
    check_equal(answer(store.settle, first["id"], "rejected")["status"], "confirmed",
                f"{on}settle() of a booking that is no longer pending")
    check_equal((_seats(store, concert["id"]), len(store.outbox())), (6, 4),
                f"{on}(seats_left, outbox rows) after settling a settled booking")
    if not full:
        return
    check_raises(UnknownBooking, store.settle, "bkg_000000000000", "confirmed", what=f"{on}settle() of an unknown booking")
    rejected = answer(store.settle, bob["id"], "rejected")
    check_equal(rejected["status"], "rejected", f"{on}the status after settle(..., 'rejected')")
    check_equal(_seats(store, concert["id"]), 8, f"{on}seats_left after a rejection (its 2 seats come back)")
    check_equal(_types(store)[-1], ("booking.rejected", bob["id"]), f"{on}the last outbox row after a rejection")
    cancelled = answer(store.cancel, first["id"])
    check_equal(cancelled, {**first, "status": "cancelled"}, f"{on}cancel() of a confirmed booking")
    check_equal((_seats(store, concert["id"]), _types(store)[-1]), (10, ("booking.cancelled", first["id"])),
                f"{on}(seats_left, last outbox row) after cancel()")
    rows = len(store.outbox())
    check_equal(answer(store.cancel, first["id"])["status"], "cancelled", f"{on}cancel() twice")
    check_equal((_seats(store, concert["id"]), len(store.outbox())), (10, rows), f"{on}(seats_left, outbox rows) after cancelling twice",
                hint="A second cancel changes nothing: the seats came back once.")
    check_raises(Conflict, store.cancel, bob["id"], what=f"{on}cancel() of a rejected booking")
    check_raises(UnknownBooking, store.cancel, "bkg_000000000000", what=f"{on}cancel() of an unknown booking")
    pending, _ = store.book(concert["id"], "erin", 3, "key-0006")
    check_equal(answer(store.cancel, pending["id"])["status"], "cancelled", f"{on}cancel() of a pending_payment booking")
    check_equal(_seats(store, concert["id"]), 10, f"{on}seats_left after cancelling a pending booking")
    _store_listing(store, on, [first, bob, last, pending], concert, talk)


def _store_listing(store: Any, on: str, made: list[dict[str, Any]], concert: dict[str, Any], talk: dict[str, Any]) -> None:
    more = [store.book(concert["id"], "alice" if i % 2 else "frank", 1, f"key-1{i:03d}")[0] for i in range(7)]
    everyone = [store.booking(b["id"]) for b in made + more]
    check_equal(answer(store.bookings, None, None, 100), everyone, f"{on}bookings(None, None, 100): everyone's, oldest first")
    alices = [b for b in everyone if b["customer"] == "alice"]
    check_equal(answer(store.bookings, "alice", None, 100), alices, f"{on}bookings('alice', None, 100)")
    check_equal(answer(store.bookings, None, None, 3), everyone[:3], f"{on}the first page of 3")
    check_equal(answer(store.bookings, None, everyone[2]["id"], 3), everyone[3:6], f"{on}the page after the 3rd booking",
                hint="`after` is exclusive: start with the booking that follows it.")
    check_equal(answer(store.bookings, "alice", alices[0]["id"], 2), alices[1:3], f"{on}alice's page after her first booking")
    check_equal(answer(store.bookings, None, everyone[-1]["id"], 5), [], f"{on}the page after the last booking")
    check_raises(BadCursor, store.bookings, None, "bkg_000000000000", 5, what=f"{on}bookings() after an id that is no booking")
    for b in more[:3]:
        store.settle(b["id"], "confirmed")
    confirmed = [store.booking(b["id"]) for b in made + more if store.booking(b["id"])["status"] == "confirmed"]
    expected = []
    for event in (concert, talk):
        mine = [b for b in confirmed if b["event_id"] == event["id"]]
        expected.append({"event_id": event["id"], "name": event["name"], "bookings": len(mine),
                         "seats_sold": sum(b["seats"] for b in mine), "revenue_cents": sum(b["amount_cents"] for b in mine)})
    expected.sort(key=lambda r: (-r["revenue_cents"], r["name"], r["event_id"]))
    with recording(store.engine) as log:
        report = answer(store.sales_report)
    got = [dict(r) if isinstance(r, dict) else r for r in report] if isinstance(report, list) else report
    check_equal(got, expected, f"{on}sales_report() (confirmed bookings only, best-selling first, every event)",
                hint="LEFT JOIN bookings ON ... AND status = 'confirmed', GROUP BY the event; "
                     "COALESCE(SUM(...), 0) for events without sales.")
    check_equal((len(log.statements), "GROUP BY" in " ".join(log.statements).upper()), (1, True),
                f"{on}(statements run, uses GROUP BY) by sales_report()", hint="One SQL statement with GROUP BY, not a query per event.")


def store_races(store_cls: Any, kinds: tuple[str, ...] = ("sqlite",), full: bool = True) -> None:
    """Concurrent bookings never oversell; the same key sent concurrently makes one booking (per database kind)."""
    check_true(written(store_cls, ("book",)), "BookingStore.book to be written before the race",
               hint="book() still raises NotImplementedError (Exercise 1 above): every racer failed, so no seat was booked.")
    for kind in kinds:
        with quiet("your BookingStore"):
            race = race_for_last_seats(lambda engine: _new_store(store_cls, engine), kind)
        check_equal((race.booked_seats, race.seats_left), (3, 0), f"[{kind}] (seats booked, seats left) after 12 threads raced for 3 seats",
                    hint="Check and take the seats in one conditional UPDATE ... WHERE seats_left >= :seats; "
                         "a SELECT then an UPDATE loses updates (SQLite ignores SELECT ... FOR UPDATE).")
        check_equal(dict(race.outcomes), {"booked": 3, "SoldOut": 9}, f"[{kind}] what the 12 racers got")
        check_equal(race.bookings_rows, 3, f"[{kind}] booking rows after the race")
        if not full:
            continue
        with quiet("your BookingStore"):
            pairs = race_for_last_seats(lambda engine: _new_store(store_cls, engine), kind, threads=6, capacity=5, seats=2)
        check_equal((pairs.booked_seats, pairs.seats_left, dict(pairs.outcomes)), (4, 1, {"booked": 2, "SoldOut": 4}),
                    f"[{kind}] (seats booked, seats left, outcomes) after 6 threads raced for 2 seats each of 5")
        with quiet("your BookingStore"):
            same = race_same_key(lambda engine: _new_store(store_cls, engine), kind)
        check_equal(dict(same.outcomes), {"booked": 8}, f"[{kind}] what 8 concurrent calls with the same customer and key got",
                    hint="The loser of the race hits the unique (customer, idempotency_key) constraint: catch IntegrityError "
                         "(the transaction is rolled back) and return the winner's booking with created=False.")
        check_equal((same.distinct_ids, same.created, same.bookings_rows, same.created_events, same.seats_left), (1, 1, 1, 1, 98),
                    f"[{kind}] (distinct booking ids returned, callers told created=True, booking rows, booking.created rows, "
                    "seats left) after that race", hint="Only the caller whose transaction made the booking gets created=True.")


# --- the HTTP layer ----------------------------------------------------------------------------------------------
def _assembled(create_app: Any, name: str, **kwargs: Any) -> tuple[Kit, Any]:
    kit = Kit(name)
    try:
        app = answer(assemble, kit, create_app=create_app, **kwargs, hint="create_app(parts) must return the FastAPI app.")
    except BaseException:
        kit.close()
        raise
    return kit, app


def conformance_report(create_app: Any) -> Any:
    """Run the conformance suite over every operation, with your HTTP layer and the course's other parts."""
    kit, app = _assembled(create_app, "capstone-grade-api")
    try:
        with quiet("your create_app"), running(kit, app) as c:
            report = check_conformance(c, kit)
    finally:
        kit.close()
    print(f"{sum(p.ok for p in report.probes)}/{len(report.probes)} probes conform")
    return report


VISIBLE_PROBES = ("GET /health", "GET /events", "POST /bookings")


def check_probes(report: Any, full: bool = True) -> None:
    """Fail at the first probe that did not conform (full=False: only the probes of health, events and booking)."""
    for probe in report.probes:
        if full or (probe.operation in VISIBLE_PROBES and probe.expected < 300):
            check_true(probe.ok, f"{probe.operation} — {probe.name}: {'; '.join(probe.problems)}",
                       hint="Compare with the contract (capstone.contract_text()) and the docstring of create_app.")


def api_conformance(create_app: Any) -> None:
    check_probes(conformance_report(create_app))


def available(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The database kinds that can run here: "postgresql" only when a PostgreSQL server is installed (or
    $DATABASE_URL names one); says so when it is left out."""
    import os

    from backendlab.servers.postgres import find_bindir

    if "postgresql" in kinds and find_bindir() is None and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("note: no PostgreSQL server on this machine — checked on SQLite only (install one to check both)")
        return tuple(k for k in kinds if k != "postgresql")
    return kinds


def _post(c: httpx.Client, kit: Kit, who: str, event_id: str, seats: int, key: str) -> httpx.Response:
    return c.post("/bookings", json={"event_id": event_id, "seats": seats}, headers={**kit.headers(who), "Idempotency-Key": key})


def api_retries(create_app: Any, full: bool = True) -> None:
    """Retries have one effect (sequential and concurrent), keys belong to a customer, outcomes map to 201/202/402,
    pages cover every booking once, someone else's booking does not exist, and reads are fresh after a change."""
    # the course's cache with a 60 s TTL: a read is fresh after a change only because the change invalidated it
    kit, app = _assembled(create_app, "capstone-grade-retries",
                          cache=lambda ttl_s, max_entries, clock: AvailabilityCache(60.0, max_entries, clock=clock))
    store = app.state.parts.store
    try:
        with quiet("your create_app"), running(kit, app) as c:
            events = {e["name"]: e for e in c.get("/events").json()["items"]}
            opening = events["Opening night"]["id"]
            check_equal(c.get(f"/events/{opening}").json()["seats_left"], 40, "seats_left of Opening night before any booking")
            first = _post(c, kit, "alice", opening, 2, "retry-0001")
            calls = kit.ledger.requests  # one, or more if a busy machine made an attempt time out (its retry is a replay)
            again = _post(c, kit, "alice", opening, 2, "retry-0001")
            check_equal((first.status_code, again.status_code), (201, 201), "(status, status of the retry) of one booking sent twice")
            check_equal(again.json(), first.json(), "the retry's body", hint="A retry returns the booking the first request made.")
            check_equal((kit.ledger.requests - calls, kit.ledger.charged(first.json()["id"])), (0, 1),
                        "(requests to payments caused by the retry, charges of the booking)",
                        hint="Call payments only when store.book() created the booking.")
            check_equal(c.get(f"/events/{opening}").json()["seats_left"], 38, "seats_left of Opening night right after booking 2 of 40",
                        hint="After a change, invalidate the cache entries ('event', id) and ('events',).")
            if not full:
                return
            results: list[httpx.Response] = []
            barrier = threading.Barrier(6)

            def retry() -> None:
                barrier.wait(10)
                results.append(_post(c, kit, "bob", opening, 1, "retry-0002"))

            threads = [threading.Thread(target=retry) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            ids = {r.json().get("id") for r in results if r.status_code in (201, 202)}
            check_equal((len(results), len(ids), len(store.bookings("bob", None, 50))), (6, 1, 1),
                        "(answers, distinct booking ids, bob's bookings) after 6 concurrent sends of one request")
            check_equal(sorted({r.status_code for r in results} - {201, 202}), [], "statuses other than 201/202 among those answers")
            other = _post(c, kit, "carol", opening, 2, "retry-0001")
            check_true(other.status_code == 201 and other.json()["id"] != first.json()["id"],
                       "carol's request with alice's key to make carol's own booking")
            declined = _post(c, kit, "dave", events["Gala dinner"]["id"], 2, "retry-0003")
            check_equal((declined.status_code, declined.headers.get("content-type", "").split(";")[0]), (402, "application/problem+json"),
                        "(status, content type) of a declined payment")
            rejected = [b for b in store.bookings("dave", None, 10)]
            check_equal([b["status"] for b in rejected], ["rejected"], "dave's bookings after the decline")
            check_equal(c.get(f"/events/{events['Gala dinner']['id']}").json()["seats_left"], 20,
                        "Gala dinner's seats_left after the decline")
            kit.proxy.down()
            try:
                pending = _post(c, kit, "erin", opening, 1, "retry-0004")
            finally:
                kit.proxy.up()
            check_equal((pending.status_code, pending.json().get("status"), pending.headers.get("location")),
                        (202, "pending_payment",
                         f"/bookings/{pending.json().get('id')}"), "(status, booking status, Location) with payments down")
            calls = kit.ledger.requests
            replay = _post(c, kit, "erin", opening, 1, "retry-0004")
            check_equal((replay.status_code, replay.json(), replay.headers.get("idempotent-replayed"), kit.ledger.requests - calls),
                        (202, pending.json(), "true", 0),
                        "(status, body, Idempotent-Replayed, requests to payments) of erin's retry once payments is back up",
                        hint="Charge only when store.book() created the booking: a replay answers the booking as it is, and a "
                             "pending one is charged later from its booking.created outbox event.")
            _fresh_after_cancel(c, kit, app.state.parts.cache, opening, first.json()["id"])
            _pages(c, kit, opening)
    finally:
        kit.close()


def _fresh_after_cancel(c: httpx.Client, kit: Kit, cache: Any, event_id: str, booking_id: str) -> None:
    """Cancelling gives seats back: both cached reads are fresh right after it; the reads use the documented keys."""
    def seats() -> tuple[int, int]:
        listed = {e["id"]: e["seats_left"] for e in c.get("/events").json()["items"]}
        return c.get(f"/events/{event_id}").json()["seats_left"], listed[event_id]

    one, listed = seats()
    loaded: list[Any] = []
    for key in (("events",), ("event", event_id)):
        cache.get(key, lambda key=key: loaded.append(key))
    check_equal(loaded, [], "keys parts.cache had to load although GET /events and GET /events/{event_id} had just read them",
                hint="Read through parts.cache with the keys ('events',) and ('event', event_id) — tuples: ('events') is a str.")
    cancel = c.post(f"/bookings/{booking_id}/cancel", headers=kit.headers("alice"))
    check_equal(cancel.status_code, 200, "alice cancelling her 2-seat booking")
    after_one, after_listed = seats()
    check_equal((after_one - one, after_listed - listed), (2, 2),
                "seats given back by that cancel, read right after it (GET /events/{event_id}, GET /events)",
                hint="A cancel changes the event's seats too: invalidate ('event', event_id) and ('events',) after it.")


def _pages(c: httpx.Client, kit: Kit, event_id: str) -> None:
    made = [_post(c, kit, "frank", event_id, 1, f"page-{i:04d}").json()["id"] for i in range(6)]
    seen, cursor, pages = [], None, 0
    while pages < 10:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = c.get("/bookings", params=params, headers=kit.headers("frank")).json()
        seen += [b["id"] for b in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    check_equal((seen, pages), (made, 2), "(frank's 6 booking ids walked page by page with limit=3, pages)",
                hint="Oldest first, each once; next_cursor is null on the last page (ask the store for limit + 1 rows to know).")
    theirs = c.get(f"/bookings/{made[0]}", headers=kit.headers("mallory"))
    check_equal(theirs.status_code, 404, "GET someone else's booking")
    cancel = c.post(f"/bookings/{made[0]}/cancel", headers=kit.headers("mallory"))
    check_equal((cancel.status_code, c.get(f"/bookings/{made[0]}", headers=kit.headers("frank")).json()["status"]), (404, "confirmed"),
                "(status of mallory cancelling frank's booking, its status afterwards)")
    everyone = c.get("/bookings", params={"limit": 50}, headers=kit.headers("ops", "admin")).json()["items"]
    check_true({b["customer"] for b in everyone} >= {"alice", "frank"}, "an admin's listing to include every customer's bookings")


def api_shutdown(create_app: Any, full: bool = True) -> None:
    """Startup starts the outbox relay; shutdown lets the request in flight finish, then flushes the relay and closes
    the payments client (full=False: the startup half only)."""
    kit, app = _assembled(create_app, "capstone-grade-shutdown", relay_interval_s=30.0)  # the relay publishes only when flushed
    parts = app.state.parts
    try:
        with quiet("your create_app"):
            service = kit.serve(app, "shutdown")
            with http_client(base_url=service.url, timeout=10.0) as c:
                check_equal(c.get("/health").status_code, 200, "GET /health")
                check_true(parts.relay.running, "the outbox relay to run once the service started (start it in the lifespan)")
                if not full:
                    service.stop()
                    return
                opening = {e["name"]: e["id"] for e in c.get("/events").json()["items"]}["Opening night"]
                kit.proxy.set(latency_ms=150)
                box: dict[str, Any] = {}

                def book() -> None:
                    try:
                        box["response"] = _post(c, kit, "gina", opening, 1, "shutdown-0001")
                    except httpx.HTTPError as exc:
                        box["error"] = type(exc).__name__

                worker = threading.Thread(target=book)
                worker.start()
                deadline = time.monotonic() + 5
                while kit.proxy.stats.requests == 0 and time.monotonic() < deadline:
                    time.sleep(0.005)
                service.stop()  # while the booking waits for payments
                worker.join(10)
            response = box.get("response")
            check_true(response is not None and response.status_code in (201, 202),
                       "the booking in flight during shutdown to finish with 201/202 "
                       f"(got {box.get('error') or (response and response.status_code)})")
            booking = response.json()
            check_true(not parts.relay.running, "the relay to be stopped after shutdown")
            check_equal(store_unpublished(parts.store), 0, "unpublished outbox rows after shutdown",
                        hint="Stop the relay with a flush in the lifespan's shutdown.")
            check_true("booking.created" in kit.bus.types(booking["id"]),
                       "the in-flight booking's booking.created event on the bus after shutdown")
            check_true(getattr(parts.payments.http, "is_closed", False),
                       "the payments client to be closed at shutdown (parts.payments.close())")
    finally:
        kit.close()


def store_unpublished(store: Any) -> int:
    return len(store.unpublished(1000))


def fresh_key() -> str:
    return "k-" + uuid.uuid4().hex[:16]


__all__ = ["BOOKING_KEYS", "api_conformance", "available", "check_probes", "conformance_report", "api_retries", "api_shutdown",
           "booking_dict", "fresh_key", "store_crud", "store_races"]
