"""Capacity: a service whose throughput follows the Universal Scalability Law, the USL fit (reference for exercise 6),
a connection pool sized with Little's law and the knee of a queue, and autoscaling simulated (target tracking, and a
seasonal forecast for predictive scaling)."""

from __future__ import annotations

import asyncio
import heapq
import math
import random
import time
from typing import Any

from fastapi import FastAPI


def make_usl_app(parallel_s: float = 0.05, serial_s: float = 0.001, crosstalk_s: float = 0.0005) -> FastAPI:
    """GET /work: waits parallel_s (I/O, overlaps freely), then holds the event loop (the service's one CPU) for
    serial_s plus crosstalk_s for every other request in flight (coordination that grows with concurrency)."""
    app = FastAPI(title="usl")
    app.state.in_flight = 0

    @app.get("/work")
    async def work() -> dict[str, int]:
        app.state.in_flight += 1
        try:
            await asyncio.sleep(parallel_s)
            busy_until = time.perf_counter() + serial_s + crosstalk_s * (app.state.in_flight - 1)
            while time.perf_counter() < busy_until:  # CPU work: nothing else runs on this loop meanwhile
                pass
            return {"in_flight": app.state.in_flight}
        finally:
            app.state.in_flight -= 1

    return app


def usl(n: float, lam: float, sigma: float, kappa: float) -> float:
    """Gunther's Universal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1))."""
    return lam * n / (1 + sigma * (n - 1) + kappa * n * (n - 1))


def fit_usl(points: list[tuple[int, float]]) -> dict[str, float]:
    """Reference for exercise 6: least squares on N/X = a + b(N−1) + c·N(N−1); λ = 1/a, σ = b/a, κ = c/a (negative σ
    or κ reported as 0.0); the peak N* = sqrt((1−σ)/κ) and X(N*); with κ = 0, N* = inf and X = λ/σ (inf if σ = 0)."""
    import numpy as np

    n = np.array([float(p[0]) for p in points])
    x = np.array([float(p[1]) for p in points])
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), *_ = np.linalg.lstsq(design, n / x, rcond=None)
    lam, sigma, kappa = 1 / float(a), max(0.0, float(b / a)), max(0.0, float(c / a))
    if kappa > 0:
        peak_n = math.sqrt((1 - sigma) / kappa)
        peak_x = usl(peak_n, lam, sigma, kappa)
    else:
        peak_n = math.inf
        peak_x = lam / sigma if sigma > 0 else math.inf
    return {"lambda": lam, "sigma": sigma, "kappa": kappa, "peak_n": peak_n, "peak_x": peak_x}


def make_pool_app(pool_size: int, query_s: float = 0.02) -> FastAPI:
    """GET /query holds one of `pool_size` database connections (an asyncio.Semaphore) for query_s; a request waits
    for a free connection first. GET /pool reports the longest wait and the most connections in use."""
    app = FastAPI(title="pool")
    pool = asyncio.Semaphore(pool_size)
    app.state.stats = {"max_wait_ms": 0.0, "in_use": 0, "max_in_use": 0}

    @app.get("/query")
    async def query() -> dict[str, float]:
        asked = time.perf_counter()
        async with pool:
            stats = app.state.stats
            waited = (time.perf_counter() - asked) * 1000
            stats["max_wait_ms"] = max(stats["max_wait_ms"], waited)
            stats["in_use"] += 1
            stats["max_in_use"] = max(stats["max_in_use"], stats["in_use"])
            try:
                await asyncio.sleep(query_s)
            finally:
                stats["in_use"] -= 1
        return {"waited_ms": waited}

    @app.get("/pool")
    def pool_stats() -> dict[str, float]:
        return dict(app.state.stats, size=pool_size)

    return app


def simulate_queue(utilisation: float, servers: int = 4, service_s: float = 0.02, n: int = 20_000, seed: int = 6) -> list[float]:
    """Response times (s) of n requests through `servers` workers, first come first served, Poisson arrivals at
    `utilisation` of capacity and exponential service times (an M/M/c queue, simulated exactly)."""
    rng = random.Random(seed)
    rate = utilisation * servers / service_s
    free = [0.0] * servers  # when each worker is next free
    t, out = 0.0, []
    for _ in range(n):
        t += rng.expovariate(rate)
        start = max(t, heapq.heappop(free))
        end = start + rng.expovariate(1 / service_s)
        heapq.heappush(free, end)
        out.append(end - t)
    return out


