"""Unit tests for backendlab.labs.concurrency: the slow downstream, the CPU work, and the reference answers."""

from __future__ import annotations

import asyncio
import pickle
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from backendlab.checks import CheckFailed
from backendlab.labs import concurrency as c
from backendlab.services import Service, serve


@pytest.fixture(scope="module")
def downstream() -> Iterator[Service]:
    svc = serve(c.make_downstream_app(default_delay_ms=10), name="test-concurrency-downstream", quiet=True)
    yield svc
    svc.stop()


# --- the downstream -------------------------------------------------------------------------------


def test_in_flight_remembers_the_most_seen_at_once() -> None:
    counter = c.InFlight()
    counter.enter(("127.0.0.1", 5000))
    counter.enter(("127.0.0.1", 5001))
    counter.leave()
    assert counter.as_dict() == {"in_flight": 1, "max_in_flight": 2, "served": 1, "connections": 2}


def test_in_flight_counts_each_client_connection_once() -> None:
    counter = c.InFlight()
    for _ in range(3):
        counter.enter(("127.0.0.1", 5000))
        counter.leave()
    counter.enter()  # a request whose client address is unknown is not a connection
    assert counter.as_dict()["connections"] == 1


def test_in_flight_reset_keeps_requests_still_running() -> None:
    counter = c.InFlight()
    counter.enter()
    counter.enter()
    counter.leave()
    counter.reset()
    assert counter.as_dict() == {"in_flight": 1, "max_in_flight": 1, "served": 0, "connections": 0}


def test_downstream_waits_the_requested_delay_and_echoes_the_id(downstream: Service) -> None:
    start = time.perf_counter()
    body = httpx.get(f"{downstream.url}/item/3", params={"delay_ms": 60}).raise_for_status().json()
    assert time.perf_counter() - start >= 0.06
    assert body == {"id": 3, "delay_ms": 60}


def test_downstream_uses_its_default_delay(downstream: Service) -> None:
    assert httpx.get(f"{downstream.url}/item/1").json() == {"id": 1, "delay_ms": 10}


def test_downstream_rejects_a_negative_delay(downstream: Service) -> None:
    assert httpx.get(f"{downstream.url}/item/1", params={"delay_ms": -5}).status_code == 422


def test_downstream_counts_concurrent_requests_and_resets(downstream: Service) -> None:
    c.reset_downstream_stats(downstream.url)
    asyncio.run(c.fetch_all(c.item_urls(downstream.url, 5, 300), limit=5))
    assert c.downstream_stats(downstream.url) == {"in_flight": 0, "max_in_flight": 5, "served": 5, "connections": 5}
    assert c.reset_downstream_stats(downstream.url) == {"in_flight": 0, "max_in_flight": 0, "served": 0, "connections": 0}


def test_downstream_sees_one_client_reuse_its_connections(downstream: Service) -> None:
    c.reset_downstream_stats(downstream.url)
    asyncio.run(c.fetch_all(c.item_urls(downstream.url, 12, 20), limit=3))
    assert c.downstream_stats(downstream.url)["connections"] <= 3
    c.reset_downstream_stats(downstream.url)
    for i in range(3):  # a new client per call: a new connection per call
        httpx.get(f"{downstream.url}/item/{i}").raise_for_status()
    assert c.downstream_stats(downstream.url)["connections"] == 3


def test_each_app_has_its_own_counters() -> None:
    first, second = c.make_downstream_app(), c.make_downstream_app()
    first.state.in_flight.enter()
    assert second.state.in_flight.as_dict()["in_flight"] == 0


def test_make_downstream_app_rejects_a_negative_default_delay() -> None:
    with pytest.raises(ValueError):
        c.make_downstream_app(default_delay_ms=-1)


def test_item_urls_gives_one_url_per_delay() -> None:
    assert c.item_urls("http://h", 2, [5, 7.5]) == ["http://h/item/0?delay_ms=5", "http://h/item/1?delay_ms=7.5"]
    assert c.item_urls("http://h", 2) == ["http://h/item/0", "http://h/item/1"]
    assert c.item_urls("http://h", 1, 20) == ["http://h/item/0?delay_ms=20"]


def test_item_urls_rejects_a_wrong_number_of_delays() -> None:
    with pytest.raises(ValueError):
        c.item_urls("http://h", 3, [1, 2])


# --- fetch_all (reference) ------------------------------------------------------------------------


def test_fetch_all_keeps_input_order_when_later_calls_finish_first(downstream: Service) -> None:
    delays = [120, 80, 40, 0]
    got = asyncio.run(c.fetch_all(c.item_urls(downstream.url, 4, delays), limit=4))
    assert got == [{"id": i, "delay_ms": d} for i, d in enumerate(delays)]


