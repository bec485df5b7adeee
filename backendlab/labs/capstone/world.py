"""The booking service's outside world, simulated by one small server: the payments service (POST /charges, which
the fault proxy makes misbehave) and the identity provider's JWKS, plus an attacker's JWKS for the `jku` attack."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from backendlab.labs.capstone.config import CREDIT_LIMIT_CENTS
from backendlab.labs.capstone.identity import Identity, new_rsa_key, public_jwk
from backendlab.labs.capstone.observability import Tracing


@dataclass
class Ledger:
    """The payments service's books: one charge per Idempotency-Key, however often it is retried."""

    charges: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key -> charge
    requests: int = 0  # POST /charges that reached the service (through the proxy or not)
    replays: int = 0
    declined: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def charge(self, key: str, booking_id: str, amount_cents: int) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests += 1
            if key in self.charges:
                self.replays += 1
                return 200, self.charges[key]
            if amount_cents > CREDIT_LIMIT_CENTS:
                self.declined += 1
                return 402, {}
            charge = {"charge_id": "ch_" + secrets.token_hex(6), "booking_id": booking_id, "amount_cents": amount_cents,
                      "status": "captured"}
            self.charges[key] = charge
            return 201, charge

    def charged(self, booking_id: str) -> int:
        """How many distinct charges exist for a booking (more than one is a double charge)."""
        with self._lock:
            return sum(1 for c in self.charges.values() if c["booking_id"] == booking_id)

    def reset(self) -> None:
        with self._lock:
            self.charges.clear()
            self.requests = self.replays = self.declined = 0


ATTACKER_KID = "k-attacker"
_attacker: list[Any] = []


def attacker_key() -> Any:
    """The attacker's RSA key (one per process: it is public knowledge that the attacker has one)."""
    if not _attacker:
        _attacker.append(new_rsa_key())
    return _attacker[0]


class ChargeIn(BaseModel):
    booking_id: str
    amount_cents: int


def make_world_app(identity: Identity, ledger: Ledger, tracing: Tracing) -> Any:
    """POST /charges (payments), GET /.well-known/jwks.json (identity), GET /evil/jwks.json (an attacker's keys)."""
    from fastapi import FastAPI, Header
    from fastapi.responses import JSONResponse
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    app = FastAPI(title="payments and identity (simulated)")
    attacker = attacker_key()
    app.state.attacker_key = attacker

    @app.get("/.well-known/jwks.json")
    def jwks() -> JSONResponse:
        identity.jwks_fetches += 1
        if identity.failing:
            return JSONResponse({"type": "about:blank", "title": "Service Unavailable", "status": 503}, status_code=503,
                                media_type="application/problem+json")
        return JSONResponse(identity.jwks(), headers={"Cache-Control": "max-age=300"})

    @app.get("/evil/jwks.json")
    def evil_jwks() -> dict[str, Any]:
        return {"keys": [public_jwk(attacker, ATTACKER_KID)]}

    @app.post("/charges")
    def charge(body: ChargeIn, idempotency_key: str | None = Header(default=None, alias="Idempotency-Key")) -> JSONResponse:
        # without a key every request is a new charge: a client that retries without one can charge twice
        status, charge = ledger.charge(idempotency_key or "no-key-" + secrets.token_hex(8), body.booking_id, body.amount_cents)
        if status == 402:
            return JSONResponse({"type": "https://payments.capstone.example/problems/card-declined", "title": "Card declined",
                                 "status": 402}, status_code=402, media_type="application/problem+json")
        return JSONResponse(charge, status_code=status)

    FastAPIInstrumentor.instrument_app(app, tracer_provider=tracing.provider("payments"),
                                       excluded_urls="/.well-known/jwks.json,/evil/jwks.json", exclude_spans=["receive", "send"])
    return app
