"""Your part or the course's: the notebooks' report cells use your parts when they are written and pass a quick
check, and the course's reference parts otherwise, and say which."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import httpx

from backendlab.labs.capstone.cache import AvailabilityCache
from backendlab.labs.capstone.config import Parts, Settings
from backendlab.labs.capstone.guard import Guard
from backendlab.labs.capstone.identity import Identity
from backendlab.labs.capstone.observability import Telemetry
from backendlab.labs.capstone.outbox import EventBus, OutboxRelay
from backendlab.labs.capstone.resilience import PaymentsClient
from backendlab.labs.capstone.schema import database
from backendlab.labs.capstone.store import BookingStore

METHODS = {  # the methods an exercise asks for: a part counts as written when none of them only raises NotImplementedError
    "store": ("book", "settle", "cancel", "bookings", "sales_report"),
    "create_app": (),
    "instrument": (),
    "traced_transport": (),
    "guard": ("authorize", "install"),
    "payments": ("charge",),
    "cache": ("get", "invalidate", "clear", "stats"),
}


def written(obj: Any, methods: tuple[str, ...] = ()) -> bool:
    """False for None and for a function (or any of a class's `methods`) whose body is only `raise NotImplementedError()`."""
    if obj is None:
        return False
    for target in [getattr(obj, m, None) for m in methods] if methods else [obj]:
        code = getattr(target, "__code__", None)
        if code is None or set(code.co_names) <= {"NotImplementedError"}:
            return False
    return True


def _settings() -> Settings:
    return Settings(database_url="sqlite://", payments_url="http://payments.test", jwks_url="http://identity.test/jwks.json")


def _smoke_store(cls: Any) -> None:
    db = database("sqlite")
    try:
        store = cls(db.engine)
        event = store.add_event("Smoke", 3, 100)
        booking, _ = store.book(event["id"], "smoke", 1, "smoke-0001")
        store.settle(booking["id"], "confirmed")
        store.cancel(booking["id"])
        store.bookings(None, None, 5)
        store.sales_report()
    finally:
        db.close()


def _smoke_app(create_app: Any) -> None:
    db = database("sqlite")
    try:
        store = BookingStore(db.engine)
        http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(201, json={"charge_id": "ch_1"})), base_url="http://p.test")
        no_idp = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503)))
        parts = Parts(_settings(), store, PaymentsClient(http), Guard(_settings(), no_idp), AvailabilityCache(),
                      OutboxRelay(store, EventBus()), Telemetry().logger)
        app = create_app(parts)
        if not getattr(app, "routes", None):
            raise TypeError(f"create_app returned {type(app).__name__}, not an app with routes")
    finally:
        db.close()


def _smoke_instrument(instrument: Any) -> None:
    from fastapi import FastAPI

    instrument(FastAPI(), Telemetry())


def _smoke_transport(traced_transport: Any) -> None:
    transport = traced_transport(httpx.MockTransport(lambda r: httpx.Response(200)), Telemetry())
    with httpx.Client(transport=transport, base_url="http://p.test") as client:
        client.get("/")


def _smoke_guard(cls: Any) -> None:
    identity = Identity()
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=identity.jwks())))
    guard = cls(_settings(), http)
    guard.authorize(f"Bearer {identity.token('smoke')}", ("customer",))


def _smoke_payments(cls: Any) -> None:
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(201, json={"charge_id": "ch_1"})), base_url="http://p.test")
    cls(http, rng=random.Random(1)).charge("bkg_000000000001", 100)


def _smoke_cache(cls: Any) -> None:
    cache = cls(1.0, 4)
    cache.get("k", lambda: 1)
    cache.invalidate("k")
    cache.stats()


SMOKES: dict[str, Callable[[Any], None]] = {"store": _smoke_store, "create_app": _smoke_app, "instrument": _smoke_instrument,
                                           "traced_transport": _smoke_transport, "guard": _smoke_guard, "payments": _smoke_payments,
                                           "cache": _smoke_cache}


def yours_or_reference(part: str, candidate: Any, reference: Any) -> tuple[Any, str]:
    """(candidate, "yours") when it is written and passes a quick check; else (reference, "reference"), saying why."""
    if not written(candidate, METHODS[part]):
        print(f"{part}: not written yet — the course's reference stands in")
        return reference, "reference"
    try:
        SMOKES[part](candidate)
    except Exception as exc:
        print(f"{part}: yours raised {type(exc).__name__}: {str(exc)[:120]} in a quick check — the course's reference stands in")
        return reference, "reference"
    print(f"{part}: yours")
    return candidate, "yours"


def attempt(check: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, str]:
    """Run a milestone check quietly for the report: (True, "") when it passes, (False, why) when it does not."""
    import contextlib
    import io

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(*args, **kwargs)
    except Exception as exc:  # CheckFailed, or a crash of the part: either way, a failed section with its reason
        return False, f"{type(exc).__name__}: {exc}"[:300]
    return True, ""
