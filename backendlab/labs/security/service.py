"""The notes service: weak by default, each fix switchable, the kit of run-time parts, and the orders caller."""

from __future__ import annotations

import inspect
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from backendlab.labs.security.config import FIXES, INTERNAL_AUDIENCE, MAX_BODY_BYTES, SERVICE_TTL_S
from backendlab.labs.security.keys import SigningKey
from backendlab.labs.security.limits import RateLimitMiddleware, TokenBucket
from backendlab.labs.security.passwords import COMMON_PASSWORDS, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, cheap_hasher, password_problems
from backendlab.labs.security.store import UserStore
from backendlab.labs.security.tokens import _kid, access_claims, decode_strict, issue_token, sign, verify_token
from backendlab.labs.security.weak import trusts_loopback, weak_identify, weak_token

# ----------------------------------------------------------------------------------------------------------------
# The service: weak by default, each fix switchable, and the kit of building blocks
# ----------------------------------------------------------------------------------------------------------------


class SignupIn(BaseModel):
    """Strict signup body: known fields only, exact types, bounded sizes, a password NIST SP 800-63B-4 accepts."""

    model_config = ConfigDict(extra="forbid", strict=True)
    username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")  # domains are case-insensitive

    @model_validator(mode="after")
    def password_not_expected(self) -> SignupIn:
        """Blocklist and username checks (the length is the Field's): 422 with the reason, never the password."""
        problems = [p for p in password_problems(self.password, self.username) if "characters" not in p]
        if problems:
            raise ValueError(f"choose another password: {'; '.join(problems)}")
        return self


class LoginIn(BaseModel):
    """Strict login body."""

    model_config = ConfigDict(extra="forbid", strict=True)
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


