"""Plausible wrong answers for module 09 (capstone): each must lose points on its own exercise's milestones.

The capstone's answers are whole parts of a service (a store, an HTTP layer, a client...), so each wrong answer is
the course's solution with one realistic mistake in it: `mutate(grade_id, (old, new), ...)` replaces text that must
occur exactly once in the solution cell, so a wrong answer fails loudly here if the solution changes under it.
They were written from the docstrings and the narrative, before the milestones that catch them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions" / "09-capstone"


def solution(grade_id: str) -> str:
    """The solution cell's source without its ### BEGIN/END SOLUTION marker lines."""
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return "\n".join(ln for ln in cell.source.splitlines() if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    raise LookupError(f"no cell {grade_id!r} in {SOLUTIONS}")


def mutate(grade_id: str, *changes: tuple[str, str]) -> str:
    source = solution(grade_id)
    for old, new in changes:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"{grade_id}: {old[:60]!r} occurs {count} times in the solution (expected once)")
        source = source.replace(old, new)
    return source


# ---------------------------------------------------------------------------------------------------------------
# Exercise 1 — BookingStore
# ---------------------------------------------------------------------------------------------------------------
TAKE_SEATS = '''                taken = s.execute(update(Event).where(Event.id == event_id, Event.seats_left >= seats)
                                  .values(seats_left=Event.seats_left - seats)).rowcount
                if taken != 1:
                    raise capstone.SoldOut(event_id)'''

STORE = [
    ("reads seats_left, checks it in Python, writes the new value: a lost update oversells", mutate("booking_store", (TAKE_SEATS, '''
                if event.seats_left < seats:
                    raise capstone.SoldOut(event_id)
                s.execute(update(Event).where(Event.id == event_id).values(seats_left=event.seats_left - seats))'''))),
    ("SELECT ... FOR UPDATE, then a Python check: right on PostgreSQL, oversells on SQLite (no row locks there)",
     mutate("booking_store", ("event = s.get(Event, event_id)", "event = s.get(Event, event_id, with_for_update=True)"), (TAKE_SEATS, '''
                if event.seats_left < seats:
                    raise capstone.SoldOut(event_id)
                event.seats_left -= seats'''))),
    ("no IntegrityError handling: of two concurrent sends of one key, the loser raises", mutate("booking_store", (
        '''        except IntegrityError:  # a concurrent request with the same key committed first
            existing = self._by_key(customer, key)
            if existing is None:
                raise
            return self._replay(existing, event_id, seats)
''', '''        finally:
            pass
'''))),
    ("the loser of a same-key race answers created=True", mutate("booking_store", (
        """            if existing is None:
                raise
            return self._replay(existing, event_id, seats)""", """            if existing is None:
                raise
            return capstone.booking_dict(existing), True"""))),
    ("takes the seats unconditionally and relies on the CHECK constraint: IntegrityError instead of SoldOut",
     mutate("booking_store", (TAKE_SEATS, """
                s.execute(update(Event).where(Event.id == event_id).values(seats_left=Event.seats_left - seats))"""))),
    ("a replay ignores the body: the same key with other seats returns the first booking", mutate("booking_store", (
        '''        if existing.event_id != event_id or existing.seats != seats:
            raise capstone.KeyReused(existing.idempotency_key)
''', ""))),
    ("looks a key up by key alone: another customer's key returns someone else's booking", mutate("booking_store", (
        "select(Booking).where(Booking.customer == customer, Booking.idempotency_key == key)",
        "select(Booking).where(Booking.idempotency_key == key)"))),
    ("cancelling twice gives the seats back twice", mutate("booking_store", (
        'Booking.status.in_(("pending_payment", "confirmed")))', 'Booking.status != "rejected")'))),
    ("a rejected payment keeps the seats taken", mutate("booking_store", (
        '''                if outcome == "rejected":
                    s.execute(update(Event).where(Event.id == booking.event_id)
                              .values(seats_left=Event.seats_left + booking.seats))
''', ""))),
    ("the sales report counts every booking, not only confirmed ones", mutate("booking_store", (
        " AND b.status = 'confirmed'", ""))),
    ("the sales report runs one query per event (N+1)", mutate("booking_store", ('''        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(report)]''', '''        rows = []
        with self.Session() as s:
            for event in s.scalars(select(Event)):
                sold = [b for b in s.scalars(select(Booking).where(Booking.event_id == event.id, Booking.status == "confirmed"))]
                rows.append({"event_id": event.id, "name": event.name, "bookings": len(sold),
                             "seats_sold": sum(b.seats for b in sold), "revenue_cents": sum(b.amount_cents for b in sold)})
        return sorted(rows, key=lambda r: (-r["revenue_cents"], r["name"], r["event_id"]))'''))),
]

# ---------------------------------------------------------------------------------------------------------------
# Exercise 2 — create_app
# ---------------------------------------------------------------------------------------------------------------
OUTCOMES = '''            elif charge.outcome == "declined":
                booking = store.settle(booking["id"], "rejected")
                refresh_event(body.event_id)
'''

API = [
    ("payments unavailable answered with a 503 problem instead of 202 pending_payment",
     mutate("booking_api", (OUTCOMES, OUTCOMES + '''            else:
                return JSONResponse({"type": "about:blank", "title": "Payments unavailable", "status": 503}, status_code=503,
                                    media_type="application/problem+json")
'''))),
    ("charges again on every replay of a booking", mutate("booking_api", (
        "        if created:\n            refresh_event(body.event_id)\n            charge =",
        "        if True:\n            refresh_event(body.event_id)\n            charge ="))),
    ("replays carry no Idempotent-Replayed header", mutate("booking_api", (
        "        return capstone.booking_response(booking, replayed=not created)",
        "        return capstone.booking_response(booking, replayed=False)"))),
    ("any customer may read any booking (no ownership check)", mutate("booking_api", (
        'if booking is None or (who.role != "admin" and booking["customer"] != who.subject):', "if booking is None:"))),
    ("a declined payment answered 201 with the rejected booking instead of a 402 problem", mutate("booking_api", (
        "        return capstone.booking_response(booking, replayed=not created)",
        '''        status = 202 if booking["status"] == "pending_payment" else 201
        return JSONResponse(booking, status_code=status, headers={"Location": f"/bookings/{booking['id']}"}
                            | ({} if created else {"Idempotent-Replayed": "true"}))'''))),
    ("no lifespan: the outbox relay never runs and payments is never closed", mutate("booking_api", (
        'app = FastAPI(title="Bookings API", version="1.0.0", lifespan=lifespan)',
        'app = FastAPI(title="Bookings API", version="1.0.0")'))),
    ("never starts the outbox relay: nothing is published while the service runs", mutate("booking_api", (
        "        parts.relay.start()\n", ""))),
    ("never closes the payments client at shutdown", mutate("booking_api", ("        parts.payments.close()\n", ""))),
    ("flushes the relay at shutdown but leaves its thread running", mutate("booking_api", (
        "parts.relay.stop(flush=True)", "parts.relay.flush()"))),
    ("stops the relay without flushing it: the last events stay in the outbox", mutate("booking_api", (
        "parts.relay.stop(flush=True)", "parts.relay.stop(flush=False)"))),
    ("does not invalidate the cache after a change: stale seats for a second", mutate("booking_api", (
        '''        cache.invalidate(("event", event_id))
        cache.invalidate(("events",))''', "        pass"))),
    ("checks ownership when reading but not when cancelling", mutate("booking_api", (
        'booking = store.cancel(visible(booking_id, who)["id"])', "booking = store.cancel(booking_id)"))),
]

