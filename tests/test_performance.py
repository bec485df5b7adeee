"""Unit tests for backendlab.labs.performance: honest load measurement, histograms, shapes, caches (in process, Redis,
HTTP), profiling, event-loop lag, capacity and the regression gate, with the reference answers."""

from __future__ import annotations

import asyncio
import copy
import linecache
import math
import random
import time
from collections.abc import Iterator

import httpx
import pytest

from backendlab.labs import performance as perf
from backendlab.servers import redis_server as rsmod
from backendlab.services import Service, serve


@pytest.fixture
def service() -> Iterator[list[Service]]:
    started: list[Service] = []
    yield started
    for svc in started:
        svc.stop()


def start(started: list[Service], app, name: str) -> Service:
    svc = serve(app, name=name, quiet=True)
    started.append(svc)
    return svc


# --- percentiles and coordinated omission -----------------------------------------------------------------------------


def test_nearest_rank_is_the_ceil_rank_and_nan_when_empty() -> None:
    samples = [float(x) for x in range(10, 0, -1)]
    assert [perf.nearest_rank(samples, q) for q in (0.1, 45, 50, 55, 99, 100)] == [1.0, 5.0, 5.0, 6.0, 10.0, 10.0]
    assert math.isnan(perf.nearest_rank([], 50))


def test_backfill_adds_what_a_stalled_closed_loop_client_did_not_send_like_hdrhistogram() -> None:
    assert sorted(perf.backfill([5.0, 20.0, 35.0], 10.0)) == [5.0, 10.0, 15.0, 20.0, 25.0, 35.0]
    assert perf.backfill([19.5], 10.0) == [19.5], "a value below 2I adds nothing"
    assert perf.backfill([40.0], 0) == [40.0] and perf.backfill([40.0], -5) == [40.0], "no interval, no correction"


def test_corrected_percentiles_reference_raises_on_an_empty_log_and_leaves_the_input_alone() -> None:
    log = [10.0] * 96 + [12.0, 14.0, 15.0, 1000.0]
    before = list(log)
    assert perf.corrected_percentiles(log, 10.0) == {50.0: 15.0, 90.0: 810.0, 99.0: 990.0}
    assert log == before
    with pytest.raises(ValueError):
        perf.corrected_percentiles([], 10.0)


def test_a_p99_of_100_samples_is_not_bounded_above_and_of_10000_it_is() -> None:
    assert perf.rank_interval(100, 99.0)[1] == 100
    low, high = perf.rank_interval(10_000, 99.0)
    assert 9850 < low < 9900 < high < 9950


def test_p99_spread_narrows_with_more_samples() -> None:
    small, large = perf.p99_spread([100, 10_000], repeats=60)
    assert (small["p95"] - small["p5"]) > 3 * (large["p95"] - large["p5"])
    assert large["p5"] < large["true"] < large["p95"]


# --- log-linear histogram -----------------------------------------------------------------------------------------------


def test_histogram_buckets_are_contiguous_and_hold_their_values() -> None:
    h = perf.LogLinearHistogram(64)
    previous = -1
    for i in range(64 * 12):
        low, high = h.bounds(i)
        assert low == previous + 1
        previous = high
    for v in [0, 1, 63, 64, 65, 127, 128, 1000, 65_535, 10**7]:
        low, high = h.bounds(h.bucket_of(v))
        assert low <= v <= high and (high - low) <= max(1, 2 * low / 64)


def test_histogram_percentiles_keep_a_bounded_relative_error_and_merge_exactly() -> None:
    rng = random.Random(3)
    values = [rng.lognormvariate(10, 0.8) for _ in range(20_000)]
    whole = perf.LogLinearHistogram().record_all(values)
    ordered = sorted(values)
    for q in (50, 90, 99, 99.9):
        exact = ordered[math.ceil(q / 100 * len(ordered)) - 1]
        assert abs(whole.value_at(q) - exact) / exact < 2 / 128
    merged = perf.LogLinearHistogram().record_all(values[:7000]).merge(perf.LogLinearHistogram().record_all(values[7000:]))
    assert merged.counts == whole.counts and merged.total == whole.total
    assert whole.buckets_used < 1000
    assert math.isnan(perf.LogLinearHistogram().value_at(50))
    with pytest.raises(ValueError):
        perf.LogLinearHistogram(100)
    with pytest.raises(ValueError):
        perf.LogLinearHistogram(64).merge(perf.LogLinearHistogram(128))


