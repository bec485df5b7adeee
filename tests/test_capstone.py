"""backendlab.labs.capstone: the contract, the reference parts, the world, the suites and the report — each suite passes
the course's reference service and catches a service that is wrong in the way it exists to catch."""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest

from backendlab.checks import CheckFailed
from backendlab.labs import capstone
from backendlab.labs.capstone import milestones
from backendlab.labs.capstone.milestones_resilience import FakeClock


@pytest.fixture
def kit():
    k = capstone.Kit("test-capstone")
    yield k
    k.close()


def test_the_contract_is_valid_openapi_31_with_eight_operations() -> None:
    capstone.validate_contract()
    ops = {op.key for op in capstone.operations()}
    assert len(ops) == 8 and "POST /bookings" in ops and "GET /reports/sales" in ops
    assert [op.key for op in capstone.operations() if op.public] == ["GET /health", "GET /events", "GET /events/{event_id}"]


def test_response_problems_names_an_undocumented_status_a_wrong_type_and_a_missing_header() -> None:
    ok = httpx.Response(404, json={"type": "x", "title": "t", "status": 404}, headers={"content-type": "application/problem+json"})
    assert capstone.response_problems("GET", "/events/{event_id}", ok) == []
    assert "not documented" in capstone.response_problems("GET", "/events/{event_id}", httpx.Response(500, json={}))[0]
    wrong = httpx.Response(200, json={"id": "evt_0123456789ab", "name": "x", "capacity": 1, "seats_left": 1, "price_cents": "1"})
    assert "price_cents" in capstone.response_problems("GET", "/events/{event_id}", wrong)[0]
    no_header = httpx.Response(401, json={"type": "x", "title": "t", "status": 401}, headers={"content-type": "application/problem+json"})
    assert capstone.response_problems("GET", "/bookings", no_header) == ["required header WWW-Authenticate is missing"]


def test_settings_come_from_the_environment_and_a_missing_one_is_named() -> None:
    settings = capstone.Settings(database_url="sqlite://", payments_url="http://p", jwks_url="http://j", rate_burst=7, leeway_s=10)
    assert capstone.Settings.from_env(settings.as_env()) == settings
    with pytest.raises(KeyError, match="BOOKINGS_JWKS_URL"):
        capstone.Settings.from_env({"BOOKINGS_DATABASE_URL": "sqlite://", "BOOKINGS_PAYMENTS_URL": "http://p"})


def test_cursors_round_trip_and_anything_else_is_a_bad_cursor() -> None:
    assert capstone.decode_cursor(capstone.encode_cursor("bkg_0123456789ab")) == "bkg_0123456789ab"
    for forged in ("bm90LWEtY3Vyc29y", "", "%%%", capstone.encode_cursor("evt_0123456789ab")):
        with pytest.raises(capstone.BadCursor):
            capstone.decode_cursor(forged)


def test_the_naive_store_oversells_and_the_reference_store_does_not() -> None:
    naive = capstone.race_for_last_seats(capstone.NaiveStore, "sqlite")
    assert naive.oversold and naive.booked_seats > 3
    safe = capstone.race_for_last_seats(capstone.BookingStore, "sqlite")
    assert not safe.oversold and (safe.booked_seats, safe.seats_left) == (3, 0) and dict(safe.outcomes) == {"booked": 3, "SoldOut": 9}


def test_store_milestones_pass_the_reference_store_and_fail_the_naive_one() -> None:
    milestones.store_crud(capstone.BookingStore, ("sqlite",))
    milestones.store_races(capstone.BookingStore, ("sqlite",))
    with pytest.raises(CheckFailed, match="raced for 3 seats"):
        milestones.store_races(capstone.NaiveStore, ("sqlite",), full=False)


def test_store_milestones_run_on_postgresql_too() -> None:
    if milestones.available(("postgresql",)) == ():
        pytest.skip("no PostgreSQL server on this machine")
    milestones.store_races(capstone.BookingStore, ("postgresql",))
    assert capstone.race_for_last_seats(capstone.NaiveStore, "postgresql").oversold


def test_the_reference_service_conforms_and_a_service_without_fallback_does_not(kit) -> None:
    with capstone.running(kit, capstone.assemble(kit)) as client:
        report = capstone.check_conformance(client, kit)
    assert report.ok, report.table()
    assert set(report.covered()) == {op.key for op in capstone.operations()}

    class Failing(capstone.PaymentsClient):
        def charge(self, booking_id: str, amount_cents: int) -> capstone.Charge:
            raise httpx.ReadTimeout("timed out")  # a client that lets the timeout escape: the API answers 500

    with capstone.Kit("test-capstone-500") as other, capstone.running(other, capstone.assemble(other, payments=Failing)) as client:
        failures = capstone.check_conformance(client, other).failures
    assert any("expected 201, got 500" in "; ".join(p.problems) for p in failures)


