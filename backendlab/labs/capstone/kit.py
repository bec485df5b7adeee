"""The capstone's world and its assembly: a Kit (database, the simulated payments and identity server behind a fault
proxy, telemetry, a clock you can move) and assemble(), which builds the booking service from your parts and the
course's reference parts."""

from __future__ import annotations

import contextlib
import itertools
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from backendlab.labs.capstone import api as ref_api
from backendlab.labs.capstone.cache import AvailabilityCache
from backendlab.labs.capstone.config import CACHE_MAX_ENTRIES, CACHE_TTL_S, Parts, Settings
from backendlab.labs.capstone.guard import Guard
from backendlab.labs.capstone.identity import AUDIENCE, ISSUER, Identity
from backendlab.labs.capstone.observability import Telemetry, Tracing
from backendlab.labs.capstone.observability import instrument as ref_instrument
from backendlab.labs.capstone.observability import traced_transport as ref_transport
from backendlab.labs.capstone.outbox import EventBus, OutboxRelay
from backendlab.labs.capstone.resilience import PaymentsClient
from backendlab.labs.capstone.schema import Database, database
from backendlab.labs.capstone.store import BookingStore
from backendlab.labs.capstone.world import Ledger, make_world_app
from backendlab.servers.faultproxy import fault_proxy
from backendlab.services import Service, serve

_ssl_contexts: list[ssl.SSLContext] = []


def ssl_context() -> ssl.SSLContext:
    """One default TLS context for the process: httpx builds a new one per client otherwise, reading the CA bundle
    each time (about 0.1 s, measured here) — and the capstone's clients only ever talk plain HTTP on 127.0.0.1."""
    if not _ssl_contexts:
        _ssl_contexts.append(ssl.create_default_context())
    return _ssl_contexts[0]


def http_client(**kwargs: Any) -> httpx.Client:
    """An httpx.Client that shares the process's TLS context."""
    return httpx.Client(verify=ssl_context(), **kwargs)


SEED_EVENTS = (  # name, capacity, price in cents
    ("Opening night", 40, 4_500),
    ("Matinee", 5, 2_500),
    ("Gala dinner", 20, 30_000),  # two seats cost 60 000 cents: over the payments service's credit limit (declined)
)