# --- autoscaling, simulated minute by minute ------------------------------------------------------------------------


# a working day, as a share of the peak: quiet night, a login surge between 8:30 and 9:00, a lunch dip, a long evening
DAY_PROFILE = [(0, 0.15), (7, 0.15), (8.5, 0.3), (9, 0.9), (12, 0.85), (13, 0.7), (14, 0.85), (17, 0.8), (20, 0.45),
               (23, 0.15), (24, 0.15)]


def traffic(days: int = 3, seed: int = 6, spike_day: int | None = 2, peak_rps: float = 1200.0) -> list[float]:
    """Requests per second, one value a minute: the daily profile (growing 4 % a day), 4 % noise, and on `spike_day`
    a 40-minute spike to 1.8 times the traffic at 15:00 that no history predicts."""
    rng = random.Random(seed)
    hours, shares = [h for h, _ in DAY_PROFILE], [v for _, v in DAY_PROFILE]
    out = []
    for m in range(days * 1440):
        hour = (m % 1440) / 60
        i = max(k for k in range(len(hours)) if hours[k] <= hour)
        j = min(i + 1, len(hours) - 1)
        share = shares[i] if j == i else shares[i] + (shares[j] - shares[i]) * (hour - hours[i]) / (hours[j] - hours[i])
        load = peak_rps * share * (1 + 0.04 * (m // 1440)) * rng.gauss(1, 0.04)
        if spike_day is not None and m // 1440 == spike_day and 15 * 60 <= m % 1440 < 15 * 60 + 40:
            load *= 1.8
        out.append(max(load, 0.0))
    return out


def autoscale(load: list[float], per_instance_rps: float = 100.0, target: float = 0.7, warmup_min: int = 8,
              stabilise_min: int = 5, min_instances: int = 2, forecast: list[float] | None = None) -> dict[str, Any]:
    """Target tracking, as Kubernetes' HPA computes it: desired = ceil(running × utilisation / target), skipped within
    10 % of the target; new instances serve after warmup_min; scale-in takes the highest desired count of the last
    stabilise_min minutes. With `forecast` (rps per minute), capacity for the forecast warmup_min ahead is started in
    advance (never scaled in on a forecast). Returns the serving instances and their utilisation, a minute each."""
    serving, pending = min_instances, []  # pending: (minute it starts serving, count)
    history: list[int] = []
    out, utilisations = [], []
    for m, rps in enumerate(load):
        serving += sum(c for at, c in pending if at == m)
        pending = [(at, c) for at, c in pending if at > m]
        utilisation = rps / (serving * per_instance_rps)
        desired = serving if abs(utilisation / target - 1) <= 0.1 else math.ceil(serving * utilisation / target)
        ahead = forecast[m + warmup_min] if forecast is not None and m + warmup_min < len(forecast) else math.nan
        if not math.isnan(ahead):  # no forecast before a full period of history
            desired = max(desired, math.ceil(ahead / (per_instance_rps * target)))
        desired = max(min_instances, desired)
        history.append(desired)
        coming = serving + sum(c for _, c in pending)
        if desired > coming:
            pending.append((m + warmup_min, desired - coming))
        elif desired < serving and not pending:
            serving = max(min_instances, min(serving, max(history[-stabilise_min:])))
        out.append(serving)
        utilisations.append(rps / (serving * per_instance_rps))
    return {"instances": out, "utilisation": utilisations}


def seasonal_forecast(load: list[float], horizon: int = 4, period: int = 1440, window: int = 60) -> list[float]:
    """f[t], the forecast of load[t] made `horizon` minutes earlier from what was known then: the same minute one period
    before, scaled by how the `window` minutes before the forecast compare with the same minutes a period earlier
    (seasonal naive with a level correction). nan while there is no period of history yet."""
    out = []
    for t in range(len(load)):
        made = t - horizon  # the minute the forecast is made: load[made - 1] is the newest value known
        if made - window - period < 0:
            out.append(math.nan)
            continue
        recent = load[made - window:made]
        before = load[made - window - period:made - period]
        level = (sum(recent) / len(recent)) / max(sum(before) / len(before), 1e-9)
        out.append(load[t - period] * level)
    return out