def bearer(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or 401."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


@dataclass
class ServiceKit:
    """What a service needs, made at run time: seed users' passwords, signing keys, a hasher, a limiter clock."""

    passwords: dict[str, str] = field(repr=False)
    signing_key: SigningKey = field(repr=False)
    service_keys: dict[str, SigningKey] = field(repr=False)
    hasher: PasswordHasher = field(repr=False)
    clock: Callable[[], float] = field(repr=False)
    login_rate_per_s: float = 1.0
    login_burst: int = 5
    max_body_bytes: int = MAX_BODY_BYTES
    roles: dict[str, str] = field(default_factory=lambda: {"alice": "user", "alan": "user", "bob": "user", "ops": "admin"})

    @classmethod
    def create(cls, clock: Callable[[], float] | None = None, callers: Iterable[str] = ("orders",)) -> ServiceKit:
        """Fresh passwords and keys: `bob` gets a common password (on purpose), the others random ones."""
        passwords = {name: secrets.token_urlsafe(12) for name in ("alice", "alan", "ops")}
        passwords["bob"] = secrets.choice([p for p in COMMON_PASSWORDS if len(p) >= 8])
        now = time.time()
        return cls(
            passwords=passwords,
            signing_key=SigningKey.generate(now),
            service_keys={name: SigningKey.generate(now) for name in callers},
            hasher=cheap_hasher(),
            clock=clock or time.monotonic,
        )

    def new_store(self, scheme: str = "argon2") -> UserStore:
        """A users table seeded with alice, alan, bob and ops (hashed with `scheme`)."""
        store = UserStore(scheme, self.hasher)
        for name, password in self.passwords.items():
            store.create(name, password, f"{name}@example.com", self.roles[name])
        return store

    def new_limiter(self) -> TokenBucket:
        """The login limiter: login_burst attempts at once, then login_rate_per_s per client."""
        return TokenBucket(self.login_rate_per_s, self.login_burst, self.clock)

    @property
    def public_keys(self) -> dict[str, rsa.RSAPublicKey]:
        """kid -> public key of the user-token issuer."""
        return {self.signing_key.kid: self.signing_key.private_key.public_key()}

    def issue_access_token(self, username: str, role: str = "user", **kwargs: Any) -> str:
        """An RS256 access token for the notes API (keyword arguments as in access_claims)."""
        return issue_token(self.signing_key.private_key, self.signing_key.kid, username, role=role, **kwargs)

    def verify_access_token(self, token: str) -> dict[str, Any]:
        """Claims of a valid access token; jwt.PyJWTError otherwise."""
        return verify_token(token, self.public_keys)

    def issue_service_token(self, caller: str = "orders", **kwargs: Any) -> str:
        """A short-lived token that `caller` attaches to each internal call (aud = INTERNAL_AUDIENCE)."""
        key = self.service_keys[caller]
        kwargs.setdefault("ttl_s", SERVICE_TTL_S)
        claims = access_claims(caller, issuer=f"service:{caller}", audience=INTERNAL_AUDIENCE, **kwargs)
        return sign(claims, key.private_key, key.kid)

    def verify_service_token(self, token: str) -> dict[str, Any]:
        """Claims of a valid service token: a known caller's key, issued by that same caller, for INTERNAL_AUDIENCE."""
        kid = _kid(token)
        owners = {k.kid: name for name, k in self.service_keys.items()}
        if kid not in owners:
            raise jwt.InvalidTokenError(f"unknown service key {kid!r}")
        caller = owners[kid]
        public = self.service_keys[caller].private_key.public_key()
        return decode_strict(token, public, audience=INTERNAL_AUDIENCE, issuer=f"service:{caller}")


def make_app(kit: ServiceKit, fixes: Iterable[str] = ()) -> FastAPI:
    """The notes service: deliberately weak with no fixes; each name in FIXES switches one defence on."""
    fixes = frozenset(fixes)
    unknown = fixes - set(FIXES)
    if unknown:
        raise ValueError(f"unknown fixes {sorted(unknown)}; choose from {FIXES}")
    store = kit.new_store("argon2" if "passwords" in fixes else "sha256")
    app = FastAPI(title=f"notes ({len(fixes)}/{len(FIXES)} fixes)", max_body_size=kit.max_body_bytes if "body_limit" in fixes else None)
    app.state.store = store
    app.state.fixes = fixes
    events: list[dict[str, Any]] = []
    if "rate_limit" in fixes:
        app.add_middleware(RateLimitMiddleware, limiter=kit.new_limiter(), paths=("/login",))
    if "validation" not in fixes:

        @app.middleware("http")
        async def verbose_errors(request: Request, call_next: Any) -> Any:
            try:
                return await call_next(request)
            except Exception as exc:  # VULNERABLE: internals (SQL, types, paths) go back to the caller
                return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=500)

    def issue(username: str) -> str:
        role = store.role_of(username)
        return kit.issue_access_token(username, role) if "tokens" in fixes else weak_token(username, role)

    def identify(authorization: str | None) -> dict[str, Any]:
        if "tokens" not in fixes:
            return weak_identify(authorization)
        try:
            return kit.verify_access_token(bearer(authorization))
        except jwt.PyJWTError:  # never echo the library's reason or anything from the token (its kid, its claims)
            raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None

    def login_as(username: str, password: str) -> dict[str, str]:
        if not store.check_password(username, password):
            raise HTTPException(401, "wrong username or password")
        events.append({"event": "login", "user": username, "at": round(time.time(), 3)})
        return {"access_token": issue(username), "token_type": "bearer"}

    if "validation" in fixes:

        @app.post("/signup", status_code=201)
        def signup(body: SignupIn) -> dict[str, str]:
            if not store.create(body.username, body.password, body.email):
                raise HTTPException(409, "username taken")
            return {"username": body.username}

        @app.post("/login")
        def login(body: LoginIn) -> dict[str, str]:
            return login_as(body.username, body.password)

    else:

        @app.post("/signup", status_code=201)
        async def signup(request: Request) -> dict[str, Any]:
            body = await request.json()  # any JSON, any size, any fields
            if not store.create(body["username"], body["password"], body.get("email", ""), body.get("role", "user")):
                raise HTTPException(409, "username taken")
            return {"username": body["username"]}

        @app.post("/login")
        async def login(request: Request) -> dict[str, str]:
            body = await request.json()
            return login_as(body["username"], body["password"])

    @app.get("/me")
    def me(authorization: str | None = Header(default=None)) -> dict[str, Any]:
        claims = identify(authorization)
        return {"username": claims.get("sub"), "role": claims.get("role")}

    @app.get("/users/search")
    def search(prefix: str = Query(default="", max_length=64 if "validation" in fixes else None)) -> list[dict[str, str]]:
        return store.search(prefix) if "injection" in fixes else store.search_unsafe(prefix)

    if "zero_trust" in fixes:

        @app.get("/internal/audit")
        def audit(authorization: str | None = Header(default=None)) -> dict[str, Any]:
            try:
                caller = kit.verify_service_token(bearer(authorization))["sub"]
            except jwt.PyJWTError:
                raise HTTPException(401, "service token required", headers={"WWW-Authenticate": "Bearer"}) from None
            return {"caller": caller, "events": events[-20:]}

    else:

        @app.get("/internal/audit")
        def audit(request: Request) -> dict[str, Any]:
            if not trusts_loopback(request):
                raise HTTPException(403, "internal only")
            return {"caller": "anyone on this host", "events": events[-20:]}

    return app


def make_weak_app(kit: ServiceKit) -> FastAPI:
    """The notes service with every weakness in place."""
    return make_app(kit, ())


def make_hardened_app(kit: ServiceKit) -> FastAPI:
    """The notes service with every fix switched on: the reference for exercise 7."""
    return make_app(kit, FIXES)


def make_orders_app(kit: ServiceKit, audit_url: str, signed: bool = True) -> FastAPI:
    """A second service that calls the audit service; with `signed` it attaches a fresh service token to each call."""
    app = FastAPI(title="orders")

    @app.get("/orders/report")
    def report() -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {kit.issue_service_token('orders')}"} if signed else {}
        reply = httpx.get(f"{audit_url}/internal/audit", headers=headers, timeout=5.0)
        return {"audit_status": reply.status_code, "events_seen": len(reply.json().get("events", [])) if reply.is_success else 0}

    return app


def endpoint_source(app: FastAPI, path: str, method: str = "GET") -> str:
    """The source code of the function that serves `method path` in `app`."""
    for route in app.routes:
        if getattr(route, "path", None) == path and method.upper() in getattr(route, "methods", set()):
            return inspect.getsource(route.endpoint)  # type: ignore[attr-defined]
    raise KeyError(f"{method} {path} is not a route of this app")
