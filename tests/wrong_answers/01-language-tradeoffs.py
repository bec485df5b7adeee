"""Plausible wrong answers for module 01 (language trade-offs): each must lose points on its own exercise.

Each exercise lists first the red team's answers (written from the student notebook alone, before the tests
were reworked), then the earlier ones that are not redundant with them.
"""

WRONG_ANSWERS = {
    'fetch_all': [
        ('fixed batches of `limit` (gather per batch) instead of a semaphore: one slow call holds up its whole batch', '''
import asyncio

import httpx


async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`.

    Use one httpx.AsyncClient for all the calls and an asyncio.Semaphore(limit) around each call.
    An empty list of URLs returns [] without calling anything.
    """
    results = []
    async with httpx.AsyncClient() as client:
        for start in range(0, len(urls), limit):
            batch = urls[start:start + limit]
            responses = await asyncio.gather(*(client.get(u) for u in batch))
            results.extend(r.json() for r in responses)
    return results
'''),
        ("collects results as they complete and sorts them by their 'id' field: the order of `urls` only by accident of the fixture", '''
import asyncio

import httpx


async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`.

    Use one httpx.AsyncClient for all the calls and an asyncio.Semaphore(limit) around each call.
    An empty list of URLs returns [] without calling anything.
    """
    semaphore = asyncio.Semaphore(limit)
    results = []
    async with httpx.AsyncClient() as client:
        async def one(url):
            async with semaphore:
                response = await client.get(url)
                results.append(response.json())

        await asyncio.gather(*(one(u) for u in urls))
    return sorted(results, key=lambda body: body["id"])
'''),
        ('fetches each distinct URL once (a cache): a URL listed twice is not GET twice', '''
import asyncio

import httpx


async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`.

    Use one httpx.AsyncClient for all the calls and an asyncio.Semaphore(limit) around each call.
    An empty list of URLs returns [] without calling anything.
    """
    semaphore = asyncio.Semaphore(limit)
    unique = list(dict.fromkeys(urls))
    async with httpx.AsyncClient() as client:
        async def one(url):
            async with semaphore:
                response = await client.get(url)
                return response.json()

        bodies = await asyncio.gather(*(one(u) for u in unique))
    by_url = dict(zip(unique, bodies))
    return [by_url[u] for u in urls]
'''),
        ('one worker per chunk of `limit` URLs (chunk size taken for worker count): many URLs put more than `limit` in flight', '''
import asyncio

import httpx


async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`.

    Use one httpx.AsyncClient for all the calls and an asyncio.Semaphore(limit) around each call.
    An empty list of URLs returns [] without calling anything.
    """
    results = [None] * len(urls)
    async with httpx.AsyncClient() as client:
        async def worker(indexes):
            for i in indexes:
                response = await client.get(urls[i])
                results[i] = response.json()

        chunks = [range(s, min(s + limit, len(urls))) for s in range(0, len(urls), limit)]
        await asyncio.gather(*(worker(c) for c in chunks))
    return results
'''),
        ("caches the semaphore in a global on the first call: a later call with another limit keeps the first call's limit", '''
import asyncio

import httpx


_semaphore = None


async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`.

    Use one httpx.AsyncClient for all the calls and an asyncio.Semaphore(limit) around each call.
    An empty list of URLs returns [] without calling anything.
    """
    global _semaphore
    if _semaphore is None:
        _semaphore = asyncio.Semaphore(limit)
    async with httpx.AsyncClient() as client:
        async def one(url):
            async with _semaphore:
                response = await client.get(url)
                return response.json()

        return list(await asyncio.gather(*(one(u) for u in urls)))
'''),
        ("creates the semaphore inside each call's coroutine: every call has its own, so nothing is bounded", '''
import asyncio

import httpx


async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`.

    Use one httpx.AsyncClient for all the calls and an asyncio.Semaphore(limit) around each call.
    An empty list of URLs returns [] without calling anything.
    """
    async with httpx.AsyncClient() as client:
        async def one(url):
            async with asyncio.Semaphore(limit):
                response = await client.get(url)
                return response.json()

        return list(await asyncio.gather(*(one(u) for u in urls)))
'''),
        ('awaits each call in turn: bounded but sequential', '''
async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`."""
    results = []
    async with httpx.AsyncClient(timeout=30) as client:
        for url in urls:
            response = await client.get(url)
            results.append(response.json())
    return results
'''),
        ('Semaphore(limit + 1): one too many in flight', '''
async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`."""
    semaphore = asyncio.Semaphore(limit + 1)  # "limit waiting plus the one running"
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(url):
            async with semaphore:
                response = await client.get(url)
                return response.json()

        return list(await asyncio.gather(*(one(u) for u in urls)))
'''),
    ],
    'pick_model': [
        ('a tie (cpu_ms == io_wait_ms) counted as CPU-bound: >= where the docstring says >', '''
THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads" (the data stays in one process).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 1:
        raise ValueError("negative input")
    if cpu_ms >= io_wait_ms:
        if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task:
            return "processes"
        return "threads"
    if concurrency > THREAD_CEILING:
        return "asyncio"
    return "threads"
'''),
        ('processes when cpu_ms equals the shipping cost: >= where the docstring says >', '''
THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads" (the data stays in one process).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 1:
        raise ValueError("negative input")
    if cpu_ms > io_wait_ms:
        if cpu_ms >= SHIP_MS_PER_MB * memory_mb_per_task:
            return "processes"
        return "threads"
    if concurrency > THREAD_CEILING:
        return "asyncio"
    return "threads"
'''),
        ('asyncio at exactly THREAD_CEILING tasks: >= where the docstring says >', '''
THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads" (the data stays in one process).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 1:
        raise ValueError("negative input")
    if cpu_ms > io_wait_ms:
        if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task:
            return "processes"
        return "threads"
    if concurrency >= THREAD_CEILING:
        return "asyncio"
    return "threads"
'''),
        ('checks the thread ceiling first: CPU-bound work with many tasks in flight gets asyncio', '''
THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads" (the data stays in one process).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 1:
        raise ValueError("negative input")
    if concurrency > THREAD_CEILING:
        return "asyncio"
    if cpu_ms > io_wait_ms:
        if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task:
            return "processes"
        return "threads"
    if concurrency > THREAD_CEILING:
        return "asyncio"
    return "threads"
'''),
        ('rejects a task that works on 0 MB of data (<= 0 instead of < 0): zero memory is valid', '''
THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads" (the data stays in one process).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task <= 0 or concurrency < 1:
        raise ValueError("invalid input")
    if cpu_ms > io_wait_ms:
        if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task:
            return "processes"
        return "threads"
    if concurrency > THREAD_CEILING:
        return "asyncio"
    return "threads"
'''),
        ('accepts concurrency 0 (checks concurrency < 0): the docstring says concurrency < 1 raises', '''
THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads" (the data stays in one process).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 0:
        raise ValueError("negative input")
    if cpu_ms > io_wait_ms:
        if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task:
            return "processes"
        return "threads"
    if concurrency > THREAD_CEILING:
        return "asyncio"
    return "threads"
'''),
        ("weighs the CPU time of all tasks in flight (cpu_ms * concurrency) against shipping one task's data", '''
THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads" (the data stays in one process).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 1:
        raise ValueError("negative input")
    if cpu_ms > io_wait_ms:
        if cpu_ms * concurrency > SHIP_MS_PER_MB * memory_mb_per_task:
            return "processes"
        return "threads"
    if concurrency > THREAD_CEILING:
        return "asyncio"
    return "threads"
'''),
        ('CPU-bound always means processes, whatever the data costs to ship', '''
THREAD_CEILING = 200
SHIP_MS_PER_MB = 30.0


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this."""
    if min(io_wait_ms, cpu_ms, memory_mb_per_task) < 0 or concurrency < 1:
        raise ValueError("bad workload")
    if cpu_ms > io_wait_ms:
        return "processes"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''),
    ],
    'littles_law': [
        ('rounds half up (int(x + 0.5)) instead of always up: 10.2 requests in flight get 10 slots', '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law, L = λ·W: requests in flight at `throughput_rps` when each takes `latency_s` seconds.

    Round up to a whole number (there is no half a worker). Beware floating point: 100 * 0.07 is
    7.000000000000001 in Python, and that is 7 workers, not 8. Raise ValueError if an argument is negative.
    """
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("arguments must be >= 0")
    return int(throughput_rps * latency_s + 0.5)


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` slots sustain.

    Raise ValueError if concurrency is negative or latency_s is not positive.
    """
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("concurrency must be >= 0 and latency > 0")
    return concurrency / latency_s
'''),
        ("plain math.ceil on the float product: 100 rps at 0.07 s gives 8, not 7 (the docstring's floating-point warning)", '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law, L = λ·W: requests in flight at `throughput_rps` when each takes `latency_s` seconds.

    Round up to a whole number (there is no half a worker). Beware floating point: 100 * 0.07 is
    7.000000000000001 in Python, and that is 7 workers, not 8. Raise ValueError if an argument is negative.
    """
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("arguments must be >= 0")
    return math.ceil(throughput_rps * latency_s)


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` slots sustain.

    Raise ValueError if concurrency is negative or latency_s is not positive.
    """
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("concurrency must be >= 0 and latency > 0")
    return concurrency / latency_s
'''),
        ('rounds up with floor division, -(-x // 1): the result is a float, not the int the signature promises', '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law, L = λ·W: requests in flight at `throughput_rps` when each takes `latency_s` seconds.

    Round up to a whole number (there is no half a worker). Beware floating point: 100 * 0.07 is
    7.000000000000001 in Python, and that is 7 workers, not 8. Raise ValueError if an argument is negative.
    """
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("arguments must be >= 0")
    return -(-round(throughput_rps * latency_s, 9) // 1)


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` slots sustain.

    Raise ValueError if concurrency is negative or latency_s is not positive.
    """
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("concurrency must be >= 0 and latency > 0")
    return concurrency / latency_s
'''),
        ('rounds the product to 2 decimals before ceil: a small but non-zero load (0.001 in flight) needs 0 slots', '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law, L = λ·W: requests in flight at `throughput_rps` when each takes `latency_s` seconds.

    Round up to a whole number (there is no half a worker). Beware floating point: 100 * 0.07 is
    7.000000000000001 in Python, and that is 7 workers, not 8. Raise ValueError if an argument is negative.
    """
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("arguments must be >= 0")
    return math.ceil(round(throughput_rps * latency_s, 2))


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` slots sustain.

    Raise ValueError if concurrency is negative or latency_s is not positive.
    """
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("concurrency must be >= 0 and latency > 0")
    return concurrency / latency_s
'''),
        ('throughput_capacity checks latency_s < 0 only: latency 0 raises ZeroDivisionError, not ValueError', '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law, L = λ·W: requests in flight at `throughput_rps` when each takes `latency_s` seconds.

    Round up to a whole number (there is no half a worker). Beware floating point: 100 * 0.07 is
    7.000000000000001 in Python, and that is 7 workers, not 8. Raise ValueError if an argument is negative.
    """
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("arguments must be >= 0")
    return math.ceil(round(throughput_rps * latency_s, 9))


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` slots sustain.

    Raise ValueError if concurrency is negative or latency_s is not positive.
    """
    if concurrency < 0 or latency_s < 0:
        raise ValueError("negative input")
    return concurrency / latency_s
'''),
        ('throughput_capacity rejects 0 slots (<= 0): zero concurrency is valid and carries 0.0 requests/s', '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law, L = λ·W: requests in flight at `throughput_rps` when each takes `latency_s` seconds.

    Round up to a whole number (there is no half a worker). Beware floating point: 100 * 0.07 is
    7.000000000000001 in Python, and that is 7 workers, not 8. Raise ValueError if an argument is negative.
    """
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("arguments must be >= 0")
    return math.ceil(round(throughput_rps * latency_s, 9))


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` slots sustain.

    Raise ValueError if concurrency is negative or latency_s is not positive.
    """
    if concurrency <= 0 or latency_s <= 0:
        raise ValueError("concurrency and latency must be > 0")
    return concurrency / latency_s
'''),
        ('concurrency_needed validates the throughput only: a negative latency returns a negative count', '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law, L = λ·W: requests in flight at `throughput_rps` when each takes `latency_s` seconds.

    Round up to a whole number (there is no half a worker). Beware floating point: 100 * 0.07 is
    7.000000000000001 in Python, and that is 7 workers, not 8. Raise ValueError if an argument is negative.
    """
    if throughput_rps < 0:
        raise ValueError("throughput must be >= 0")
    return math.ceil(round(throughput_rps * latency_s, 9))


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way, λ = L / W: requests per second that `concurrency` slots sustain.

    Raise ValueError if concurrency is negative or latency_s is not positive.
    """
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("concurrency must be >= 0 and latency > 0")
    return concurrency / latency_s
'''),
        ('no input validation', '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law: requests in flight."""
    return math.ceil(round(throughput_rps * latency_s, 9))


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way."""
    return concurrency / latency_s if latency_s else 0.0
'''),
    ],
    'amdahl': [
        ('rejects the valid ends p = 0 and p = 1 (0 < p < 1 instead of 0 <= p <= 1)', '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law: the best speed-up on `cores` cores when `parallel_fraction` of the work runs in parallel.

    Raise ValueError unless 0 <= parallel_fraction <= 1 and cores >= 1.
    """
    if not 0 < parallel_fraction < 1 or cores < 1:
        raise ValueError("invalid input")
    return 1 / ((1 - parallel_fraction) + parallel_fraction / cores)
'''),
        ('checks cores < 0 only: 0 cores raises ZeroDivisionError, not ValueError', '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law: the best speed-up on `cores` cores when `parallel_fraction` of the work runs in parallel.

    Raise ValueError unless 0 <= parallel_fraction <= 1 and cores >= 1.
    """
    if not 0 <= parallel_fraction <= 1 or cores < 0:
        raise ValueError("invalid input")
    return 1 / ((1 - parallel_fraction) + parallel_fraction / cores)
'''),
        ('special-cases fully parallel work as infinite speed-up: with p = 1 the bound is the number of cores', '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law: the best speed-up on `cores` cores when `parallel_fraction` of the work runs in parallel.

    Raise ValueError unless 0 <= parallel_fraction <= 1 and cores >= 1.
    """
    if not 0 <= parallel_fraction <= 1 or cores < 1:
        raise ValueError("invalid input")
    if parallel_fraction == 1:
        return float("inf")
    return 1 / ((1 - parallel_fraction) + parallel_fraction / cores)
'''),
        ('validates cores only: a fraction above 1 or below 0 returns a number instead of raising ValueError', '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law: the best speed-up on `cores` cores when `parallel_fraction` of the work runs in parallel.

    Raise ValueError unless 0 <= parallel_fraction <= 1 and cores >= 1.
    """
    if cores < 1:
        raise ValueError("cores must be >= 1")
    return 1 / ((1 - parallel_fraction) + parallel_fraction / cores)
'''),
        ('validates with assert: invalid input raises AssertionError, not ValueError', '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law: the best speed-up on `cores` cores when `parallel_fraction` of the work runs in parallel.

    Raise ValueError unless 0 <= parallel_fraction <= 1 and cores >= 1.
    """
    assert 0 <= parallel_fraction <= 1, "parallel_fraction must be in [0, 1]"
    assert cores >= 1, "cores must be >= 1"
    return 1 / ((1 - parallel_fraction) + parallel_fraction / cores)
'''),
        ('short-cut for serial work returns the int 1, not a float', '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law: the best speed-up on `cores` cores when `parallel_fraction` of the work runs in parallel.

    Raise ValueError unless 0 <= parallel_fraction <= 1 and cores >= 1.
    """
    if not 0 <= parallel_fraction <= 1 or cores < 1:
        raise ValueError("invalid input")
    if parallel_fraction == 0 or cores == 1:
        return 1
    return 1 / ((1 - parallel_fraction) + parallel_fraction / cores)
'''),
        ('swaps the serial and parallel fractions', '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law."""
    if not 0 <= parallel_fraction <= 1 or cores < 1:
        raise ValueError("bad input")
    return 1 / (parallel_fraction + (1 - parallel_fraction) / cores)
'''),
        ("Gustafson's scaled speed-up instead of Amdahl's bound", '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law."""
    if not 0 <= parallel_fraction <= 1 or cores < 1:
        raise ValueError("bad input")
    return (1 - parallel_fraction) + parallel_fraction * cores
'''),
    ],
    'decision_matrix': [
        ("a missing rating counts as 1 (the scale's lowest) instead of 0", '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options in `ratings` (e.g. languages) best first by weighted score for a service's `weights`.

    score(option) = sum over the criteria in `weights` of weight * ratings[option][criterion]; a rating an
    option lacks counts 0, a criterion without a weight does not count. Equal scores rank alphabetically.
    Raise ValueError for a negative weight, or a weight on a criterion that no option is rated on.
    """
    rated = {c for scores in ratings.values() for c in scores}
    for criterion, weight in weights.items():
        if weight < 0:
            raise ValueError(f"negative weight for {criterion}")
        if criterion not in rated:
            raise ValueError(f"nobody is rated on {criterion}")
    scores = {option: sum(w * r.get(c, 1) for c, w in weights.items()) for option, r in ratings.items()}
    return sorted(scores, key=lambda option: (-scores[option], option))
'''),
        ('checks unknown criteria against the first option only: a criterion only some options are rated on raises', '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options in `ratings` (e.g. languages) best first by weighted score for a service's `weights`.

    score(option) = sum over the criteria in `weights` of weight * ratings[option][criterion]; a rating an
    option lacks counts 0, a criterion without a weight does not count. Equal scores rank alphabetically.
    Raise ValueError for a negative weight, or a weight on a criterion that no option is rated on.
    """
    first = next(iter(ratings.values()))
    for criterion, weight in weights.items():
        if weight < 0:
            raise ValueError(f"negative weight for {criterion}")
        if criterion not in first:
            raise ValueError(f"unknown criterion {criterion}")
    scores = {option: sum(w * r.get(c, 0) for c, w in weights.items()) for option, r in ratings.items()}
    return sorted(scores, key=lambda option: (-scores[option], option))
'''),
        ('rejects a zero weight (<= 0): 0 is a valid weight, the criterion just does not count', '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options in `ratings` (e.g. languages) best first by weighted score for a service's `weights`.

    score(option) = sum over the criteria in `weights` of weight * ratings[option][criterion]; a rating an
    option lacks counts 0, a criterion without a weight does not count. Equal scores rank alphabetically.
    Raise ValueError for a negative weight, or a weight on a criterion that no option is rated on.
    """
    rated = {c for scores in ratings.values() for c in scores}
    for criterion, weight in weights.items():
        if weight <= 0:
            raise ValueError(f"negative weight for {criterion}")
        if criterion not in rated:
            raise ValueError(f"nobody is rated on {criterion}")
    scores = {option: sum(w * r.get(c, 0) for c, w in weights.items()) for option, r in ratings.items()}
    return sorted(scores, key=lambda option: (-scores[option], option))
'''),
        ('never checks for negative weights: a negative weight silently ranks the worst option first', '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options in `ratings` (e.g. languages) best first by weighted score for a service's `weights`.

    score(option) = sum over the criteria in `weights` of weight * ratings[option][criterion]; a rating an
    option lacks counts 0, a criterion without a weight does not count. Equal scores rank alphabetically.
    Raise ValueError for a negative weight, or a weight on a criterion that no option is rated on.
    """
    rated = {c for scores in ratings.values() for c in scores}
    for criterion in weights:
        if criterion not in rated:
            raise ValueError(f"nobody is rated on {criterion}")
    scores = {option: sum(w * r.get(c, 0) for c, w in weights.items()) for option, r in ratings.items()}
    return sorted(scores, key=lambda option: (-scores[option], option))
'''),
        ("fills missing ratings into the caller's dict with setdefault: mutates its input", '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options in `ratings` (e.g. languages) best first by weighted score for a service's `weights`.

    score(option) = sum over the criteria in `weights` of weight * ratings[option][criterion]; a rating an
    option lacks counts 0, a criterion without a weight does not count. Equal scores rank alphabetically.
    Raise ValueError for a negative weight, or a weight on a criterion that no option is rated on.
    """
    rated = {c for scores in ratings.values() for c in scores}
    for criterion, weight in weights.items():
        if weight < 0:
            raise ValueError(f"negative weight for {criterion}")
        if criterion not in rated:
            raise ValueError(f"nobody is rated on {criterion}")
    for r in ratings.values():
        for c in weights:
            r.setdefault(c, 0)
    scores = {option: sum(w * r[c] for c, w in weights.items()) for option, r in ratings.items()}
    return sorted(scores, key=lambda option: (-scores[option], option))
'''),
        ('scores by weighted average (divides by the total weight): all-zero or no weights divide by zero instead of tying', '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options in `ratings` (e.g. languages) best first by weighted score for a service's `weights`.

    score(option) = sum over the criteria in `weights` of weight * ratings[option][criterion]; a rating an
    option lacks counts 0, a criterion without a weight does not count. Equal scores rank alphabetically.
    Raise ValueError for a negative weight, or a weight on a criterion that no option is rated on.
    """
    rated = {c for scores in ratings.values() for c in scores}
    for criterion, weight in weights.items():
        if weight < 0:
            raise ValueError(f"negative weight for {criterion}")
        if criterion not in rated:
            raise ValueError(f"nobody is rated on {criterion}")
    total = sum(weights.values())
    scores = {option: sum(w * r.get(c, 0) for c, w in weights.items()) / total for option, r in ratings.items()}
    return sorted(scores, key=lambda option: (-scores[option], option))
'''),
        ('adds the ratings of the weighted criteria without multiplying by the weights', '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options best first by weighted score."""
    known = {c for scores in ratings.values() for c in scores}
    if any(c not in known or w < 0 for c, w in weights.items()):
        raise ValueError("bad weights")
    score = {o: sum(s.get(c, 0) for c in weights) for o, s in ratings.items()}
    return sorted(score, key=lambda o: (-score[o], o))
'''),
        ('ties keep dictionary order instead of alphabetical', '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options best first by weighted score."""
    known = {c for scores in ratings.values() for c in scores}
    if any(c not in known or w < 0 for c, w in weights.items()):
        raise ValueError("bad weights")
    score = {o: sum(w * s.get(c, 0) for c, w in weights.items()) for o, s in ratings.items()}
    return sorted(score, key=lambda o: score[o], reverse=True)
'''),
    ],
}