class AdjustableClock:
    """time.monotonic() plus an offset that advance() moves forward: breakers, caches and buckets read it.
    freeze() stops it (a burst then takes no time at all, however busy the machine); thaw() lets it run again."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen_at: float | None = None
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return (self.frozen_at if self.frozen_at is not None else time.monotonic()) + self.offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.offset += seconds

    def freeze(self) -> None:
        with self._lock:
            if self.frozen_at is None:
                self.frozen_at = time.monotonic()

    def thaw(self) -> None:
        with self._lock:
            if self.frozen_at is not None:
                self.offset -= time.monotonic() - self.frozen_at  # time does not jump forward when it runs again
                self.frozen_at = None


@dataclass
class World:
    """The simulated payments service and identity provider (one server), and the fault proxy in front of payments."""

    tracing: Tracing
    identity: Identity
    ledger: Ledger
    server: Service
    proxy: Any

    @property
    def alive(self) -> bool:
        return self.server.running and self.proxy.running

    def settle_and_reset(self) -> None:
        """Wait (at most 2 s) for requests the proxy still holds back, then forget everything the last kit did."""
        deadline = time.monotonic() + 2.0
        stats = self.proxy.stats
        while stats.requests > stats.forwarded + stats.errors + stats.drops + stats.hangs and time.monotonic() < deadline:
            time.sleep(0.02)
        self.proxy.up()
        self.proxy.clear()
        self.proxy.reset_stats()
        self.ledger.reset()
        self.identity.reset()
        self.tracing.clear()


_idle_worlds: list[World] = []
_worlds_lock = threading.Lock()
_world_numbers = itertools.count(1)


def _take_world() -> World:
    """An idle world of this kernel (reset), or a new one: starting one costs a server, a proxy and an RSA key."""
    with _worlds_lock:
        while _idle_worlds:
            world = _idle_worlds.pop()
            if world.alive:
                return world
    n = next(_world_numbers)
    tracing, identity, ledger = Tracing(), Identity(ISSUER, AUDIENCE), Ledger()
    server = serve(make_world_app(identity, ledger, tracing), name=f"capstone-world-{n}", quiet=True)
    proxy = fault_proxy(server.port, name=f"capstone-payments-{n}")
    return World(tracing, identity, ledger, server, proxy)


def _release_world(world: World) -> None:
    if not world.alive:
        return
    world.settle_and_reset()
    with _worlds_lock:
        _idle_worlds.append(world)


class Kit:
    """Everything the booking service lives among, fresh: close() stops the kit's services and deletes its data.

    - `db`: a throwaway database ("sqlite" file or a "postgresql" schema); `new_database()` makes another;
    - `world`: the simulated payments service and identity provider (one server); `ledger` its charges;
      `identity` the keys and tokens; `proxy`, a fault proxy in front of the payments service, which the
      booking service calls (`proxy.set(latency_ms=...)`, `proxy.down()`, ...);
    - `tracing`: where every service's spans go; `bus`: where the outbox relay publishes; `clock`: a clock to move.

    The world's servers outlive a closed kit: reset, they serve the next kit of this kernel (a test suite opens
    dozens), and stop when the kernel exits.
    """

    def __init__(self, name: str = "capstone", kind: str = "sqlite") -> None:
        self.name = name
        self._world = _take_world()
        self.tracing, self.identity, self.ledger = self._world.tracing, self._world.identity, self._world.ledger
        self.world, self.proxy = self._world.server, self._world.proxy
        self.bus = EventBus()
        self.clock = AdjustableClock()
        self._databases: list[Database] = []
        self._services: list[Service] = []
        self._closed = False
        self.db = self.new_database(kind)
        self.settings = Settings(database_url=self.db.engine.url.render_as_string(hide_password=True), payments_url=self.proxy.url,
                                 jwks_url=f"{self.world.url}/.well-known/jwks.json", issuer=ISSUER, audience=AUDIENCE)

    def new_database(self, kind: str = "sqlite") -> Database:
        db = database(kind)
        self._databases.append(db)
        return db

    def token(self, sub: str, role: str | None = "customer", **kwargs: Any) -> str:
        return self.identity.token(sub, role, **kwargs)

    def headers(self, sub: str, role: str | None = "customer", **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(sub, role, **kwargs)}"}

    def serve(self, app: Any, name: str) -> Service:
        """Run an assembled app on 127.0.0.1 (stopped by close())."""
        service = serve(app, name=f"{self.name}-{name}", quiet=True)
        self._services.append(service)
        return service

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for service in self._services:
            service.stop()
        for db in self._databases:
            db.close()
        _release_world(self._world)

    def __enter__(self) -> Kit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def seed_events(store: Any) -> dict[str, dict[str, Any]]:
    """The three events every capstone database starts with, by name."""
    return {name: store.add_event(name, capacity, price) for name, capacity, price in SEED_EVENTS}


def assemble(kit: Kit, *, store: Callable[..., Any] | None = None, create_app: Callable[..., Any] | None = None,
             payments: Callable[..., Any] | None = None, instrument: Callable[..., Any] | None = None,
             traced_transport: Callable[..., Any] | None = None, guard: Callable[..., Any] | None = None,
             cache: Callable[..., Any] | None = None, db: Database | None = None, relay_interval_s: float = 0.2,
             seed: int = 7, events: bool = True) -> Any:
    """The booking service: your parts where given, the course's reference parts elsewhere. Returns the FastAPI app;
    `app.state.parts` holds the parts and `app.state.tel` its telemetry.

    store(engine) · payments(http, clock=, sleep=, rng=) · guard(settings, http, clock=) · cache(ttl_s, max_entries, clock=)
    · create_app(parts) · instrument(app, tel) · traced_transport(inner_transport, tel). `events` seeds SEED_EVENTS.
    """
    tel = Telemetry(kit.tracing)
    the_store = (store or BookingStore)((db or kit.db).engine)
    if events:
        seed_events(the_store)
    transport = (traced_transport or ref_transport)(httpx.HTTPTransport(verify=ssl_context()), tel)
    http = http_client(base_url=kit.settings.payments_url, transport=transport, timeout=5.0)
    the_payments = (payments or PaymentsClient)(http, clock=kit.clock, sleep=time.sleep, rng=random.Random(seed))
    the_guard = (guard or Guard)(kit.settings, http_client(timeout=5.0), clock=kit.clock)
    the_cache = (cache or AvailabilityCache)(CACHE_TTL_S, CACHE_MAX_ENTRIES, clock=time.monotonic)
    relay = OutboxRelay(the_store, kit.bus, interval_s=relay_interval_s)
    parts = Parts(kit.settings, the_store, the_payments, the_guard, the_cache, relay, tel.logger)
    app = (create_app or ref_api.create_app)(parts)
    the_guard.install(app)
    (instrument or ref_instrument)(app, tel)
    app.state.parts, app.state.tel = parts, tel
    return app


@contextlib.contextmanager
def running(kit: Kit, app: Any, name: str = "bookings") -> Iterator[httpx.Client]:
    """Serve `app` for the block and yield an httpx client on it; the service stops (gracefully) at the end."""
    service = kit.serve(app, name)
    try:
        with http_client(base_url=service.url, timeout=10.0) as client:
            yield client
    finally:
        service.stop()
