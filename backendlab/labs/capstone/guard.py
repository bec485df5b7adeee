"""The reference guard (exercise 4): bearer JWTs verified against the identity provider's JWKS (cached, refetched
at a bounded rate for an unknown kid), roles, a token bucket per subject, and a request-body limit."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import jwt
from jwt.algorithms import RSAAlgorithm
from starlette.exceptions import HTTPException

from backendlab.labs.capstone.config import (
    ROLES,
    Forbidden,
    PayloadTooLarge,
    Principal,
    RateLimited,
    Settings,
    Unauthorized,
)
from backendlab.labs.capstone.problems import error_response

REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


def bearer(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive); else Unauthorized."""
    if not authorization:
        raise Unauthorized()
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
        raise Unauthorized()
    return token.strip()


class BodyLimit:
    """Pure ASGI middleware: 413 for a declared Content-Length over the limit, and for a body that grows past it."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await error_response(PayloadTooLarge())(scope, receive, send)
            return
        seen = 0

        async def counting() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # FastAPI passes an HTTPException raised while it reads the body through
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, counting, send)


class Guard:
    """Reference answer of exercise 4."""

    def __init__(self, settings: Settings, http: httpx.Client, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.http, self.clock = settings, http, clock
        self._keys: dict[str, Any] = {}
        self._fetched_at = -math.inf
        self._last_attempt = -math.inf
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    # --- keys -------------------------------------------------------------------------------------------------
    def _fetch(self) -> None:
        self._last_attempt = self.clock()
        try:
            document = self.http.get(self.settings.jwks_url, timeout=2.0).raise_for_status().json()
            keys = {}
            for jwk in document.get("keys", []):
                if jwk.get("kty") == "RSA" and isinstance(jwk.get("kid"), str) and jwk.get("use", "sig") == "sig":
                    keys[jwk["kid"]] = RSAAlgorithm.from_jwk(json.dumps(jwk))
        except (httpx.HTTPError, ValueError, TypeError, AttributeError):
            return  # keep the keys we had: the identity provider being down must not log everyone out
        self._keys, self._fetched_at = keys, self.clock()

    def key_for(self, kid: str) -> Any:
        with self._lock:
            now = self.clock()
            if now - self._fetched_at >= self.settings.jwks_cache_s:
                self._fetch()
            elif kid not in self._keys and now - self._last_attempt >= self.settings.jwks_min_refetch_s:
                self._fetch()  # a rotation we have not seen yet; bounded, or random kids would flood the provider
            return self._keys.get(kid)

    # --- requests ---------------------------------------------------------------------------------------------
    def _spend(self, subject: str) -> None:
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(subject, (float(self.settings.rate_burst), now))
            tokens = min(float(self.settings.rate_burst), tokens + (now - at) * self.settings.rate_per_s)
            if tokens < 1.0:
                self._buckets[subject] = (tokens, now)
                raise RateLimited((1.0 - tokens) / self.settings.rate_per_s)
            self._buckets[subject] = (tokens - 1.0, now)

    def authorize(self, authorization: str | None, roles: Iterable[str]) -> Principal:
        token = bearer(authorization)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.key_for(kid) if isinstance(kid, str) else None
            if key is None:
                raise jwt.InvalidTokenError("unknown key")
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=self.settings.audience, issuer=self.settings.issuer,
                                leeway=self.settings.leeway_s, options={"require": REQUIRED_CLAIMS})
        except jwt.PyJWTError:
            raise Unauthorized() from None  # no reason given: the library's message would help an attacker
        subject, role = claims.get("sub"), claims.get("role")
        if not isinstance(subject, str) or not subject or role not in ROLES:
            raise Unauthorized()
        self._spend(subject)
        if role not in tuple(roles):
            raise Forbidden()
        return Principal(subject, role)

    def install(self, app: Any) -> None:
        app.add_middleware(BodyLimit, max_bytes=self.settings.max_body_bytes)