# --- load shapes -------------------------------------------------------------------------------------------------------


def test_the_reference_stages_shape_follows_its_stages_on_a_simulated_clock() -> None:
    plan = perf.schedule(perf.StagesShape, until_s=30, step_s=0.5)
    assert plan[0] == (0.0, 10, 5.0) and plan[4] == (2.0, 20, 10.0) and plan[-1] == (6.5, 10, 40.0)
    assert perf.schedule(perf.StagesShape, stages=[]) == []
    other = perf.schedule(perf.StagesShape, stages=[(1, 3, 1)], step_s=0.25)
    assert [u for _, u, _ in other] == [3, 3, 3, 3]


def test_class_source_finds_a_class_defined_in_a_notebook_cell() -> None:
    cell = "class CellShape:\n    stages = [(1, 2, 3)]\n\n    def tick(self):\n        return None\n"
    filename = "/tmp/ipykernel_0/backendlab-test-cell.py"  # how ipykernel names a cell
    linecache.cache[filename] = (len(cell), None, cell.splitlines(True), filename)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(cell, filename, "exec"), namespace)
    try:
        assert perf.class_source(namespace["CellShape"]).startswith("class CellShape:")
    finally:
        del linecache.cache[filename]


def test_shape_locustfile_mixes_the_class_with_locusts_loadtestshape_and_compiles() -> None:
    text = perf.shape_locustfile(perf.StagesShape, path="/work", stages=[(2, 5, 5)])
    assert "class StagesShape:" in text and "class CourseShape(StagesShape, LoadTestShape):" in text
    assert "stages = [(2, 5, 5)]" in text
    compile(text, "locustfile.py", "exec")  # valid Python; Locust itself is never imported here


# --- caches ------------------------------------------------------------------------------------------------------------


def test_ttl_cache_expires_and_evicts_the_least_recently_used() -> None:
    clock = perf.FakeClock(0.0)
    cache = perf.TTLCache(capacity=2, ttl_s=10, clock=clock)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.set("c", 3)
    assert "b" not in cache and "a" in cache and "c" in cache
    clock.t = 10.0
    assert cache.get("a") is None and cache.hit_ratio == 0.5


def test_lru_hit_ratio_grows_with_the_cache_on_a_zipf_workload() -> None:
    keys = perf.zipf_keys(5000, universe=500)
    assert keys == perf.zipf_keys(5000, universe=500), "deterministic for a seed"
    ratios = [perf.lru_hit_ratio(keys, size) for size in (5, 50, 500)]
    assert ratios == sorted(ratios) and ratios[0] > 0.1 and ratios[-1] > 0.85
    assert perf.lru_hit_ratio([], 10) == 0.0


def test_single_flight_reference_coalesces_expires_and_never_caches_failures() -> None:
    async def scenario() -> None:
        clock = perf.FakeClock(0.0)
        calls: list[str] = []

        async def load(key: str) -> str:
            calls.append(key)
            await asyncio.sleep(0.01)
            if key == "bad":
                raise perf.BackendError("down")
            return key.upper()

        cache = perf.SingleFlightCache(ttl_s=5, clock=clock)
        assert await asyncio.gather(*(cache.get("k", load) for _ in range(10))) == ["K"] * 10
        assert calls == ["k"]
        clock.t = 4.999
        await cache.get("k", load)
        clock.t = 5.0
        await cache.get("k", load)
        assert calls == ["k", "k"]
        results = await asyncio.gather(*(cache.get("bad", load) for _ in range(3)), return_exceptions=True)
        assert all(isinstance(r, perf.BackendError) for r in results) and calls.count("bad") == 1
        await asyncio.gather(cache.get("bad", load), return_exceptions=True)
        assert calls.count("bad") == 2, "a failure is not cached"
        cache.invalidate("k")
        await cache.get("k", load)
        assert calls.count("k") == 3

    asyncio.run(scenario())


