"""Plausible wrong answers for module 01 (language trade-offs): each must lose points on its own exercise."""

FETCH_ALL_UNBOUNDED = '''
async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`."""
    if not urls:
        return []
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(url):
            response = await client.get(url)
            response.raise_for_status()
            return response.json()

        return list(await asyncio.gather(*(one(u) for u in urls)))
'''

FETCH_ALL_COMPLETION_ORDER = '''
async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`."""
    semaphore = asyncio.Semaphore(limit)
    results = []
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(url):
            async with semaphore:
                response = await client.get(url)
                return response.json()

        for finished in asyncio.as_completed([one(u) for u in urls]):
            results.append(await finished)
    return results
'''

FETCH_ALL_SEQUENTIAL = '''
async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`."""
    results = []
    async with httpx.AsyncClient(timeout=30) as client:
        for url in urls:
            response = await client.get(url)
            results.append(response.json())
    return results
'''

FETCH_ALL_OFF_BY_ONE = '''
async def fetch_all(urls: list[str], limit: int) -> list:
    """GET every URL with at most `limit` requests in flight; return the JSON bodies in the order of `urls`."""
    semaphore = asyncio.Semaphore(limit + 1)  # "limit waiting plus the one running"
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(url):
            async with semaphore:
                response = await client.get(url)
                return response.json()

        return list(await asyncio.gather(*(one(u) for u in urls)))
'''

PICK_MODEL_HEAD = '''
THREAD_CEILING = 200
SHIP_MS_PER_MB = 10.0


def pick_model(io_wait_ms: float, cpu_ms: float, memory_mb_per_task: float, concurrency: int) -> str:
    """Return "threads", "asyncio" or "processes" for a Python service whose tasks look like this."""
    if min(io_wait_ms, cpu_ms, memory_mb_per_task) < 0 or concurrency < 1:
        raise ValueError("bad workload")
'''

PICK_MODEL_IGNORES_DATA = PICK_MODEL_HEAD + '''    if cpu_ms > io_wait_ms:
        return "processes"
    return "asyncio" if concurrency > THREAD_CEILING else "threads"
'''

PICK_MODEL_CONCURRENCY_FIRST = PICK_MODEL_HEAD + '''    if concurrency > THREAD_CEILING:
        return "asyncio"
    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "threads"
'''

PICK_MODEL_INCLUSIVE = PICK_MODEL_HEAD + '''    if cpu_ms >= io_wait_ms:
        return "processes" if cpu_ms >= SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio" if concurrency >= THREAD_CEILING else "threads"
'''

PICK_MODEL_ALWAYS_ASYNC_FOR_IO = PICK_MODEL_HEAD + '''    if cpu_ms > io_wait_ms:
        return "processes" if cpu_ms > SHIP_MS_PER_MB * memory_mb_per_task else "threads"
    return "asyncio"
'''

LITTLE_DIVIDES = '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law: requests in flight."""
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("negative")
    return math.ceil(throughput_rps / latency_s)


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way."""
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("bad input")
    return concurrency * latency_s
'''

LITTLE_TRUNCATES = '''
def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law: requests in flight."""
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("negative")
    return int(throughput_rps * latency_s)


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way."""
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("bad input")
    return concurrency / latency_s
'''

LITTLE_FLOAT_DUST = '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law: requests in flight."""
    if throughput_rps < 0 or latency_s < 0:
        raise ValueError("negative")
    return math.ceil(throughput_rps * latency_s)


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way."""
    if concurrency < 0 or latency_s <= 0:
        raise ValueError("bad input")
    return concurrency / latency_s
'''

LITTLE_NO_VALIDATION = '''
import math


def concurrency_needed(throughput_rps: float, latency_s: float) -> int:
    """Little's law: requests in flight."""
    return math.ceil(round(throughput_rps * latency_s, 9))


def throughput_capacity(concurrency: float, latency_s: float) -> float:
    """Little's law the other way."""
    return concurrency / latency_s if latency_s else 0.0
'''

AMDAHL_SWAPPED = '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law."""
    if not 0 <= parallel_fraction <= 1 or cores < 1:
        raise ValueError("bad input")
    return 1 / (parallel_fraction + (1 - parallel_fraction) / cores)
'''

