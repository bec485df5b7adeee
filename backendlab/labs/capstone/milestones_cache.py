"""Graded milestones of notebook 3, the availability cache: its contract on a simulated clock with threads, then the
relative SLO under a Locust run against the reference service."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from backendlab.checks import answer, check_equal, check_true, quiet
from backendlab.labs.capstone.kit import Kit, assemble
from backendlab.labs.capstone.load import cache_preflight, compare_under_load
from backendlab.labs.capstone.milestones_resilience import FakeClock


class Loader:
    def __init__(self, value: Callable[[int], Any] = lambda n: {"version": n}, wait: threading.Event | None = None) -> None:
        self.calls, self.value, self.wait = 0, value, wait
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:
            self.calls += 1
            n = self.calls
        if self.wait is not None:
            self.wait.wait(5)
        return self.value(n)


def cache_contract(cls: Any, full: bool = True) -> None:
    """Fresh for ttl_s, then reloaded; bounded, least recently used out first; load errors not cached; None cached;
    invalidate/clear; stats; one load per key at a time; keys load independently; an overtaken load is not kept."""
    with quiet("your AvailabilityCache"):
        _cache_contract(cls, full)


def _new_cache(cls: Any, ttl_s: float = 1.0, max_entries: int = 3) -> tuple[Any, FakeClock]:
    clock = FakeClock()
    return answer(cls, ttl_s, max_entries, clock=clock, hint="AvailabilityCache(ttl_s, max_entries, clock=...)"), clock


def _cache_contract(cls: Any, full: bool) -> None:
    cache, clock = _new_cache(cls)
    load = Loader()
    first = answer(cache.get, "a", load)
    check_true(answer(cache.get, "a", load) is first and load.calls == 1,
               "a second get() within ttl_s to return the cached value without loading")
    clock.advance(0.999)
    check_equal((cache.get("a", load), load.calls), ({"version": 1}, 1), "(value, loads) 0.999 s after loading (ttl_s = 1)")
    clock.advance(0.001)
    check_equal((cache.get("a", load), load.calls), ({"version": 2}, 2), "(value, loads) exactly ttl_s after loading",
                hint="Fresh while clock() < loaded_at + ttl_s.")
    other = Loader(lambda n: f"b{n}")
    check_equal(cache.get("b", other), "b1", "get() of another key")
    answer(cache.invalidate, "a")
    check_equal((cache.get("a", load), cache.get("b", other), load.calls, other.calls), ({"version": 3}, "b1", 3, 1),
                "(a, b, loads of a, loads of b) after invalidate('a')")
    answer(cache.clear)
    check_equal((cache.get("a", load), cache.get("b", other)), ({"version": 4}, "b2"), "(a, b) after clear()")
    if not full:
        return
    cache, clock = _new_cache(cls, max_entries=3)
    loads = {k: Loader(lambda n, k=k: f"{k}{n}") for k in "abcd"}
    for k in "abc":
        cache.get(k, loads[k])
    cache.get("a", loads["a"])  # a is now the most recently used
    cache.get("d", loads["d"])  # evicts b, the least recently used
    check_equal([cache.get(k, loads[k]) for k in "acd"] + [loads[k].calls for k in "abcd"], ["a1", "c1", "d1", 1, 1, 1, 1],
                "a, c, d still cached after a 4th key (max_entries=3, a touched)")
    check_equal((cache.get("b", loads["b"]), loads["b"].calls), ("b2", 2), "b evicted as the least recently used")
    stats = answer(cache.stats)
    check_equal(sorted(stats) if isinstance(stats, dict) else stats, ["hits", "misses", "size"], "the keys of stats()")
    check_equal((stats["size"], stats["misses"], stats["hits"]), (3, 5, 4), "(size, misses, hits) of that cache",
                hint="misses: loads started; hits: answers that did not start a load.")
    cache, clock = _new_cache(cls)
    failing = Loader(lambda n: (_ for _ in ()).throw(ValueError("database down")) if n == 1 else "ok")
    try:
        cache.get("e", failing)
        raised = False
    except ValueError:
        raised = True
    check_equal((raised, cache.get("e", failing), failing.calls), (True, "ok", 2), "(the load's error raised, value next time, loads)",
                hint="A load that raises is not cached: the next get() loads again.")
    none = Loader(lambda n: None)
    cache.get("missing", none)
    cache.get("missing", none)
    check_equal(none.calls, 1, "loads of a key whose value is None (a miss for an unknown event is worth caching too)")
    one, _ = _new_cache(cls)
    two, _ = _new_cache(cls)
    one.get("x", Loader(lambda n: "one"))
    check_equal(two.get("x", Loader(lambda n: "two")), "two", "the value of a key in a second cache (caches share nothing)")
    _cache_concurrency(cls)


def _cache_concurrency(cls: Any) -> None:
    cache, clock = _new_cache(cls, max_entries=10)
    gate = threading.Event()
    slow = Loader(wait=gate)
    got: list[Any] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("hot", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    gate.set()
    for t in threads:
        t.join(5)
    check_equal((slow.calls, len(got), all(g is got[0] for g in got)), (1, 8, True),
                "(loads, answers, all the same value) when 8 threads miss the same key at once",
                hint="One load per key at a time: the others wait for it (a Future or an Event per key), without holding the lock.")
    started = {k: threading.Event() for k in "pq"}

    def waits_for(mine: str, theirs: str) -> Callable[[], Any]:
        def load() -> Any:
            started[mine].set()
            if not started[theirs].wait(2):
                raise TimeoutError(f"the load of {theirs!r} never started while {mine!r} was loading")
            return mine
        return load

    out: dict[str, Any] = {}

    def get(key: str, other: str) -> None:
        try:
            out[key] = cache.get(key, waits_for(key, other))
        except Exception as exc:
            out[key] = f"{type(exc).__name__}: {exc}"

    pair = [threading.Thread(target=get, args=("p", "q")), threading.Thread(target=get, args=("q", "p"))]
    for t in pair:
        t.start()
    for t in pair:
        t.join(5)
    check_equal(out, {"p": "p", "q": "q"}, "two keys loading at the same time",
                hint="Do not hold one lock while a load runs: keys load independently.")
    gate = threading.Event()
    versions = Loader(wait=gate)
    box: dict[str, Any] = {}
    loader_thread = threading.Thread(target=lambda: box.setdefault("old", cache.get("seat", versions)))
    loader_thread.start()
    time.sleep(0.05)
    cache.invalidate("seat")  # a booking changed the event while it was being read
    gate.set()
    loader_thread.join(5)
    check_equal((box.get("old"), cache.get("seat", Loader(lambda n: {"version": "fresh"}))), ({"version": 1}, {"version": "fresh"}),
                "(the overtaken load's answer, the next get()) after invalidate() during a load",
                hint="A load that began before invalidate() may answer its caller but must not be kept.")
    gate = threading.Event()
    failing = Loader(lambda n: (_ for _ in ()).throw(ValueError("database down")), wait=gate)
    outcomes: list[str] = []

    def get_failing() -> None:
        try:
            outcomes.append(f"returned {cache.get('down', failing)!r}")
        except Exception as exc:  # noqa: BLE001 - what each caller got is the check
            outcomes.append(f"{type(exc).__name__}: {exc}")

    waiters = [threading.Thread(target=get_failing) for _ in range(4)]
    for t in waiters:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in waiters:
        t.join(5)
    check_equal(sorted(outcomes), ["ValueError: database down"] * 4,
                "what each of 4 threads got when they miss the same key at once and its load raises",
                hint="The callers waiting for a load get its exception too (keep it with the Future or Event), never None.")


def cache_under_load(cls: Any, seconds: float = 4.0) -> None:
    """Your cache in the course's service under load. First the cheap checks: the cache's contract (the milestone
    before), then through the service — reads hit the cache and are fresh after a booking. Then one Locust run that
    loads it and the reference service together: the relative SLO of load.judge (reads' p99, bookings' median, errors)."""
    cache_contract(cls)  # the load test starts only for a cache that keeps its contract: correctness before speed
    kit = Kit("capstone-grade-load")
    try:
        with quiet("your AvailabilityCache"):
            problems = cache_preflight(kit, answer(assemble, kit, cache=cls, db=kit.new_database()))
        for problem in problems:
            check_true(False, problem, hint="The cache must serve repeats and forget what a booking changed (invalidate).")
        with quiet("the load run"):
            result = compare_under_load(kit, assemble(kit, cache=cls, db=kit.new_database()), assemble(kit, db=kit.new_database()),
                                        seconds=seconds)
        print(result.table())
        for problem in result.problems:
            check_true(False, problem, hint="Measured in the same run as the course's reference service, under the same load.")
    finally:
        kit.close()
