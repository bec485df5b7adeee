"""Module 05's security lab: a deliberately weak service and its fixes, run-time keys, tokens, limits, scanners."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import heapq
import hmac
import inspect
import json
import math
import os
import random
import re
import secrets
import sqlite3
import string
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from jwt.algorithms import RSAAlgorithm
from pydantic import BaseModel, ConfigDict, Field

from backendlab.services import serve

ISSUER = "https://auth.backendlab.test"
AUDIENCE = "notes-api"
INTERNAL_AUDIENCE = "audit-service"
ALGORITHMS = ["RS256"]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
LEEWAY_S = 30
ACCESS_TTL_S = 300
SERVICE_TTL_S = 60
MAX_BODY_BYTES = 4096
SEARCH_LIMIT = 20
FIXES = ("validation", "body_limit", "injection", "passwords", "tokens", "rate_limit", "zero_trust")
WEAK_JWT_SECRET = "changeme"  # deliberately weak: the weak app's hard-coded HMAC key (the lesson is not to do this)
PEM_DASHES = "-" * 5  # PEM armour is built at run time: no key header text lives in the source


# ----------------------------------------------------------------------------------------------------------------
# Keys, made at run time
# ----------------------------------------------------------------------------------------------------------------


def new_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A fresh RSA private key (2048 bits: about 50-200 ms to make, so make few)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def public_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> bytes:
    """The PEM text of the public half of `key`: safe to publish."""
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    """A key id: the first 16 characters of the RFC 7638 JWK thumbprint of the public key."""
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())[:16]


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    """The public JWK (RFC 7517) of `key`: kty, n, e plus kid, use and alg — never the private members."""
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    jwk = dict(RSAAlgorithm.to_jwk(public, as_dict=True))
    jwk.update(kid=kid, use="sig", alg="RS256")
    return jwk


@dataclass
class SigningKey:
    """An issuer's RSA signing key: active while retired_at is None, then published for a grace period."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)
    created_at: float
    retired_at: float | None = None

    @classmethod
    def generate(cls, created_at: float) -> SigningKey:
        key = new_rsa_key()
        return cls(kid=key_id(key), private_key=key, created_at=created_at)


# ----------------------------------------------------------------------------------------------------------------
# JWT: issue, verify strictly, and the classic forgeries
# ----------------------------------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(obj: Any) -> str:
    """Compact JSON of `obj`, base64url-encoded without padding: one part of a JWT."""
    return _b64url(json.dumps(obj, separators=(",", ":")).encode())


def b64url_decode(part: str) -> bytes:
    """Decode one base64url part of a JWT (padding restored)."""
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def token_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and payload of a JWT, decoded WITHOUT any verification: anyone can read them."""
    header, payload, _ = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def access_claims(
    subject: str,
    *,
    now: float | None = None,
    ttl_s: float = ACCESS_TTL_S,
    issuer: str = ISSUER,
    audience: str | list[str] = AUDIENCE,
    not_before: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The registered claims of an access token (RFC 7519 §4.1) plus `extra`."""
    now = time.time() if now is None else now
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": int(now),
        "nbf": int(now if not_before is None else not_before),
        "exp": int(now + ttl_s),
        "jti": secrets.token_hex(8),
    }
    claims.update(extra)
    return claims


def sign(claims: Mapping[str, Any], private_key: rsa.RSAPrivateKey, kid: str | None) -> str:
    """An RS256 JWT of `claims` with `kid` in its header."""
    return jwt.encode(dict(claims), private_key, algorithm="RS256", headers={"kid": kid} if kid else None)


def issue_token(private_key: rsa.RSAPrivateKey, kid: str, subject: str, **kwargs: Any) -> str:
    """Sign an access token for `subject` (keyword arguments as in access_claims)."""
    return sign(access_claims(subject, **kwargs), private_key, kid)


def forge_unsigned(claims: Mapping[str, Any], kid: str | None = None) -> str:
    """The `alg: none` attack: a token with any claims and no signature at all."""
    header: dict[str, Any] = {"alg": "none", "typ": "JWT"}
    if kid:
        header["kid"] = kid
    return f"{b64url_json(header)}.{b64url_json(dict(claims))}."


