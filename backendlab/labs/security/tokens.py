"""JWTs: claims, signing, the strict verifier, the classic forgeries, and refresh-token rotation with reuse detection."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from backendlab.labs.security.config import ACCESS_TTL_S, ALGORITHMS, AUDIENCE, ISSUER, LEEWAY_S, REQUIRED_CLAIMS
from backendlab.labs.security.keys import _b64url, public_pem

# ----------------------------------------------------------------------------------------------------------------
# JWT: issue, verify strictly, and the classic forgeries
# ----------------------------------------------------------------------------------------------------------------


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