# ---------------------------------------------------------------------------------------------------------------
# Exercise 3 — instrument / traced_transport
# ---------------------------------------------------------------------------------------------------------------
CLIENT_SPAN = """            with tracer.start_as_current_span(request.method, kind=SpanKind.CLIENT, attributes=attributes) as span:
                inject(request.headers)  # the CLIENT span is current: the downstream becomes its child"""

OBSERVABILITY = [
    ("sends no traceparent: the trace breaks at the downstream call", mutate("observability", (
        "                inject(request.headers)  # the CLIENT span is current: the downstream becomes its child\n", ""))),
    ("injects before the CLIENT span starts: the downstream hangs off the SERVER span",
     mutate("observability", (CLIENT_SPAN, """            inject(request.headers)
            with tracer.start_as_current_span(request.method, kind=SpanKind.CLIENT, attributes=attributes) as span:"""))),
    ("CLIENT spans from the global tracer provider: they never reach tel", mutate("observability", (
        'tracer = tel.tracer_provider.get_tracer("bookings.http")', 'tracer = trace.get_tracer("bookings.http")'))),
    ("a 5xx from payments leaves the CLIENT span OK", mutate("observability", (
        """                if response.status_code >= 500:
                    span.set_status(Status(StatusCode.ERROR))
""", ""))),
    ("server spans from the global provider (instrument_app without tracer_provider)", mutate("observability", (
        'FastAPIInstrumentor.instrument_app(app, tracer_provider=tel.tracer_provider, excluded_urls="/metrics",',
        'FastAPIInstrumentor.instrument_app(app, excluded_urls="/metrics",'))),
    ("labels the raw path instead of the route template", mutate("observability", (
        'route = getattr(scope.get("route"), "path", None) or "unmatched"', 'route = scope["path"]'))),
    ("counts and logs the /metrics scrapes too", mutate("observability", (
        'if scope["type"] != "http" or scope.get("path") == "/metrics":', 'if scope["type"] != "http":'))),
    ("trace ids logged as decimal integers", mutate("observability", (
        '"trace_id": format(ctx.trace_id, "032x") if ctx.is_valid else None,',
        '"trace_id": str(ctx.trace_id) if ctx.is_valid else None,'))),
    ("no access-log line: only the service's own lines are logged", mutate("observability", (
        '                tel.logger.info("request", extra={**labels, "status": status, "duration_ms": round(seconds * 1000, 2)})\n', ""))),
]

# ---------------------------------------------------------------------------------------------------------------
# Exercise 4 — Guard
# ---------------------------------------------------------------------------------------------------------------
DECODE = """            claims = jwt.decode(token.strip(), key, algorithms=["RS256"], audience=self.settings.audience,
                                issuer=self.settings.issuer, leeway=self.settings.leeway_s,
                                options={"require": ["exp", "iat", "iss", "aud", "sub"]})"""
FETCH = """            if now - self._fetched_at >= self.settings.jwks_cache_s or (
                    kid not in self._keys and now - self._tried_at >= self.settings.jwks_min_refetch_s):"""

GUARD = [
    ("no audience check: a token minted for another service is accepted", mutate("security_guard", (
        'options={"require": ["exp", "iat", "iss", "aud", "sub"]})',
        'options={"verify_aud": False, "require": ["exp", "iat", "iss", "sub"]})'))),
    ("takes the algorithm from the token's header", mutate("security_guard", (
        'algorithms=["RS256"],', 'algorithms=[jwt.get_unverified_header(token.strip()).get("alg", "RS256")],'))),
    ("trusts a key embedded in the token's header (jwk)", mutate("security_guard", (
        '            key = self._key(kid) if isinstance(kid, str) else None',
        """            header = jwt.get_unverified_header(token.strip())
            if "jwk" in header:
                key = RSAAlgorithm.from_jwk(json.dumps(header["jwk"]))
            else:
                key = self._key(kid) if isinstance(kid, str) else None"""))),
    ("fetches keys from the URL in the token's header (jku)", mutate("security_guard", (
        '            key = self._key(kid) if isinstance(kid, str) else None',
        """            header = jwt.get_unverified_header(token.strip())
            if "jku" in header:
                found = [k for k in self.http.get(header["jku"]).json()["keys"] if k.get("kid") == kid]
                key = RSAAlgorithm.from_jwk(json.dumps(found[0])) if found else None
            else:
                key = self._key(kid) if isinstance(kid, str) else None"""))),
    ("exp not required: a token without expiry never expires", mutate("security_guard", (
        'options={"require": ["exp", "iat", "iss", "aud", "sub"]})', 'options={"require": ["iat", "iss", "aud", "sub"]})'))),
    ("no issuer check: tokens from another tenant of the provider are accepted", mutate("security_guard", (
        DECODE, """            claims = jwt.decode(token.strip(), key, algorithms=["RS256"], audience=self.settings.audience,
                                leeway=self.settings.leeway_s, options={"require": ["exp", "iat", "aud", "sub"]})"""))),
    ("a token without a role is treated as a customer", mutate("security_guard", (
        'subject, role = claims.get("sub"), claims.get("role")', 'subject, role = claims.get("sub"), claims.get("role") or "customer"'))),
    ("refetches the JWKS for every unknown kid: random kids flood the identity provider", mutate("security_guard", (
        FETCH, """            if now - self._fetched_at >= self.settings.jwks_cache_s or kid not in self._keys:"""))),
    ("fetches the JWKS once: a rotated key is never learned", mutate("security_guard", (FETCH, """            if not self._keys:"""))),
    ("keeps the JWKS for ever: a retired key stays valid", mutate("security_guard", (
        FETCH, """            if kid not in self._keys and now - self._tried_at >= self.settings.jwks_min_refetch_s:"""))),
    ("a failed JWKS fetch forgets the keys it knew: an identity-provider outage logs everyone out", mutate("security_guard", (
        "                    pass  # keep what we knew: a provider outage must not log everyone out",
        "                    self._keys = {}"))),
    ("one bucket per token string: a fresh token buys a fresh bucket", mutate("security_guard", (
        "        self._spend(subject)", "        self._spend(token.strip())"))),
    ("checks Content-Length only: a chunked body of any size gets through", mutate("security_guard", (
        "                await self.inner(scope, counted, send)", "                await self.inner(scope, receive, send)"))),
]

