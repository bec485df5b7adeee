"""RSA signing keys made at run time: key ids (RFC 7638 thumbprints), public PEM and JWK, the SigningKey record."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

# ----------------------------------------------------------------------------------------------------------------
# Keys, made at run time
# ----------------------------------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


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
    """An issuer's RSA signing key: published from created_at, signing from signs_from, then retired_at (None while it
    is the active or the pre-published next key) and published for a grace period after that."""

    kid: str
    private_key: rsa.RSAPrivateKey = field(repr=False)
    created_at: float
    retired_at: float | None = None
    signs_from: float | None = None  # None: not signing yet (a pre-published next key) or the simple model's only key

    @classmethod
    def generate(cls, created_at: float) -> SigningKey:
        key = new_rsa_key()
        return cls(kid=key_id(key), private_key=key, created_at=created_at)
