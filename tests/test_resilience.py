"""backendlab.labs.resilience (module 07): retries, breaker, overload, Redis Streams consumer, outbox, saga, prices,
the function platform and graceful shutdown in a real subprocess, each on its reference answer."""

from __future__ import annotations

import json
import math
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest

from backendlab import services
from backendlab.labs import resilience
from backendlab.servers.faultproxy import fault_proxy
from backendlab.servers.redis_server import redis_server


@pytest.fixture(scope="module")
def flaky():
    service = resilience.FlakyService()
    svc = services.serve(service.app, name="t-resilience-flaky", quiet=True)
    yield service, svc
    svc.stop()


@pytest.fixture(scope="module")
def r():
    rs = redis_server("t-resilience", fresh=True, use_redis_url=False)
    client = rs.client()
    yield client
    client.close()
    rs.stop()


def call(svc, path, method="GET", headers=None, **options):
    clock = resilience.FakeClock()
    with httpx.Client(base_url=svc.url) as client:
        response = resilience.call_with_retries(client, method, path, headers=headers, clock=clock, sleep=clock.sleep,
                                                rand=resilience.ScriptedRandom([0.5]), **options)
    return response, clock.sleeps


# --- simulated time ---------------------------------------------------------------------------------------------
def test_fake_clock_moves_only_when_slept_and_scripted_random_repeats_its_last_value() -> None:
    clock, rand = resilience.FakeClock(5.0), resilience.ScriptedRandom([0.1, 0.9])
    clock.sleep(2)
    assert clock() == 7.0 and clock.sleeps == [2.0] and type(clock.sleeps[0]) is float
    assert [rand(), rand(), rand()] == [0.1, 0.9, 0.9] and rand.calls == 3
    with pytest.raises(ValueError):
        resilience.ScriptedRandom([1.0])


# --- retries ----------------------------------------------------------------------------------------------------
def test_call_with_retries_retries_transient_failures_of_idempotent_requests_only(flaky) -> None:
    service, svc = flaky
    response, sleeps = call(svc, "/r1?fail=2")
    assert response.status_code == 200 and service.attempts["r1"] == 3 and sleeps == [0.05, 0.1]
    response, _ = call(svc, "/r2?fail=2&status=500")
    assert response.status_code == 500 and service.attempts["r2"] == 1
    response, _ = call(svc, "/r3?fail=1", method="POST")
    assert response.status_code == 503 and service.attempts["r3"] == 1
    response, _ = call(svc, "/r4?fail=1", method="POST", headers={"idempotency-key": "k"})
    assert response.status_code == 200 and service.attempts["r4"] == 2


def test_call_with_retries_honours_retry_after_and_its_deadline(flaky) -> None:
    _, svc = flaky
    response, sleeps = call(svc, "/r5?fail=9&retry_after=2", deadline_s=5.0, max_attempts=9)
    assert response.status_code == 503 and sleeps == [2.0, 2.0]  # a third wait would end at 6 s, past the deadline
    assert resilience.retry_after_seconds(httpx.Response(503, headers={"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"})) is None


def test_call_with_retries_re_raises_the_last_transport_error(flaky) -> None:
    _, svc = flaky
    proxy = fault_proxy(svc.port, name="t-resilience-drop")
    try:
        proxy.set(rule=lambda i: "drop")
        with pytest.raises(httpx.TransportError):
            call(proxy, "/r6")
        assert proxy.stats.drops == 4
    finally:
        proxy.stop()


def test_full_jitter_stays_under_the_capped_exponential_ceiling() -> None:
    rng = resilience.seeded(1)
    for attempt in range(1, 10):
        assert 0 <= resilience.full_jitter(attempt, 0.1, 2.0, rng.random) < min(2.0, 0.1 * 2 ** (attempt - 1))