# ---------------------------------------------------------------------------------------------------------------
# Exercise 5 — PaymentsClient
# ---------------------------------------------------------------------------------------------------------------
PAYMENTS = [
    ("retries at once: no backoff sleep", mutate("payments_client", ("            self.sleep(delay)\n", ""))),
    ("retries a declined card (402)", mutate("payments_client", (
        "if r.status_code not in capstone.RETRYABLE_STATUSES:", "if r.status_code not in capstone.RETRYABLE_STATUSES + (402,):"))),
    ("exponential backoff without jitter", mutate("payments_client", (
        "delay = self.rng.uniform(0, min(capstone.BACKOFF_CAP_S, capstone.BACKOFF_BASE_S * 2 ** (attempts - 1)))",
        "delay = min(capstone.BACKOFF_CAP_S, capstone.BACKOFF_BASE_S * 2 ** (attempts - 1))"))),
    ("one attempt too many (> instead of >=)", mutate("payments_client", (
        "if attempts >= capstone.MAX_ATTEMPTS or", "if attempts > capstone.MAX_ATTEMPTS or"))),
    ("ignores Retry-After", mutate("payments_client", (
        """            if wait_at_least is not None:
                delay = max(delay, wait_at_least)
""", ""))),
    ("waits out a Retry-After longer than the call's budget", mutate("payments_client", (
        """            if self.clock() - start + delay > capstone.CALL_BUDGET_S:
                return capstone.Charge("unavailable", None, attempts)
""", ""))),
    ("a new Idempotency-Key per attempt: a lost answer means a second charge", mutate("payments_client", (
        'headers={"Idempotency-Key": booking_id}', 'headers={"Idempotency-Key": f"{booking_id}-{attempts}"}'))),
    ("no timeout per attempt: the HTTP client's default (5 s) applies", mutate("payments_client", (
        "headers={\"Idempotency-Key\": booking_id}, timeout=capstone.ATTEMPT_TIMEOUT_S)", "headers={\"Idempotency-Key\": booking_id})"))),
    ("catches refused connections only: a timeout escapes and becomes a 500", mutate("payments_client", (
        "            except httpx.HTTPError:", "            except httpx.ConnectError:"))),
    ("the breaker never half-opens: once open, open for good", mutate("payments_client", (
        """                if self.clock() - self._opened_at < capstone.BREAKER_OPEN_S:
                    return False""", """                return False"""))),
    ("half-open lets every concurrent call through, not one trial", mutate("payments_client", (
        """                if self._trial:
                    return False
""", ""))),
    ("a declined card counts as a failure for the breaker", mutate("payments_client", (
        "                    self._record(ok=True)  # the service answered: it works",
        "                    self._record(ok=r.status_code != 402)"))),
    ("opens only after more failures than the threshold (> instead of >=)", mutate("payments_client", (
        "self._failures >= capstone.BREAKER_THRESHOLD:", "self._failures > capstone.BREAKER_THRESHOLD:"))),
    ("times the open state from the first failure of the streak, not from the opening", mutate("payments_client", (
        """            self._failures += 1
""", """            self._failures += 1
            if self._failures == 1:
                self._opened_at = self.clock()
"""), ('self.state, self._opened_at = "open", self.clock()', 'self.state = "open"'))),
]

# ---------------------------------------------------------------------------------------------------------------
# Exercise 6 — AvailabilityCache
# ---------------------------------------------------------------------------------------------------------------
CACHE = [
    ("never expires: no TTL check", mutate("availability_cache", (
        "if entry is not None and self.clock() < entry[0]:", "if entry is not None:"))),
    ("still fresh at exactly ttl_s (<= instead of <)", mutate("availability_cache", (
        "if entry is not None and self.clock() < entry[0]:", "if entry is not None and self.clock() <= entry[0]:"))),
    ("unbounded: never evicts", mutate("availability_cache", (
        """                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
""", ""))),
    ("evicts in insertion order: a read does not refresh recency (FIFO, not LRU)", mutate("availability_cache", (
        """                self._data.move_to_end(key)
                self._hits += 1""", """                self._hits += 1"""))),
    ("treats a cached None as a miss: unknown events hit the database every time", mutate("availability_cache", (
        "if entry is not None and self.clock() < entry[0]:",
        "if entry is not None and entry[1] is not None and self.clock() < entry[0]:"))),
    ("caches a failed load as None", mutate("availability_cache", (
        """            pending.set_exception(exc)
            raise""", """                self._data[key] = (self.clock() + self.ttl_s, None)
            pending.set_result(None)
            return None"""))),
    ("no single flight: every concurrent miss loads (a stampede)", mutate("availability_cache", (
        "            owner = pending is None\n", "            owner, pending = True, None\n"))),
    ("holds the lock while loading: one slow key blocks every other", mutate("availability_cache", (
        "            value = load()\n", "            with self._lock:\n                value = load()\n"))),
    ("keeps a load that an invalidation overtook", mutate("availability_cache", (
        "            if self._generation.get(key, 0) == generation:  # no invalidation since the load began",
        "            if True:"))),
    ("invalidate() forgets nothing: the entry lives until its TTL", mutate("availability_cache", (
        """        with self._lock:
            self._data.pop(key, None)
            self._generation[key] = self._generation.get(key, 0) + 1
            self._loading.pop(key, None)""", "        pass"))),
    ("all caches share one dictionary", mutate("availability_cache", (
        "class AvailabilityCache:", "_SHARED: OrderedDict = OrderedDict()\n\n\nclass AvailabilityCache:"), (
        "        self._data: OrderedDict = OrderedDict()  # key -> (fresh until, value)", "        self._data = _SHARED"))),
    ("reads time.time() instead of the injected clock", mutate("availability_cache", (
        "if entry is not None and self.clock() < entry[0]:", "if entry is not None and time.time() < entry[0]:"))),
    ("keys entries by the key's first element: every ('event', id) shares one entry", mutate("availability_cache", (
        '''        with self._lock:
            entry = self._data.get(key)''', '''        key = key[0] if isinstance(key, tuple) else key
        with self._lock:
            entry = self._data.get(key)'''))),
]

WRONG_ANSWERS = {
    "booking_store": STORE,
    "booking_api": API,
    "observability": OBSERVABILITY,
    "security_guard": GUARD,
    "payments_client": PAYMENTS,
    "availability_cache": CACHE,
}

