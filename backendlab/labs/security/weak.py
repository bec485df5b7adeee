"""The deliberately weak building blocks of the notes service — each one a lesson, none to copy."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from typing import Any

import jwt
from fastapi import HTTPException, Request
from jwt.algorithms import RSAAlgorithm

from backendlab.labs.security.config import SEARCH_LIMIT
from backendlab.labs.security.tokens import decode_strict

WEAK_JWT_SECRET = "changeme"  # deliberately weak: the weak app's hard-coded HMAC key (the lesson is not to do this)


def sha256_hex(password: str) -> str:
    """The WRONG way to store a password: one fast, unsalted hash."""
    return hashlib.sha256(password.encode()).hexdigest()


def search_users_unsafe(conn: sqlite3.Connection, prefix: str) -> list[dict[str, str]]:
    """VULNERABLE: the prefix is pasted into the SQL text, so it can change the query."""
    sql = f"SELECT username, email FROM users WHERE username LIKE '{prefix}%' ORDER BY username LIMIT {SEARCH_LIMIT}"  # noqa: S608
    return [{"username": u, "email": e} for u, e in conn.execute(sql).fetchall()]


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


def verify_trusting_header_keys(token: str, keys: Mapping[str, Any]) -> dict[str, Any]:
    """VULNERABLE (RFC 8725 §3.10): strict about the algorithm and every claim, but it takes the KEY from the token.

    A header `jwk` (an embedded public key) wins over `keys`; a header `jku` (a URL of a key set) would be fetched —
    here it is only recorded, since the lab never leaves 127.0.0.1 — and otherwise `kid` picks from `keys`. This is
    the shape of CVE-2018-0114 (node-jose trusted an embedded jwk) and of many "jku" server-side request forgeries.
    """
    header = jwt.get_unverified_header(token)
    if isinstance(header.get("jwk"), dict):
        key = RSAAlgorithm.from_jwk(header["jwk"])
    elif header.get("jku"):
        raise jwt.InvalidTokenError(f"would now fetch keys from {header['jku']!r} (a request the attacker chose)")
    else:
        if header.get("kid") not in keys:
            raise jwt.InvalidTokenError("unknown key id")
        key = keys[header["kid"]]
    return decode_strict(token, key)