def test_the_storm_simulation_shows_jitter_finishing_first_and_is_repeatable() -> None:
    fixed, exponential, jitter = (resilience.simulate_retry_storm(p) for p in ("fixed", "exponential", "full-jitter"))
    assert jitter.done_at_s < math.inf and fixed.done_at_s == math.inf and exponential.done_at_s == math.inf
    assert jitter.attempts < exponential.attempts < fixed.attempts
    assert resilience.simulate_retry_storm("full-jitter").arrivals == jitter.arrivals


def test_a_retry_budget_bounds_the_load_on_a_dead_dependency() -> None:
    assert resilience.downstream_load(1000, 1.0, 3) == 3000
    assert 1000 < resilience.downstream_load(1000, 1.0, 3, resilience.RetryBudget(ratio=0.1)) <= 1110


# --- circuit breaker ---------------------------------------------------------------------------------------------
def test_circuit_breaker_opens_fails_fast_probes_once_and_closes() -> None:
    clock, calls = resilience.FakeClock(), []

    def failing():
        calls.append(1)
        raise TimeoutError

    breaker = resilience.CircuitBreaker(failure_threshold=2, reset_timeout_s=10, clock=clock)
    for _ in range(2):
        with pytest.raises(TimeoutError):
            breaker.call(failing)
    with pytest.raises(resilience.CircuitOpen):
        breaker.call(failing)
    assert len(calls) == 2 and breaker.state == "open"
    clock.advance(10)
    assert breaker.state == "half-open"
    assert breaker.call(lambda: "ok") == "ok"
    assert breaker.state == "closed"
    clock2 = resilience.FakeClock()
    b2 = resilience.CircuitBreaker(failure_threshold=1, reset_timeout_s=1, clock=clock2, is_failure=lambda x: x < 0)
    assert b2.call(lambda: -1) == -1 and b2.state == "open"


def test_the_half_open_trial_refuses_a_second_call_while_it_runs() -> None:
    clock = resilience.FakeClock()
    breaker = resilience.CircuitBreaker(failure_threshold=1, reset_timeout_s=1, clock=clock)
    with pytest.raises(ValueError):
        breaker.call(lambda: int("x"))
    clock.advance(1)
    seen = []

    def trial():
        try:
            breaker.call(lambda: None)
        except resilience.CircuitOpen:
            seen.append("refused")
        return "done"

    assert breaker.call(trial) == "done" and seen == ["refused"] and breaker.state == "closed"


# --- overload ----------------------------------------------------------------------------------------------------
def test_shedding_keeps_goodput_near_capacity_where_an_unbounded_queue_collapses() -> None:
    flood = resilience.simulate_overload(200, capacity_rps=100, client_timeout_s=1.0)
    shed = resilience.simulate_overload(200, capacity_rps=100, client_timeout_s=1.0, queue_limit=50)
    assert flood.goodput_rps < 40 < 85 < shed.goodput_rps and shed.refused_rps > 50


def test_payments_replays_an_idempotency_key_and_stops_work_at_the_callers_deadline() -> None:
    app, state = resilience.make_payments_app()
    with services.serve(app, name="t-resilience-payments", quiet=True) as svc, httpx.Client(base_url=svc.url) as client:
        ids = {client.post("/charges", json={"amount_cents": 5}, headers={"Idempotency-Key": "k1"}).json()["id"] for _ in range(3)}
        assert len(ids) == 1 and len(state.charges) == 1
        assert client.get("/quote", params={"work_ms": 300}, headers={"x-deadline-ms": "50"}).status_code == 504
        assert state.work[-1]["stopped"] and state.work[-1]["done_ms"] < 200
    assert resilience.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0 and math.isnan(resilience.percentile([], 95))