# Blind red team, 2026-11-30 (written from the student notebook alone)
# Each answer is a blind control (written from the docstring, not from the solution) with one sentence broken.

_BLIND_CACHE = '''class AvailabilityCache:
    """A read-through cache (blind control)."""

    def __init__(self, ttl_s: float = capstone.CACHE_TTL_S, max_entries: int = capstone.CACHE_MAX_ENTRIES,
                 clock=time.monotonic) -> None:
        self.ttl_s, self.max_entries, self.clock = ttl_s, max_entries, clock
        self._lock = threading.Lock()
        self._data = OrderedDict()
        self._inflight = {}
        self._gen = {}
        self._epoch = 0
        self._hits = self._misses = 0

    def get(self, key: Any, load: Any) -> Any:
        with self._lock:
            item = self._data.get(key)
            if item is not None and self.clock() < item[1] + self.ttl_s:
                self._data.move_to_end(key)
                self._hits += 1
                return item[0]
            flight = self._inflight.get(key)
            leader = flight is None
            if leader:
                flight = {"ev": threading.Event(), "val": None, "exc": None,
                          "gen": (self._epoch, self._gen.get(key, 0))}
                self._inflight[key] = flight
                self._misses += 1
            else:
                self._hits += 1
        if not leader:
            flight["ev"].wait()
            if flight["exc"] is not None:
                raise flight["exc"]
            return flight["val"]
        try:
            val = load()
        except BaseException as exc:
            flight["exc"] = exc
            with self._lock:
                if self._inflight.get(key) is flight:
                    del self._inflight[key]
            flight["ev"].set()
            raise
        with self._lock:
            if self._inflight.get(key) is flight:
                del self._inflight[key]
            if flight["gen"] == (self._epoch, self._gen.get(key, 0)):
                self._data[key] = (val, self.clock())
                self._data.move_to_end(key)
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
        flight["val"] = val
        flight["ev"].set()
        return val

    def invalidate(self, key: Any) -> None:
        with self._lock:
            self._gen[key] = self._gen.get(key, 0) + 1
            self._data.pop(key, None)
            self._inflight.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._epoch += 1
            self._data.clear()
            self._inflight.clear()

    def stats(self) -> dict:
        with self._lock:
            return {"hits": self._hits, "misses": self._misses, "size": len(self._data)}
'''

_BLIND_PAYMENTS = '''class PaymentsClient:
    """Charges bookings (blind control)."""

    def __init__(self, http: httpx.Client, clock=time.monotonic, sleep=time.sleep, rng: random.Random | None = None) -> None:
        self.http, self.clock, self.sleep = http, clock, sleep
        self.rng = rng or random.Random()
        self.state = "closed"
        self._fails = 0
        self._opened_at = 0.0
        self._lock = threading.Lock()

    def _may_send(self) -> bool:
        with self._lock:
            if self.state == "closed":
                return True
            if self.state == "open" and self.clock() - self._opened_at >= capstone.BREAKER_OPEN_S:
                self.state = "half-open"
                return True
            return False

    def _record(self, failed: bool) -> None:
        with self._lock:
            if failed:
                self._fails += 1
                if self.state == "half-open" or self._fails >= capstone.BREAKER_THRESHOLD:
                    self.state = "open"
                    self._opened_at = self.clock()
            else:
                self._fails = 0
                self.state = "closed"

    def charge(self, booking_id: str, amount_cents: int) -> capstone.Charge:
        start = self.clock()
        attempts = 0
        n = 0
        while True:
            if not self._may_send():
                return capstone.Charge("unavailable", None, attempts)
            attempts += 1
            retry_after = 0.0
            try:
                r = self.http.post("/charges", json={"booking_id": booking_id, "amount_cents": amount_cents},
                                   headers={"Idempotency-Key": booking_id}, timeout=capstone.ATTEMPT_TIMEOUT_S)
            except httpx.HTTPError:
                self._record(True)
            else:
                if r.status_code in capstone.RETRYABLE_STATUSES:
                    self._record(True)
                    try:
                        retry_after = float(int(r.headers.get("Retry-After", "0")))
                    except ValueError:
                        retry_after = 0.0
                else:
                    self._record(False)
                    if 200 <= r.status_code < 300:
                        return capstone.Charge("captured", r.json().get("charge_id"), attempts)
                    if r.status_code == 402:
                        return capstone.Charge("declined", None, attempts)
                    return capstone.Charge("unavailable", None, attempts)
            if attempts >= capstone.MAX_ATTEMPTS:
                return capstone.Charge("unavailable", None, attempts)
            if self.state == "open":
                return capstone.Charge("unavailable", None, attempts)
            n += 1
            delay = self.rng.uniform(0, min(capstone.BACKOFF_CAP_S, capstone.BACKOFF_BASE_S * 2 ** (n - 1)))
            delay = max(delay, retry_after)
            if self.clock() + delay - start > capstone.CALL_BUDGET_S:
                return capstone.Charge("unavailable", None, attempts)
            self.sleep(delay)

    def close(self) -> None:
        self.http.close()
'''


def _blind(control: str, *changes: tuple[str, str]) -> str:
    for old, new in changes:
        assert control.count(old) == 1, old
        control = control.replace(old, new)
    return control