AMDAHL_GUSTAFSON = '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law."""
    if not 0 <= parallel_fraction <= 1 or cores < 1:
        raise ValueError("bad input")
    return (1 - parallel_fraction) + parallel_fraction * cores
'''

AMDAHL_NO_VALIDATION = '''
def amdahl_speedup(parallel_fraction: float, cores: int) -> float:
    """Amdahl's law."""
    return 1 / ((1 - parallel_fraction) + parallel_fraction / max(cores, 1))
'''

RANK_WORST_FIRST = '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options best first by weighted score."""
    known = {c for scores in ratings.values() for c in scores}
    if any(c not in known or w < 0 for c, w in weights.items()):
        raise ValueError("bad weights")
    score = {o: sum(w * s.get(c, 0) for c, w in weights.items()) for o, s in ratings.items()}
    return sorted(score, key=lambda o: (score[o], o))
'''

RANK_IGNORES_WEIGHTS = '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options best first by weighted score."""
    known = {c for scores in ratings.values() for c in scores}
    if any(c not in known or w < 0 for c, w in weights.items()):
        raise ValueError("bad weights")
    score = {o: sum(s.get(c, 0) for c in weights) for o, s in ratings.items()}
    return sorted(score, key=lambda o: (-score[o], o))
'''

RANK_DICT_ORDER_TIES = '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options best first by weighted score."""
    known = {c for scores in ratings.values() for c in scores}
    if any(c not in known or w < 0 for c, w in weights.items()):
        raise ValueError("bad weights")
    score = {o: sum(w * s.get(c, 0) for c, w in weights.items()) for o, s in ratings.items()}
    return sorted(score, key=lambda o: score[o], reverse=True)
'''

RANK_NO_VALIDATION = '''
def rank_languages(ratings: dict[str, dict[str, float]], weights: dict[str, float]) -> list[str]:
    """Rank the options best first by weighted score."""
    score = {o: sum(w * s.get(c, 0) for c, w in weights.items()) for o, s in ratings.items()}
    return sorted(score, key=lambda o: (-score[o], o))
'''

WRONG_ANSWERS = {
    "fetch_all": [
        ("no semaphore: every call in flight at once", FETCH_ALL_UNBOUNDED),
        ("results in the order they finish (as_completed)", FETCH_ALL_COMPLETION_ORDER),
        ("awaits each call in turn: bounded but sequential", FETCH_ALL_SEQUENTIAL),
        ("Semaphore(limit + 1): one too many in flight", FETCH_ALL_OFF_BY_ONE),
    ],
    "pick_model": [
        ("CPU-bound always means processes, whatever the data costs to ship", PICK_MODEL_IGNORES_DATA),
        ("checks concurrency before CPU: CPU-bound work at high concurrency gets asyncio", PICK_MODEL_CONCURRENCY_FIRST),
        ("inclusive comparisons at every boundary", PICK_MODEL_INCLUSIVE),
        ("asyncio for all I/O-bound work, however few tasks", PICK_MODEL_ALWAYS_ASYNC_FOR_IO),
    ],
    "littles_law": [
        ("divides throughput by latency (and multiplies the other way)", LITTLE_DIVIDES),
        ("truncates with int() instead of rounding up", LITTLE_TRUNCATES),
        ("math.ceil on floating-point dust: 100 * 0.07 needs 8", LITTLE_FLOAT_DUST),
        ("no input validation", LITTLE_NO_VALIDATION),
    ],
    "amdahl": [
        ("swaps the serial and parallel fractions", AMDAHL_SWAPPED),
        ("Gustafson's scaled speed-up instead of Amdahl's bound", AMDAHL_GUSTAFSON),
        ("no input validation", AMDAHL_NO_VALIDATION),
    ],
    "decision_matrix": [
        ("sorted worst first", RANK_WORST_FIRST),
        ("adds the ratings of the weighted criteria without multiplying by the weights", RANK_IGNORES_WEIGHTS),
        ("ties keep dictionary order instead of alphabetical", RANK_DICT_ORDER_TIES),
        ("no check for negative or unknown weights", RANK_NO_VALIDATION),
    ],
}
