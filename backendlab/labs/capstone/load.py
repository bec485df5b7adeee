"""The load milestone: one bounded Locust run that loads your service and the course's reference service at the same
time, each request sent to one of them at random (so whatever slows the machine slows both), and the relative SLO."""

from __future__ import annotations

import math
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

from backendlab.labs.capstone.config import BOOKING_FLOOR_MS, MAX_ERROR_RATIO, P99_FLOOR_MS, P99_RATIO
from backendlab.labs.capstone.kit import http_client
from backendlab.labs.capstone.schema import recording
from backendlab.servers.locust import run_locust

LOCUSTFILE = '''\
import itertools
import random
import uuid

from locust import FastHttpUser, between, task

TARGETS = {targets!r}
TOKENS = {tokens!r}
EVENTS = {events!r}
NEXT = itertools.count()


class Customer(FastHttpUser):
    wait_time = between(0.02, 0.08)
    host = {host!r}

    def on_start(self):
        self.token = TOKENS[next(NEXT) % len(TOKENS)]

    def target(self):
        return random.choice(("reference", "yours"))  # both at once: a stall of the machine hits both alike

    @task(8)
    def read_event(self):
        t = self.target()
        event_id = random.choice(EVENTS[t]["read"])
        with self.client.get(TARGETS[t] + "/events/" + event_id, name=t, catch_response=True) as r:
            if r.status_code != 200 or r.json().get("id") != event_id:
                r.failure(f"GET /events/{{{{id}}}}: {{r.status_code}}, another event or none")

    @task(2)
    def my_bookings(self):
        t = self.target()
        with self.client.get(TARGETS[t] + "/bookings?limit=5", headers={{"Authorization": "Bearer " + self.token}}, name=t,
                             catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"GET /bookings: {{r.status_code}}")

    @task(2)
    def book(self):
        t = self.target()
        with self.client.post(TARGETS[t] + "/bookings", json={{"event_id": EVENTS[t]["book"], "seats": 1}}, name=t,
                              headers={{"Authorization": "Bearer " + self.token, "Idempotency-Key": uuid.uuid4().hex}},
                              catch_response=True) as r:
            if r.status_code not in (201, 202):
                r.failure(f"POST /bookings: {{r.status_code}}")
'''


def floor_ms(method: str) -> float:
    """Below this many ms, a difference from the reference is noise: bookings (POST) have the higher floor."""
    return BOOKING_FLOOR_MS if method == "POST" else P99_FLOOR_MS


@dataclass
class LoadComparison:
    """Locust's figures per target (reads are GET, bookings POST), and the verdict of the relative SLO."""

    rows: list[dict[str, Any]]
    seconds: float
    users: int
    attempts: int = 1
    problems: list[str] = field(default_factory=list)
    load_average: float = 0.0

    def stat(self, target: str, method: str = "GET") -> dict[str, Any]:
        for row in self.rows:
            if row["name"] == target and row["method"] == method:
                return row
        return {"requests": 0, "failures": 0, "p50_ms": math.nan, "p95_ms": math.nan, "p99_ms": math.nan}

    def totals(self, target: str) -> tuple[int, int]:
        rows = [self.stat(target, m) for m in ("GET", "POST")]
        return sum(r["requests"] for r in rows), sum(r["failures"] for r in rows)

    def error_ratio(self, target: str) -> float:
        requests, failures = self.totals(target)
        return failures / requests if requests else 1.0

    def allowed_ms(self, method: str = "GET", quantile: str = "p99_ms") -> float:
        return P99_RATIO * max(self.stat("reference", method)[quantile], floor_ms(method))

    @property
    def ok(self) -> bool:
        return not self.problems

    def table(self) -> str:
        lines = [f"{'requests':14} {'target':10} {'count':>6} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  allowed"]
        for method, label, judged in (("GET", "reads (GET)", "p99_ms"), ("POST", "bookings (POST)", "p50_ms")):
            for target in ("reference", "yours"):
                r = self.stat(target, method)
                allowed = f"{judged[:3]} <= {self.allowed_ms(method, judged):.0f} ms" if target == "yours" else ""
                lines.append(f"{label:14} {target:10} {r['requests']:>6} {r['failures']:>6} {r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} "
                             f"{r['p99_ms']:>7.0f}  {allowed}")
        for target in ("reference", "yours"):
            lines.append(f"{target}: error ratio {self.error_ratio(target):.2%} (allowed {MAX_ERROR_RATIO:.0%})")
        lines.append(f"{self.users} users, {self.seconds:g} s of load on both services at once, run {self.attempts}, "
                     f"load average {self.load_average:.1f}")
        return "\n".join(lines)