BLIND_2026_11_30 = {
    "availability_cache": [
        ("a load that raises: the callers that waited for it get None instead of its exception",
         _blind(_BLIND_CACHE, ("            if flight[\"exc\"] is not None:\n                raise flight[\"exc\"]\n", ""))),
        ("a None loaded is not cached (treated as missing), so it is loaded again every time",
         _blind(_BLIND_CACHE, ("            if flight[\"gen\"] ==", "            if val is not None and flight[\"gen\"] =="))),
        ("a read does not refresh recency: evicts in load order (FIFO), not least recently used",
         _blind(_BLIND_CACHE, ("                self._data.move_to_end(key)\n                self._hits += 1",
                        "                self._hits += 1"))),
        ("no single flight: concurrent get()s of the same missing key each call load()",
         _blind(_BLIND_CACHE, ("            leader = flight is None", "            flight = None\n            leader = True"))),
        ("a load overtaken by invalidate()/clear() is still kept (no generation check)",
         _blind(_BLIND_CACHE, ("            if flight[\"gen\"] == (self._epoch, self._gen.get(key, 0)):", "            if True:"))),
        ("holds the cache's lock while load() runs: get()s of other keys wait for it",
         _blind(_BLIND_CACHE, ("        try:\n            val = load()",
                        "        try:\n            with self._lock:\n                val = load()"))),
    ],
    "payments_client": [
        ("ignores Retry-After: sleeps only the full-jitter backoff",
         _blind(_BLIND_PAYMENTS, ("            delay = max(delay, retry_after)\n", ""))),
        ("sleeps Retry-After whenever it is given, even when the backoff drawn is longer",
         _blind(_BLIND_PAYMENTS, ("            delay = max(delay, retry_after)\n", "            delay = retry_after or delay\n"))),
        ("no per-attempt timeout passed: httpx's default 5 s instead of ATTEMPT_TIMEOUT_S",
         _blind(_BLIND_PAYMENTS, (', timeout=capstone.ATTEMPT_TIMEOUT_S)', ')'))),
        ("a failed half-open trial does not reopen the breaker at once (only the threshold count does)",
         _blind(_BLIND_PAYMENTS, ('if self.state == "half-open" or self._fails >= capstone.BREAKER_THRESHOLD:',
                        'if self._fails >= capstone.BREAKER_THRESHOLD:'))),
        ("a 4xx (other than a failure) does not reset the failure count",
         _blind(_BLIND_PAYMENTS, ("                else:\n                    self._record(False)\n",
                        "                else:\n                    if r.status_code < 400:\n"
                        "                        self._record(False)\n"))),
        ("no call budget: keeps sleeping past CALL_BUDGET_S",
         _blind(_BLIND_PAYMENTS, ("            if self.clock() + delay - start > capstone.CALL_BUDGET_S:\n"
                          "                return capstone.Charge(\"unavailable\", None, attempts)\n",
                        ""))),
    ],
}

_BLIND_STORE = '''class BookingStore(capstone.StoreBase):
    """Bookings on SQLAlchemy (blind control)."""

    def _existing(self, s, customer, key):
        return s.scalars(select(Booking).where(Booking.customer == customer, Booking.idempotency_key == key)).first()

    def book(self, event_id: str, customer: str, seats: int, key: str) -> tuple[dict, bool]:
        for _ in range(5):
            try:
                with self.Session.begin() as s:
                    old = self._existing(s, customer, key)
                    if old is not None:
                        if old.event_id != event_id or old.seats != seats:
                            raise capstone.KeyReused()
                        return capstone.booking_dict(old), False
                    ev = s.get(Event, event_id)
                    if ev is None:
                        raise capstone.UnknownEvent()
                    taken = s.execute(update(Event).where(Event.id == event_id, Event.seats_left >= seats)
                                      .values(seats_left=Event.seats_left - seats))
                    if taken.rowcount != 1:
                        raise capstone.SoldOut()
                    b = Booking(id=capstone.new_id("bkg"), event_id=event_id, customer=customer, seats=seats,
                                amount_cents=seats * ev.price_cents, status="pending_payment",
                                idempotency_key=key, created_at=capstone.now_iso())
                    s.add(b)
                    s.flush()
                    self.emit(s, "booking.created", b)
                return capstone.booking_dict(b), True
            except IntegrityError:
                continue
        with self.Session() as s:
            old = self._existing(s, customer, key)
            return capstone.booking_dict(old), False

    def _get(self, s, booking_id):
        b = s.scalars(select(Booking).where(Booking.id == booking_id).with_for_update()).first()
        if b is None:
            raise capstone.UnknownBooking()
        return b

    def _give_back(self, s, b):
        s.execute(update(Event).where(Event.id == b.event_id).values(seats_left=Event.seats_left + b.seats))

    def settle(self, booking_id: str, outcome: str) -> dict:
        with self.Session.begin() as s:
            b = self._get(s, booking_id)
            if b.status != "pending_payment":
                return capstone.booking_dict(b)
            b.status = outcome
            if outcome == "rejected":
                self._give_back(s, b)
            s.flush()
            self.emit(s, "booking." + outcome, b)
            return capstone.booking_dict(b)

    def cancel(self, booking_id: str) -> dict:
        with self.Session.begin() as s:
            b = self._get(s, booking_id)
            if b.status == "cancelled":
                return capstone.booking_dict(b)
            if b.status == "rejected":
                raise capstone.Conflict()
            b.status = "cancelled"
            self._give_back(s, b)
            s.flush()
            self.emit(s, "booking.cancelled", b)
            return capstone.booking_dict(b)

    def bookings(self, customer: str | None, after: str | None, limit: int) -> list[dict]:
        with self.Session() as s:
            q = select(Booking).order_by(Booking.seq)
            if customer is not None:
                q = q.where(Booking.customer == customer)
            if after is not None:
                cur = s.scalars(select(Booking).where(Booking.id == after)).first()
                if cur is None:
                    raise capstone.BadCursor()
                q = q.where(Booking.seq > cur.seq)
            return [capstone.booking_dict(b) for b in s.scalars(q.limit(limit))]

    def sales_report(self) -> list[dict]:
        sql = text(
            "SELECT e.id AS event_id, e.name AS name, COUNT(b.id) AS bookings,"
            " COALESCE(SUM(b.seats), 0) AS seats_sold, COALESCE(SUM(b.amount_cents), 0) AS revenue_cents"
            " FROM events e LEFT JOIN bookings b ON b.event_id = e.id AND b.status = 'confirmed'"
            " GROUP BY e.id, e.name ORDER BY revenue_cents DESC, e.name, e.id")
        with self.Session() as s:
            return [{k: (int(v) if k in ("bookings", "seats_sold", "revenue_cents") else v) for k, v in r._mapping.items()}
                    for r in s.execute(sql)]
'''

BLIND_2026_11_30["booking_store"] = [
    ("sales_report sums every booking of an event, pending and cancelled ones too, not only confirmed",
     _blind(_BLIND_STORE, (" AND b.status = 'confirmed'", ""))),
    ("the same key again with other seats (same event) is replayed instead of raising KeyReused",
     _blind(_BLIND_STORE, ("if old.event_id != event_id or old.seats != seats:", "if old.event_id != event_id:"))),
    ("read-check-write of seats_left in Python (no conditional UPDATE): concurrent bookings can oversell",
     _blind(_BLIND_STORE, ("                    taken = s.execute(update(Event).where(Event.id == event_id, Event.seats_left >= seats)\n"
                           "                                      .values(seats_left=Event.seats_left - seats))\n"
                           "                    if taken.rowcount != 1:\n"
                           "                        raise capstone.SoldOut()\n",
                           "                    if ev.seats_left < seats:\n"
                           "                        raise capstone.SoldOut()\n"
                           "                    ev.seats_left = ev.seats_left - seats\n"))),
    ("a rejected payment keeps the seats: settle('rejected') does not give them back to the event",
     _blind(_BLIND_STORE, ('            if outcome == "rejected":\n                self._give_back(s, b)\n', ""))),
    ("the cursor's own booking is on the next page again (seq >= instead of >)",
     _blind(_BLIND_STORE, ("q = q.where(Booking.seq > cur.seq)", "q = q.where(Booking.seq >= cur.seq)"))),
    ("cancelling a cancelled booking gives its seats back again and writes another outbox row",
     _blind(_BLIND_STORE, ('            if b.status == "cancelled":\n                return capstone.booking_dict(b)\n', ""))),
]