def test_the_attack_suite_passes_the_reference_guard_and_catches_a_missing_aud_check(kit) -> None:
    with capstone.running(kit, capstone.assemble(kit)) as client:
        results = capstone.run_attack_suite(client, kit, "tokens") + capstone.run_attack_suite(client, kit, "limits")
    assert all(r.ok for r in results), capstone.attack_table(results)

    class NoAudience(capstone.Guard):
        def authorize(self, authorization, roles):
            token = capstone.bearer(authorization)
            key = self.key_for(jwt.get_unverified_header(token)["kid"])
            claims = jwt.decode(token, key, algorithms=["RS256"], issuer=self.settings.issuer, options={"verify_aud": False})
            return capstone.Principal(claims["sub"], claims["role"])

    with capstone.Kit("test-capstone-aud") as other, capstone.running(other, capstone.assemble(other, guard=NoAudience)) as client:
        refused = {r.name: r.ok for r in capstone.run_attack_suite(client, other, "tokens")}
    assert refused["a token for another audience (billing-api)"] is False


def test_observability_milestones_pass_the_reference_and_catch_a_transport_that_does_not_propagate() -> None:
    milestones.observability_trace(capstone.instrument, capstone.traced_transport)
    milestones.observability_metrics_logs(capstone.instrument, capstone.traced_transport)
    with pytest.raises(CheckFailed, match="CLIENT span"):
        milestones.observability_trace(capstone.instrument, lambda inner, tel: inner, full=False)


def test_payments_milestones_pass_the_reference_client_and_fail_the_naive_one() -> None:
    milestones.payments_retries(capstone.PaymentsClient)
    milestones.payments_breaker(capstone.PaymentsClient)
    with pytest.raises(CheckFailed):
        milestones.payments_retries(capstone.NaiveRetryClient)


def test_fault_drills_pass_the_reference_client_and_catch_a_retry_storm(kit) -> None:
    assert all(p.ok for p in capstone.run_fault_drills(kit, capstone.PaymentsClient)), "the reference client fails a drill"
    naive = {p.name: p for p in capstone.run_fault_drills(kit, capstone.NaiveRetryClient, slow_bookings=1)}
    assert not naive["down"].ok and naive["down"].attempts >= 20, capstone.drill_table(list(naive.values()))
    assert not naive["slow"].ok


def test_the_reference_breaker_fails_fast_on_simulated_time() -> None:
    clock = FakeClock()
    http = httpx.Client(base_url="http://p.test", transport=httpx.MockTransport(lambda r: httpx.Response(503)))
    client = capstone.PaymentsClient(http, clock=clock, sleep=clock.sleep)
    assert [client.charge("bkg_000000000001", 1).attempts for _ in range(3)] == [3, 2, 0]
    assert client.state == "open" and sum(clock.sleeps) < capstone.CALL_BUDGET_S * 2


def test_cache_contract_passes_the_reference_cache_and_fails_a_stampede() -> None:
    milestones.cache_contract(capstone.AvailabilityCache)

    class Stampede(capstone.AvailabilityCache):
        def get(self, key, load):  # a load per caller: no single flight
            value = load()
            self._data[key] = (self.clock() + self.ttl_s, value)
            return value

    with pytest.raises(CheckFailed):
        milestones.cache_contract(Stampede)


