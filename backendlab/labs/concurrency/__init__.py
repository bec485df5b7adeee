"""Module 01's concurrency lab: a slow downstream service, picklable CPU work, and reference answers."""

from __future__ import annotations

# Worker processes started with "spawn" import this module: keep its top-level imports light
# (FastAPI and httpx are imported inside the functions that need them).
import asyncio
import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from backendlab.checks import answer

# --- the slow downstream service ----------------------------------------------------------------


class InFlight:
    """Counts the requests a service is working on now, the most it has seen at once, the total served,
    and the client connections (distinct client address and port) they came on."""

    def __init__(self) -> None:
        self.current = 0
        self.max_seen = 0
        self.served = 0
        self.clients: set[Any] = set()

    def enter(self, client: Any = None) -> None:
        self.current += 1
        self.max_seen = max(self.max_seen, self.current)
        if client is not None:
            self.clients.add(client)

    def leave(self) -> None:
        self.current -= 1
        self.served += 1

    def reset(self) -> None:
        """Forget the history; requests still running keep counting."""
        self.max_seen = self.current
        self.served = 0
        self.clients = set()

    def as_dict(self) -> dict[str, int]:
        return {"in_flight": self.current, "max_in_flight": self.max_seen, "served": self.served,
                "connections": len(self.clients)}


def make_downstream_app(default_delay_ms: float = 20.0, title: str = "slow downstream") -> Any:
    """A FastAPI app whose GET /item/{item_id} waits `delay_ms` (simulated downstream I/O) and echoes the id.

    GET /stats says how many /item requests are in flight now, the most seen at once, how many were served
    and on how many client connections; POST /stats/reset starts counting afresh. Every app has its own
    counters (no globals).
    """
    from fastapi import FastAPI, Query, Request

    if default_delay_ms < 0:
        raise ValueError("default_delay_ms must be >= 0")
    app = FastAPI(title=title)
    counter = InFlight()
    app.state.in_flight = counter
    app.state.default_delay_ms = default_delay_ms

    async def item(request: Request, item_id: int,
                   delay_ms: float | None = Query(default=None, ge=0, le=10_000)) -> dict[str, Any]:
        wait_ms = app.state.default_delay_ms if delay_ms is None else delay_ms
        client = (request.client.host, request.client.port) if request.client else None
        counter.enter(client)  # the app runs on one event loop: no await between read and write, so no lock needed
        try:
            await asyncio.sleep(wait_ms / 1000)
        finally:
            counter.leave()
        return {"id": item_id, "delay_ms": wait_ms}

    item.__annotations__["request"] = Request  # a class, not the string this module's annotations are: FastAPI injects it
    app.get("/item/{item_id}")(item)

    @app.get("/stats")
    async def stats() -> dict[str, int]:
        return counter.as_dict()

    @app.post("/stats/reset")
    async def reset() -> dict[str, int]:
        counter.reset()
        return counter.as_dict()

    return app


def item_urls(base_url: str, count: int, delay_ms: float | Sequence[float] | None = None) -> list[str]:
    """URLs of `count` items on the downstream; `delay_ms` is one wait for all, or one per item."""
    if count < 0:
        raise ValueError("count must be >= 0")
    if delay_ms is None:
        return [f"{base_url}/item/{i}" for i in range(count)]
    delays = [delay_ms] * count if isinstance(delay_ms, int | float) else list(delay_ms)
    if len(delays) != count:
        raise ValueError(f"{len(delays)} delays for {count} items")
    return [f"{base_url}/item/{i}?delay_ms={d:g}" for i, d in enumerate(delays)]


def downstream_stats(base_url: str) -> dict[str, int]:
    """The downstream's counters: in_flight, max_in_flight, served, connections."""
    import httpx

    return httpx.get(f"{base_url}/stats", timeout=5).raise_for_status().json()


def reset_downstream_stats(base_url: str) -> dict[str, int]:
    """Start the downstream's counters afresh and return them."""
    import httpx

    return httpx.post(f"{base_url}/stats/reset", timeout=5).raise_for_status().json()


# --- CPU-bound work (module-level, so a process pool can pickle it by name) ----------------------


def hash_chain(seed: int, rounds: int) -> str:
    """SHA-256 applied `rounds` times to its own 32-byte digest: pure CPU work that holds the GIL.

    (hashlib releases the GIL only for inputs longer than 2047 bytes; 32 bytes never qualify.)
    """
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    digest = seed.to_bytes(8, "big", signed=True)
    for _ in range(rounds):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()