def test_fetch_all_never_exceeds_its_limit(downstream: Service) -> None:
    c.reset_downstream_stats(downstream.url)
    asyncio.run(c.fetch_all(c.item_urls(downstream.url, 12, 40), limit=3))
    assert c.downstream_stats(downstream.url)["max_in_flight"] <= 3


def test_fetch_all_of_no_urls_calls_nothing(downstream: Service) -> None:
    c.reset_downstream_stats(downstream.url)
    assert asyncio.run(c.fetch_all([], limit=2)) == []
    assert c.downstream_stats(downstream.url)["served"] == 0


def test_fetch_all_rejects_a_limit_below_one() -> None:
    with pytest.raises(ValueError):
        asyncio.run(c.fetch_all(["http://127.0.0.1:1/item/0"], limit=0))


# --- answer_async ---------------------------------------------------------------------------------


async def _double(x: int) -> int:
    await asyncio.sleep(0)
    return 2 * x


async def _not_written(x: int) -> int:
    raise NotImplementedError()


async def _too_slow(x: int) -> int:
    await asyncio.sleep(5)
    return x


def _not_async(x: int) -> int:
    return x


def test_answer_async_returns_what_the_coroutine_returns() -> None:
    assert asyncio.run(c.answer_async(_double, 21)) == 42


def test_answer_async_says_when_the_answer_is_not_written() -> None:
    with pytest.raises(CheckFailed, match="not written yet"):
        asyncio.run(c.answer_async(_not_written, 1))


def test_answer_async_stops_an_answer_that_takes_too_long() -> None:
    with pytest.raises(CheckFailed, match="did not finish within 0.1 s"):
        asyncio.run(c.answer_async(_too_slow, 1, timeout_s=0.1))


def test_answer_async_reports_a_function_that_is_not_async() -> None:
    with pytest.raises(CheckFailed, match=r"_not_async\(1\) raised TypeError"):
        asyncio.run(c.answer_async(_not_async, 1))


# --- CPU work -------------------------------------------------------------------------------------


def test_hash_chain_is_deterministic_and_depends_on_seed_and_rounds() -> None:
    assert c.hash_chain(1, 100) == c.hash_chain(1, 100)
    assert c.hash_chain(1, 100) != c.hash_chain(2, 100)
    assert c.hash_chain(1, 100) != c.hash_chain(1, 101)
    assert c.hash_chain(1, 0) == (1).to_bytes(8, "big").hex()


def test_hash_chain_rejects_negative_rounds() -> None:
    with pytest.raises(ValueError):
        c.hash_chain(1, -1)


def test_hash_chain_pickles_by_name_for_process_pools() -> None:
    assert pickle.loads(pickle.dumps(c.hash_chain)) is c.hash_chain


def test_serial_then_parallel_gives_the_same_result_on_a_pool() -> None:
    with ThreadPoolExecutor(2) as pool:
        assert c.serial_then_parallel(100, 400, 4, pool=pool) == c.serial_then_parallel(100, 400, 4)
    assert c.serial_then_parallel(100, 400, 4) != c.serial_then_parallel(100, 400, 2)


# --- pick_model -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("io_wait_ms", "cpu_ms", "memory_mb", "concurrency", "expected"),
    [
        (120, 1, 0.05, 5000, "asyncio"),
        (40, 2, 0.5, 20, "threads"),
        (0, 300, 4, 8, "processes"),
        (5, 800, 2000, 4, "threads"),  # shipping 2 GB costs more than it saves
        (0, 200, 2, 1000, "processes"),  # CPU-bound comes before concurrency
        (50, 50, 1, 500, "asyncio"),  # equal is not CPU-bound
        (100, 1, 0.1, c.THREAD_CEILING, "threads"),
        (100, 1, 0.1, c.THREAD_CEILING + 1, "asyncio"),
        (0, 300, 10, 4, "threads"),  # cpu equal to the shipping cost (30 ms/MB x 10 MB)
        (0, 301, 10, 4, "processes"),
        (0, 5, 0, 4, "processes"),  # nothing to ship
        (2, 40, 500, 2000, "threads"),  # CPU-bound stays CPU-bound at any concurrency
    ],
)
def test_pick_model_follows_the_rules(io_wait_ms: float, cpu_ms: float, memory_mb: float, concurrency: int, expected: str) -> None:
    assert c.pick_model(io_wait_ms, cpu_ms, memory_mb, concurrency) == expected


