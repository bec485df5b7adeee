"""Overload for module 07, simulated: a server with a fixed capacity and clients that give up after a timeout,
with and without load shedding (a bounded queue that refuses at once). Simulated time: milliseconds of CPU."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass


@dataclass
class OverloadPoint:
    offered_rps: float
    goodput_rps: float  # answers that reached a client still waiting for them
    refused_rps: float  # answered at once with 503 (shed)
    p99_wait_s: float  # of the answers that were useful


def simulate_overload(offered_rps: float, capacity_rps: float = 100.0, client_timeout_s: float = 1.0,
                      queue_limit: int | None = None, duration_s: float = 20.0, seed: int = 3) -> OverloadPoint:
    """One server, FIFO, exponential service times of mean 1/capacity_rps; Poisson arrivals at offered_rps. A client
    gives up after client_timeout_s, but the server still does its work when it reaches it (it cannot know). With
    queue_limit, a request that finds that many waiting is refused at once instead (load shedding)."""
    rng = random.Random(seed)
    t, server_free_at = 0.0, 0.0
    queue: deque[float] = deque()  # start times of requests admitted and not yet started
    good, refused, waits = 0, 0, []
    while True:
        t += rng.expovariate(offered_rps)
        if t > duration_s:
            break
        while queue and server_free_at <= t:  # requests the server starts before this arrival
            arrived = queue.popleft()
            start = max(server_free_at, arrived)
            server_free_at = start + rng.expovariate(capacity_rps)
            if server_free_at - arrived <= client_timeout_s:
                good += 1
                waits.append(server_free_at - arrived)
        if queue_limit is not None and len(queue) >= queue_limit:
            refused += 1
            continue
        queue.append(t)
    waits.sort()
    p99 = waits[min(len(waits) - 1, int(0.99 * len(waits)))] if waits else float("nan")
    return OverloadPoint(offered_rps, good / duration_s, refused / duration_s, p99)