_BLIND_GUARD = '''class Guard:
    """Who may call the bookings service, and how much (blind control)."""

    def __init__(self, settings: capstone.Settings, http: httpx.Client, clock=time.monotonic) -> None:
        self.settings, self.http, self.clock = settings, http, clock
        self._keys = {}
        self._fetched_at = None
        self._last_try = None
        self._buckets = {}
        self._lock = threading.Lock()

    def _fetch(self, now):
        self._last_try = now
        try:
            r = self.http.get(self.settings.jwks_url)
            r.raise_for_status()
            keys = {k["kid"]: RSAAlgorithm.from_jwk(json.dumps(k)) for k in r.json()["keys"] if k.get("kid")}
        except Exception:
            return
        self._keys, self._fetched_at = keys, now

    def _key(self, kid):
        with self._lock:
            now = self.clock()
            may = self._last_try is None or now - self._last_try >= self.settings.jwks_min_refetch_s
            if self._fetched_at is None or now - self._fetched_at >= self.settings.jwks_cache_s:
                if may or self._fetched_at is None:
                    self._fetch(now)
            elif kid not in self._keys and may:
                self._fetch(now)
            return self._keys.get(kid)

    def authorize(self, authorization: str | None, roles: tuple[str, ...]) -> capstone.Principal:
        parts = (authorization or "").split(" ")
        if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
            raise capstone.Unauthorized()
        token = parts[1]
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
                raise capstone.Unauthorized()
            key = self._key(header["kid"])
            if key is None:
                raise capstone.Unauthorized()
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=self.settings.audience,
                                issuer=self.settings.issuer, leeway=self.settings.leeway_s,
                                options={"require": ["exp", "iat", "iss", "aud", "sub"]})
        except capstone.Unauthorized:
            raise
        except Exception:
            raise capstone.Unauthorized() from None
        role, sub = claims.get("role"), claims["sub"]
        if role not in capstone.ROLES or not isinstance(sub, str):
            raise capstone.Unauthorized()
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(sub, (float(self.settings.rate_burst), now))
            tokens = min(float(self.settings.rate_burst), tokens + (now - last) * self.settings.rate_per_s)
            if tokens < 1:
                self._buckets[sub] = (tokens, now)
                raise capstone.RateLimited((1 - tokens) / self.settings.rate_per_s)
            self._buckets[sub] = (tokens - 1, now)
        if role not in roles:
            raise capstone.Forbidden()
        return capstone.Principal(sub, role)

    def install(self, app: FastAPI) -> None:
        limit = self.settings.max_body_bytes

        class LimitBody:
            def __init__(self, app):
                self.app = app

            async def __call__(self, scope, receive, send):
                if scope["type"] != "http":
                    return await self.app(scope, receive, send)
                for name, value in scope.get("headers", []):
                    if name == b"content-length":
                        try:
                            declared = int(value)
                        except ValueError:
                            declared = 0
                        if declared > limit:
                            return await capstone.error_response(capstone.PayloadTooLarge())(scope, receive, send)
                seen = 0

                async def limited():
                    nonlocal seen
                    message = await receive()
                    if message["type"] == "http.request":
                        seen += len(message.get("body", b""))
                        if seen > limit:
                            raise HTTPException(413)
                    return message

                await self.app(scope, limited, send)

        app.add_middleware(LimitBody)
'''

BLIND_2026_11_30["security_guard"] = [
    ("aud is not checked: a token minted for another service is accepted",
     _blind(_BLIND_GUARD, ('options={"require": ["exp", "iat", "iss", "aud", "sub"]})',
                           'options={"require": ["exp", "iat", "iss", "aud", "sub"], "verify_aud": False})'))),
    ("the scheme is matched case-sensitively: 'bearer <token>' is refused",
     _blind(_BLIND_GUARD, ('parts[0].lower() != "bearer"', 'parts[0] != "Bearer"'))),
    ("claims are not required: a token without exp (or iat) is accepted",
     _blind(_BLIND_GUARD, ('options={"require": ["exp", "iat", "iss", "aud", "sub"]})', "options={})"))),
    ("one bucket for everyone: one customer's burst rate-limits the others",
     _blind(_BLIND_GUARD, ("self._buckets.get(sub, (", 'self._buckets.get("all", ('),
            ("self._buckets[sub] = (tokens, now)", 'self._buckets["all"] = (tokens, now)'),
            ("self._buckets[sub] = (tokens - 1, now)", 'self._buckets["all"] = (tokens - 1, now)'))),
    ("an unknown kid refetches the JWKS every time (no jwks_min_refetch_s bound)",
     _blind(_BLIND_GUARD, ("            elif kid not in self._keys and may:", "            elif kid not in self._keys:"))),
    ("only a declared Content-Length is limited: a chunked body of any size is read",
     _blind(_BLIND_GUARD, ("                        if seen > limit:\n                            raise HTTPException(413)\n", ""))),
]


# Blind answers that KEPT full marks when verify ran (2026-11-30):
# - "the scheme is matched case-sensitively" and "a load that raises: the callers that waited ..." were real holes;
#   caught since the attack suite's lower-case-scheme row (security_guard_refuses_token_attacks) and the cache
#   contract's failing-load check (availability_cache_contract).
# - "sleeps Retry-After whenever it is given" and "a failed half-open trial does not reopen" behave like a correct
#   answer with the course's constants (the red team said so itself): removed, they are not wrong answers.
for _reason_start in ("sleeps Retry-After whenever it is given", "a failed half-open trial does not reopen"):
    _before = len(BLIND_2026_11_30["payments_client"])
    BLIND_2026_11_30["payments_client"] = [a for a in BLIND_2026_11_30["payments_client"] if not a[0].startswith(_reason_start)]
    if len(BLIND_2026_11_30["payments_client"]) != _before - 1:
        raise LookupError(_reason_start)


# Blind red team, 2026-11-30 (written from the student notebook alone): booking_api and observability.
# Each blind control below is a correct answer written from the docstring; every wrong answer is that control with
# one sentence of the docstring broken, and was checked to differ from it on a concrete request.
def _blind_swap(control: str, *changes: tuple[str, str]) -> str:
    source = control
    for old, new in changes:
        if source.count(old) != 1:
            raise ValueError(f"blind control: {old[:60]!r} occurs {source.count(old)} times (expected once)")
        source = source.replace(old, new)
    return source

