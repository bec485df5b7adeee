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
