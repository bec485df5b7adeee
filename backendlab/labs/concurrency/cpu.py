"""Module 01's CPU-bound work, module-level so that a process pool can pickle it by name."""

from __future__ import annotations

import hashlib
import time
from typing import Any

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


def hash_chain_cpu(seed: int, rounds: int) -> tuple[str, float]:
    """hash_chain(seed, rounds) and the CPU seconds this thread spent on it (time.thread_time).

    A job that measures its own CPU time works the same on a thread or in a worker process, so the CPU-seconds
    of a run can be added up whatever ran it; wall time alone cannot tell waiting for a core from computing.
    """
    start = time.thread_time()
    digest = hash_chain(seed, rounds)
    return digest, time.thread_time() - start