_BLIND_API = '''def create_app(parts: capstone.Parts) -> FastAPI:
    """The Bookings API of capstone.contract_text(), over `parts` (blind control)."""
    key_pattern = re.compile(r"[A-Za-z0-9_-]{8,64}")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        parts.relay.start()
        try:
            yield
        finally:
            parts.relay.stop(flush=True)
            parts.payments.close()

    app = FastAPI(title="Bookings API", lifespan=lifespan)
    capstone.install_problem_handlers(app, parts.log)

    class NewBooking(BaseModel):
        model_config = ConfigDict(extra="forbid")
        event_id: str = Field(max_length=40)
        seats: int = Field(ge=1, le=10)

    def customer(authorization: Annotated[str | None, Header()] = None) -> capstone.Principal:
        return parts.guard.authorize(authorization, ("customer",))

    def admin(authorization: Annotated[str | None, Header()] = None) -> capstone.Principal:
        return parts.guard.authorize(authorization, ("admin",))

    def anyone(authorization: Annotated[str | None, Header()] = None) -> capstone.Principal:
        return parts.guard.authorize(authorization, ("customer", "admin"))

    def fresh(event_id: str) -> None:
        parts.cache.invalidate(("events",))
        parts.cache.invalidate(("event", event_id))

    def own(principal: capstone.Principal, booking_id: str) -> dict:
        booking = parts.store.booking(booking_id)
        if booking is None or (principal.role != "admin" and booking["customer"] != principal.subject):
            raise capstone.UnknownBooking()
        return booking

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.get("/events")
    def list_events() -> dict:
        return {"items": parts.cache.get(("events",), parts.store.events)}

    @app.get("/events/{event_id}")
    def get_event(event_id: str) -> dict:
        event = parts.cache.get(("event", event_id), lambda: parts.store.event(event_id))
        if event is None:
            raise capstone.UnknownEvent()
        return event

    @app.post("/bookings")
    def create_booking(body: NewBooking, principal: Annotated[capstone.Principal, Depends(customer)],
                       idempotency_key: Annotated[str | None, Header()] = None):
        if idempotency_key is None or not key_pattern.fullmatch(idempotency_key):
            raise capstone.MissingIdempotencyKey()
        booking, created = parts.store.book(body.event_id, principal.subject, body.seats, idempotency_key)
        if created:
            fresh(body.event_id)
            charge = parts.payments.charge(booking["id"], booking["amount_cents"])
            if charge.outcome == "captured":
                booking = parts.store.settle(booking["id"], "confirmed")
            elif charge.outcome == "declined":
                booking = parts.store.settle(booking["id"], "rejected")
                fresh(body.event_id)
        return capstone.booking_response(booking, replayed=not created)

    @app.get("/bookings")
    def list_bookings(principal: Annotated[capstone.Principal, Depends(anyone)],
                      limit: Annotated[int, Query(ge=1, le=50)] = 20,
                      cursor: Annotated[str | None, Query(max_length=200)] = None) -> dict:
        after = capstone.decode_cursor(cursor) if cursor is not None else None
        who = None if principal.role == "admin" else principal.subject
        rows = parts.store.bookings(who, after, limit + 1)
        next_cursor = capstone.encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None
        return {"items": rows[:limit], "next_cursor": next_cursor}

    @app.get("/bookings/{booking_id}")
    def get_booking(booking_id: str, principal: Annotated[capstone.Principal, Depends(anyone)]) -> dict:
        return own(principal, booking_id)

    @app.post("/bookings/{booking_id}/cancel")
    def cancel_booking(booking_id: str, principal: Annotated[capstone.Principal, Depends(anyone)]) -> dict:
        booking = own(principal, booking_id)
        cancelled = parts.store.cancel(booking_id)
        fresh(booking["event_id"])
        return cancelled

    @app.get("/reports/sales")
    def sales_report(principal: Annotated[capstone.Principal, Depends(admin)]) -> dict:
        return {"items": parts.store.sales_report()}

    return app
'''

BLIND_2026_11_30["booking_api"] = [
    (('Authorization declared as a required header: a request without a token answers 422 (validation) instead of the'
      " guard's 401 — the guard must get the header, None included"),
     _blind_swap(_BLIND_API,
                 ('def customer(authorization: Annotated[str | None, Header()] = None)',
                  'def customer(authorization: Annotated[str, Header()])'),
                 ('def admin(authorization: Annotated[str | None, Header()] = None)',
                  'def admin(authorization: Annotated[str, Header()])'),
                 ('def anyone(authorization: Annotated[str | None, Header()] = None)',
                  'def anyone(authorization: Annotated[str, Header()])'))),
    # caught since booking_api_conforms
    (("Idempotency-Key checked with re.match (no end anchor): a key of 65 characters, or 'abcdefgh!', is accepted "
      'instead of raising MissingIdempotencyKey'),
     _blind_swap(_BLIND_API,
                 ('not key_pattern.fullmatch(idempotency_key)',
                  'not key_pattern.match(idempotency_key)'))),
    # caught since booking_api_retries_have_one_effect
    (('charges every booking still pending_payment, replays included: a retried key whose booking waits for payments '
      'is charged on the replay (the docstring: charge only when store.book created it)'),
     _blind_swap(_BLIND_API,
                 (('        if created:\n'
                   '            fresh(body.event_id)\n'
                   '            charge'),
                  ('        if created:\n'
                   '            fresh(body.event_id)\n'
                   '        if booking["status"] == "pending_payment":\n'
                   '            charge')))),
    (('next_cursor whenever the page is full (asks the store for `limit` rows): a last page with exactly `limit` '
      'bookings gets a cursor to an empty page instead of null'),
     _blind_swap(_BLIND_API,
                 (('rows = parts.store.bookings(who, after, limit + 1)\n'
                   '        next_cursor = capstone.encode_cursor(rows[limit - 1]["id"]) if len(rows) > limit else None'),
                  ('rows = parts.store.bookings(who, after, limit)\n'
                   '        next_cursor = capstone.encode_cursor(rows[-1]["id"]) if len(rows) == limit else None')))),
    # caught since booking_api_retries_have_one_effect
    (('cancelling does not invalidate the cache: the seats it gives back are missing from GET /events/{event_id} '
      'until the entry expires'),
     _blind_swap(_BLIND_API,
                 (('        cancelled = parts.store.cancel(booking_id)\n'
                   '        fresh(booking["event_id"])\n'),
                  '        cancelled = parts.store.cancel(booking_id)\n'))),
    # caught since booking_api_retries_have_one_effect
    (('cache key ("events") without the trailing comma is the string \'events\', not the documented tuple ("events",): '
      'the listing is cached under a key no one else knows'),
     _blind_swap(_BLIND_API,
                 ('parts.cache.get(("events",), parts.store.events)',
                  'parts.cache.get(("events"), parts.store.events)'),
                 ('parts.cache.invalidate(("events",))',
                  'parts.cache.invalidate(("events"))'))),
]