# --- Redis Streams -----------------------------------------------------------------------------------------------
def test_consume_batch_applies_each_event_once_through_duplicates_poison_and_a_crash_after_commit(r) -> None:
    stream, group, dead = resilience.new_stream(r, "t")
    events = [{"event_id": f"e{n}", "amount": n} for n in range(1, 5)] + [{"event_id": "bad", "amount": "x"}]
    ids = resilience.publish(r, stream, events + [events[0]])
    ledger, crashing = resilience.Ledger.fresh(), resilience.CrashingRedis(r)

    def arm_on_e2(fields, pipe):
        if fields["event_id"] == "e2" and not crashing.crashes:
            crashing.arm()
        ledger.apply(fields, pipe)

    with pytest.raises(resilience.Crash):
        resilience.consume_batch(crashing, stream, group, "w1", arm_on_e2, dead_letter=dead, count=10)
    handled = resilience.consume_batch(r, stream, group, "w2", ledger.apply, dead_letter=dead, count=10, min_idle_ms=0)
    assert handled == ids[1:]
    assert ledger.applied(r) == {"e1": 1, "e2": 1, "e3": 1, "e4": 1}
    assert resilience.pending_count(r, stream, group) == 0 and r.xlen(dead) == 1
    assert r.xrange(dead)[0][1]["source_id"] == ids[4]
    assert resilience.keys_holding(r, {"e1", "e4"}, skip={stream, dead, ledger.key}) == {"e1", "e4"}


# --- outbox and saga ---------------------------------------------------------------------------------------------
def test_place_order_is_atomic_and_a_relay_crash_republishes_only_the_event_in_flight(tmp_path: Path) -> None:
    conn = resilience.open_db(tmp_path / "shop.db")
    ids = [resilience.place_order(conn, f"o{n}", "ada", n) for n in range(3)]
    conn.execute("CREATE TRIGGER boom BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'no'); END")
    with pytest.raises(sqlite3.IntegrityError):
        resilience.place_order(conn, "o-bad", "ada", 1)
    assert conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 3
    broker = resilience.Broker(crash_after=2)
    with pytest.raises(resilience.Crash):
        resilience.relay_outbox(conn, broker.publish)
    conn.close()
    again = resilience.open_db(tmp_path / "shop.db")
    broker.crash_after = None
    assert resilience.relay_outbox(again, broker.publish) == 2
    assert broker.event_ids() == [ids[0], ids[1], ids[1], ids[2]] and list(broker.applied_once()) == ids
    assert json.loads(resilience.outbox_rows(again)[0]["payload"]) == {"order_id": "o0", "customer": "ada", "total_cents": 0}


def test_a_failed_saga_step_compensates_the_done_ones_in_reverse() -> None:
    shop = resilience.Shop(couriers_up=False)
    result = resilience.run_saga(shop.steps(), {"order_id": "o1", "sku": "lamp", "customer": "ada", "price": 100})
    assert not result.ok and result.failed_step == "book courier"
    assert result.log[-2:] == ["charge card: compensated", "reserve stock: compensated"]
    assert shop.stock == {"lamp": 2} and shop.balance == {"ada": 5000}


# --- prices ------------------------------------------------------------------------------------------------------
def test_lambda_cost_reproduces_the_pricing_pages_worked_examples() -> None:
    page = resilience.LambdaPrices(usd_per_gb_second=0.00001667)
    month = page.seconds_per_month
    assert resilience.function_monthly_cost(3e6 / month, 1000, 512, page) == pytest.approx(18.737, rel=1e-9)
    assert resilience.function_monthly_cost(30e6 / month, 200, 128, page) == pytest.approx(11.6345, rel=1e-9)
    assert resilience.always_on_monthly_usd(2, 0.25, 0.5) == pytest.approx(2 * (0.25 * 0.04048 + 0.5 * 0.004445) * 730)


def test_break_even_matches_a_bisection_and_the_edge_cases() -> None:
    prices = resilience.LambdaPrices()
    for workload in [(100, 512, 18.0, 0.0, 0.0), (1.0, 128, 0.05, 0.0, 0.0), (250.4, 3008, 400.0, 900.3, 0.3)]:
        duration, memory, usd, init, cold = workload
        rps = resilience.break_even_rps(duration, memory, usd, prices, init, cold)
        assert resilience.function_monthly_cost(rps, duration, memory, prices, init, cold) == pytest.approx(usd, rel=1e-9)
        assert resilience.function_monthly_cost(rps * 0.999, duration, memory, prices, init, cold) < usd
    assert resilience.break_even_rps(100, 512, 0.0, prices) == 0.0
    assert resilience.break_even_rps(100, 512, 5.0, resilience.LambdaPrices(0.0, 0.0)) == math.inf
    assert resilience.cold_start_share(0, 300) == 1.0 and resilience.cold_start_share(1, 1) == pytest.approx(math.exp(-1))
    with pytest.raises(ValueError):
        resilience.cold_start_share(-1, 1)