def serial_then_parallel(serial_rounds: int, parallel_rounds: int, chunks: int, pool: Any | None = None) -> str:
    """A job with a serial part (run here) and a parallel part split into `chunks` (run on `pool` if given).

    Used to check Amdahl's law: only the parallel part gets faster with more workers.
    """
    if chunks < 1:
        raise ValueError("chunks must be >= 1")
    head = hash_chain(0, serial_rounds)
    per_chunk = parallel_rounds // chunks
    seeds = range(1, chunks + 1)
    if pool is None:
        tails = [hash_chain(s, per_chunk) for s in seeds]
    else:
        tails = list(pool.map(hash_chain, seeds, [per_chunk] * chunks))
    return hashlib.sha256((head + "".join(tails)).encode()).hexdigest()


# --- grading helper for async answers -------------------------------------------------------------


async def answer_async(fn: Callable[..., Any], *args: Any, timeout_s: float = 30.0, hint: str = "", **kwargs: Any) -> Any:
    """Await the learner's `async def` like checks.answer calls a function: readable failures, and a time limit."""

    async def run() -> Any:
        return await asyncio.wait_for(fn(*args, **kwargs), timeout_s)

    try:
        return await run()
    except Exception as exc:  # replay the failure through answer() so it reads like every other check
        failure: Exception = TimeoutError(f"did not finish within {timeout_s:g} s") if isinstance(exc, TimeoutError) else exc

    def replay(*_: Any, **__: Any) -> Any:
        raise failure

    replay.__name__ = getattr(fn, "__name__", "your function")
    return answer(replay, *args, hint=hint, **kwargs)


# --- reference answers (the narrative continues with these after each exercise) -----------------


async def fetch_all(urls: Sequence[str], limit: int, client: Any | None = None) -> list[Any]:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`."""
    import httpx

    if limit < 1:
        raise ValueError("limit must be >= 1")
    if not urls:
        return []
    semaphore = asyncio.Semaphore(limit)

    async def one(http: Any, url: str) -> Any:
        async with semaphore:
            response = await http.get(url)
            response.raise_for_status()
            return response.json()

    if client is not None:
        return list(await asyncio.gather(*(one(client, u) for u in urls)))
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=limit)) as http:
        return list(await asyncio.gather(*(one(http, u) for u in urls)))


THREAD_CEILING = 200  # in-flight tasks above which one OS thread per task gets expensive (memory, scheduling)
SHIP_MS_PER_MB = 10.0  # rough cost of pickling a task's data to a worker process and back, ms per MB


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """'threads', 'asyncio' or 'processes' for a Python service, by the rules of notebook 01 of module 01.

    1. CPU-bound (cpu_ms > io_wait_ms): 'processes' when the CPU time outweighs shipping the task's data
       to a worker (cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task), otherwise 'threads': the work stays in
       this process, off the event loop, and computes one task at a time — in CPython only one thread runs
       Python code at once (Python docs, `threading`: the GIL note), so threads give CPU-bound work no
       parallel speed-up; only processes side-step the GIL (Python docs, `concurrent.futures`).
    2. Otherwise I/O-bound: 'asyncio' above THREAD_CEILING tasks in flight, otherwise 'threads'.
    Negative inputs, or concurrency < 1, raise ValueError.
    """
    if min(io_wait_ms, cpu_ms, memory_mb_per_task) < 0 or concurrency < 1:
        raise ValueError("times and memory must be >= 0 and concurrency >= 1")
    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law L = λW, rounded up: requests in flight (workers, connections) for this throughput and latency."""
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("throughput and latency must be >= 0")
    exact = throughput_rps * latency_s
    return math.ceil(round(exact, 9))  # round first: 100 * 0.07 is 7.000000000000001 in floating point


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` workers sustain."""
    if concurrency < 0:
        raise ValueError("concurrency must be >= 0")
    if latency_s <= 0:
        raise ValueError("latency must be > 0")
    return concurrency / latency_s


def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law: the best speed-up on `cores` cores when `parallel_fraction` of the work parallelises."""
    if not 0 <= parallel_fraction <= 1:
        raise ValueError("parallel_fraction must be between 0 and 1")
    if cores < 1:
        raise ValueError("cores must be >= 1")
    return 1 / ((1 - parallel_fraction) + parallel_fraction / cores)


def weighted_scores(ratings: Mapping[str, Mapping[str, float]], weights: Mapping[str, float]) -> dict[str, float]:
    """Each option's score: the sum over criteria of weight × rating (criteria without a weight count 0)."""
    criteria = {c for scores in ratings.values() for c in scores}
    unknown = sorted(set(weights) - criteria)
    if unknown:
        raise ValueError(f"unknown criteria {unknown}; known: {sorted(criteria)}")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must be >= 0")
    return {option: sum(w * scores.get(c, 0) for c, w in weights.items()) for option, scores in ratings.items()}


def rank_languages(ratings: Mapping[str, Mapping[str, float]], weights: Mapping[str, float]) -> list[str]:
    """Options best first by weighted score; equal scores in alphabetical order."""
    scores = weighted_scores(ratings, weights)
    return sorted(scores, key=lambda option: (-round(scores[option], 9), option))