_BLIND_OBSERVABILITY = '''def instrument(app: FastAPI, tel: capstone.Telemetry) -> None:
    """Make the bookings service observable; `tel` is its telemetry (nothing global). (blind control)"""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=tel.tracer_provider, excluded_urls="/metrics")
    labels = ("method", "route", "status")
    requests = Counter("http_requests_total", "HTTP requests served", labels, registry=tel.registry)
    latency = Histogram("http_request_duration_seconds", "HTTP request duration", labels,
                        buckets=capstone.LATENCY_BUCKETS_S, registry=tel.registry)

    standard = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {"message", "asctime"}

    class JsonLines(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            context = trace.get_current_span().get_span_context()
            line = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(), "level": record.levelname,
                    "logger": record.name, "message": record.getMessage(),
                    "trace_id": format(context.trace_id, "032x") if context.is_valid else None,
                    "span_id": format(context.span_id, "016x") if context.is_valid else None}
            line.update({k: v for k, v in vars(record).items() if k not in standard and k not in line})
            return json.dumps(line, default=str)

    tel.log_handler.setFormatter(JsonLines())

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(tel.registry), media_type=CONTENT_TYPE_LATEST)

    class RedMiddleware:
        def __init__(self, inner) -> None:
            self.inner = inner

        async def __call__(self, scope, receive, send) -> None:
            if scope["type"] != "http" or scope["path"] == "/metrics":
                await self.inner(scope, receive, send)
                return
            seen = {"status": 500}
            start = time.perf_counter()

            async def send_status(message) -> None:
                if message["type"] == "http.response.start":
                    seen["status"] = message["status"]
                await send(message)

            try:
                await self.inner(scope, receive, send_status)
            finally:
                duration = time.perf_counter() - start
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                status = str(seen["status"])
                requests.labels(scope["method"], template, status).inc()
                latency.labels(scope["method"], template, status).observe(duration)
                tel.logger.info("request", extra={"method": scope["method"], "route": template,
                                                  "status": seen["status"], "duration_ms": round(duration * 1000, 3)})

    app.add_middleware(RedMiddleware)


def traced_transport(inner: httpx.BaseTransport, tel: capstone.Telemetry) -> httpx.BaseTransport:
    """A CLIENT span around every request, its context injected as traceparent. (blind control)"""
    tracer = tel.tracer_provider.get_tracer("bookings.http.client")

    class Traced(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            attributes = {"http.request.method": request.method, "url.full": str(request.url),
                          "server.address": request.url.host}
            with tracer.start_as_current_span(request.method, kind=SpanKind.CLIENT, attributes=attributes) as span:
                inject(request.headers)
                response = inner.handle_request(request)
                span.set_attribute("http.response.status_code", response.status_code)
                if response.status_code >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                return response

        def close(self) -> None:
            inner.close()

    return Traced()
'''

BLIND_2026_11_30["observability"] = [
    # caught since observability_metrics_and_logs
    (('a request whose handler raises is neither counted nor logged (no try/finally): a crash (500) never reaches the'
      ' RED metrics or the access log'),
     _blind_swap(_BLIND_OBSERVABILITY,
                 (('            try:\n'
                   '                await self.inner(scope, receive, send_status)\n'
                   '            finally:\n'
                   '                duration'),
                  ('            await self.inner(scope, receive, send_status)\n'
                   '            if True:\n'
                   '                duration')))),
    # caught since observability_metrics_and_logs
    (("outside a span the log line carries trace_id '000…0' and span_id '000…0' (the invalid span's ids) instead of "
      'null'),
     _blind_swap(_BLIND_OBSERVABILITY,
                 (('"trace_id": format(context.trace_id, "032x") if context.is_valid else None,\n'
                   '                    "span_id": format(context.span_id, "016x") if context.is_valid else None}'),
                  ('"trace_id": format(context.trace_id, "032x"),\n'
                   '                    "span_id": format(context.span_id, "016x")}')))),
    # caught since observability_metrics_and_logs
    ('/metrics is traced: instrument_app without excluded_urls',
     _blind_swap(_BLIND_OBSERVABILITY,
                 ('tracer_provider=tel.tracer_provider, excluded_urls="/metrics")',
                  'tracer_provider=tel.tracer_provider)'))),
    # caught since observability_one_trace_across_the_call
    ('a transport error becomes a 502 response: the span is ERROR but the exception never reaches the caller',
     _blind_swap(_BLIND_OBSERVABILITY,
                 ('                response = inner.handle_request(request)\n',
                  ('                try:\n'
                   '                    response = inner.handle_request(request)\n'
                   '                except httpx.TransportError as exc:\n'
                   '                    span.record_exception(exc)\n'
                   '                    response = httpx.Response(502, request=request)\n')))),
    # caught since observability_one_trace_across_the_call
    ('CLIENT span named "POST /charges" (method and path), not after the method alone',
     _blind_swap(_BLIND_OBSERVABILITY,
                 ('tracer.start_as_current_span(request.method, kind',
                  'tracer.start_as_current_span(f"{request.method} {request.url.path}", kind'))),
    (("metrics in prometheus_client's global REGISTRY instead of tel.registry: a second service in the kernel fails "
      "with 'Duplicated timeseries', and /metrics serves every service's series"),
     _blind_swap(_BLIND_OBSERVABILITY,
                 ('labels, registry=tel.registry)',
                  'labels)'),
                 ((',\n'
                   '                        buckets=capstone.LATENCY_BUCKETS_S, registry=tel.registry)'),
                  (',\n'
                   '                        buckets=capstone.LATENCY_BUCKETS_S)')),
                 ('generate_latest(tel.registry)',
                  'generate_latest()'))),
]


# Two sentences the payments docstring gained after a newcomer's walk-through found them unsaid (2026-11-30): a 5xx
# outside RETRYABLE_STATUSES is not retried, and a half-open trial answered 402 closes the breaker. Each loses only there.
WRONG_ANSWERS["payments_client"] = WRONG_ANSWERS["payments_client"] + [
    ("retries every 5xx, a 501 Not Implemented too", mutate("payments_client", (
        "if r.status_code not in capstone.RETRYABLE_STATUSES:",
        "if r.status_code < 500 and r.status_code not in capstone.RETRYABLE_STATUSES:"))),
    ("only a captured charge closes a half-open breaker: a trial answered 402 opens it again", mutate("payments_client", (
        "                    self._record(ok=True)  # the service answered: it works\n",
        "                    self._record(ok=self.state != \"half-open\")  # only a captured charge may close a half-open breaker\n"))),
]

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