def test_pick_model_docstring_says_threads_give_cpu_work_no_speed_up() -> None:
    # CPython's GIL: only one thread runs Python code at once (Python docs, threading); processes side-step it
    # (Python docs, concurrent.futures). The rule's "threads" for CPU-bound work must not read as parallelism.
    doc = " ".join((c.pick_model.__doc__ or "").split())
    assert "no parallel speed-up" in doc
    assert "GIL" in doc


def test_ship_cost_is_the_measured_order_of_magnitude_for_python_objects() -> None:
    # notebook 1 measured ~28 ms/MB pickling a list of dicts on a quiet machine; 10 ms/MB was a guess that contradicted it
    assert 20 <= c.SHIP_MS_PER_MB <= 60


@pytest.mark.parametrize("args", [(-1, 1, 1, 1), (1, -1, 1, 1), (1, 1, -1, 1), (1, 1, 1, 0)])
def test_pick_model_rejects_impossible_workloads(args: tuple[float, float, float, int]) -> None:
    with pytest.raises(ValueError):
        c.pick_model(*args)


# --- Little and Amdahl ----------------------------------------------------------------------------


def test_concurrency_needed_rounds_up() -> None:
    assert c.concurrency_needed(100, 0.2) == 20
    assert c.concurrency_needed(250, 0.05) == 13
    assert c.concurrency_needed(0, 3) == 0


def test_concurrency_needed_ignores_floating_point_dust() -> None:
    assert 100 * 0.07 > 7  # the trap this guards against
    assert c.concurrency_needed(100, 0.07) == 7


def test_throughput_capacity_is_the_inverse() -> None:
    assert c.throughput_capacity(20, 0.2) == pytest.approx(100)
    assert c.throughput_capacity(c.concurrency_needed(300, 0.1), 0.1) == pytest.approx(300)


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (c.concurrency_needed, (-1, 0.1)),
        (c.concurrency_needed, (1, -0.1)),
        (c.throughput_capacity, (1, 0)),
        (c.throughput_capacity, (-1, 1)),
        (c.amdahl_speedup, (1.1, 2)),
        (c.amdahl_speedup, (-0.1, 2)),
        (c.amdahl_speedup, (0.5, 0)),
    ],
)
def test_capacity_laws_reject_impossible_inputs(fn: object, args: tuple[float, float]) -> None:
    with pytest.raises(ValueError):
        fn(*args)  # type: ignore[operator]


def test_amdahl_speedup_matches_worked_examples_and_limits() -> None:
    assert c.amdahl_speedup(0.5, 2) == pytest.approx(4 / 3)
    assert c.amdahl_speedup(0.75, 3) == pytest.approx(2)
    assert c.amdahl_speedup(1, 16) == pytest.approx(16)
    assert c.amdahl_speedup(0, 64) == pytest.approx(1)
    assert c.amdahl_speedup(0.95, 10**9) == pytest.approx(20, rel=1e-6)


# --- decision matrix ------------------------------------------------------------------------------

RATINGS = {
    "Go": {"speed": 4, "velocity": 4},
    "Rust": {"speed": 5, "velocity": 2},
    "TypeScript": {"speed": 3, "velocity": 5},
    "Python": {"speed": 1, "velocity": 5},
}


def test_rank_languages_lets_the_weights_pick_the_winner() -> None:
    assert c.rank_languages(RATINGS, {"speed": 1})[0] == "Rust"
    assert c.rank_languages(RATINGS, {"speed": 1, "velocity": 3}) == ["TypeScript", "Go", "Python", "Rust"]


def test_rank_languages_breaks_ties_alphabetically() -> None:
    assert c.rank_languages(RATINGS, {"velocity": 1}) == ["Python", "TypeScript", "Go", "Rust"]
    assert c.rank_languages(RATINGS, {}) == ["Go", "Python", "Rust", "TypeScript"]


def test_rank_languages_treats_float_dust_as_a_tie() -> None:
    ratings = {"B": {"x": 1, "y": 2}, "A": {"x": 3, "y": 1}}
    # B: 0.1 + 0.4 = 0.5000000000000001; A: 0.3 + 0.2 = 0.5 -> a tie, so alphabetical
    assert c.rank_languages(ratings, {"x": 0.1, "y": 0.2}) == ["A", "B"]


def test_weighted_scores_counts_missing_ratings_as_zero() -> None:
    assert c.weighted_scores({"A": {"x": 2}, "B": {"y": 3}}, {"x": 2, "y": 1}) == {"A": 4, "B": 3}


@pytest.mark.parametrize("weights", [{"sped": 1}, {"speed": -1}])
def test_rank_languages_rejects_bad_weights(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        c.rank_languages(RATINGS, weights)