def forge_hmac_with_public_key(claims: Mapping[str, Any], public_key: rsa.RSAPublicKey, kid: str | None = None) -> str:
    """The HS/RS confusion attack: an HS256 token whose HMAC secret is the server's PUBLIC key PEM."""
    header: dict[str, Any] = {"alg": "HS256", "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signing_input = f"{b64url_json(header)}.{b64url_json(dict(claims))}"
    mac = hmac.new(public_pem(public_key), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(mac)}"


def naive_verify(token: str, key_material: bytes) -> dict[str, Any]:
    """A BROKEN verifier, for demonstration: it trusts the token's own `alg` and checks no claims at all."""
    header_b64, payload_b64, sig_b64 = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    signing_input = f"{header_b64}.{payload_b64}".encode()
    alg = header.get("alg")
    if alg == "HS256":
        expected = hmac.new(key_material, signing_input, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, b64url_decode(sig_b64)):
            raise ValueError("bad signature")
    elif alg == "RS256":
        public = serialization.load_pem_public_key(key_material)
        public.verify(b64url_decode(sig_b64), signing_input, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
    elif alg != "none":  # "none": nothing to check, says the token
        raise ValueError(f"unsupported alg {alg!r}")
    return json.loads(b64url_decode(payload_b64))


def crack_hs256(token: str, candidates: Iterable[str]) -> str | None:
    """Offline guessing of an HS256 secret: every candidate is one HMAC away from being confirmed."""
    header_b64, payload_b64, sig_b64 = token.split(".")
    signing_input = f"{header_b64}.{payload_b64}".encode()
    signature = b64url_decode(sig_b64)
    for candidate in candidates:
        if hmac.compare_digest(hmac.new(candidate.encode(), signing_input, hashlib.sha256).digest(), signature):
            return candidate
    return None


def _check_times(claims: Mapping[str, Any], now: float, leeway: float) -> None:
    if claims["exp"] <= now - leeway:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if "nbf" in claims and claims["nbf"] > now + leeway:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if claims["iat"] > now + leeway:
        raise jwt.ImmatureSignatureError("The token is not yet valid (iat)")


def decode_strict(
    token: str,
    key: Any,
    *,
    audience: str = AUDIENCE,
    issuer: str | list[str] = ISSUER,
    leeway: float = LEEWAY_S,
    now: float | None = None,
) -> dict[str, Any]:
    """PyJWT decode with the algorithm pinned, required claims, audience, issuer and leeway.

    `now` (optional) checks exp/nbf/iat against a simulated clock instead of the real one.
    """
    options: dict[str, Any] = {"require": REQUIRED_CLAIMS}
    if now is not None:
        options.update(verify_exp=False, verify_nbf=False, verify_iat=False)
    claims = jwt.decode(token, key, algorithms=ALGORITHMS, audience=audience, issuer=issuer, leeway=leeway, options=options)
    if now is not None:
        _check_times(claims, now, leeway)
    return claims


def _kid(token: str) -> str:
    kid = jwt.get_unverified_header(token).get("kid")
    if not isinstance(kid, str):
        raise jwt.InvalidTokenError("the token names no key id (kid)")
    return kid


def verify_token(token: str, keys: Mapping[str, Any]) -> dict[str, Any]:
    """Reference for exercise 3: the claims of a valid access token, or jwt.PyJWTError.

    Valid: RS256 only, header kid names one of `keys` (kid -> public key), iss == ISSUER, aud has AUDIENCE,
    exp/iat/iss/aud/sub present, exp and nbf honoured with LEEWAY_S seconds of clock skew.
    """
    kid = _kid(token)
    if kid not in keys:
        raise jwt.InvalidTokenError(f"unknown key id {kid!r}")
    return decode_strict(token, keys[kid])


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


class RefreshInvalid(Exception):
    """The refresh token is unknown, expired or revoked: log in again."""


class RefreshReuseDetected(RefreshInvalid):
    """A refresh token was used twice: one of the two users is a thief, so the whole family is revoked."""


@dataclass
class _Refresh:
    user: str
    family: str
    expires_at: float
    used: bool = False


class RefreshTokenStore:
    """Refresh-token rotation with reuse detection (RFC 9700 §4.14.2); stores only SHA-256 of each token."""

    def __init__(self, clock: Callable[[], float] = time.time, ttl_s: float = 14 * 24 * 3600) -> None:
        self.clock, self.ttl_s = clock, ttl_s
        self._tokens: dict[str, _Refresh] = {}
        self.revoked_families: set[str] = set()
        self.events: list[str] = []

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def _new(self, user: str, family: str) -> str:
        token = secrets.token_urlsafe(32)
        self._tokens[self._digest(token)] = _Refresh(user, family, self.clock() + self.ttl_s)
        return token

    def issue(self, user: str) -> str:
        """A refresh token that starts a new family (one login)."""
        family = secrets.token_hex(4)
        self.events.append(f"login {user}: new family {family}")
        return self._new(user, family)

    def rotate(self, token: str) -> str:
        """Spend `token` and return its successor; a second use revokes the family."""
        entry = self._tokens.get(self._digest(token))
        if entry is None:
            raise RefreshInvalid("unknown refresh token")
        if entry.family in self.revoked_families:
            raise RefreshInvalid(f"family {entry.family} is revoked")
        if entry.used:
            self.revoked_families.add(entry.family)
            self.events.append(f"REUSE of a spent token in family {entry.family}: family revoked")
            raise RefreshReuseDetected(f"refresh token reused: family {entry.family} revoked")
        if self.clock() >= entry.expires_at:
            raise RefreshInvalid("refresh token expired")
        entry.used = True
        self.events.append(f"rotate in family {entry.family} for {entry.user}")
        return self._new(entry.user, entry.family)


# ----------------------------------------------------------------------------------------------------------------
# Passwords
# ----------------------------------------------------------------------------------------------------------------

# Well-known entries of public common-password lists (e.g. the NCSC / Have I Been Pwned top 100,000).
COMMON_PASSWORDS = [
    "123456", "password", "12345678", "qwerty", "123456789", "12345", "1234", "111111", "1234567", "dragon",
    "123123", "baseball", "abc123", "football", "monkey", "letmein", "696969", "shadow", "master", "666666",
    "qwertyuiop", "123321", "mustang", "1234567890", "michael", "654321", "superman", "1qaz2wsx", "7777777",
    "121212", "000000", "qazwsx", "123qwe", "killer", "trustno1", "jordan", "jennifer", "zxcvbnm", "asdfgh",
    "hunter", "buster", "soccer", "harley", "batman", "andrew", "tigger", "sunshine", "iloveyou", "2000",
    "charlie", "robert", "thomas", "hockey", "ranger", "daniel", "starwars", "klaster", "112233", "george",
    "computer", "michelle", "jessica", "pepper", "1111", "zxcvbn", "555555", "11111111", "131313", "freedom",
    "777777", "pass", "maggie", "159753", "aaaaaa", "ginger", "princess", "joshua", "cheese", "amanda",
    "summer", "love", "ashley", "nicole", "chelsea", "biteme", "matthew", "access", "yankees", "987654321",
    "dallas", "austin", "thunder", "taylor", "matrix", "password1", "welcome", "changeme", "secret", "admin",
    "summer2024", "winter2023", "spring2025", "autumn2022", "p@ssw0rd", "passw0rd", "letmein1", "qwerty123",
]


def cheap_hasher() -> PasswordHasher:
    """argon2id with cheap-but-real parameters for notebooks and tests (1 pass, 8 MiB, 1 lane)."""
    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def sha256_hex(password: str) -> str:
    """The WRONG way to store a password: one fast, unsalted hash."""
    return hashlib.sha256(password.encode()).hexdigest()


def hash_password(password: str, hasher: PasswordHasher) -> str:
    """Reference for exercise 2: a salted argon2id hash, parameters encoded in the string."""
    return hasher.hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher) -> tuple[bool, str | None]:
    """Reference for exercise 2: (matches, a fresh hash when the stored one used other parameters, else None)."""
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, (hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None)


def measure_rate(fn: Callable[[], Any], max_count: int, max_seconds: float) -> tuple[int, float]:
    """Call fn until max_count calls or max_seconds pass; return (calls, seconds) — both bounds always hold."""
    start = time.perf_counter()
    count = 0
    while count < max_count:
        fn()
        count += 1
        if time.perf_counter() - start > max_seconds:
            break
    return count, time.perf_counter() - start


# ----------------------------------------------------------------------------------------------------------------
# SQL: the injectable query and the fix
# ----------------------------------------------------------------------------------------------------------------

USERS_SCHEMA = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, email TEXT NOT NULL, "
    "password_hash TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'user')"
)
SAMPLE_USERNAMES = ["alice", "alan", "albert", "al_bundy", "bob", "o'brien", "50%off", "500club", "ops"] + [
    f"user{i:02d}" for i in range(1, 26)
]


def search_users_unsafe(conn: sqlite3.Connection, prefix: str) -> list[dict[str, str]]:
    """VULNERABLE: the prefix is pasted into the SQL text, so it can change the query."""
    sql = f"SELECT username, email FROM users WHERE username LIKE '{prefix}%' ORDER BY username LIMIT {SEARCH_LIMIT}"  # noqa: S608
    return [{"username": u, "email": e} for u, e in conn.execute(sql).fetchall()]


def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict[str, str]]:
    """Reference for exercise 1: a bound parameter, LIKE wildcards escaped, a row limit."""
    if not prefix:
        return []
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ESCAPE '\\' ORDER BY username LIMIT ?",
        (pattern, SEARCH_LIMIT),
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]


def fake_hash() -> str:
    """A random stand-in for a stored password hash (for tables whose passwords never get checked)."""
    return "$sha256$" + secrets.token_hex(32)


class _RecordingCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self.connection.statements.append((sql, parameters))  # type: ignore[attr-defined]
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:
        self.connection.statements.append((sql, seq))  # type: ignore[attr-defined]
        return super().executemany(sql, seq)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        self.connection.statements.append((script, ()))  # type: ignore[attr-defined]
        return super().executescript(script)


