"""backendlab.labs.security: the weak service and its fixes, tokens and keys, limiter, secret scanner, bandit, log generator."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from argon2 import PasswordHasher

from backendlab import course, services
from backendlab.labs import security


@pytest.fixture(scope="module")
def key() -> security.rsa.RSAPrivateKey:
    return security.new_rsa_key()


@pytest.fixture(autouse=True)
def _stop_services():
    yield
    services.stop_all()


def test_search_users_unsafe_leaks_hashes_through_a_union_payload() -> None:
    conn = security.sample_user_db()
    rows = security.search_users_unsafe(conn, "x' UNION SELECT username, password_hash FROM users --")
    assert len(rows) == len(security.SAMPLE_USERNAMES)
    assert all(row["email"].startswith("$sha256$") for row in rows)


def test_search_users_binds_the_prefix_and_escapes_like_wildcards() -> None:
    conn = security.sample_user_db()
    before = conn.execute("SELECT * FROM users ORDER BY id").fetchall()
    assert [r["username"] for r in security.search_users(conn, "al")] == ["al_bundy", "alan", "albert", "alice"]
    assert [r["username"] for r in security.search_users(conn, "o'b")] == ["o'brien"]
    assert [r["username"] for r in security.search_users(conn, "50%")] == ["50%off"]
    for payload in ["' OR 1=1 --", "%", "_", "\\", "'; DELETE FROM users; --", ""]:
        assert security.search_users(conn, payload) == []
    assert len(security.search_users(conn, "user")) == security.SEARCH_LIMIT
    assert conn.execute("SELECT * FROM users ORDER BY id").fetchall() == before


def test_verify_password_upgrades_old_parameters_and_never_raises_on_bad_input() -> None:
    cheap = security.cheap_hasher()
    stronger = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    stored = security.hash_password("pw-1234567", cheap)
    assert stored.startswith("$argon2id$") and stored != security.hash_password("pw-1234567", cheap)
    assert security.verify_password(stored, "pw-1234567", cheap) == (True, None)
    ok, upgraded = security.verify_password(stored, "pw-1234567", stronger)
    assert ok and upgraded is not None and "m=16384,t=2,p=1" in upgraded
    assert security.verify_password(stored, "wrong", stronger) == (False, None)
    assert security.verify_password("not-a-hash", "x", cheap) == (False, None)


def test_verify_token_refuses_the_classic_forgeries_and_honours_the_leeway(key) -> None:
    kid = security.key_id(key)
    keys = {kid: key.public_key()}
    now = time.time()
    admin = security.access_claims("ops", role="admin")
    refused = [
        security.forge_unsigned(admin, kid),
        security.forge_hmac_with_public_key(admin, key.public_key(), kid),
        security.issue_token(key, kid, "alice", now=now - security.ACCESS_TTL_S - 120),
        security.issue_token(key, kid, "alice", audience="billing-api"),
        security.issue_token(key, kid, "alice", issuer="https://evil.example"),
        security.issue_token(key, kid, "alice", not_before=now + 120),
        security.sign(security.access_claims("alice"), key, None),
    ]
    for token in refused:
        with pytest.raises(jwt.PyJWTError):
            security.verify_token(token, keys)
    late = security.issue_token(key, kid, "alice", now=now - security.ACCESS_TTL_S - 10)
    assert security.verify_token(late, keys)["sub"] == "alice"


def test_naive_verify_accepts_an_hmac_signed_with_the_public_key(key) -> None:
    forged = security.forge_hmac_with_public_key({"sub": "ops"}, key.public_key(), "k")
    assert security.naive_verify(forged, security.public_pem(key))["sub"] == "ops"
    assert security.naive_verify(security.forge_unsigned({"sub": "ops"}), b"")["sub"] == "ops"


def test_crack_hs256_finds_a_secret_from_the_wordlist() -> None:
    with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):  # PyJWT itself objects to the weak key
        token = security.weak_token("alice", "user")
    assert security.crack_hs256(token, security.COMMON_PASSWORDS) == security.WEAK_JWT_SECRET
    assert security.crack_hs256(token, ["not-it"]) is None


def test_jwks_document_drops_keys_after_grace_and_publishes_no_private_members(key) -> None:
    old = security.SigningKey(kid="old", private_key=key, created_at=0.0, retired_at=100.0)
    active = security.SigningKey(kid="active", private_key=key, created_at=100.0)
    assert [k["kid"] for k in security.jwks_document([old, active], 150.0, 60)["keys"]] == ["old", "active"]
    assert [k["kid"] for k in security.jwks_document([old, active], 160.0, 60)["keys"]] == ["active"]
    for jwk in security.jwks_document([old, active], 150.0, 60)["keys"]:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(jwk)
        assert (jwk["kty"], jwk["use"], jwk["alg"]) == ("RSA", "sig", "RS256")


def test_key_ring_refuses_a_stolen_key_after_its_grace_period() -> None:
    clock = security.ManualClock(time.time())
    ring = security.KeyRing(clock, grace_s=600, ttl_s=300)
    stolen = ring.active
    ring.rotate()
    clock.advance(300)
    forged = security.issue_token(stolen.private_key, stolen.kid, "ops", now=clock())
    assert ring.verify(forged)["sub"] == "ops"
    assert ring.verify(ring.sign("alice"))["sub"] == "alice"
    clock.advance(301)
    with pytest.raises(jwt.PyJWTError):
        ring.verify(security.issue_token(stolen.private_key, stolen.kid, "ops", now=clock()))


def test_refresh_token_reuse_revokes_the_whole_family() -> None:
    store = security.RefreshTokenStore()
    first = store.issue("alice")
    second = store.rotate(first)
    with pytest.raises(security.RefreshReuseDetected):
        store.rotate(first)
    with pytest.raises(security.RefreshInvalid):
        store.rotate(second)
    with pytest.raises(security.RefreshInvalid):
        store.rotate("never-issued")


def test_token_bucket_memory_is_bounded_and_a_drained_client_stays_limited_after_a_flood() -> None:
    clock = security.ManualClock(0.0)
    bucket = security.TokenBucket(1.0, 5, clock, max_clients=1000)
    assert [bucket.allow("attacker")[0] for _ in range(6)] == [True] * 5 + [False]
    for i in range(20_000):
        bucket.allow(f"10.0.{i // 256}.{i % 256}")
        assert len(bucket) <= 1000
    assert bucket.allow("attacker")[0] is False
    clock.advance(1.0)  # the attacker's bucket refills as usual: one token after a second
    assert bucket.allow("attacker") == (True, 0.0)
    clock.advance(10.0)  # every bucket is full again: a new client may replace any of them
    for i in range(2000):
        assert bucket.allow(f"192.168.{i // 256}.{i % 256}")[0]
    assert len(bucket) <= 1000
    with pytest.raises(ValueError):
        security.TokenBucket(1.0, 5, clock, max_clients=0)


def test_token_bucket_bursts_refills_caps_and_isolates_clients() -> None:
    clock = security.ManualClock(0.0)
    bucket = security.TokenBucket(2.0, 3, clock)
    assert [bucket.allow("a")[0] for _ in range(4)] == [True, True, True, False]
    assert bucket.allow("a")[1] == pytest.approx(0.5)
    assert bucket.allow("b") == (True, 0.0)
    clock.advance(0.5)
    assert bucket.allow("a")[0] and not bucket.allow("a")[0]
    clock.advance(3600)
    assert [bucket.allow("a")[0] for _ in range(4)] == [True, True, True, False]


def test_find_secrets_reaches_full_precision_and_recall_on_generated_corpora() -> None:
    for seed in (1, 7, 2026):
        corpus = security.make_secret_corpus(seed)
        assert security.precision_recall(security.find_secrets, corpus) == (1.0, 1.0)
    assert security.precision_recall(lambda text: [], security.make_secret_corpus(3))[1] == 0.0


def test_find_secrets_generalises_to_the_held_out_generator_and_sendgrid_keys() -> None:
    for seed in (1, 11, 12, 2026):
        corpus = security.make_secret_corpus(seed, held_out=True)
        assert security.precision_recall(security.find_secrets, corpus) == (1.0, 1.0)
    visible = {line for f in security.make_secret_corpus(7) for line in f.text.splitlines()}
    held_out = {
        line for f in security.make_secret_corpus(7, held_out=True) for n, line in enumerate(f.text.splitlines(), 1) if n in f.secret_lines
    }
    assert not held_out & visible
    key = "SG." + "a1B2c3D4e5F6g7H8i9J0kL" + "." + "m1N2o3P4q5R6s7T8u9V0wXyZ" * 2
    key = key[: 3 + 22 + 1 + 43]
    assert security.find_secrets(f"SENDGRID_API_KEY={key}\n") == [1]
    assert security.find_secrets(f"Authorization: Bearer {key}\n") == [1]
    for look_alike in ("SECRET_KEY = settings.SECRET_KEY", "apiKey: process.env.SENDGRID_API_KEY", "DB_PASSWORD_FILE=/run/secrets/db"):
        assert security.find_secrets(look_alike) == [], look_alike


def test_recording_connection_tells_a_bound_parameter_from_formatted_sql() -> None:
    conn = security.sample_user_db(record=True)
    assert conn.statements == []
    security.search_users(conn, "zq7")
    assert all("zq7" not in sql for sql, _ in conn.statements) and any("zq7%" in str(params) for _, params in conn.statements)
    security.search_users_unsafe(conn, "zq8")
    assert any("zq8" in sql for sql, _ in conn.statements)


def test_frozen_clock_puts_pyjwt_exactly_on_the_leeway_boundary(key) -> None:
    kid = security.key_id(key)
    keys = {kid: key.public_key()}
    at = float(int(time.time()))
    with security.frozen_clock(at):
        assert time.time() == at
        with pytest.raises(jwt.ExpiredSignatureError):
            security.verify_token(security.issue_token(key, kid, "a", now=at - security.ACCESS_TTL_S - security.LEEWAY_S), keys)
        assert security.verify_token(security.issue_token(key, kid, "a", now=at - security.ACCESS_TTL_S - security.LEEWAY_S + 1), keys)
        assert security.verify_token(security.issue_token(key, kid, "a", now=at, not_before=at + security.LEEWAY_S), keys)
        with pytest.raises(jwt.ImmatureSignatureError):
            security.verify_token(security.issue_token(key, kid, "a", now=at, not_before=at + security.LEEWAY_S + 1), keys)
    assert time.time() != at


def test_secret_corpus_is_reproducible_per_seed_and_written_to_the_given_folder(tmp_path: Path) -> None:
    first, again = security.make_secret_corpus(5), security.make_secret_corpus(5)
    assert [f.text for f in first] == [f.text for f in again]
    assert [f.text for f in first] != [f.text for f in security.make_secret_corpus(6)]
    paths = security.write_corpus(first, tmp_path)
    assert all(p.parent == tmp_path and p.read_text() == f.text for p, f in zip(paths, first, strict=True))


def test_committed_files_of_the_module_hold_no_private_key_header() -> None:
    header = "-" * 5 + "BEGIN"
    files = sorted(Path(security.__file__).parent.glob("*.py"))
    files += [Path(__file__), course.root() / "tests" / "wrong_answers" / "05-security-by-design.py"]
    files += sorted((course.root() / "solutions" / "05-security-by-design").glob("*.ipynb"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not any(f"{header} {kind}PRIVATE KEY" in text for kind in ("", "RSA ", "EC ", "OPENSSH ")), path


def test_load_secret_reads_the_environment_then_a_mounted_file_and_fails_loudly(tmp_path: Path) -> None:
    mounted = tmp_path / "db_password"
    mounted.write_text("from-file\n")
    assert security.load_secret("DB_PASSWORD", {"DB_PASSWORD": "from-env", "DB_PASSWORD_FILE": str(mounted)}) == "from-env"
    assert security.load_secret("DB_PASSWORD", {"DB_PASSWORD_FILE": str(mounted)}) == "from-file"
    with pytest.raises(security.MissingSecret, match="DB_PASSWORD_FILE"):
        security.load_secret("DB_PASSWORD", {})


def test_make_app_rejects_an_unknown_fix() -> None:
    kit = security.ServiceKit.create()
    with pytest.raises(ValueError, match="unknown fixes"):
        security.make_app(kit, {"firewall"})


def test_hardened_app_survives_the_extended_suite_and_the_weak_app_does_not() -> None:
    kit = security.ServiceKit.create(clock=security.ManualClock())
    hardened = security.run_attack_suite(security.make_hardened_app(kit), kit, extended=True)
    assert all(r.ok for r in hardened), [r for r in hardened if not r.ok]
    weak_kit = security.ServiceKit.create(clock=security.ManualClock())
    with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):  # the weak app's short HMAC key, on purpose
        weak = security.run_attack_suite(security.make_weak_app(weak_kit), weak_kit, extended=True)
    assert all(r.ok for r in weak if r.kind == "legit")
    assert sum(not r.ok for r in weak if r.kind == "attack") >= 18
    assert "attacks refused: 28/28" in security.attack_table(hardened)


def test_hardened_app_gives_nothing_away_and_cannot_be_walked_past_while_the_weak_app_can() -> None:
    kit = security.ServiceKit.create(clock=security.ManualClock())
    hardened = security.run_attack_suite(security.make_hardened_app(kit), kit, focus="limits-and-leaks")
    assert [r.ok for r in hardened] == [True] * 4, [r for r in hardened if not r.ok]
    weak_kit = security.ServiceKit.create(clock=security.ManualClock())
    with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):
        weak = security.run_attack_suite(security.make_weak_app(weak_kit), weak_kit, focus="limits-and-leaks")
    walked_past = {"login burst from spoofed X-Forwarded-For addresses", "the right password after the burst"}
    assert {r.name for r in weak if not r.ok} >= walked_past
    with pytest.raises(ValueError, match="focus"):
        security.run_attack_suite(security.make_hardened_app(kit), kit, focus="everything")


def test_hardened_401_says_nothing_about_the_token_it_refused() -> None:
    import httpx

    kit = security.ServiceKit.create(clock=security.ManualClock())
    svc = services.serve(security.make_hardened_app(kit), name="hardened-401", quiet=True)
    attacker_kid = "kid-echo-check"
    forged = security.issue_token(security.new_rsa_key(), attacker_kid, "ops", role="admin")
    expired = kit.issue_access_token("alice", now=time.time() - 3600)
    bodies = set()
    with httpx.Client(base_url=svc.url, timeout=5.0) as client:
        for token in (forged, expired, "not.a.token"):
            r = client.get("/me", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 401 and attacker_kid not in r.text and "expired" not in r.text and "Signature" not in r.text
            bodies.add(r.text)
    assert len(bodies) == 1


def test_signup_accepts_an_upper_case_email_domain_and_still_refuses_a_bad_address() -> None:
    valid = {"username": "bob_2", "password": "a quiet kettle by the window"}
    assert security.SignupIn.model_validate({**valid, "email": "Bob@Example.COM"}).email == "Bob@Example.COM"
    with pytest.raises(ValueError):
        security.SignupIn.model_validate({**valid, "email": "not-an-email"})


def test_password_rules_follow_nist_800_63b_rev4_length_and_blocklist() -> None:
    assert security.MIN_PASSWORD_LENGTH == 15 and security.MAX_PASSWORD_LENGTH >= 64
    assert security.password_problems("password1") == ["shorter than 15 characters", "on the blocklist of common passwords"]
    assert security.password_problems("PASSWORD1") == security.password_problems("password1")
    assert security.password_problems("a" * 14) == ["shorter than 15 characters"]
    assert security.password_problems("ünïcödé-pässwörd") == []  # 16 code points, more bytes: length counts code points
    assert security.password_problems("carol likes long walks", "carol") == ["contains the username"]
    assert security.password_problems("x" * 64) == []  # no composition rules (NIST: SHALL NOT)


def test_hardened_signup_refuses_password1_short_and_expected_passwords() -> None:
    email = "m@example.com"
    for username, password in [("mallory", "password1"), ("mallory", "fourteen chars"), ("mallory", "mallory forever and ever")]:
        with pytest.raises(ValueError):
            security.SignupIn.model_validate({"username": username, "password": password, "email": email})
    assert security.SignupIn.model_validate({"username": "mallory", "password": "fifteen chars!!", "email": email})


def test_bandit_finds_the_deliberate_mistakes_of_the_sample_module(tmp_path: Path) -> None:
    sample = tmp_path / "vulnerable.py"
    sample.write_text(security.vulnerable_module_source())
    found = {f["test_id"] for f in security.run_bandit(sample)}
    assert {"B602", "B301", "B506", "B608", "B324", "B501", "B307", "B105"} <= found


def test_access_log_attacker_is_the_only_client_failing_on_many_usernames() -> None:
    events, attacker = security.make_access_log(seed=5)
    per_window: dict[tuple[str, int], set[str]] = {}
    for e in events:
        if not e.success:
            per_window.setdefault((e.client, int(e.t_s // 60)), set()).add(e.username)
    many = {client for (client, _), users in per_window.items() if len(users) > 10}
    assert many == {attacker}
    assert events == sorted(events, key=lambda e: e.t_s)


def test_shannon_entropy_of_simple_strings() -> None:
    assert security.shannon_entropy("") == 0.0
    assert security.shannon_entropy("aaaa") == 0.0
    assert security.shannon_entropy("abcd") == pytest.approx(2.0)


def test_client_address_takes_the_rightmost_hop_that_is_not_a_trusted_proxy() -> None:
    proxies = ["10.0.0.2", "10.0.0.3"]
    assert security.client_address("10.0.0.2", "6.6.6.6, 203.0.113.7", proxies) == "203.0.113.7"
    assert security.client_address("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.3", proxies) == "203.0.113.7"
    assert security.client_address("203.0.113.7", "6.6.6.6", proxies) == "203.0.113.7"  # not via a proxy: the header is ignored
    assert security.client_address("10.0.0.2", None, proxies) == "10.0.0.2"


def test_caching_verifiers_refuse_an_unannounced_key_until_refresh_and_accept_a_prepublished_one() -> None:
    clock = security.ManualClock(time.time())
    ring = security.KeyRing(clock, grace_s=900, ttl_s=300)
    verifier = security.CachingVerifier(ring.jwks, clock, cache_s=300)
    verifier.verify(ring.sign("alice"))
    clock.advance(100)
    ring.rotate()  # at once: the verifier's cache (fetched 100 s ago) does not know the new key
    with pytest.raises(jwt.PyJWTError):
        verifier.verify(ring.sign("alice"))
    clock.advance(200)  # the cache expires: the next verify refetches
    assert verifier.verify(ring.sign("alice"))["sub"] == "alice"
    upcoming = ring.prepublish()
    assert upcoming.kid in {k["kid"] for k in ring.jwks()["keys"]} and ring.active is not upcoming
    clock.advance(300)
    ring.rotate()
    assert ring.active is upcoming and verifier.verify(ring.sign("bob"))["sub"] == "bob"
    eager = security.CachingVerifier(ring.jwks, clock, cache_s=300, refetch_on_unknown_kid=True, min_refetch_s=60)
    eager.verify(ring.sign("carol"))
    clock.advance(61)
    ring.rotate()
    assert eager.verify(ring.sign("carol"))["sub"] == "carol" and eager.fetches == 2


def test_the_header_trusting_verifier_accepts_an_embedded_key_and_the_strict_one_does_not() -> None:
    attacker, issuer = security.new_rsa_key(), security.new_rsa_key()
    keys = {security.key_id(issuer): issuer.public_key()}
    token = jwt.encode(security.access_claims("ops", role="admin"), attacker, algorithm="RS256",
                       headers={"kid": "a", "jwk": security.public_jwk(attacker, "a")})
    assert security.verify_trusting_header_keys(token, keys)["role"] == "admin"
    with pytest.raises(jwt.PyJWTError):
        security.verify_token(token, keys)
    jku = jwt.encode(security.access_claims("ops"), attacker, algorithm="RS256", headers={"kid": "a", "jku": "https://attacker.example/k"})
    with pytest.raises(jwt.PyJWTError, match="attacker.example"):
        security.verify_trusting_header_keys(jku, keys)


def test_secrets_manager_leases_expire_renew_within_max_and_rotation_adds_a_version(tmp_path: Path) -> None:
    clock = security.ManualClock(0.0)
    vault = security.SecretsManager(clock)
    lease = vault.lease("app", ttl_s=60, max_ttl_s=100)
    assert vault.database_accepts(lease.username, lease.password)
    clock.advance(50)
    assert vault.renew(lease.lease_id, 80) == 100  # capped at max_ttl
    clock.advance(50)
    assert not vault.database_accepts(lease.username, lease.password)
    with pytest.raises(security.MissingSecret):
        vault.renew(lease.lease_id, 10)
    assert vault.put("K", "first") == 1 and vault.rotate("K") == 2 and vault.get("K", "test") != "first"
    path = vault.render("K", tmp_path / "k")
    assert path.stat().st_mode & 0o777 == 0o600 and security.load_secret("K", {"K_FILE": str(path)}) == vault.get("K", "test")
    other = vault.lease("app", ttl_s=60, max_ttl_s=60)
    vault.revoke(other.lease_id)
    assert not vault.database_accepts(other.username, other.password)
    assert any("test read K v2" in line for line in vault.audit)


def test_offline_audit_flags_only_versions_inside_the_affected_ranges() -> None:
    old = security.audit_pins(security.parse_pins(["PyJWT==2.3.0"]))
    assert [f.advisory for f in old] == ["GHSA-ffqj-6fqr-9h24", "GHSA-xgmm-8j9v-c9wx"]
    assert [f.advisory for f in security.audit_pins(security.parse_pins(["pyjwt[crypto]==2.12.1  # old"]))] == ["GHSA-xgmm-8j9v-c9wx"]
    assert security.audit_pins(security.parse_pins(["PyJWT==2.13.0", "fastapi==0.110.0"])) == []
    pins = security.parse_pins((course.root() / "requirements.txt").read_text().splitlines())
    assert "pyjwt" in pins and security.audit_pins(pins) == []  # the course's own pins are past both fixes
