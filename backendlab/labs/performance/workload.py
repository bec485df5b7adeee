"""Module 06's honest load measurement: a service that stalls once, percentiles by nearest rank, the coordinated-omission
correction (HdrHistogram's), and how many samples a p99 needs."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

from fastapi import FastAPI


def make_stall_app(stall_after: int = 60, stall_s: float = 0.5) -> FastAPI:
    """A fast service that pauses ONCE for `stall_s` seconds after it has served `stall_after` requests.

    Requests that arrive during the pause wait until it ends (a garbage-collection pause, a lock held by a migration,
    a failover). GET /work answers {"n": ...}; POST /reset re-arms the stall; GET /stats counts requests.
    """
    app = FastAPI(title="stall")
    app.state.stall_after, app.state.stall_s = stall_after, stall_s
    app.state.served, app.state.stall_until, app.state.stalled = 0, 0.0, False

    @app.get("/work")
    async def work() -> dict[str, int]:
        app.state.served += 1
        if not app.state.stalled and app.state.served > app.state.stall_after:
            app.state.stalled = True
            app.state.stall_until = time.monotonic() + app.state.stall_s
        wait = app.state.stall_until - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        return {"n": app.state.served}

    @app.post("/reset")
    def reset() -> dict[str, int]:
        app.state.served, app.state.stall_until, app.state.stalled = 0, 0.0, False
        return {"served": 0}

    @app.get("/stats")
    def stats() -> dict[str, Any]:
        return {"served": app.state.served, "stalled": app.state.stalled}

    return app


def nearest_rank(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0 < q <= 100) by nearest rank: the ceil(q/100 * n)-th smallest sample; nan when empty."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[min(rank, len(ordered)) - 1])


def backfill(latencies_ms: Sequence[float], expected_interval_ms: float) -> list[float]:
    """Every latency, plus the requests a stall kept a closed-loop client from sending (HdrHistogram's
    recordValueWithExpectedInterval): for each L, also L - I, L - 2I, ... while the value is still >= I."""
    out = [float(x) for x in latencies_ms]
    if expected_interval_ms <= 0:
        return out
    for latency in latencies_ms:
        missing = latency - expected_interval_ms
        while missing >= expected_interval_ms:
            out.append(float(missing))
            missing -= expected_interval_ms
    return out


def corrected_percentiles(latencies_ms: list[float], expected_interval_ms: float,
                          qs: tuple[float, ...] = (50.0, 90.0, 99.0)) -> dict[float, float]:
    """Reference for exercise 1: nearest-rank percentiles of the log after the coordinated-omission back-fill."""
    if not latencies_ms:
        raise ValueError("an empty request log has no percentiles")
    samples = backfill(latencies_ms, expected_interval_ms)
    return {q: nearest_rank(samples, q) for q in qs}


def rank_interval(n: int, q: float, confidence: float = 0.95) -> tuple[int, int]:
    """Distribution-free confidence interval for the q-th percentile of n samples, as 1-based ranks of the sorted sample.

    The number of samples below the true percentile is Binomial(n, q/100); its normal approximation gives the ranks
    n*p -/+ z*sqrt(n*p*(1-p)), clipped to [1, n]. When the upper rank is n, the sample cannot bound the percentile
    from above: its maximum is all you know.
    """
    p = q / 100
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    spread = z * math.sqrt(n * p * (1 - p))
    low = max(1, math.floor(n * p - spread))
    high = min(n, math.ceil(n * p + spread) + 1)
    return low, high


def p99_spread(sizes: Sequence[int], repeats: int = 200, seed: int = 6) -> list[dict[str, float]]:
    """How much the p99 of n lognormal latencies (median 20 ms) varies between runs: 5th, 50th, 95th percentile of the
    estimates over `repeats` runs of each size, and the true p99."""
    import numpy as np

    rng = np.random.default_rng(seed)
    mu, sigma = math.log(20.0), 0.6
    true_p99 = math.exp(mu + sigma * NormalDist().inv_cdf(0.99))
    rows = []
    for n in sizes:
        estimates = [nearest_rank(rng.lognormal(mu, sigma, n).tolist(), 99.0) for _ in range(repeats)]
        lo, mid, hi = np.percentile(estimates, [5, 50, 95])
        rows.append({"n": n, "p5": float(lo), "median": float(mid), "p95": float(hi), "true": true_p99})
    return rows