class RecordingConnection(sqlite3.Connection):
    """A real sqlite3 connection that records every statement's SQL text and its bound parameters, as sent.

    sqlite3's trace callback shows statements with the bound values already expanded into them, so it cannot tell
    a bound parameter from a formatted one; this can: `statements` holds (sql, parameters) pairs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements: list[tuple[str, Any]] = []

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or _RecordingCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, seq)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        return self.cursor().executescript(script)


def sample_user_db(record: bool = False) -> sqlite3.Connection:
    """An in-memory users table for exercise 1, with awkward names (o'brien, al_bundy, 50%off) and random hashes.

    record=True returns a RecordingConnection: its `statements` list shows the SQL text and parameters of each call.
    """
    conn = sqlite3.connect(":memory:", factory=RecordingConnection) if record else sqlite3.connect(":memory:")
    conn.execute(USERS_SCHEMA)
    conn.executemany(
        "INSERT INTO users (username, email, password_hash, role) VALUES (?, ?, ?, ?)",
        [
            (name, f"{re.sub(r'[^a-z0-9_]', '', name)}@example.com", fake_hash(), "admin" if name == "ops" else "user")
            for name in SAMPLE_USERNAMES
        ],
    )
    conn.commit()
    if isinstance(conn, RecordingConnection):
        conn.statements.clear()  # only what the caller sends from here on
    return conn


class UserStore:
    """The service's users table (in-memory SQLite, one lock), with the weak and the safe ways to use it."""

    def __init__(self, scheme: str = "argon2", hasher: PasswordHasher | None = None) -> None:
        if scheme not in ("argon2", "sha256"):
            raise ValueError("scheme is 'argon2' or 'sha256'")
        self.scheme = scheme
        self.hasher = hasher or cheap_hasher()
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.execute(USERS_SCHEMA)
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16)) if scheme == "argon2" else ""

    def _hash(self, password: str) -> str:
        return sha256_hex(password) if self.scheme == "sha256" else self.hasher.hash(password)

    def create(self, username: Any, password: Any, email: Any, role: Any = "user") -> bool:
        """Insert a user (bound parameters); False when the username is taken."""
        with self.lock:
            try:
                self.conn.execute(
                    "INSERT INTO users (username, email, password_hash, role) VALUES (?, ?, ?, ?)",
                    (username, email, self._hash(password), role),
                )
            except sqlite3.IntegrityError:
                return False
            self.conn.commit()
            return True

    def search_unsafe(self, prefix: str) -> list[dict[str, str]]:
        with self.lock:
            return search_users_unsafe(self.conn, prefix)

    def search(self, prefix: str) -> list[dict[str, str]]:
        with self.lock:
            return search_users(self.conn, prefix)

    def check_password(self, username: str, password: str) -> bool:
        with self.lock:
            row = self.conn.execute("SELECT password_hash FROM users WHERE username = ?", (username,)).fetchone()
        if self.scheme == "sha256":
            return row is not None and row[0] == sha256_hex(password)  # fast, unsalted, and `==`
        # argon2: verify against a dummy hash for unknown users so both answers take the same time
        ok, new_hash = verify_password(row[0] if row else self._dummy, password, self.hasher)
        if ok and row and new_hash:
            with self.lock:
                self.conn.execute("UPDATE users SET password_hash = ? WHERE username = ?", (new_hash, username))
                self.conn.commit()
        return ok and row is not None

    def role_of(self, username: str) -> str:
        with self.lock:
            row = self.conn.execute("SELECT role FROM users WHERE username = ?", (username,)).fetchone()
        return row[0] if row else "user"

    def password_hashes(self) -> dict[str, str]:
        """username -> stored hash: what a leaked backup would hand an attacker."""
        with self.lock:
            return dict(self.conn.execute("SELECT username, password_hash FROM users ORDER BY id").fetchall())

    def rows(self) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute("SELECT * FROM users ORDER BY id").fetchall()


# ----------------------------------------------------------------------------------------------------------------
# Rate limiting
# ----------------------------------------------------------------------------------------------------------------