# -----------------------------------------------------------------------------------------------------------------
# Blind red team, 2026-11-30 (written from the student notebook alone):
# each answer below changes ONE thing from an answer that follows the docstring, and names the sentence it breaks.
# -----------------------------------------------------------------------------------------------------------------
_PM_BLIND_HEAD = '''THREAD_CEILING = 200   # tasks in flight above which one OS thread per task gets expensive (section 5)
SHIP_MS_PER_MB = 30.0  # pickling Python objects to a worker and back, ms per MB (measured in section 4)


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this.

    1. CPU-bound means cpu_ms > io_wait_ms. Then return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task
       (the work outweighs shipping its data to a worker), otherwise "threads": the work stays in this process,
       off the event loop, and computes one task at a time (the GIL: threads give CPU-bound work no speed-up).
    2. Otherwise the work is I/O-bound: "asyncio" if concurrency > THREAD_CEILING, otherwise "threads".
    Raise ValueError if any time or memory is negative, or concurrency < 1.
    """
'''

_PM_VALIDATE = '''    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 1:
        raise ValueError("times and memory must be >= 0 and concurrency >= 1")
'''

BLIND_2026_11_30 = {
    "pick_model": [
        ("blind: shipping tie goes to processes (>= instead of >): pick_model(0, 30, 1, 1) says 'processes' "
         "(docstring: 'return \"processes\" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task')",
         _PM_BLIND_HEAD + _PM_VALIDATE + '''    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms >= SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''),
        ("blind: asyncio from 200 tasks on (>= instead of >): pick_model(50, 1, 0.1, 200) says 'asyncio' "
         "(docstring: '\"asyncio\" if concurrency > THREAD_CEILING')",
         _PM_BLIND_HEAD + _PM_VALIDATE + '''    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency >= THREAD_CEILING else "threads"
'''),
        ("blind: negative memory is not refused, only negative times (docstring: 'Raise ValueError if any time or memory is negative')",
         _PM_BLIND_HEAD + '''    if io_wait_ms < 0 or cpu_ms < 0 or concurrency < 1:
        raise ValueError("times must be >= 0 and concurrency >= 1")
    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''),
        ("blind: 'if not concurrency' tests only for 0, so a negative concurrency is accepted "
         "(docstring: 'Raise ValueError if ... concurrency < 1')",
         _PM_BLIND_HEAD + '''    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or not concurrency:
        raise ValueError("times and memory must be >= 0 and concurrency >= 1")
    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''),
        ("blind: zero memory is refused as if it were negative: pick_model(0, 5, 0, 1) raises "
         "(docstring: 'Raise ValueError if any time or memory is negative' - 0 is not negative)",
         _PM_BLIND_HEAD + '''    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task <= 0 or concurrency < 1:
        raise ValueError("times must be >= 0, memory > 0 and concurrency >= 1")
    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''),
        ("blind: a hard-coded ceiling of 1000 that passes the visible scenarios (20 and 5,000 tasks): 500 I/O tasks get threads "
         "(docstring: '\"asyncio\" if concurrency > THREAD_CEILING')",
         _PM_BLIND_HEAD + _PM_VALIDATE + '''    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency > 1000 else "threads"
'''),
        ("blind: counts the shipping cost twice ('to a worker and back'): pick_model(0, 40, 1, 1) says 'threads' "
         "(docstring: 'processes if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task' - the constant already covers both ways)",
         _PM_BLIND_HEAD + _PM_VALIDATE + '''    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > 2 * SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''),
        ("blind: looks at concurrency first: a CPU-bound task with 500 in flight gets 'asyncio' "
         "(docstring rule 1: CPU-bound work is processes or threads, whatever the concurrency)",
         _PM_BLIND_HEAD + _PM_VALIDATE + '''    if concurrency > THREAD_CEILING:
        return "asyncio"
    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "threads"
'''),
        ("blind: validates only on the I/O-bound path, so a CPU-bound task with negative memory gets 'processes' "
         "(docstring: 'Raise ValueError if any time or memory is negative, or concurrency < 1')",
         _PM_BLIND_HEAD + '''    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    if io_wait_ms < 0 or cpu_ms < 0 or memory_mb_per_task < 0 or concurrency < 1:
        raise ValueError("times and memory must be >= 0 and concurrency >= 1")
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''),
    ],
}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
