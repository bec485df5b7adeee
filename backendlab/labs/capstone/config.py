"""The capstone's settings (read from the environment, never from code), its constants and its domain errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields

# --- the booking domain ------------------------------------------------------------------------------------
ROLES = ("customer", "admin")
STATUSES = ("pending_payment", "confirmed", "rejected", "cancelled")
EVENT_TYPES = ("booking.created", "booking.confirmed", "booking.rejected", "booking.cancelled")
MAX_SEATS = 10  # per booking, from the contract
PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX = 20, 50
CREDIT_LIMIT_CENTS = 50_000  # the payments service declines a charge above this (402)

# --- resilience toward the payments service (module 07's patterns) -----------------------------------------
ATTEMPT_TIMEOUT_S = 0.5  # each attempt's timeout (connect, read, write, pool): far above a healthy call on a busy machine
MAX_ATTEMPTS = 3  # attempts per charge(), the first one included
BACKOFF_BASE_S = 0.05  # full jitter: sleep uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (retry - 1)))
BACKOFF_CAP_S = 0.4
CALL_BUDGET_S = 1.2  # a charge() never lets a next attempt start later than this after it began
BREAKER_THRESHOLD = 5  # failed attempts in a row that open the circuit
BREAKER_OPEN_S = 5.0  # how long it stays open before one trial attempt (half-open)
RETRYABLE_STATUSES = (429, 500, 502, 503, 504)

# --- the cache (module 06) ---------------------------------------------------------------------------------
CACHE_TTL_S = 1.0
CACHE_MAX_ENTRIES = 256

# --- observability (module 04) -----------------------------------------------------------------------------
LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
SLO_TARGET = 0.99  # 99 % of requests: not a 5xx and served within SLO_LATENCY_S
SLO_LATENCY_S = 0.25

# --- the relative load SLO (graded) ------------------------------------------------------------------------
P99_RATIO = 2.0  # your p99 may be at most this many times the reference's, measured in the same run
P99_FLOOR_MS = 50.0  # ...of at least this many ms: differences below it are noise on a shared machine
BOOKING_FLOOR_MS = 100.0  # bookings' median: a payments call and a write each, few of them, so more noise (a correct
#   service measured 98 ms against a reference's 42 ms at load average 5, under the 50 ms floor's 100 ms limit)
MAX_ERROR_RATIO = 0.01


@dataclass(frozen=True)
class Settings:
    """Everything the service is configured with. `Settings.from_env()` reads BOOKINGS_<FIELD> variables; nothing
    secret lives in code (the service holds no signing key at all: it verifies tokens with the identity provider's
    public keys, fetched from jwks_url)."""

    database_url: str
    payments_url: str
    jwks_url: str
    issuer: str = "https://id.capstone.example"
    audience: str = "bookings-api"
    leeway_s: int = 30
    jwks_cache_s: float = 300.0
    jwks_min_refetch_s: float = 10.0
    rate_burst: int = 20
    rate_per_s: float = 10.0
    max_body_bytes: int = 16_384

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, prefix: str = "BOOKINGS_") -> Settings:
        """Settings from environment variables (BOOKINGS_DATABASE_URL, BOOKINGS_JWKS_URL, ...); a missing required one
        raises KeyError naming it."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            name = prefix + f.name.upper()
            if name in env:
                kind = {"int": int, "float": float}.get(str(f.type), str)
                values[f.name] = kind(env[name])
            elif f.default is MISSING:
                raise KeyError(f"{name} is not set: the service reads its configuration from the environment")
        return cls(**values)  # type: ignore[arg-type]

    def as_env(self, prefix: str = "BOOKINGS_") -> dict[str, str]:
        """The environment variables that from_env() turns back into these settings."""
        return {prefix + f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject and role."""

    subject: str
    role: str


@dataclass(frozen=True)
class Charge:
    """What PaymentsClient.charge() answers: outcome "captured", "declined" or "unavailable"; the charge id when captured;
    how many requests it sent."""

    outcome: str
    charge_id: str | None = None
    attempts: int = 0


# --- domain errors: raised by the parts, turned into problem details by capstone.install_problem_handlers ----
class BookingError(Exception):
    """Base of the errors the booking service turns into problem details."""

    status = 500
    slug = "internal"
    title = "Internal Server Error"


class UnknownEvent(BookingError):
    status, slug, title = 404, "unknown-event", "No such event"


class UnknownBooking(BookingError):
    status, slug, title = 404, "unknown-booking", "No such booking"


class SoldOut(BookingError):
    status, slug, title = 409, "sold-out", "Not enough seats left"


class Conflict(BookingError):
    status, slug, title = 409, "conflict", "The booking is not in a state that allows this"


class KeyReused(BookingError):
    status, slug, title = 422, "idempotency-key-reused", "Idempotency-Key already used with another request"


class MissingIdempotencyKey(BookingError):
    status, slug, title = 400, "idempotency-key-missing", "Idempotency-Key is missing or malformed"


class BadCursor(BookingError):
    status, slug, title = 400, "bad-cursor", "The cursor was not issued by this service"


class Unauthorized(BookingError):
    status, slug, title = 401, "unauthorized", "Missing or invalid credentials"


class Forbidden(BookingError):
    status, slug, title = 403, "forbidden", "Your role may not do this"


class RateLimited(BookingError):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, retry_after_s: float = 1.0) -> None:
        super().__init__(f"retry after {retry_after_s:.2f} s")
        self.retry_after_s = float(retry_after_s)


class PayloadTooLarge(BookingError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


@dataclass
class Parts:
    """The pieces create_app() wires together (capstone.assemble builds them): settings, store, payments client, guard,
    cache, outbox relay, and the service's private logger."""

    settings: Settings
    store: object
    payments: object
    guard: object
    cache: object
    relay: object
    log: object