class TokenBucket:
    """Reference for exercise 5: a token bucket per client, refilled at rate_per_s up to burst, clock injected.

    Memory is bounded: at most `max_clients` buckets are kept. A new client that finds the map full first makes
    the buckets that have refilled to `burst` forget (a full bucket is exactly what a new client gets, so nothing
    changes for them); if that is not enough, the fullest buckets go. A client that drained its bucket has the
    fewest tokens, so it is the last to be forgotten: flooding the limiter with other addresses does not refill it.
    """

    def __init__(
        self, rate_per_s: float, burst: int, clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000
    ) -> None:
        if max_clients < 1:
            raise ValueError("max_clients must be at least 1")
        self.rate, self.burst, self.clock = float(rate_per_s), float(burst), clock
        self.max_clients = max_clients
        self._state: dict[str, tuple[float, float]] = {}  # client -> (tokens, last refill time)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many clients the limiter remembers (never more than max_clients)."""
        return len(self._state)

    def _level(self, client: str, now: float) -> float:
        tokens, last = self._state[client]
        return min(self.burst, tokens + (now - last) * self.rate)

    def _make_room(self, now: float) -> None:
        """Forget full buckets, then (if still at the bound) the fullest tenth, so one more client fits."""
        if len(self._state) < self.max_clients:
            return
        for client in [c for c in self._state if self._level(c, now) >= self.burst]:
            del self._state[client]
        if len(self._state) >= self.max_clients:
            excess = len(self._state) - self.max_clients + max(1, self.max_clients // 10)
            for client in heapq.nlargest(excess, self._state, key=lambda c: self._level(c, now)):
                del self._state[client]

    def _refill(self, client: str) -> float:
        now = self.clock()
        if client not in self._state:
            self._make_room(now)
            self._state[client] = (self.burst, now)
        tokens = self._level(client, now)
        self._state[client] = (tokens, now)
        return tokens

    def tokens(self, client: str) -> float:
        """How many tokens the client has now."""
        with self._lock:
            return self._refill(client)

    def allow(self, client: str) -> tuple[bool, float]:
        """(True, 0.0) and spend a token, or (False, seconds until the next token)."""
        with self._lock:
            tokens = self._refill(client)
            if tokens >= 1.0:
                self._state[client] = (tokens - 1.0, self._state[client][1])
                return True, 0.0
            return False, (1.0 - tokens) / self.rate


class RateLimitMiddleware:
    """Gateway rate limit (pure ASGI): one token bucket per client address for the listed paths; 429 + Retry-After."""

    def __init__(self, app: Any, limiter: TokenBucket, paths: Iterable[str] = ("/login",)) -> None:
        self.app, self.limiter, self.paths = app, limiter, frozenset(paths)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            client = (scope.get("client") or ("unknown", 0))[0]
            allowed, retry_after = self.limiter.allow(client)
            if not allowed:
                response = JSONResponse(
                    {"detail": "too many requests"},
                    status_code=429,
                    headers={"Retry-After": str(max(1, math.ceil(retry_after)))},  # RFC 9110 §10.2.3: whole seconds
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


# ----------------------------------------------------------------------------------------------------------------
# The service: weak by default, each fix switchable, and the kit of building blocks
# ----------------------------------------------------------------------------------------------------------------


class SignupIn(BaseModel):
    """Strict signup body: known fields only, exact types, bounded sizes."""

    model_config = ConfigDict(extra="forbid", strict=True)
    username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
    password: str = Field(min_length=8, max_length=128)
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")  # domains are case-insensitive


class LoginIn(BaseModel):
    """Strict login body."""

    model_config = ConfigDict(extra="forbid", strict=True)
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


def weak_token(username: str, role: str) -> str:
    """VULNERABLE: HS256 with a hard-coded secret, no expiry, no audience, no issuer."""
    return jwt.encode({"sub": username, "role": role}, WEAK_JWT_SECRET, algorithm="HS256")


def weak_identify(authorization: str | None) -> dict[str, Any]:
    """VULNERABLE: reads the token's claims without verifying its signature (a debugging shortcut left in)."""
    if not authorization:
        raise HTTPException(401, "missing token")
    try:
        return jwt.decode(authorization.removeprefix("Bearer "), options={"verify_signature": False})
    except jwt.PyJWTError:
        raise HTTPException(401, "unreadable token") from None


def trusts_loopback(request: Request) -> bool:
    """VULNERABLE: "internal" means "came from this machine" — any process on the host passes."""
    return request.client is not None and request.client.host == "127.0.0.1"


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


# ----------------------------------------------------------------------------------------------------------------
# The attack suite for exercise 7
# ----------------------------------------------------------------------------------------------------------------


@dataclass
class AttackResult:
    """One request of the suite: a legitimate one must be served, an attack refused."""

    name: str
    kind: str  # "legit" or "attack"
    expected: str
    got: str
    ok: bool


def _step(name: str, kind: str, expected: str, run: Callable[[], tuple[bool, str]]) -> AttackResult:
    try:
        ok, got = run()
    except httpx.HTTPError as exc:
        ok, got = False, f"{type(exc).__name__}: {exc}"[:120]
    except Exception as exc:  # a broken response (not JSON, wrong shape) counts as a failure, never a crash
        ok, got = False, f"{type(exc).__name__}: {exc}"[:120]
    return AttackResult(name, kind, expected, got, ok)


LIBRARY_ERROR_WORDS = ("Signature", "signature", "expired", "audience", "issuer", "segments", "algorithm", "kid", "JWK",
                       "Expecting", "padding", "decode", "PyJWT", "Traceback")


def run_attack_suite(
    app: Any, kit: ServiceKit, *, extended: bool = False, deadline_s: float = 25.0, focus: str = "attacks"
) -> list[AttackResult]:
    """Serve `app` on 127.0.0.1, send a bounded set of legitimate requests and attacks, stop it; one result per request.

    `kit` must be the kit the app was built from (its keys, seed passwords and limiter clock). The login burst
    runs last because it exhausts the client's bucket. Bounded: about 50 requests, 5 s timeout each, one deadline.
    focus="attacks" (the default) sends the attack suite (`extended` adds more); focus="limits-and-leaks" sends
    only the probes of what a refusal gives away and of the limiter: an unknown user answered like a wrong
    password, 401 bodies that say nothing about why, a burst from spoofed X-Forwarded-For addresses, and the
    right password after a burst (still 429).
    """
    if focus not in ("attacks", "limits-and-leaks"):
        raise ValueError("focus is 'attacks' or 'limits-and-leaks'")
    svc = serve(app, name="attack-target", quiet=True)
    started = time.monotonic()
    results: list[AttackResult] = []
    attacker = new_rsa_key()
    pub = kit.signing_key.private_key.public_key()
    kid = kit.signing_key.kid
    forged = {"iss": ISSUER, "aud": AUDIENCE, "sub": "ops", "role": "admin", "iat": int(time.time()), "exp": int(time.time()) + 600}
    hashes_known = list(kit.new_store("sha256").password_hashes().values())
    newcomer = "carol_" + secrets.token_hex(3)
    state: dict[str, str] = {}

    def status_is(response: httpx.Response, *codes: int) -> tuple[bool, str]:
        return response.status_code in codes, str(response.status_code)

    def refused(response: httpx.Response) -> tuple[bool, str]:
        return response.status_code in (401, 403), str(response.status_code)

    def no_leak(response: httpx.Response) -> tuple[bool, str]:
        if 400 <= response.status_code < 500:
            return True, str(response.status_code)
        if response.status_code != 200:
            return False, str(response.status_code)
        rows = response.json()
        text = response.text
        leaked = "$argon2" in text or any(h in text for h in hashes_known) or bool(rows)
        return not leaked, f"200 with {len(rows)} rows" + (" (LEAK)" if leaked else "")

    try:
        with httpx.Client(base_url=svc.url, timeout=5.0) as c:

            def me(token: str) -> httpx.Response:
                return c.get("/me", headers={"Authorization": f"Bearer {token}"})

            def login_alice() -> tuple[bool, str]:
                r = c.post("/login", json={"username": "alice", "password": kit.passwords["alice"]})
                if r.status_code == 200:
                    state["alice"] = r.json()["access_token"]
                return r.status_code == 200 and bool(state.get("alice")), str(r.status_code)

            def me_alice() -> tuple[bool, str]:
                r = me(state.get("alice", "missing"))
                return r.status_code == 200 and r.json().get("username") == "alice", f"{r.status_code} {r.text[:60]}"

            def search_al() -> tuple[bool, str]:
                r = c.get("/users/search", params={"prefix": "al"})
                names = [row.get("username") for row in r.json()] if r.status_code == 200 else []
                ok = r.status_code == 200 and {"alice", "alan"} <= set(names) and "password" not in r.text
                return ok, f"{r.status_code} {names}"

            def search_attack(prefix: str) -> Callable[[], tuple[bool, str]]:
                return lambda: no_leak(c.get("/users/search", params={"prefix": prefix}))

            def oversized() -> tuple[bool, str]:
                body = {"username": "m" * 65536, "password": "x" * 10, "email": "m@example.com"}
                return status_is(c.post("/signup", json=body), 413)

            def chunked_oversized() -> tuple[bool, str]:
                def chunks() -> Iterable[bytes]:
                    yield b'{"username": "'
                    for _ in range(32):
                        yield b"m" * 2048
                    yield b'", "password": "longenough1", "email": "m@example.com"}'

                return status_is(c.post("/signup", content=chunks(), headers={"Content-Type": "application/json"}), 413)

            def audit_with(token: str | None) -> Callable[[], tuple[bool, str]]:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                return lambda: refused(c.get("/internal/audit", headers=headers))

            def audit_legit() -> tuple[bool, str]:
                r = c.get("/internal/audit", headers={"Authorization": f"Bearer {kit.issue_service_token('orders')}"})
                return r.status_code == 200, str(r.status_code)

            def brute_force(spoof: bool = False) -> tuple[bool, str]:
                codes, retry_ok = [], True
                for i in range(4 * kit.login_burst):
                    if time.monotonic() - started > deadline_s:
                        break
                    fake = f"198.51.100.{i % 250 + 1}"  # a new "client address" each time, chosen by the attacker
                    headers = {"X-Forwarded-For": fake, "X-Real-IP": fake, "Forwarded": f"for={fake}"} if spoof else None
                    r = c.post("/login", json={"username": "alice", "password": f"guess-{i}"}, headers=headers)
                    codes.append(r.status_code)
                    if r.status_code == 429:
                        value = r.headers.get("Retry-After", "")
                        retry_ok = retry_ok and value.isdigit() and int(value) >= 1
                served = sum(code != 429 for code in codes)
                ok = 429 in codes and retry_ok and served <= kit.login_burst and 200 not in codes
                return ok, f"{served} answered, {codes.count(429)}×429, Retry-After {'ok' if retry_ok else 'missing/invalid'}"

            def signup(**body: Any) -> httpx.Response:
                return c.post("/signup", json=body)

            def unknown_user_like_wrong_password() -> tuple[bool, str]:
                unknown = c.post("/login", json={"username": "nobody_" + secrets.token_hex(3), "password": "longenough1"})
                wrong = c.post("/login", json={"username": "alice", "password": "longenough1"})
                same = unknown.status_code == wrong.status_code == 401 and unknown.content == wrong.content
                got = f"unknown user {unknown.status_code} {unknown.text[:40]!r}; wrong password {wrong.status_code} {wrong.text[:40]!r}"
                return same, got

            def refusals_say_nothing() -> tuple[bool, str]:
                marker = "kid-" + secrets.token_hex(6)  # an attacker-chosen kid: it must not come back in the answer
                user_tokens = {
                    "garbage": "not.a.token",
                    "expired": kit.issue_access_token("alice", now=time.time() - 3600),
                    "another audience": kit.issue_access_token("alice", audience="billing-api"),
                    "attacker key, attacker kid": issue_token(attacker, marker, "ops", role="admin"),
                    "alg none, attacker kid": forge_unsigned(forged, marker),
                    "alg none, our kid": forge_unsigned(forged, kid),
                }
                service_tokens = {
                    "expired service token": kit.issue_service_token("orders", now=time.time() - 600),
                    "attacker key, attacker kid": sign(access_claims("orders", issuer="service:orders", audience=INTERNAL_AUDIENCE),
                                                       attacker, marker),
                }
                bodies: dict[str, set[bytes]] = {"/me": set(), "/internal/audit": set()}
                for path, tokens in (("/me", user_tokens), ("/internal/audit", service_tokens)):
                    for label, token in tokens.items():
                        r = c.get(path, headers={"Authorization": f"Bearer {token}"})
                        told = r.text + " ".join(f"{k}: {v}" for k, v in r.headers.items() if k.lower() != "content-length")
                        leaked = [w for w in (marker, *LIBRARY_ERROR_WORDS) if w in told]
                        if r.status_code != 401 or leaked:
                            told_what = f" tells {leaked[:3]}" if leaked else ""
                            return False, f"{path} with {label}: {r.status_code} {r.text[:60]!r}{told_what}"
                        bodies[path].add(r.content)
                varied = {path: len(found) for path, found in bodies.items() if len(found) > 1}
                return not varied, "one 401 body per route" if not varied else f"different 401 bodies per reason: {varied}"

            def right_password_after_burst() -> tuple[bool, str]:
                r = c.post("/login", json={"username": "alice", "password": kit.passwords["alice"]})
                return r.status_code == 429, str(r.status_code)

            def expect(code: int, request: Callable[[], httpx.Response]) -> Callable[[], tuple[bool, str]]:
                return lambda: status_is(request(), code)

            def me_with(make_token: Callable[[], str], code: int = 401) -> Callable[[], tuple[bool, str]]:
                return lambda: status_is(me(make_token()), code)

            now = time.time()
            orders_kid = kit.service_keys["orders"].kid
            valid = {"password": "longenough1", "email": "m@example.com"}
            steps: list[tuple[str, str, str, Callable[[], tuple[bool, str]]]] = [
                ("signup with a valid body", "legit", "201", expect(201, lambda: signup(username=newcomer, **valid))),
                ("login with the right password", "legit", "200 + token", login_alice),
                ("GET /me with a valid token", "legit", "200 alice", me_alice),
                ("search users by prefix 'al'", "legit", "200 alice, alan", search_al),
                ("internal call with a service token", "legit", "200", audit_legit),
                ("mass assignment: signup with role=admin", "attack", "422",
                 expect(422, lambda: signup(username="mallory", role="admin", **valid))),
                ("type confusion: username is a list", "attack", "422", expect(422, lambda: signup(username=["ops"], **valid))),
                ("oversized body (64 KiB)", "attack", "413", oversized),
                ("SQL injection: UNION leaks password hashes", "attack", "no rows / 4xx",
                 search_attack("x' UNION SELECT username, password_hash FROM users --")),
                ("SQL injection: OR 1=1 dumps every user", "attack", "no rows / 4xx", search_attack("' OR 1=1 --")),
                ("GET /me without a token", "attack", "401", expect(401, lambda: c.get("/me"))),
                ("GET /me with alg:none forged admin token", "attack", "401", me_with(lambda: forge_unsigned(forged, kid))),
                ("GET /me with HS256 signed by the public key", "attack", "401",
                 me_with(lambda: forge_hmac_with_public_key(forged, pub, kid))),
                ("GET /me with an expired token", "attack", "401",
                 me_with(lambda: kit.issue_access_token("alice", now=now - 3600))),
                ("GET /me with a token for another audience", "attack", "401",
                 me_with(lambda: kit.issue_access_token("alice", audience="billing-api"))),
                ("GET /me with a token signed by the attacker's key", "attack", "401",
                 me_with(lambda: issue_token(attacker, kid, "ops", role="admin"))),
                ("internal call without a token, from loopback", "attack", "401/403", audit_with(None)),
                ("internal call with a user's access token", "attack", "401/403",
                 lambda: audit_with(state.get("alice") or "none")()),
            ]
            if extended:
                steps += [
                    ("GET /me with a token 10 s past exp (within leeway)", "legit", "200",
                     me_with(lambda: kit.issue_access_token("alice", now=now - ACCESS_TTL_S - 10), 200)),
                    ("login body with an extra field", "attack", "422",
                     expect(422, lambda: c.post("/login", json={"username": "alice", "password": "x", "admin": True}))),
                    ("oversized chunked body without Content-Length", "attack", "413", chunked_oversized),
                    ("signup with an invalid email", "attack", "422",
                     expect(422, lambda: signup(username="eve_1", password="longenough1", email="not-an-email"))),
                    ("search with LIKE wildcard '%' enumerates users", "attack", "no rows / 4xx", search_attack("%")),
                    ("search with LIKE wildcard '_' enumerates users", "attack", "no rows / 4xx", search_attack("_")),
                    ("GET /me with a garbage token", "attack", "401", me_with(lambda: "not.a.token")),
                    ("GET /me with a token without kid", "attack", "401",
                     me_with(lambda: sign(access_claims("alice"), kit.signing_key.private_key, None))),
                    ("internal call with an expired service token", "attack", "401/403",
                     lambda: audit_with(kit.issue_service_token("orders", now=now - 600))()),
                    ("internal call with a service token signed by the attacker", "attack", "401/403",
                     lambda: audit_with(sign(access_claims("orders", issuer="service:orders", audience=INTERNAL_AUDIENCE),
                                             attacker, orders_kid))()),
                ]
                steps += [
                    ("signup with an upper-case email domain", "legit", "201",
                     expect(201, lambda: signup(username=newcomer + "_2", password="longenough1", email="Bob.Smith@Example.COM"))),
                    ("signup with a taken username", "attack", "409", expect(409, lambda: signup(username="alice", **valid))),
                    ("internal call with an admin's access token", "attack", "401/403",
                     lambda: audit_with(kit.issue_access_token("ops", "admin"))()),
                ]
            steps.append(("login burst: 4×burst wrong passwords", "attack", "429 + Retry-After", brute_force))
            if focus == "limits-and-leaks":
                steps = [
                    ("login as an unknown user", "attack", "401, same body as a wrong password", unknown_user_like_wrong_password),
                    ("401s for bad tokens say nothing about why", "attack", "one 401 body, no kid or library text",
                     refusals_say_nothing),
                    ("login burst from spoofed X-Forwarded-For addresses", "attack", "429 + Retry-After",
                     lambda: brute_force(spoof=True)),
                    ("the right password after the burst", "attack", "429", right_password_after_burst),
                ]
            for name, kind, expected, run in steps:
                if time.monotonic() - started > deadline_s:
                    results.append(AttackResult(name, kind, expected, f"not run: suite deadline {deadline_s:.0f} s passed", False))
                    continue
                results.append(_step(name, kind, expected, run))
    finally:
        svc.stop()
    return results


def attack_table(results: list[AttackResult]) -> str:
    """The suite's results as a fixed-width table, one line per request."""
    lines = [f"{'':2} {'kind':6} {'request':58} {'expected':18} got"]
    for r in results:
        lines.append(f"{'✓' if r.ok else '✗':2} {r.kind:6} {r.name[:58]:58} {r.expected[:18]:18} {r.got[:70]}")
    legit = [r for r in results if r.kind == "legit"]
    attacks = [r for r in results if r.kind == "attack"]
    served, refused = sum(r.ok for r in legit), sum(r.ok for r in attacks)
    lines.append(f"legitimate requests served: {served}/{len(legit)}; attacks refused: {refused}/{len(attacks)}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------------
# Secrets: loading, scanning, and a generated corpus
# ----------------------------------------------------------------------------------------------------------------


class MissingSecret(RuntimeError):
    """A required secret is configured nowhere; the message says where it was looked for."""


def load_secret(name: str, environ: Mapping[str, str] | None = None) -> str:
    """A secret from the environment (NAME) or a mounted file named by NAME_FILE (the Docker/Kubernetes convention)."""
    env = os.environ if environ is None else environ
    if env.get(name):
        return env[name]
    path = env.get(f"{name}_FILE")
    if path:
        value = Path(path).read_text(encoding="utf-8").strip()
        if value:
            return value
    raise MissingSecret(f"secret {name} is not set: export {name}=... or mount a file and set {name}_FILE=/path/to/it")


def shannon_entropy(text: str) -> float:
    """Bits per character of `text`, from its own character frequencies (0 for '', log2(64)=6 for perfect base64)."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


PROVIDER_PATTERNS: dict[str, re.Pattern[str]] = {
    "aws-access-key-id": re.compile(r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b"),
    "github-token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "slack-token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "stripe-live-key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{20,}"),
    "sendgrid-api-key": re.compile(r"\bSG\.[\w-]{22}\.[\w-]{43}(?![\w-])"),
    "private-key": re.compile(r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}"),
    "jwt": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "url-credentials": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s:@]+@"),
}
ASSIGNMENT = re.compile(
    r"""(?i)(?P<name>[\w.-]*(?:key|secret|token|passw(?:or)?d|pwd|credential)[\w.-]*)["']?\s*[:=]\s*"""
    r"""(?P<quote>["']?)(?P<value>[^\s"',;]*)(?P=quote)"""
)
PLACEHOLDER_WORDS = ("your", "example", "changeme", "change-me", "replace", "xxxx", "dummy", "placeholder", "redacted", "***", "todo")


def _is_placeholder(value: str) -> bool:
    low = value.lower()
    return value[:1] in "$<{" or any(w in low for w in PLACEHOLDER_WORDS) or len(set(value)) <= 2


def _random_part(part: str) -> bool:
    """A long run of mixed letters and digits with high entropy: a token, not a name (SENDGRID_API_KEY is a name)."""
    return len(part) >= 16 and shannon_entropy(part) >= 3.5 and any(c.isdigit() for c in part) and any(c.isalpha() for c in part)


def _looks_like_code(value: str, quoted: bool) -> bool:
    """An unquoted lookup (os.environ[...], getenv(...), settings.SECRET_KEY) rather than a literal.

    A dotted value is code only when no part of it is random: SG.<22>.<43> (a SendGrid key) is dotted too.
    """
    if quoted:
        return False
    if "(" in value or "[" in value:
        return True
    return re.fullmatch(r"[A-Za-z_][\w-]*(?:\.[\w-]+)+", value) is not None and not any(_random_part(p) for p in value.split("."))


def secret_findings(text: str) -> list[tuple[int, str, str]]:
    """(line number from 1, rule, the matched value) for every line that holds a secret: patterns, then entropy."""
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        hit: tuple[str, str] | None = None
        for rule, pattern in PROVIDER_PATTERNS.items():
            match = pattern.search(line)
            if match:
                hit = (rule, match.group(0))
                break
        if hit is None:
            for match in ASSIGNMENT.finditer(line):
                name, value, quoted = match.group("name").lower(), match.group("value"), bool(match.group("quote"))
                if not value or _is_placeholder(value) or _looks_like_code(value, quoted):
                    continue
                if re.search(r"(?:file|path|dir)$", name):  # NAME_FILE=/run/secrets/...: where a secret lives, not the secret
                    continue
                if re.search(r"passw|pwd", name) and len(value) >= 6 and not value.isdigit():
                    hit = ("password-assignment", value)
                elif len(value) >= 16 and shannon_entropy(value) >= 3.0:
                    hit = ("high-entropy-assignment", value)
                if hit:
                    break
        if hit:
            findings.append((number, hit[0], hit[1]))
    return findings


def find_secrets(text: str) -> list[int]:
    """Reference for exercise 6: the 1-based numbers of the lines of `text` that contain a secret."""
    return [number for number, _, _ in secret_findings(text)]


def mask(value: str, keep: int = 4) -> str:
    """Show a secret without showing it: its first characters and its length."""
    return f"{value[:keep]}…({len(value)} chars)"


@dataclass
class SampleFile:
    """One generated file of the scanner corpus, with the 1-based numbers of the lines that hold a secret."""

    name: str
    text: str
    secret_lines: set[int]


_B62 = string.ascii_letters + string.digits
_B64 = _B62 + "+/"
_HEX = "0123456789abcdef"
_WORDS = ["orders", "invoice", "summer", "falcon", "harbor", "violet", "copper", "meadow", "rocket", "garden", "winter", "silver"]


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _uuid(rng: random.Random) -> str:
    h = _r(rng, _HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def _human_password(rng: random.Random) -> str:
    return rng.choice(_WORDS).capitalize() + str(rng.randint(1990, 2030)) + rng.choice("!#$%&*?")


def _pem_one_line(kind: str, rng: random.Random) -> str:
    body = "MII" + _r(rng, _B64, 61)
    return f"{PEM_DASHES}BEGIN {kind}{PEM_DASHES}\\n{body}\\n{_r(rng, _B64, 64)}\\n{PEM_DASHES}END {kind}{PEM_DASHES}\\n"


def _jwt_like(rng: random.Random) -> str:
    claims = {"sub": rng.choice(_WORDS), "iat": 1_700_000_000 + rng.randint(0, 10**7)}
    return jwt.encode(claims, _r(rng, _B62, 32), algorithm="HS256")


_POSITIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: f"aws_access_key_id = {'AK' + 'IA'}{_r(r, string.ascii_uppercase + '234567', 16)}",
    lambda r: f"aws_secret_access_key = {_r(r, _B64, 40)}",
    lambda r: f"GITHUB_TOKEN={'gh' + 'p_'}{_r(r, _B62, 36)}",
    lambda r: f'  slack_webhook: "{"xo" + "xb-"}{_r(r, string.digits, 11)}-{_r(r, string.digits, 12)}-{_r(r, _B62, 24)}"',
    lambda r: f'stripe.api_key = "{"sk_" + "live_"}{_r(r, _B62, 24)}"',
    lambda r: f'    "private_key": "{_pem_one_line(r.choice(["RSA ", "EC ", "", "OPENSSH "]) + "PRIVATE KEY", r)}",',
    lambda r: f'API_KEY = "{_r(r, _B62, 32)}"',
    lambda r: f"  api_key: {_r(r, _B62, 40)}",
    lambda r: f'client_secret = "{_r(r, _B62 + "-_", 43)}"',
    lambda r: f"SECRET_KEY = '{_r(r, _B62, 1)}{_r(r, _B62 + '!@#%^&*(-_=+)', 49)}'",
    lambda r: f'    "auth_token": "{_r(r, _HEX, 40)}",',
    lambda r: f"DB_PASSWORD={_human_password(r)}",
    lambda r: f'password = "{_human_password(r)}"',
    lambda r: f'    password: "{_r(r, _B62, 14)}"',
    lambda r: f"DATABASE_URL=postgres://app:{_r(r, _B62, 16)}@db.internal:5432/app",
    lambda r: f'cache_url = "redis://:{_r(r, _B62, 20)}@cache.internal:6379/0"',
    lambda r: f'curl -H "Authorization: Bearer {_jwt_like(r)}" https://api.example.com/v1/orders',
]

_HARD_NEGATIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: 'password = os.environ["DB_PASSWORD"]',
    lambda r: 'api_key = os.getenv("API_KEY")',
    lambda r: "  token: ${GITHUB_TOKEN}",
    lambda r: "SECRET_KEY = settings.SECRET_KEY",
    lambda r: 'api_key = "YOUR_API_KEY_HERE"',
    lambda r: '  password: "<password>"',
    lambda r: f'token = "{"x" * r.randint(20, 40)}"',
    lambda r: 'password = ""',
    lambda r: "API_TOKEN=replace-me",
    lambda r: f"commit {_r(r, _HEX, 40)}  Fix pagination cursor",
    lambda r: f"  image: registry.example.com/orders@sha256:{_r(r, _HEX, 64)}",
    lambda r: f'    "integrity": "sha512-{_r(r, _B64, 86)}==",',
    lambda r: f'checksum = "{_r(r, _HEX, 64)}"',
    lambda r: f'request_id = "{_uuid(r)}"',
    lambda r: f'    "id": "{_uuid(r)}",',
    lambda r: f'    "public_key": "{_pem_one_line("PUBLIC KEY", r)}",',
    lambda r: f'    "certificate": "{_pem_one_line("CERTIFICATE", r)}",',
    lambda r: "DATABASE_URL=postgres://db.internal:5432/app",
    lambda r: f"See https://example.com/search?q=tokens&page={r.randint(2, 9)} for the token format.",
    lambda r: "# Never commit an API key: load it from the environment.",
    lambda r: "Set the `GITHUB_TOKEN` secret in the repository settings.",
    lambda r: 'token_type = "bearer"',
    lambda r: f"password_min_length = {r.randint(8, 16)}",
    lambda r: "def verify_password(stored_hash, password):",
    lambda r: "    if not token: raise Unauthorized()",
    lambda r: f'logo = "data:image/png;base64,iVBORw0KGgo{_r(r, _B64, 80)}"',
    lambda r: f'EXPECTED_SHA256 = "{_r(r, _HEX, 64)}"',
    lambda r: 'csrf_token = request.cookies.get("csrftoken")',
    lambda r: f"session_token_ttl_s = {r.choice([900, 1800, 3600])}",
    lambda r: '    "tokenizer": "wordpiece",',
    lambda r: f"keyboard_layout = {r.choice(['qwerty', 'azerty', 'dvorak'])}",
]

_FILLER = {
    "py": ["import os", "from fastapi import FastAPI", "", "app = FastAPI()", "@app.get('/orders/{order_id}')",
           "def get_order(order_id: int) -> dict:", "    return repo.get(order_id)", "for item in items:",
           "    total += item.price * item.quantity", "logger.info('order created', extra={'id': order.id})",
           "class OrderRepository:", "    def __init__(self, session):", "        self.session = session"],
    "yaml": ["service:", "  name: orders", "  replicas: 3", "  port: 8080", "resources:", "  limits:",
             "    memory: 512Mi", "    cpu: 500m", "env:", "  - name: LOG_LEVEL", "    value: info", ""],
    "env": ["LOG_LEVEL=info", "PORT=8080", "WORKERS=4", "REGION=eu-west-1", "FEATURE_FLAGS=search,export", "TZ=UTC", ""],
    "md": ["# Orders service", "", "Run `make dev` to start the service locally.", "## Configuration",
           "Every setting is read from the environment at start-up.", "The service listens on port 8080.",
           "- `LOG_LEVEL`: debug, info or warning", "See the runbook for on-call procedures."],
}
_FILE_NAMES = {"py": ["settings.py", "app.py", "client.py", "worker.py"], "yaml": ["config.yaml", "deploy.yaml", "values.yaml"],
               "env": [".env", ".env.staging", "ci.env"], "md": ["README.md", "SETUP.md", "CHANGELOG.md"]}


def _sendgrid(rng: random.Random) -> str:
    return f"SG.{_r(rng, _B62 + '-_', 22)}.{_r(rng, _B62 + '-_', 43)}"


def _other_password(rng: random.Random) -> str:
    """Human passwords of other shapes than the visible corpus's Word+year+symbol."""
    return rng.choice([
        lambda: _r(rng, string.ascii_lowercase, 5) + rng.choice("0134") + _r(rng, string.ascii_lowercase, 3) + rng.choice("&!@"),
        lambda: rng.choice(_WORDS) + "-" + rng.choice(_WORDS) + "-" + str(rng.randint(10, 99)),
        lambda: rng.choice("!#@") + rng.choice(_WORDS).upper() + str(rng.randint(100, 999)),
    ])()


# A second generator, for grading generalisation: providers and shapes that the visible corpus never shows
# (SendGrid, Google, npm, GitLab, Twilio, Azure, minified config), with look-alikes of the same providers.
_HELDOUT_POSITIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: f"SENDGRID_API_KEY={_sendgrid(r)}",
    lambda r: f"export SENDGRID_API_KEY={_sendgrid(r)}",
    lambda r: f"  sendgrid_key: {_sendgrid(r)}",
    lambda r: f"  sendgrid: {{ apiKey: '{_sendgrid(r)}' }},",
    lambda r: f'mail.send(api_key="{_sendgrid(r)}", to=user.email)',
    lambda r: f'GOOGLE_MAPS_KEY = "AIza{_r(r, _B62 + "-_", 35)}"',
    lambda r: f"//registry.npmjs.org/:_authToken=npm_{_r(r, _B62, 36)}",
    lambda r: f"\turl = https://oauth2:glpat-{_r(r, _B62 + '-_', 20)}@gitlab.internal/orders/app.git",
    lambda r: f"TWILIO_AUTH_TOKEN={_r(r, _HEX, 32)}",
    lambda r: f'    "webhook_secret": "whsec_{_r(r, _B62, 32)}",',
    lambda r: (f'AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=orders;'
               f'AccountKey={_r(r, _B64, 86)}==;EndpointSuffix=core.windows.net"'),
    lambda r: (f'{{"service":"orders","region":"eu-west-1","retries":3,"timeout_ms":2500,"log_level":"info",'
               f'"features":["search","export"],"apiKey":"{_r(r, _B62, 32)}","owner":"team-orders"}}'),
    lambda r: f"spring.datasource.password={_other_password(r)}",
    lambda r: f"  MYSQL_ROOT_PASSWORD: '{_other_password(r)}'",
]

_HELDOUT_NEGATIVE_LINES: list[Callable[[random.Random], str]] = [
    lambda r: "SENDGRID_API_KEY=${SENDGRID_API_KEY}",
    lambda r: "  sendgrid: { apiKey: process.env.SENDGRID_API_KEY },",
    lambda r: 'GOOGLE_MAPS_KEY = "AIza-your-maps-key-here"',
    lambda r: "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    lambda r: "\turl = https://gitlab.internal/orders/app.git",
    lambda r: "TWILIO_AUTH_TOKEN=<paste the token here>",
    lambda r: 'SECRET_KEY = get_secret("django")',
    lambda r: f'<script src="/static/app.js" integrity="sha384-{_r(r, _B64, 64)}"></script>',
    lambda r: f'  etag: "{_r(r, _HEX, 32)}"',
    lambda r: f"Merge commit {_r(r, _HEX, 40)} into main",
    lambda r: f'trace_id = "{_r(r, _HEX, 32)}"',
    lambda r: f"max_tokens = {r.choice([256, 1024, 4096])}",
    lambda r: '    "key_ops": ["verify"],',
    lambda r: "spring.datasource.password=${DB_PASSWORD}",
    lambda r: '  MYSQL_ROOT_PASSWORD_FILE: "/run/secrets/mysql_root"',
    lambda r: "# rotate the SendGrid key every 90 days (see the runbook)",
    lambda r: f"  - image: ghcr.io/orders/api@sha256:{_r(r, _HEX, 64)}",
]


def make_secret_corpus(seed: int, n_files: int = 12, lines_per_file: int = 40, *, held_out: bool = False) -> list[SampleFile]:
    """A labelled corpus generated at run time: per file about 4-6 secrets, 8-12 hard negatives, the rest filler.

    held_out=True draws the secrets and look-alikes from a second generator (other providers and shapes), to
    measure whether a scanner generalises or only learned the visible corpus.
    """
    rng = random.Random(seed)
    positives = _HELDOUT_POSITIVE_LINES if held_out else _POSITIVE_LINES
    negatives = _HELDOUT_NEGATIVE_LINES if held_out else _HARD_NEGATIVE_LINES
    files = []
    for i in range(n_files):
        kind = rng.choice(sorted(_FILLER))
        lines: list[tuple[str, bool]] = [(rng.choice(positives)(rng), True) for _ in range(rng.randint(4, 6))]
        lines += [(rng.choice(negatives)(rng), False) for _ in range(rng.randint(8, 12))]
        while len(lines) < lines_per_file:
            lines.append((rng.choice(_FILLER[kind]), False))
        rng.shuffle(lines)
        name = f"{i:02d}-{rng.choice(_FILE_NAMES[kind])}"
        files.append(SampleFile(name, "\n".join(text for text, _ in lines) + "\n", {n for n, (_, s) in enumerate(lines, start=1) if s}))
    return files


def write_corpus(files: Iterable[SampleFile], folder: str | Path) -> list[Path]:
    """Write the corpus into `folder` (a temporary directory): one file each."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in files:
        path = folder / f.name
        path.write_text(f.text, encoding="utf-8")
        paths.append(path)
    return paths


def precision_recall(scanner: Callable[[str], Iterable[int]], files: Iterable[SampleFile]) -> tuple[float, float]:
    """Line-level precision and recall of `scanner` over a labelled corpus (1.0 when there is nothing to find/flag)."""
    true_pos = flagged = actual = 0
    for f in files:
        found = set(scanner(f.text))
        true_pos += len(found & f.secret_lines)
        flagged += len(found)
        actual += len(f.secret_lines)
    return (true_pos / flagged if flagged else 1.0), (true_pos / actual if actual else 1.0)


# ----------------------------------------------------------------------------------------------------------------
# Static analysis: a generated vulnerable module and bandit
# ----------------------------------------------------------------------------------------------------------------


def vulnerable_module_source() -> str:
    """Python source with classic mistakes, for bandit to find (built at run time, never imported or run)."""
    pw = "hunter" + "2"
    return "\n".join([
        '"""A sample module with deliberate security mistakes — for bandit, never for running."""',
        "import hashlib",
        "import pickle",
        "import random",
        "import sqlite3",
        "import subprocess",
        "",
        "import requests",
        "import yaml",
        "",
        f'DB_PASSWORD = "{pw}"',
        "",
        "",
        "def thumbnail(filename):",
        '    subprocess.run(f"convert {filename} -resize 64x64 thumb.png", shell=True)',
        "",
        "",
        "def load_session(blob):",
        "    return pickle.loads(blob)",
        "",
        "",
        "def load_config(text):",
        "    return yaml.load(text)",
        "",
        "",
        "def find_user(conn: sqlite3.Connection, name):",
        "    return conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % name).fetchall()",
        "",
        "",
        "def etag(body: bytes):",
        "    return hashlib.md5(body).hexdigest()",
        "",
        "",
        "def reset_code():",
        "    return str(random.randint(100000, 999999))",
        "",
        "",
        "def fetch(url):",
        "    return requests.get(url, verify=False)",
        "",
        "",
        "def delete_account(user):",
        '    assert user.is_admin, "admins only"',
        "    user.delete()",
        "",
        "",
        "def calculate(expression):",
        "    return eval(expression)",
        "",
    ])


def bandit_path() -> Path:
    """The bandit command-line tool of this Python environment."""
    return Path(sys.executable).parent / "bandit"


def run_bandit(path: str | Path, timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """Run bandit on one file (JSON output) and return its findings, sorted by line."""
    proc = subprocess.run([str(bandit_path()), "-f", "json", "-q", str(path)], capture_output=True, text=True, timeout=timeout_s)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"bandit failed ({proc.returncode}): {proc.stderr[-500:]}")
    return sorted(json.loads(proc.stdout)["results"], key=lambda r: r["line_number"])


# ----------------------------------------------------------------------------------------------------------------
# An access log with a credential-stuffing burst
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginEvent:
    """One login attempt in the access log."""

    t_s: float
    client: str
    username: str
    success: bool


def make_access_log(seed: int = 5, minutes: int = 60, clients: int = 40) -> tuple[list[LoginEvent], str]:
    """A generated hour of login attempts: ordinary users, a forgetful one, an office NAT, and one credential stuffer.

    Returns (events sorted by time, the attacker's client address).
    """
    rng = random.Random(seed)
    events: list[LoginEvent] = []

    def poisson(lam: float) -> int:
        # Knuth's method: fine for the small rates used here
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    normal = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(clients)]
    users = {c: [f"user{rng.randint(100, 999)}" for _ in range(rng.randint(1, 2))] for c in normal}
    for minute in range(minutes):
        for c in normal:
            for _ in range(poisson(0.4)):
                events.append(LoginEvent(minute * 60 + rng.uniform(0, 60), c, rng.choice(users[c]), rng.random() > 0.08))
    forgetful, office, attacker = "10.0.9.17", "192.0.2.10", "203.0.113.66"
    stuck_minute = rng.randint(5, 25)
    for k in range(7):  # one user who forgot their password: many failures, ONE username
        events.append(LoginEvent(stuck_minute * 60 + 5 * k, forgetful, "user555", k == 6))
    staff = [f"staff{i:02d}" for i in range(40)]
    for minute in range(minutes):  # an office behind one NAT address: busy, but mostly successful
        for _ in range(poisson(8.0)):
            events.append(LoginEvent(minute * 60 + rng.uniform(0, 60), office, rng.choice(staff), rng.random() > 0.05))
    start = rng.randint(minutes // 2, minutes - 10)
    leaked = [f"victim{i:04d}" for i in range(2000)]
    for minute in range(start, start + 5):  # credential stuffing: many usernames, almost all failing
        for _ in range(poisson(90.0)):
            events.append(LoginEvent(minute * 60 + rng.uniform(0, 60), attacker, rng.choice(leaked), rng.random() < 0.01))
    events.sort(key=lambda e: e.t_s)
    return events, attacker
