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
    """Reference for exercise 4: the public JWKS at `now`: every key not retired (the active key and a pre-published
    next key) and every key retired less than grace_s ago."""
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
    """An issuer's signing keys: one active key signs; a next key can be pre-published in the JWKS before it signs;
    a retired key stays in the JWKS for grace_s seconds."""

    def __init__(self, clock: Callable[[], float], grace_s: float, ttl_s: float = ACCESS_TTL_S) -> None:
        self.clock, self.grace_s, self.ttl_s = clock, grace_s, ttl_s
        first = SigningKey.generate(created_at=clock())
        first.signs_from = first.created_at
        self.keys: list[SigningKey] = [first]
        self._active = first
        self.next: SigningKey | None = None

    @property
    def active(self) -> SigningKey:
        """The key that signs new tokens now."""
        return self._active

    def prepublish(self) -> SigningKey:
        """Make the next key and publish it in the JWKS now, without signing with it (idempotent until a rotation)."""
        if self.next is None:
            self.next = SigningKey.generate(created_at=self.clock())
            self.keys.append(self.next)
        return self.next

    def rotate(self) -> SigningKey:
        """The next key starts signing and the active one retires. Without a pre-published next key, one is made and
        signs at once: verifiers whose cached JWKS predates it refuse its tokens until their cache expires."""
        now = self.clock()
        incoming = self.prepublish()
        self._active.retired_at = now
        incoming.signs_from = now
        self._active, self.next = incoming, None
        return incoming

    def sign(self, subject: str, **extra: Any) -> str:
        return issue_token(self.active.private_key, self.active.kid, subject, now=self.clock(), ttl_s=self.ttl_s, **extra)

    def jwks(self) -> dict[str, Any]:
        return jwks_document(self.keys, self.clock(), self.grace_s)

    def verify(self, token: str) -> dict[str, Any]:
        """Verify against the JWKS as published this instant (a verifier with no cache)."""
        return verify_with_jwks(token, self.jwks(), now=self.clock())


class CachingVerifier:
    """A verifier that fetches the issuer's JWKS and keeps it for cache_s seconds, as real ones do (a jwks_uri answer
    with Cache-Control: max-age, a gateway's key cache). refetch_on_unknown_kid=True fetches once more when a token
    names a kid the cache lacks (PyJWKClient does this), at most once per min_refetch_s, so random kids cannot turn
    every request into a fetch."""

    def __init__(self, fetch_jwks: Callable[[], dict[str, Any]], clock: Callable[[], float], cache_s: float, *,
                 refetch_on_unknown_kid: bool = False, min_refetch_s: float = 60.0) -> None:
        self.fetch_jwks, self.clock, self.cache_s = fetch_jwks, clock, cache_s
        self.refetch_on_unknown_kid, self.min_refetch_s = refetch_on_unknown_kid, min_refetch_s
        self.jwks: dict[str, Any] = {"keys": []}
        self.fetched_at: float | None = None
        self.fetches = 0

    def refresh(self) -> None:
        self.jwks, self.fetched_at = self.fetch_jwks(), self.clock()
        self.fetches += 1

    def verify(self, token: str) -> dict[str, Any]:
        now = self.clock()
        if self.fetched_at is None or now - self.fetched_at >= self.cache_s:
            self.refresh()
        known = {jwk.get("kid") for jwk in self.jwks.get("keys", [])}
        if self.refetch_on_unknown_kid and _kid(token) not in known and now - (self.fetched_at or now) >= self.min_refetch_s:
            self.refresh()
        return verify_with_jwks(token, self.jwks, now=now)
