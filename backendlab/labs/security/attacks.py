"""The bounded attack suite that proves the hardened service (exercise 7), and its result table."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from backendlab.labs.security.config import ACCESS_TTL_S, AUDIENCE, INTERNAL_AUDIENCE, ISSUER
from backendlab.labs.security.keys import new_rsa_key
from backendlab.labs.security.service import ServiceKit
from backendlab.labs.security.tokens import access_claims, forge_hmac_with_public_key, forge_unsigned, issue_token, sign
from backendlab.services import serve

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
    passphrase = "blue kettle " + secrets.token_hex(4)  # 20 characters, made now: NIST SP 800-63B-4 wants >= 15
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
                unknown = c.post("/login", json={"username": "nobody_" + secrets.token_hex(3), "password": passphrase})
                wrong = c.post("/login", json={"username": "alice", "password": passphrase})
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
            valid = {"password": passphrase, "email": "m@example.com"}
            steps: list[tuple[str, str, str, Callable[[], tuple[bool, str]]]] = [
                ("signup with a valid body", "legit", "201", expect(201, lambda: signup(username=newcomer, **valid))),
                ("login with the right password", "legit", "200 + token", login_alice),
                ("GET /me with a valid token", "legit", "200 alice", me_alice),
                ("search users by prefix 'al'", "legit", "200 alice, alan", search_al),
                ("internal call with a service token", "legit", "200", audit_legit),
                ("mass assignment: signup with role=admin", "attack", "422",
                 expect(422, lambda: signup(username="mallory", role="admin", **valid))),
                ("type confusion: username is a list", "attack", "422", expect(422, lambda: signup(username=["ops"], **valid))),
                ("signup with a common password ('password1')", "attack", "422",
                 expect(422, lambda: signup(username="mallory_1", password="password1", email="m@example.com"))),
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
                     expect(422, lambda: signup(username="eve_1", password=passphrase, email="not-an-email"))),
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
                     expect(201, lambda: signup(username=newcomer + "_2", password=passphrase, email="Bob.Smith@Example.COM"))),
                    ("signup with a taken username", "attack", "409", expect(409, lambda: signup(username="alice", **valid))),
                    ("signup with a 14-character random password", "attack", "422",
                     expect(422, lambda: signup(username="mallory_2", password=secrets.token_hex(7), email="m@example.com"))),
                    ("signup with a password that contains the username", "attack", "422",
                     expect(422, lambda: signup(username="mallory_3", password=f"mallory_3 {secrets.token_hex(6)}", email="m@x.io"))),
                    ("signup with a 64-character passphrase", "legit", "201",
                     expect(201, lambda: signup(username=newcomer + "_3", password=("kettle " + secrets.token_hex(32))[:64],
                                                email="m@example.com"))),
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
