"""The capstone's attack suite: legitimate requests that must be served and attacks that must be refused, against a
running booking service and its kit. Two focuses: "tokens" (authentication and authorization) and "limits" (key
rotation and refetching, rate and size limits, what a refusal gives away)."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from backendlab.labs.capstone.identity import (
    forge_embedded_jwk,
    forge_hmac_with_public_key,
    forge_jku,
    forge_unsigned,
    new_rsa_key,
    public_pem,
    sign_with,
)
from backendlab.labs.capstone.world import ATTACKER_KID, attacker_key

LEAKY_WORDS = ("Signature", "signature", "expired", "audience", "issuer", "algorithm", "kid", "JWK", "jwt", "PyJWT",
               "Traceback", "decode", "segments", "Expecting")


@dataclass
class AttackResult:
    name: str
    kind: str  # "legit" or "attack"
    expected: str
    got: str
    ok: bool


def attack_table(results: list[AttackResult]) -> str:
    lines = [f"{'':2} {'kind':6} {'request':56} {'expected':16} got"]
    for r in results:
        lines.append(f"{'✓' if r.ok else '✗':2} {r.kind:6} {r.name[:56]:56} {r.expected[:16]:16} {r.got[:60]}")
    legit = [r for r in results if r.kind == "legit"]
    attacks = [r for r in results if r.kind == "attack"]
    served, refused = sum(r.ok for r in legit), sum(r.ok for r in attacks)
    lines.append(f"legitimate requests served: {served}/{len(legit)}; attacks refused: {refused}/{len(attacks)}")
    return "\n".join(lines)


def _book(c: httpx.Client, headers: dict[str, str], event_id: str) -> httpx.Response:
    headers = {**headers, "Idempotency-Key": "atk-" + uuid.uuid4().hex[:16]}
    return c.post("/bookings", json={"event_id": event_id, "seats": 1}, headers=headers)


def run_attack_suite(client: httpx.Client, kit: Any, focus: str = "tokens", deadline_s: float = 20.0) -> list[AttackResult]:
    """Send the suite to the service behind `client` (its kit issues the tokens); one result per step, never raises.

    Bounded: about 30 requests ("tokens") or 80 ("limits"), the client's timeout each, and one deadline.
    """
    if focus not in ("tokens", "limits"):
        raise ValueError("focus is 'tokens' or 'limits'")
    steps = list(_token_steps(client, kit) if focus == "tokens" else _limit_steps(client, kit))
    started, results = time.monotonic(), []
    for name, kind, expected, run in steps:
        if time.monotonic() - started > deadline_s:
            results.append(AttackResult(name, kind, expected, f"not run: suite deadline {deadline_s:.0f} s passed", False))
            continue
        try:
            ok, got = run()
        except Exception as exc:  # a broken answer counts as a failed step, never a crash of the suite
            ok, got = False, f"{type(exc).__name__}: {exc}"[:100]
        results.append(AttackResult(name, kind, expected, got, ok))
    return results


Step = tuple[str, str, str, Callable[[], tuple[bool, str]]]


def _events(c: httpx.Client) -> dict[str, str]:
    return {e["name"]: e["id"] for e in c.get("/events").json()["items"]}


def _token_steps(c: httpx.Client, kit: Any) -> Iterator[Step]:
    identity = kit.identity
    kid = identity.signing_kid
    now = time.time()
    claims = identity.claims("mallory", "admin")
    state: dict[str, Any] = {}

    def status(response: httpx.Response, *codes: int) -> tuple[bool, str]:
        return response.status_code in codes, str(response.status_code)

    def refused(token: str | None, path: str = "/bookings") -> Callable[[], tuple[bool, str]]:
        def run() -> tuple[bool, str]:
            r = c.get(path, headers={"Authorization": f"Bearer {token}"} if token is not None else {})
            ok = r.status_code == 401 and "bearer" in r.headers.get("www-authenticate", "").lower()
            return ok, f"{r.status_code}" + ("" if r.status_code != 401 or ok else " without WWW-Authenticate: Bearer")
        return run

    def served(headers: dict[str, str], path: str = "/bookings") -> Callable[[], tuple[bool, str]]:
        return lambda: status(c.get(path, headers=headers), 200)

    def legit_booking() -> tuple[bool, str]:
        state["events"] = _events(c)
        r = _book(c, kit.headers("atk-alice"), state["events"]["Opening night"])
        if r.status_code == 201:
            state["booking"] = r.json()["id"]
        return r.status_code == 201, str(r.status_code)

    def read_own() -> tuple[bool, str]:
        r = c.get(f"/bookings/{state.get('booking', 'bkg_000000000000')}", headers=kit.headers("atk-alice"))
        return r.status_code == 200 and r.json().get("customer") == "atk-alice", str(r.status_code)

    def read_others() -> tuple[bool, str]:
        r = c.get(f"/bookings/{state.get('booking', 'bkg_000000000000')}", headers=kit.headers("atk-eve"))
        return status(r, 404, 403)

    def cancel_others() -> tuple[bool, str]:
        r = c.post(f"/bookings/{state.get('booking', 'bkg_000000000000')}/cancel", headers=kit.headers("atk-eve"))
        return status(r, 404, 403)

    attacker = new_rsa_key()
    pem = public_pem(identity.key())
    jku = f"{kit.world.url}/evil/jwks.json"
    yield ("browse events without a token (public)", "legit", "200", lambda: status(c.get("/events"), 200))
    yield ("a customer books a seat", "legit", "201", legit_booking)
    yield ("a customer reads their booking", "legit", "200", read_own)
    yield ("an admin reads the sales report", "legit", "200", served(kit.headers("atk-ops", "admin"), "/reports/sales"))
    yield ("a token 10 s past exp (inside the 30 s leeway)", "legit", "200",
           served(kit.headers("atk-alice", now=now - 300 - 10)))
    yield ("a token whose aud list includes us", "legit", "200",
           served(kit.headers("atk-alice", audience=["search-api", identity.audience])))
    yield ("the scheme in lower case, 'bearer <token>' (RFC 9110 §11.1: schemes are case-insensitive)", "legit", "200",
           served({"Authorization": "bearer " + kit.headers("atk-carol")["Authorization"].split(" ", 1)[1]}))
    yield ("no Authorization header", "attack", "401", refused(None))
    yield ("Basic credentials instead of a bearer token", "attack", "401",
           lambda: status(c.get("/bookings", headers={"Authorization": "Basic YWxpY2U6c2VjcmV0"}), 401))
    yield ("a garbage token", "attack", "401", refused("not.a.token"))
    yield ("alg: none, admin claims, our kid", "attack", "401", refused(forge_unsigned(claims, kid)))
    yield ("HS256 keyed with our public key (alg confusion)", "attack", "401", refused(forge_hmac_with_public_key(claims, pem, kid)))
    yield ("expired 2 minutes ago", "attack", "401", refused(identity.token("atk-alice", now=now - 300 - 120)))
    yield ("a token for another audience (billing-api)", "attack", "401", refused(identity.token("atk-alice", audience="billing-api")))
    yield ("a token with no aud claim", "attack", "401", refused(identity.token("atk-alice", drop=("aud",))))
    yield ("a token from another issuer, signed by our key", "attack", "401",
           refused(identity.token("atk-alice", issuer="https://id.partner.example")))
    yield ("a token with no exp claim", "attack", "401", refused(identity.token("atk-alice", drop=("exp",))))
    yield ("signed by the attacker's key, with our kid", "attack", "401",
           refused(sign_with(attacker, claims, {"kid": kid})))
    yield ("the attacker's key embedded in the header (jwk)", "attack", "401", refused(forge_embedded_jwk(claims)))
    yield ("keys fetched from the attacker's URL (jku)", "attack", "401", refused(forge_jku(claims, attacker_key(), ATTACKER_KID, jku)))
    yield ("a customer reads the sales report", "attack", "403",
           lambda: status(c.get("/reports/sales", headers=kit.headers("atk-alice")), 403))
    yield ("a role that does not exist (root)", "attack", "401", refused(identity.token("atk-alice", "root")))
    yield ("a token without a role", "attack", "401", refused(identity.token("atk-alice", None)))
    yield ("the role 'Admin' (case)", "attack", "401/403",
           lambda: status(c.get("/reports/sales", headers=kit.headers("atk-alice", "Admin")), 401, 403))
    yield ("another customer reads alice's booking", "attack", "404", read_others)
    yield ("another customer cancels alice's booking", "attack", "404", cancel_others)


def _limit_steps(c: httpx.Client, kit: Any) -> Iterator[Step]:
    identity, settings, clock = kit.identity, kit.settings, kit.clock

    def status(response: httpx.Response, *codes: int) -> tuple[bool, str]:
        return response.status_code in codes, str(response.status_code)

    def first_use() -> tuple[bool, str]:
        return status(c.get("/bookings", headers=kit.headers("lim-alice")), 200)

    def unknown_kids() -> tuple[bool, str]:
        before = identity.jwks_fetches
        codes = set()
        for _ in range(20):
            token = sign_with(attacker_key(), identity.claims("lim-mallory"), {"kid": "k-" + secrets.token_hex(4)})
            codes.add(c.get("/bookings", headers={"Authorization": f"Bearer {token}"}).status_code)
        fetched = identity.jwks_fetches - before
        return codes == {401} and fetched <= 1, f"statuses {sorted(codes)}, {fetched} JWKS fetches for 20 unknown kids"

    def rotation() -> tuple[bool, str]:
        state["old"] = identity.signing_kid
        identity.rotate()
        clock.advance(settings.jwks_min_refetch_s + 1)  # the guard may refetch again
        r = c.get("/bookings", headers=kit.headers("lim-alice"))
        return r.status_code == 200, f"{r.status_code} for a token signed by the new key {identity.signing_kid}"

    def old_key_still_valid() -> tuple[bool, str]:
        r = c.get("/bookings", headers=kit.headers("lim-alice", kid=state["old"]))
        return r.status_code == 200, f"{r.status_code} for the previous key, still published"

    def retired_key() -> tuple[bool, str]:
        token = kit.token("lim-alice", kid=state["old"])
        identity.retire(state["old"])
        clock.advance(settings.jwks_cache_s + 1)  # every cached JWKS is stale now
        r = c.get("/bookings", headers={"Authorization": f"Bearer {token}"})
        return r.status_code == 401, f"{r.status_code} for a key removed from the JWKS {settings.jwks_cache_s:.0f} s ago"

    def provider_down() -> tuple[bool, str]:
        identity.failing = True  # the JWKS endpoint answers 503 from now on
        try:
            clock.advance(settings.jwks_cache_s + 1)  # the cached JWKS is stale: the guard tries to refetch, and fails
            r = c.get("/bookings", headers=kit.headers("lim-alice"))
        finally:
            identity.failing = False
        return r.status_code == 200, f"{r.status_code} while the JWKS endpoint answers 503 (the keys it knew still work)"

    def burst() -> tuple[bool, str]:
        clock.freeze()  # a burst takes no time on this clock: the result does not depend on the machine's speed
        try:
            codes, retry = [], []
            for _ in range(settings.rate_burst + 5):
                r = c.get("/bookings", headers=kit.headers("lim-burst"))
                codes.append(r.status_code)
                if r.status_code == 429:
                    retry.append(r.headers.get("retry-after", ""))
            other = c.get("/bookings", headers=kit.headers("lim-calm")).status_code
        finally:
            clock.thaw()
        limited = codes.count(429)
        retry_ok = bool(retry) and all(v.isdigit() and int(v) >= 1 for v in retry)
        ok = codes[: settings.rate_burst] == [200] * settings.rate_burst and limited == 5 and retry_ok and other == 200
        return ok, f"{codes.count(200)}×200 then {limited}×429 (Retry-After {sorted(set(retry))[:3]}), another customer: {other}"

    def refilled() -> tuple[bool, str]:
        clock.advance(2.0 / settings.rate_per_s)
        return status(c.get("/bookings", headers=kit.headers("lim-burst")), 200)

    def oversized() -> tuple[bool, str]:
        body = b'{"event_id": "' + b"x" * 65536 + b'", "seats": 1}'
        return status(c.post("/bookings", content=body, headers={**kit.headers("lim-alice"), "Idempotency-Key": "lim-00000001",
                                                                 "Content-Type": "application/json"}), 413)

    def oversized_chunked() -> tuple[bool, str]:
        def chunks() -> Iterator[bytes]:
            yield b'{"event_id": "'
            for _ in range(32):
                yield b"x" * 2048
            yield b'", "seats": 1}'

        return status(c.post("/bookings", content=chunks(), headers={**kit.headers("lim-alice"), "Idempotency-Key": "lim-00000002",
                                                                      "Content-Type": "application/json"}), 413)

    def refusals_say_nothing() -> tuple[bool, str]:
        marker = "k-" + secrets.token_hex(5)
        tokens = {"garbage": "x.y.z", "expired": kit.token("lim-alice", now=time.time() - 3600),
                  "another audience": kit.token("lim-alice", audience="billing-api"),
                  "attacker kid": sign_with(attacker_key(), identity.claims("lim-alice"), {"kid": marker}),
                  "alg none": forge_unsigned(identity.claims("lim-alice"), marker)}
        bodies = set()
        for label, token in tokens.items():
            r = c.get("/bookings", headers={"Authorization": f"Bearer {token}"})
            told = r.text + " ".join(f"{k}: {v}" for k, v in r.headers.items() if k.lower() != "content-length")
            leaked = [w for w in (marker, *LEAKY_WORDS) if w in told]
            if r.status_code != 401 or leaked:
                return False, f"{label}: {r.status_code} {r.text[:50]!r}" + (f" tells {leaked[:3]}" if leaked else "")
            bodies.add(r.content)
        return len(bodies) == 1, "one 401 body for every reason" if len(bodies) == 1 else f"{len(bodies)} different 401 bodies"

    state: dict[str, str] = {}
    yield ("a customer's first request (the JWKS is fetched)", "legit", "200", first_use)
    yield ("20 tokens with unknown kids", "attack", "401, ≤ 1 JWKS fetch", unknown_kids)
    yield ("the identity provider rotates its key", "legit", "200", rotation)
    yield ("a token signed by the previous key (still published)", "legit", "200", old_key_still_valid)
    yield ("a token signed by a retired key", "attack", "401", retired_key)
    yield ("the identity provider is down when the cache expires", "legit", "200", provider_down)
    yield ("a burst of rate_burst + 5 requests from one customer", "attack", "429 + Retry-After", burst)
    yield ("the same customer after the bucket refills", "legit", "200", refilled)
    yield ("a 64 KiB body", "attack", "413", oversized)
    yield ("a 64 KiB chunked body without Content-Length", "attack", "413", oversized_chunked)
    yield ("401s say nothing about why", "attack", "one body, no library words", refusals_say_nothing)