def judge(result: LoadComparison, min_requests: int = 30) -> list[str]:
    """The relative SLO, measured in the same run: your reads' p99 <= P99_RATIO x max(the reference's reads' p99,
    P99_FLOOR_MS); your bookings' median <= P99_RATIO x max(the reference's, BOOKING_FLOOR_MS) (too few bookings for a
    stable p99); your error ratio (wrong answers included) <= MAX_ERROR_RATIO. A run where a side served under
    `min_requests` is inconclusive."""
    problems = []
    for target in ("reference", "yours"):
        requests, _ = result.totals(target)
        if requests < min_requests:
            problems.append(f"inconclusive: {target} served {requests} requests (Locust started late on a busy machine?)")
    if result.error_ratio("reference") > MAX_ERROR_RATIO:
        problems.append(f"inconclusive: the reference itself failed {result.error_ratio('reference'):.1%} of its requests")
    if problems:
        return problems
    for method, quantile, label in (("GET", "p99_ms", "reads' p99"), ("POST", "p50_ms", "bookings' median")):
        mine, allowed = result.stat("yours", method), result.allowed_ms(method, quantile)
        if mine["requests"] == 0:
            problems.append(f"your service got no {method} requests")
        elif not mine[quantile] <= allowed:
            problems.append(f"your {label} {mine[quantile]:.0f} ms > {allowed:.0f} ms ({P99_RATIO:g} x max(the reference's "
                            f"{result.stat('reference', method)[quantile]:.0f} ms, floor {floor_ms(method):g} ms))")
    if result.error_ratio("yours") > MAX_ERROR_RATIO:
        problems.append(f"your error ratio {result.error_ratio('yours'):.1%} > {MAX_ERROR_RATIO:.0%} (Locust checks every answer)")
    return problems


def prepare(app: Any) -> dict[str, Any]:
    """A large event to book during the load (no sell-out), and the event ids the readers pick from."""
    store = app.state.parts.store
    arena = store.add_event("Load-test arena", 1_000_000, 1_000)
    return {"read": [e["id"] for e in store.events()], "book": arena["id"]}


def compare_under_load(kit: Any, yours: Any, reference: Any, seconds: float = 4.0, users: int = 12, attempts: int = 2) -> LoadComparison:
    """Serve both apps, load them together with one Locust run (each request to one of them at random), and judge yours.

    A run that fails the SLO is repeated once (attempts=2) and the better run counts: a service that is really too
    slow fails both. Bounded: each run is `seconds` of load plus Locust's start (3-7 s on a busy machine).
    """
    services = {"reference": kit.serve(reference, "load-reference"), "yours": kit.serve(yours, "load-yours")}
    try:
        events = {"reference": prepare(reference), "yours": prepare(yours)}
        tokens = [kit.token(f"load-{i}") for i in range(users)]
        text = LOCUSTFILE.format(targets={k: s.url for k, s in services.items()}, tokens=tokens, events=events,
                                 host=services["yours"].url)
        best: LoadComparison | None = None
        for attempt in range(1, attempts + 1):
            rows = run_locust(services["yours"].url, ["/health"], users=users, spawn_rate=users, seconds=seconds, locustfile=text)
            result = LoadComparison(rows, seconds, users, attempt, load_average=os.getloadavg()[0])
            result.problems = judge(result)
            if best is None or len(result.problems) < len(best.problems):
                best = result
            if result.ok:
                break
        assert best is not None
        return best
    finally:
        for service in services.values():
            service.stop()


def cache_preflight(kit: Any, app: Any) -> list[str]:
    """Cheap checks of the cache through the service, before any load: repeated reads hit the cache, and a booking
    makes the next read fresh (seats_left drops at once), for one event and for the list. Returns the problems."""
    problems: list[str] = []
    engine = app.state.parts.store.engine
    service = kit.serve(app, "preflight")
    try:
        with http_client(base_url=service.url, timeout=10.0) as c:
            events = {e["name"]: e for e in c.get("/events").json()["items"]}
            opening = events["Opening night"]
            with recording(engine) as log:
                for _ in range(10):
                    c.get(f"/events/{opening['id']}")
            reads = log.count(lambda s: "FROM events" in s)
            if reads > 2:
                problems.append(f"10 reads of one event ran {reads} queries on the events table (a cache serves repeats)")
            r = c.post("/bookings", json={"event_id": opening["id"], "seats": 2},
                       headers={**kit.headers("preflight"), "Idempotency-Key": "pre-" + uuid.uuid4().hex[:12]})
            after = c.get(f"/events/{opening['id']}").json().get("seats_left")
            listed = {e["name"]: e["seats_left"] for e in c.get("/events").json()["items"]}.get("Opening night")
            want = opening["seats_left"] - 2
            if r.status_code != 201 or after != want:
                problems.append(f"after booking 2 seats, GET /events/{{id}} says {after} seats left, not {want} (stale cache?)")
            if listed != want:
                problems.append(f"after booking 2 seats, GET /events lists {listed} seats left, not {want} (stale cache?)")
            missing = [c.get("/events/evt_000000000000").status_code for _ in range(2)]
            if missing != [404, 404]:
                problems.append(f"an unknown event answered {missing}, not 404 twice")
    finally:
        service.stop()
    return problems