def test_the_catalog_service_stampedes_without_coalescing_and_not_with_it(service: list[Service]) -> None:
    async def burst(url: str) -> list[int]:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            return [r.status_code for r in await asyncio.gather(*(client.get("/products/9") for _ in range(10)))]

    backend = perf.Backend(delay_s=0.1)
    plain = start(service, perf.make_catalog_app(backend), "perf-test-plain")
    assert asyncio.run(burst(plain.url)) == [200] * 10 and backend.calls == 10
    backend.reset_counters()
    coalesced = start(service, perf.make_catalog_app(backend, perf.SingleFlightCache(60)), "perf-test-coalesced")
    assert asyncio.run(burst(coalesced.url)) == [200] * 10 and backend.calls == 1
    backend.failing.add(13)
    assert httpx.get(f"{coalesced.url}/products/13").status_code == 503
    assert httpx.get(f"{coalesced.url}/products/999999").status_code == 404
    assert httpx.put(f"{coalesced.url}/products/9", params={"price": 1.5}).status_code == 200
    assert httpx.get(f"{coalesced.url}/products/9").json()["price"] == 1.5, "a write invalidates the key"


@pytest.mark.skipif(rsmod.find_binary() is None, reason="no redis-server on this machine")
def test_redis_cache_aside_is_shared_invalidated_negative_and_locked(service: list[Service], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    rs = rsmod.redis_server("perf-test", fresh=True)
    try:
        backend = perf.Backend(delay_s=0.05)
        a = start(service, perf.make_catalog_app(backend, perf.RedisCacheAside(rs.url)), "perf-test-a")
        b = start(service, perf.make_catalog_app(backend, perf.RedisCacheAside(rs.url)), "perf-test-b")
        assert httpx.get(f"{a.url}/products/3").status_code == 200
        assert httpx.get(f"{b.url}/products/3").status_code == 200 and backend.calls == 1
        httpx.put(f"{a.url}/products/3", params={"price": 2.5})
        assert httpx.get(f"{b.url}/products/3").json()["price"] == 2.5
        backend.reset_counters()
        assert [httpx.get(f"{a.url}/products/5000").status_code for _ in range(3)] == [404] * 3 and backend.calls == 1
        with rs.client() as r:
            assert 0 < r.ttl("catalog:5000") <= 5

        async def both(lock: bool) -> int:
            rs.flush()
            backend.reset_counters()
            x = start(service, perf.make_catalog_app(backend, perf.RedisCacheAside(rs.url, lock=lock)), f"perf-test-x{lock}")
            y = start(service, perf.make_catalog_app(backend, perf.RedisCacheAside(rs.url, lock=lock)), f"perf-test-y{lock}")
            async with httpx.AsyncClient(timeout=10) as client:
                got = await asyncio.gather(*(client.get(f"{u}/products/42") for u in [x.url, y.url] * 10))
            assert all(r.status_code == 200 for r in got)
            return backend.calls

        assert asyncio.run(both(False)) <= 2
        assert asyncio.run(both(True)) == 1
    finally:
        for svc in service:
            svc.stop()
        rs.stop()


def test_parse_cache_control_reads_directives_case_insensitively() -> None:
    assert perf.parse_cache_control('Public, MAX-AGE=5, stale-while-revalidate="10", no-transform') == {
        "public": True, "max-age": 5, "stale-while-revalidate": 10, "no-transform": True}


def test_shared_cache_follows_max_age_stale_while_revalidate_and_private(service: list[Service]) -> None:
    prices = {1: 10.0}
    app = perf.make_origin_app(prices, "public, max-age=5, stale-while-revalidate=10")
    origin = start(service, app, "perf-test-origin")
    clock = perf.FakeClock(0.0)
    with httpx.Client(base_url=origin.url, timeout=10) as client:
        cdn = perf.SharedCache(client, clock)
        outcomes = []
        for t in (0, 4.9, 5, 9.9, 30, 31):
            clock.t = t
            outcomes.append(cdn.get("/prices/1")[0])
        assert outcomes == ["MISS", "HIT", "STALE", "HIT", "REVALIDATED", "HIT"]
        prices[1] = 11.0
        clock.t = 37
        outcome, body = cdn.get("/prices/1")
        assert outcome == "STALE" and b"10.0" in body, "stale-while-revalidate serves the old body once"
        clock.t = 38
        assert b"11.0" in cdn.get("/prices/1")[1]
        assert httpx.get(f"{origin.url}/origin-stats").json()["not_modified"] == 2
        app.state.cache_control = "private, max-age=60"
        private = perf.SharedCache(client, clock)
        assert [private.get("/prices/1")[0] for _ in range(2)] == ["MISS", "MISS"]


# --- profiling, event loop, serialisation --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fast_report_has_the_slow_reports_rows_with_one_rate_call_per_currency(seed: int) -> None:
    orders, customers = perf.make_data(60, 100, seed=seed)
    customers = customers + [perf.Customer(customers[0].customer_id, "a duplicate", "XX")]
    before = copy.deepcopy((orders, customers))
    rates = perf.RatesClient(seed, latency_s=0)
    slow = perf.slow_order_report(orders, customers, perf.RatesClient(seed, latency_s=0))
    assert perf.fast_order_report(orders, customers, rates) == slow
    assert rates.calls == len({o.currency for o in orders})
    assert (orders, customers) == before


def test_the_profile_blames_the_rate_calls_and_draws_an_icicle() -> None:
    import matplotlib.pyplot as plt

    orders, customers = perf.make_data()
    stats = perf.profile(perf.slow_order_report, orders, customers, perf.RatesClient(latency_s=0.0005))
    top = perf.top_functions(stats, 3)
    assert [r["function"] for r in top[:2]] == ["slow_order_report", "rate"] and top[1]["calls"] == 120
    boxes = perf.call_tree(stats, "slow_order_report")
    assert boxes[0][0] == 0 and boxes[0][3] == "slow_order_report"
    assert all(w <= boxes[0][2] + 1e-9 for _, _, w, _ in boxes)
    assert any(name == "rate" and depth == 1 for depth, _, _, name in boxes)
    fig, ax = plt.subplots()
    perf.draw_icicle(ax, boxes, "test")
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
    with pytest.raises(ValueError):
        perf.call_tree(stats, "never_called")


def test_a_blocking_call_in_async_code_lags_the_loop_by_at_least_its_duration(service: list[Service]) -> None:
    svc = start(service, perf.make_lag_app(work_s=0.08, n_items=50), "perf-test-lag")
    httpx.get(f"{svc.url}/lag")
    httpx.get(f"{svc.url}/blocking")
    assert httpx.get(f"{svc.url}/lag").json()["max_ms"] >= 60
    assert httpx.get(f"{svc.url}/items/model").json() == httpx.get(f"{svc.url}/items/raw").json()


# --- load from the kernel ------------------------------------------------------------------------------------------------


def test_closed_and_open_loop_clients_are_bounded_and_measure_a_stall(service: list[Service]) -> None:
    svc = start(service, perf.make_stall_app(stall_after=5, stall_s=0.3), "perf-test-stall")
    closed = asyncio.run(perf.closed_loop(f"{svc.url}/work", seconds=0.6, interval_s=0.02))
    assert max(s.latency_ms for s in closed) >= 250 and len(closed) < 30, "the closed loop sent fewer while it waited"
    httpx.post(f"{svc.url}/reset")
    opened = asyncio.run(perf.open_loop(f"{svc.url}/work", count=30, interval_s=0.02))
    assert len(opened) == 30 and sum(s.response_time_ms > 100 for s in opened) >= 5
    with pytest.raises(ValueError):
        asyncio.run(perf.open_loop(f"{svc.url}/work", count=0, interval_s=0.1))
    with pytest.raises(ValueError):
        asyncio.run(perf.closed_loop(f"{svc.url}/work", seconds=60, interval_s=0.1))


def test_a_pool_never_hands_out_more_connections_than_it_has(service: list[Service]) -> None:
    svc = start(service, perf.make_pool_app(2, query_s=0.02), "perf-test-pool")
    samples = asyncio.run(perf.open_loop(f"{svc.url}/query", count=20, interval_s=0.005))
    stats = httpx.get(f"{svc.url}/pool").json()
    assert len(samples) == 20 and stats["max_in_use"] == 2 and stats["max_wait_ms"] > 0


# --- capacity --------------------------------------------------------------------------------------------------------------


def test_fit_usl_recovers_known_parameters_and_clamps_negative_ones() -> None:
    fit = perf.fit_usl([(n, perf.usl(n, 100.0, 0.05, 0.001)) for n in (32, 1, 8, 2, 16, 4)])
    assert fit["lambda"] == pytest.approx(100.0) and fit["sigma"] == pytest.approx(0.05) and fit["kappa"] == pytest.approx(0.001)
    assert fit["peak_n"] == pytest.approx(math.sqrt(0.95 / 0.001))
    amdahl = perf.fit_usl([(n, 200.0 * n / (1 + 0.1 * (n - 1) - 0.001 * n * (n - 1))) for n in (1, 2, 4, 8, 16)])
    assert amdahl["kappa"] == 0.0 and amdahl["peak_n"] == math.inf and amdahl["peak_x"] == pytest.approx(2000.0)
    assert all(type(v) is float for v in fit.values())


def test_the_usl_service_throughput_measures_and_fits(service: list[Service]) -> None:
    svc = start(service, perf.make_usl_app(), "perf-test-usl")
    points = [(n, asyncio.run(perf.throughput_at(f"{svc.url}/work", users=n, seconds=0.3))[0]) for n in (1, 4, 16)]
    assert all(x > 0 for _, x in points) and points[1][1] > points[0][1]
    assert perf.fit_usl(points)["lambda"] > 0


def test_queueing_delay_grows_past_the_knee() -> None:
    p99 = [perf.nearest_rank(perf.simulate_queue(u, n=5000), 99) for u in (0.3, 0.8, 0.95)]
    assert p99 == sorted(p99) and p99[2] > 2 * p99[0]
    assert perf.simulate_queue(0.5, n=100) == perf.simulate_queue(0.5, n=100), "deterministic for a seed"


def test_the_seasonal_forecast_uses_only_the_past() -> None:
    load = perf.traffic(days=2, seed=1, spike_day=None)
    forecast = perf.seasonal_forecast(load, horizon=4)
    changed = list(load)
    changed[1500:] = [x * 3 for x in changed[1500:]]  # change everything from minute 1500 on
    again = perf.seasonal_forecast(changed, horizon=4)
    assert forecast[:1504] == again[:1504] or all(
        (math.isnan(a) and math.isnan(b)) or a == b for a, b in zip(forecast[:1504], again[:1504], strict=True))
    assert all(math.isnan(v) for v in forecast[:1440])


def test_a_forecast_takes_target_tracking_past_the_morning_surge_but_not_past_an_unseen_spike() -> None:
    load = perf.traffic(days=3)
    reactive = perf.autoscale(load, target=0.7, warmup_min=8)
    predictive = perf.autoscale(load, target=0.7, warmup_min=8, forecast=perf.seasonal_forecast(load, horizon=8))
    assert len(reactive["instances"]) == len(load) and min(reactive["instances"]) >= 2
    spike = set(range(2 * 1440 + 900, 2 * 1440 + 960))
    rest = [m for m in range(1440, 3 * 1440) if m not in spike]

    def hot(result: dict, minutes) -> int:
        return sum(result["utilisation"][m] > 0.85 for m in minutes)

    assert hot(predictive, rest) < hot(reactive, rest) and hot(reactive, rest) >= 10
    assert hot(predictive, spike) >= 5, "no forecast sees a spike that never happened before"


# --- the regression gate ----------------------------------------------------------------------------------------------------


def test_regression_verdict_reference_and_its_interval() -> None:
    base = [1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00]
    assert perf.regression_verdict(base, [v * 1.2 for v in base]) == "regression"
    assert perf.regression_verdict(base, [v * 0.8 for v in base]) == "improvement"
    assert perf.regression_verdict(base, base[::-1]) == "no change"
    r, low, high = perf.ratio_interval(base, base)
    assert r == pytest.approx(1.0) and low < 1 < high
    with pytest.raises(ValueError):
        perf.regression_verdict([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        perf.regression_verdict([1.0, 0.0], [1.0, 2.0])


def test_interleaved_timings_take_turns_and_the_speedup_skips_zero_rounds() -> None:
    order: list[str] = []
    timings = perf.interleaved_timings({"a": lambda: order.append("a"), "b": lambda: (order.append("b"), time.sleep(0.001))}, rounds=3)
    assert order == ["a", "b"] * 3 and all(len(v) == 3 for v in timings.values())
    assert perf.median_speedup([2.0, 4.0, 6.0], [1.0, 2.0, 0.0]) == 2.0
    assert math.isnan(perf.median_speedup([1.0], [0.0]))
    with pytest.raises(ValueError):
        perf.interleaved_timings({"a": lambda: None}, rounds=0)


def test_the_reference_regression_verdict_refuses_nan_like_any_value_that_is_not_positive() -> None:
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError):
            perf.regression_verdict([1.0, 1.1], [1.0, bad])
