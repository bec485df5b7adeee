"""Module 01's reference answers (the narrative continues with these) and the helper that grades async answers."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from backendlab.checks import answer

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
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB: module 01 measured ~28 on a quiet
#                        machine (a list of dicts; raw bytes ship tens of times cheaper), up to ~300 on a busy one


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