# --- the function platform ---------------------------------------------------------------------------------------
def test_function_pool_scales_out_to_its_limit_then_to_zero_and_leaves_no_process() -> None:
    handler = "import time\ndef handler(event):\n    time.sleep(0.05)\n    return event['n'] * 2"
    with resilience.FunctionPool(handler, max_instances=3, keep_warm_s=0.2) as pool:
        with ThreadPoolExecutor(6) as burst:
            results = list(burst.map(lambda n: pool.invoke({"n": n}), range(6)))
        assert [inv.result for inv in results] == [n * 2 for n in range(6)]
        assert sum(inv.cold for inv in results) == 3 and max(n for _, n in pool.timeline) == 3
        pids = [inst.process.pid for inst in pool.instances]
        deadline = time.monotonic() + 5
        while pool.running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.running == 0
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids)


def test_function_pool_throttles_when_every_instance_is_busy() -> None:
    handler = "import time\ndef handler(event):\n    time.sleep(0.5)\n    return 1"
    with resilience.FunctionPool(handler, max_instances=1, keep_warm_s=1, queue_timeout_s=0.05) as pool:
        with ThreadPoolExecutor(2) as both:
            futures = [both.submit(pool.invoke, {}) for _ in range(2)]
            outcomes = []
            for f in futures:
                try:
                    outcomes.append(f.result().result)
                except resilience.Throttled:
                    outcomes.append("throttled")
        assert sorted(map(str, outcomes)) == ["1", "throttled"]


# --- graceful shutdown in a subprocess ---------------------------------------------------------------------------
def test_the_reference_service_drains_on_sigterm_and_exits_within_its_grace_period() -> None:
    # margins for a busy machine (load 9 seen): a 2 s drain to observe, and an exit long before the 30 s request ends
    with resilience.launch(resilience.run_service, grace_s=4.0, drain_s=2.0) as service:
        assert service.wait_ready(), service.output()
        assert service.listening_on() == ["127.0.0.1"]
        stuck = resilience.get_in_background(f"{service.url}/work?ms=30000", timeout_s=40)
        time.sleep(0.2)
        service.sigterm()
        health = resilience.status_or_error(f"{service.url}/healthz", 1.0)
        seen = [resilience.status_or_error(f"{service.url}/readyz", 1.0) for _ in range(3)]
        assert 503 in seen and health == 200, (seen, health)
        exited = service.wait_exit(timeout_s=15.0)
        assert exited is not None and exited < 15.0
        try:
            outcome = stuck.result(timeout=5)[0]
        except Exception as exc:  # the connection was closed
            outcome = type(exc).__name__
        assert outcome != 200  # cut off at the grace period, not finished
        pid, folder = service.pid, service.folder
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not folder.exists()


def test_launch_reports_a_function_that_fails_to_start_quickly_and_kills_whatever_runs() -> None:
    def run_service(port: int) -> None:
        raise NotImplementedError()

    t0 = time.monotonic()
    with resilience.launch(run_service) as service:
        assert not service.wait_ready(timeout_s=20)
        assert "NotImplementedError" in service.output()
    assert time.monotonic() - t0 < 15
    source = resilience.program_source(run_service, {"port": 1})
    assert "make_app = _service.make_app" in source and "def run_service" in source


def test_a_fresh_interpreter_is_timed_from_start_to_exit() -> None:
    assert 0 < resilience.fresh_process_ms("pass") < 30_000
