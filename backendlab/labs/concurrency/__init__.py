"""Module 01's concurrency lab: a slow downstream service, picklable CPU work, and reference answers.

Worker processes started with "spawn" import this package: its modules keep their top-level imports light.
"""

from backendlab.labs.concurrency.answers import (
    SHIP_MS_PER_MB,
    THREAD_CEILING,
    amdahl_speedup,
    answer_async,
    concurrency_needed,
    fetch_all,
    pick_model,
    rank_languages,
    throughput_capacity,
    weighted_scores,
)
from backendlab.labs.concurrency.cpu import hash_chain, hash_chain_cpu, serial_then_parallel
from backendlab.labs.concurrency.downstream import (
    InFlight,
    downstream_stats,
    item_urls,
    make_downstream_app,
    reset_downstream_stats,
)
from backendlab.labs.concurrency.measure import load_average, load_note, median_ratio

__all__ = [
    "SHIP_MS_PER_MB", "THREAD_CEILING", "InFlight", "amdahl_speedup", "answer_async", "concurrency_needed",
    "downstream_stats", "fetch_all", "hash_chain", "hash_chain_cpu", "item_urls", "load_average", "load_note",
    "median_ratio", "make_downstream_app", "pick_model", "rank_languages",
    "reset_downstream_stats", "serial_then_parallel", "throughput_capacity", "weighted_scores",
]
