"""The conformance suite: every operation of the contract, its success and its documented errors, each answer checked
against the contract (status, content type, required headers, body schema) and against the booking rules."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from backendlab.labs.capstone.contract import operations, response_problems

UNKNOWN_EVENT = "evt_000000000000"
UNKNOWN_BOOKING = "bkg_000000000000"


@dataclass
class Probe:
    """One request of the suite: what the contract expects and what came back."""

    operation: str
    name: str
    expected: int
    got: int | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ConformanceReport:
    probes: list[Probe] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.probes) and all(p.ok for p in self.probes)

    @property
    def failures(self) -> list[Probe]:
        return [p for p in self.probes if not p.ok]

    def covered(self) -> dict[str, set[int]]:
        """operation -> the statuses the suite provoked and checked."""
        out: dict[str, set[int]] = {}
        for p in self.probes:
            out.setdefault(p.operation, set()).add(p.expected)
        return out

    def table(self) -> str:
        lines = [f"{'':2} {'operation':30} {'probe':44} {'want':>4} {'got':>4}  problems"]
        for p in self.probes:
            got = p.got if p.got is not None else "-"
            lines.append(f"{'✓' if p.ok else '✗':2} {p.operation[:30]:30} {p.name[:44]:44} {p.expected:>4} {got:>4}  "
                         + "; ".join(p.problems)[:90])
        lines.append(f"{sum(p.ok for p in self.probes)}/{len(self.probes)} probes conform, over {len(self.covered())} operations")
        return "\n".join(lines)


def key() -> str:
    return "conf-" + uuid.uuid4().hex[:20]


class _Suite:
    def __init__(self, client: httpx.Client, kit: Any) -> None:
        self.c, self.kit = client, kit
        self.report = ConformanceReport()
        self.customer = kit.headers("conf-alice")
        self.other = kit.headers("conf-bob")
        self.admin = kit.headers("conf-ops", "admin")
        self.third = kit.headers("conf-carol")  # a customer of its own, so conf-alice's rate-limit bucket is unchanged

    def probe(self, method: str, path: str, name: str, expected: int, send: Callable[[], httpx.Response],
              check: Callable[[httpx.Response], list[str]] | None = None) -> httpx.Response | None:
        try:
            response = send()
        except httpx.HTTPError as exc:
            self.report.probes.append(Probe(f"{method} {path}", name, expected, None, [f"no answer: {type(exc).__name__}"]))
            return None
        problems = [] if response.status_code == expected else [f"expected {expected}, got {response.status_code}"]
        problems += response_problems(method, path, response)
        if check is not None and response.status_code == expected and not problems:
            try:
                problems += check(response)
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(f"unexpected body: {type(exc).__name__}: {exc}")
        self.report.probes.append(Probe(f"{method} {path}", name, expected, response.status_code, problems))
        return response

    def book(self, event_id: str, seats: int, headers: dict[str, str], idem: str | None = None) -> httpx.Response:
        return self.c.post("/bookings", json={"event_id": event_id, "seats": seats}, headers={**headers, "Idempotency-Key": idem or key()})

    def run(self) -> ConformanceReport:
        c = self.c
        self.probe("GET", "/health", "liveness", 200, lambda: c.get("/health"))
        listed = self.probe("GET", "/events", "list events (public)", 200, lambda: c.get("/events"))
        events = {e["name"]: e["id"] for e in listed.json().get("items", [])} if listed is not None and listed.status_code == 200 else {}
        opening, matinee, gala = (events.get(n, UNKNOWN_EVENT) for n in ("Opening night", "Matinee", "Gala dinner"))
        self.probe("GET", "/events/{event_id}", "one event", 200, lambda: c.get(f"/events/{opening}"),
                   lambda r: [] if r.json()["id"] == opening else ["another event came back"])
        self.probe("GET", "/events/{event_id}", "unknown event", 404, lambda: c.get(f"/events/{UNKNOWN_EVENT}"))

        # --- POST /bookings ---------------------------------------------------------------------------------
        post = ("POST", "/bookings")
        first_key = key()
        created = self.probe(*post, "book 1 seat", 201, lambda: self.book(opening, 1, self.customer, first_key), _confirmed)
        booking = created.json() if created is not None and created.status_code == 201 else {}
        self.probe(*post, "the same request again (a retry)", 201, lambda: self.book(opening, 1, self.customer, first_key),
                   lambda r: _replay(r, booking))
        self.probe(*post, "same Idempotency-Key, another body", 422, lambda: self.book(opening, 2, self.customer, first_key))
        self.probe(*post, "malformed JSON", 400, lambda: c.post("/bookings", content=b'{"event_id": "evt_', headers={
            **self.customer, "Idempotency-Key": key(), "Content-Type": "application/json"}))
        one = {"event_id": opening, "seats": 1}
        self.probe(*post, "no Idempotency-Key", 400, lambda: c.post("/bookings", json=one, headers=self.customer))
        self.probe(*post, "an Idempotency-Key of 65 characters", 400,
                   lambda: c.post("/bookings", json=one, headers={**self.third, "Idempotency-Key": "k" * 65}))
        self.probe(*post, "an Idempotency-Key with a '!' after 8 valid characters", 400,
                   lambda: c.post("/bookings", json=one, headers={**self.third, "Idempotency-Key": "conf-key!"}))
        self.probe(*post, "no token", 401, lambda: c.post("/bookings", json=one, headers={"Idempotency-Key": key()}))
        self.probe(*post, "an admin may not book", 403, lambda: self.book(opening, 1, self.admin))
        self.probe(*post, "payment declined (over the credit limit)", 402, lambda: self.book(gala, 2, self.customer))
        self.probe(*post, "unknown event", 404, lambda: self.book(UNKNOWN_EVENT, 1, self.customer))
        self.probe(*post, "5 seats of the 5-seat matinee", 201, lambda: self.book(matinee, 5, self.other), _confirmed)
        self.probe(*post, "sold out", 409, lambda: self.book(matinee, 1, self.customer))
        self.probe(*post, "seats = 0", 422, lambda: self.book(opening, 0, self.customer))
        self.probe(*post, "an undocumented field (price_cents)", 422, lambda: c.post("/bookings", json={
            "event_id": opening, "seats": 1, "price_cents": 1}, headers={**self.customer, "Idempotency-Key": key()}))
        big = b'{"event_id": "' + b"x" * 65536 + b'"}'
        self.probe(*post, "body over the size limit", 413, lambda: c.post("/bookings", content=big, headers={
            **self.customer, "Idempotency-Key": key(), "Content-Type": "application/json"}))
        self.kit.proxy.down()
        try:
            self.probe(*post, "payments service down", 202, lambda: self.book(opening, 1, self.customer),
                       lambda r: [] if r.json()["status"] == "pending_payment" else [f"status {r.json()['status']!r}, not pending_payment"])
        finally:
            self.kit.proxy.up()

        # --- reading and cancelling -------------------------------------------------------------------------
        bid = booking.get("id", UNKNOWN_BOOKING)
        def only_yours(r: httpx.Response) -> list[str]:
            items = r.json()["items"]
            return [] if items and all(b["customer"] == "conf-alice" for b in items) else ["not only (or none of) yours"]

        self.probe("GET", "/bookings", "your bookings", 200, lambda: c.get("/bookings", headers=self.customer), only_yours)
        self.probe("GET", "/bookings", "a cursor the service never issued", 400,
                   lambda: c.get("/bookings", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=self.customer))
        self.probe("GET", "/bookings", "limit=0", 422, lambda: c.get("/bookings", params={"limit": 0}, headers=self.customer))
        self.probe("GET", "/bookings", "no token", 401, lambda: c.get("/bookings"))
        path = "/bookings/{booking_id}"
        self.probe("GET", path, "your booking", 200, lambda: c.get(f"/bookings/{bid}", headers=self.customer),
                   lambda r: [] if r.json()["id"] == bid else ["another booking came back"])
        self.probe("GET", path, "an admin reads it", 200, lambda: c.get(f"/bookings/{bid}", headers=self.admin))
        self.probe("GET", path, "someone else's booking", 404, lambda: c.get(f"/bookings/{bid}", headers=self.other))
        self.probe("GET", path, "unknown booking", 404, lambda: c.get(f"/bookings/{UNKNOWN_BOOKING}", headers=self.customer))
        self.probe("GET", path, "no token", 401, lambda: c.get(f"/bookings/{bid}"))
        cancel = "/bookings/{booking_id}/cancel"
        self.probe("POST", cancel, "someone else's booking", 404, lambda: c.post(f"/bookings/{bid}/cancel", headers=self.other))
        self.probe("POST", cancel, "cancel your booking", 200, lambda: c.post(f"/bookings/{bid}/cancel", headers=self.customer),
                   lambda r: [] if r.json()["status"] == "cancelled" else [f"status {r.json()['status']!r}"])
        self.probe("POST", cancel, "cancel it again (harmless)", 200, lambda: c.post(f"/bookings/{bid}/cancel", headers=self.customer),
                   lambda r: [] if r.json()["status"] == "cancelled" else [f"status {r.json()['status']!r}"])
        rejected = self.book(gala, 2, self.customer)
        rejected_id = (rejected.headers.get("location") or "/bookings/" + UNKNOWN_BOOKING).rsplit("/", 1)[-1]
        self.probe("POST", cancel, "a rejected booking", 409, lambda: c.post(f"/bookings/{rejected_id}/cancel", headers=self.customer))
        self.probe("POST", cancel, "unknown booking", 404, lambda: c.post(f"/bookings/{UNKNOWN_BOOKING}/cancel", headers=self.customer))
        self.probe("POST", cancel, "no token", 401, lambda: c.post(f"/bookings/{bid}/cancel"))
        self.probe("GET", "/reports/sales", "the report (admin)", 200, lambda: c.get("/reports/sales", headers=self.admin),
                   lambda r: [] if {row["name"] for row in r.json()["items"]} >= set(events) else ["an event is missing"])
        self.probe("GET", "/reports/sales", "a customer may not read it", 403, lambda: c.get("/reports/sales", headers=self.customer))
        self.probe("GET", "/reports/sales", "no token", 401, lambda: c.get("/reports/sales"))
        missing = {op.key for op in operations()} - set(self.report.covered())
        for op in sorted(missing):
            self.report.probes.append(Probe(op, "operation not probed", 0, None, ["the suite has no probe for it"]))
        return self.report


def _confirmed(r: httpx.Response) -> list[str]:
    body = r.json()
    problems = [] if body["status"] == "confirmed" else [f"status {body['status']!r}, not confirmed"]
    if r.headers.get("location") != f"/bookings/{body['id']}":
        problems.append(f"Location {r.headers.get('location')!r}, not /bookings/{body['id']}")
    return problems


def _replay(r: httpx.Response, first: dict[str, Any]) -> list[str]:
    problems = [] if r.json() == first else ["a different booking came back: a second effect?"]
    if r.headers.get("idempotent-replayed") != "true":
        problems.append("no Idempotent-Replayed: true header")
    return problems


def check_conformance(client: httpx.Client, kit: Any) -> ConformanceReport:
    """Probe a running booking service (client's base URL) whose parts live in `kit`; one Probe per request.

    Every operation is probed with a valid request and each documented error the suite can provoke (401 and 403
    with the kit's tokens, 404, 409 sold out, 402 declined, 400 malformed, 422 invalid or key reuse, 413, and 202
    with the payments service down through kit.proxy). Uses fresh bookings; needs the seeded events. About 40
    requests, bounded by the client's timeout.
    """
    return _Suite(client, kit).run()