def test_the_relative_slo_judges_latency_errors_and_inconclusive_runs() -> None:
    def rows(ref_p99: float, yours_p99: float, yours_failures: int = 0, requests: int = 200) -> list[dict]:
        def row(name: str, method: str, p50: float, p99: float, failures: int = 0) -> dict:
            return {"name": name, "method": method, "requests": requests, "failures": failures, "p50_ms": p50, "p95_ms": p99, "p99_ms": p99}
        return [row("reference", "GET", 5, ref_p99), row("yours", "GET", 5, yours_p99, yours_failures),
                row("reference", "POST", 20, 40), row("yours", "POST", 20, 40)]

    assert capstone.judge(capstone.LoadComparison(rows(30, 90), 4, 12)) == []  # 90 <= 2 x max(30, 50)
    assert "p99" in capstone.judge(capstone.LoadComparison(rows(30, 150), 4, 12))[0]
    assert "error ratio" in capstone.judge(capstone.LoadComparison(rows(30, 40, yours_failures=5), 4, 12))[0]
    assert capstone.judge(capstone.LoadComparison(rows(30, 40, requests=5), 4, 12))[0].startswith("inconclusive")
    slow_bookings = rows(30, 40)
    slow_bookings[3] = dict(slow_bookings[3], p50_ms=190.0)  # under 2 x max(20, BOOKING_FLOOR_MS 100): noise, not a verdict
    assert capstone.judge(capstone.LoadComparison(slow_bookings, 4, 12)) == []
    slow_bookings[3] = dict(slow_bookings[3], p50_ms=210.0)
    assert "bookings' median 210 ms > 200 ms" in capstone.judge(capstone.LoadComparison(slow_bookings, 4, 12))[0]


def test_outbox_relay_publishes_in_order_once_and_flushes_when_stopped() -> None:
    db = capstone.database("sqlite")
    try:
        store = capstone.BookingStore(db.engine)
        event = store.add_event("Relay", 5, 100)
        booking, _ = store.book(event["id"], "r", 1, "relay-0001")
        store.settle(booking["id"], "confirmed")
        bus = capstone.EventBus()
        relay = capstone.OutboxRelay(store, bus, interval_s=30)
        relay.start()
        store.cancel(booking["id"])
        relay.stop(flush=True)
        assert bus.types(booking["id"]) == ["booking.created", "booking.confirmed", "booking.cancelled"]
        assert store.unpublished() == [] and not relay.running and relay.flush() == 0
    finally:
        db.close()


def test_kits_reuse_a_reset_world(kit) -> None:
    kit.ledger.charge("k", "bkg_000000000001", 100)
    kit.identity.rotate()
    kit.proxy.set(error_rate=1.0)
    world = kit._world
    kit.close()
    with capstone.Kit("test-capstone-next") as again:
        assert again._world is world
        assert (again.ledger.requests, len(again.identity.published), again.proxy.faults.error_rate) == (0, 1, 0.0)
        assert httpx.get(again.settings.jwks_url, timeout=5).json()["keys"][0]["kid"] == again.identity.signing_kid


def test_yours_or_reference_falls_back_for_unwritten_and_crashing_parts(capsys) -> None:
    def unwritten(app, tel):
        """Not written yet."""
        raise NotImplementedError()

    def crashing(app, tel):
        raise RuntimeError("boom")

    assert capstone.yours_or_reference("instrument", unwritten, capstone.instrument) == (capstone.instrument, "reference")
    assert capstone.yours_or_reference("instrument", crashing, capstone.instrument) == (capstone.instrument, "reference")
    assert capstone.yours_or_reference("cache", capstone.AvailabilityCache, None) == (capstone.AvailabilityCache, "yours")
    out = capsys.readouterr().out
    assert "not written yet" in out and "RuntimeError: boom" in out


def test_the_report_renders_its_sections_and_records_its_evidence(portfolio) -> None:
    capstone.save_section("contract", True, "37/37 probes conform", {"conformance": "a\nb"}, {"create_app": "yours"})
    capstone.save_section("load", False, "p99 too high", {"load run": "x\ny"}, {"cache": "reference"})
    report = capstone.write_report("Ada")
    text = report.read_text()
    assert text.startswith("# Capstone report: the bookings service, by Ada")
    assert "| Contract conformance | pass |" in text and "| Load and the SLO | FAIL |" in text and "| Security | not run yet |" in text
    evidence = json.loads((report.parent / "report.json").read_text())
    assert evidence["passed"] == ["contract"] and evidence["complete"] is False
    assert capstone.recorded_report()["evidence"] == str(report.parent / "report.json")
    with pytest.raises(ValueError):
        capstone.save_section("nonsense", True, "", {}, {})


def test_a_graded_run_writes_its_report_to_a_temporary_folder(monkeypatch) -> None:
    monkeypatch.setenv("BACKENDLAB_GRADING", "1")
    assert "backendlab-capstone-graded" in str(capstone.report_dir())


def test_the_adjustable_clock_freezes_and_advances() -> None:
    clock = capstone.AdjustableClock()
    clock.freeze()
    frozen = clock()
    time.sleep(0.01)
    assert clock() == frozen
    clock.advance(5)
    assert clock() == frozen + 5
    clock.thaw()
    assert clock() >= frozen + 5
