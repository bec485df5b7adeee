"""The identity provider the booking service trusts (RSA keys with kids, a JWKS, tokens), and the forged tokens the
attack suite sends. Keys are made at run time; nothing secret is stored anywhere."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://id.capstone.example"
AUDIENCE = "bookings-api"
TOKEN_TTL_S = 300


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    public = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    jwk = json.loads(RSAAlgorithm.to_jwk(public))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


class Identity:
    """Signs access tokens for the booking service and publishes its public keys as a JWKS.

    rotate() adds a key and signs with it from then on (the old one stays published until retire(kid)).
    jwks_fetches counts GETs of the JWKS document (the world server increments it).
    """

    def __init__(self, issuer: str = ISSUER, audience: str = AUDIENCE) -> None:
        self.issuer, self.audience = issuer, audience
        self._keys: dict[str, rsa.RSAPrivateKey] = {}
        self.published: list[str] = []
        self.signing_kid = ""
        self.jwks_fetches = 0
        self.failing = False  # True: the JWKS endpoint answers 503 (an identity provider outage)
        self._lock = threading.Lock()
        self.rotate()

    def reset(self) -> None:
        """Back to the state after construction: the first key alone, published and signing; the counters zeroed."""
        with self._lock:
            first = next(iter(self._keys))
            self._keys = {first: self._keys[first]}
            self.published, self.signing_kid = [first], first
            self.jwks_fetches, self.failing = 0, False

    def rotate(self) -> str:
        key = new_rsa_key()
        kid = "k-" + secrets.token_hex(4)
        with self._lock:
            self._keys[kid] = key
            self.published.append(kid)
            self.signing_kid = kid
        return kid

    def retire(self, kid: str) -> None:
        with self._lock:
            self.published = [k for k in self.published if k != kid]

    def key(self, kid: str | None = None) -> rsa.RSAPrivateKey:
        return self._keys[kid or self.signing_kid]

    def jwks(self) -> dict[str, Any]:
        with self._lock:
            return {"keys": [public_jwk(self._keys[k], k) for k in self.published]}

    def claims(self, sub: str, role: str | None = "customer", *, audience: Any = None, issuer: str | None = None,
               now: float | None = None, ttl_s: float = TOKEN_TTL_S, drop: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
        now = time.time() if now is None else now
        claims = {"iss": issuer or self.issuer, "aud": self.audience if audience is None else audience, "sub": sub, "role": role,
                  "iat": int(now), "exp": int(now + ttl_s), "jti": secrets.token_hex(8), **extra}
        return {k: v for k, v in claims.items() if k not in drop and v is not None}

    def token(self, sub: str, role: str | None = "customer", *, kid: str | None = None, **kwargs: Any) -> str:
        """An RS256 access token for `sub` with `role`, signed by the current key (or `kid`); kwargs as in claims()."""
        kid = kid or self.signing_kid
        return jwt.encode(self.claims(sub, role, **kwargs), self._keys[kid], algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


# --- forgeries for the attack suite ------------------------------------------------------------------------------
def forge_unsigned(claims: dict[str, Any], kid: str) -> str:
    """alg: none, no signature."""
    return f"{b64url_json({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{b64url_json(claims)}."


def forge_hmac_with_public_key(claims: dict[str, Any], public_pem_bytes: bytes, kid: str) -> str:
    """HS256 keyed with the server's PUBLIC key PEM: accepted by a verifier that takes the algorithm from the header."""
    signing_input = f"{b64url_json({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{b64url_json(claims)}"
    signature = hmac.new(public_pem_bytes, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def sign_with(key: rsa.RSAPrivateKey, claims: dict[str, Any], headers: dict[str, Any]) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


def forge_embedded_jwk(claims: dict[str, Any]) -> str:
    """Signed by a fresh attacker key whose public JWK rides in the header (RFC 8725, section 3.10 warns)."""
    attacker = new_rsa_key()
    kid = "attacker-" + secrets.token_hex(3)
    return sign_with(attacker, claims, {"kid": kid, "jwk": public_jwk(attacker, kid)})


def forge_jku(claims: dict[str, Any], attacker: rsa.RSAPrivateKey, kid: str, jku: str) -> str:
    """Signed by the attacker, whose JWKS (with `kid`) is published at `jku`, a URL the attacker controls."""
    return sign_with(attacker, claims, {"kid": kid, "jku": jku})
