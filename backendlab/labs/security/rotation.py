"""Key rotation: the JWKS an issuer publishes, verifying with it, simulated clocks and the issuer's key ring."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import jwt
from jwt.algorithms import RSAAlgorithm

from backendlab.labs.security.config import ACCESS_TTL_S
from backendlab.labs.security.keys import SigningKey, public_jwk
from backendlab.labs.security.tokens import _kid, decode_strict, issue_token


def jwks_document(keys: Iterable[SigningKey], now: float, grace_s: float) -> dict[str, Any]:
    """Reference for exercise 4: the public JWKS at `now`: the active key and keys retired less than grace_s ago."""
    published = [k for k in keys if k.retired_at is None or now < k.retired_at + grace_s]
    return {"keys": [public_jwk(k.private_key, k.kid) for k in published]}


def verify_with_jwks(token: str, jwks: Mapping[str, Any], *, now: float | None = None) -> dict[str, Any]:
    """Reference for exercise 4: verify a token with the JWK its header kid names (rules as verify_token)."""
    kid = _kid(token)
    matches = [k for k in jwks.get("keys", []) if k.get("kid") == kid]
    if not matches:
        raise jwt.InvalidTokenError(f"key id {kid!r} is not in the JWKS")
    return decode_strict(token, RSAAlgorithm.from_jwk(matches[0]), now=now)


@contextlib.contextmanager
def frozen_clock(at: float) -> Iterator[None]:
    """Inside the block, PyJWT's "now" and time.time() both read `at`: tests can hit an exp/nbf boundary exactly."""
    import datetime as dt
    from unittest import mock

    class _Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> dt.datetime:  # type: ignore[override]
            return dt.datetime.fromtimestamp(at, tz)

    with mock.patch("jwt.api_jwt.datetime", _Frozen), mock.patch("time.time", return_value=float(at)):
        yield


class ManualClock:
    """A clock for tests and simulations: it moves only when told to."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = float(start)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


class KeyRing:
    """An issuer's signing keys: the active key signs; a retired key stays in the JWKS for grace_s seconds."""

    def __init__(self, clock: Callable[[], float], grace_s: float, ttl_s: float = ACCESS_TTL_S) -> None:
        self.clock, self.grace_s, self.ttl_s = clock, grace_s, ttl_s
        self.keys: list[SigningKey] = []
        self.rotate()

    @property
    def active(self) -> SigningKey:
        return self.keys[-1]

    def rotate(self) -> SigningKey:
        now = self.clock()
        for key in self.keys:
            if key.retired_at is None:
                key.retired_at = now
        self.keys.append(SigningKey.generate(created_at=now))
        return self.active

    def sign(self, subject: str, **extra: Any) -> str:
        return issue_token(self.active.private_key, self.active.kid, subject, now=self.clock(), ttl_s=self.ttl_s, **extra)

    def jwks(self) -> dict[str, Any]:
        return jwks_document(self.keys, self.clock(), self.grace_s)

    def verify(self, token: str) -> dict[str, Any]:
        return verify_with_jwks(token, self.jwks(), now=self.clock())
