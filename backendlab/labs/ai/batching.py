"""Dynamic micro-batching: the reference simulation (exercise 2), an asyncio batcher for a live service, a load helper."""

from __future__ import annotations

import asyncio
import bisect
import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import numpy as np


def simulate_batching(arrivals: Sequence[float], max_batch: int, max_wait_s: float,
                      call_cost_s: Callable[[int], float]) -> tuple[list[list[int]], list[float]]:
    """Reference answer of exercise 2: one model worker, on simulated time (see the notebook for the contract)."""
    n = len(arrivals)
    batches: list[list[int]] = []
    latencies = [0.0] * n
    head, free = 0, -math.inf
    while head < n:
        full_at = arrivals[head + max_batch - 1] if head + max_batch - 1 < n else math.inf
        start = max(free, min(arrivals[head] + max_wait_s, full_at))
        end = min(bisect.bisect_right(arrivals, start, lo=head), head + max_batch)
        batch = list(range(head, end))
        finish = start + call_cost_s(len(batch))
        for i in batch:
            latencies[i] = float(finish - arrivals[i])
        batches.append(batch)
        free, head = finish, end
    return batches, latencies


def poisson_arrivals(rate_per_s: float, n: int, seed: int) -> list[float]:
    """n arrival times of a Poisson process (exponential gaps), in seconds from 0."""
    gaps = np.random.default_rng(seed).exponential(1.0 / rate_per_s, n)
    return [float(t) for t in np.cumsum(gaps)]


def linear_cost(overhead_s: float, per_item_s: float) -> Callable[[int], float]:
    """A model call that costs a fixed overhead (kernel launch, RPC, Python dispatch) plus a little per row."""
    return lambda n: overhead_s + per_item_s * n


def sweep(rates: Sequence[float], max_batch: int, max_wait_s: float, cost: Callable[[int], float], n: int = 2000,
          seed: int = 8) -> list[dict[str, float]]:
    """For each arrival rate: p50 and p99 latency (ms), achieved throughput and mean batch size, simulated."""
    rows = []
    for rate in rates:
        arrivals = poisson_arrivals(rate, n, seed)
        batches, lat = simulate_batching(arrivals, max_batch, max_wait_s, cost)
        finish = max(arrivals[b[0]] + lat[b[0]] for b in batches)
        rows.append({"offered rps": float(rate), "throughput rps": n / finish, "p50 ms": 1000 * float(np.percentile(lat, 50)),
                     "p99 ms": 1000 * float(np.percentile(lat, 99)), "mean batch": n / len(batches), "model calls": float(len(batches))})
    return rows


class MicroBatcher:
    """Live dynamic batching inside an async service: requests wait at most max_wait_s (from their arrival) or until
    max_batch are queued, then ONE call of predict_batch(X) answers them all. One worker task, so calls never overlap."""

    def __init__(self, predict_batch: Callable[[np.ndarray], np.ndarray], max_batch: int, max_wait_s: float) -> None:
        self.predict_batch, self.max_batch, self.max_wait_s = predict_batch, max_batch, max_wait_s
        self.calls = 0
        self.batch_sizes: list[int] = []
        self._queue: asyncio.Queue[tuple[float, list[float], asyncio.Future[float]]] | None = None
        self._task: asyncio.Task[None] | None = None

    async def submit(self, row: list[float]) -> float:
        loop = asyncio.get_running_loop()
        if self._queue is None or self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._worker())
        future: asyncio.Future[float] = loop.create_future()
        await self._queue.put((loop.time(), row, future))
        return await future

    async def _worker(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            first = await self._queue.get()
            batch = [first]
            deadline = first[0] + self.max_wait_s
            while len(batch) < self.max_batch:
                remaining = deadline - loop.time()
                if remaining <= 0 and self._queue.empty():
                    break
                try:
                    batch.append(self._queue.get_nowait() if remaining <= 0 else await asyncio.wait_for(self._queue.get(), remaining))
                except (TimeoutError, asyncio.QueueEmpty):
                    break
            X = np.array([row for _, row, _ in batch])
            self.calls += 1
            self.batch_sizes.append(len(batch))
            try:
                scores = await asyncio.to_thread(self.predict_batch, X)
                for (_, _, fut), s in zip(batch, scores, strict=True):
                    if not fut.done():
                        fut.set_result(float(s))
            except Exception as exc:  # every waiting request learns about the failure
                for _, _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)


class SerialModel:
    """A model behind one worker (one GPU, one model server connection): every call pays `overhead_s`, calls queue up."""

    def __init__(self, predict_proba: Callable[[np.ndarray], np.ndarray], overhead_s: float, per_item_s: float = 0.0) -> None:
        self.predict_proba, self.overhead_s, self.per_item_s = predict_proba, overhead_s, per_item_s
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, X: np.ndarray) -> np.ndarray:
        with self._lock:
            self.calls += 1
            time.sleep(self.overhead_s + self.per_item_s * len(X))  # simulated cost of the call, stated in the notebook
            return self.predict_proba(X)


def fire(url: str, bodies: Sequence[Any], concurrency: int, timeout_s: float = 10.0) -> dict[str, Any]:
    """POST every body to url with `concurrency` requests in flight (asyncio, in a thread of its own); bounded by the list.

    Returns {"latencies_s": [...], "statuses": [...], "wall_s": float, "throughput rps": float}.
    """
    result: dict[str, Any] = {}

    async def run() -> None:
        latencies: list[float] = [0.0] * len(bodies)
        statuses: list[int] = [0] * len(bodies)
        next_index = 0
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as client:

            async def worker() -> None:
                nonlocal next_index
                while next_index < len(bodies):
                    i = next_index
                    next_index += 1
                    t0 = time.perf_counter()
                    r = await client.post(url, json=bodies[i])
                    latencies[i], statuses[i] = time.perf_counter() - t0, r.status_code

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            wall = time.perf_counter() - t0
        result.update(latencies_s=latencies, statuses=statuses, wall_s=wall, **{"throughput rps": len(bodies) / wall if wall > 0 else 0.0})

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    thread.join(timeout_s * max(1, len(bodies)))
    return result


def drive(model: SerialModel, rows: np.ndarray, concurrency: int, batch: tuple[int, float] | None) -> dict[str, Any]:
    """Score every row with `concurrency` requests in flight, through a MicroBatcher or one model call each, on an
    event loop of its own (no HTTP: only the model path is measured). Returns wall time, latencies and model calls."""
    out: dict[str, Any] = {}

    async def run() -> None:
        batcher = MicroBatcher(model, *batch) if batch is not None else None
        latencies = [0.0] * len(rows)
        next_index = 0
        calls_before = model.calls

        async def worker() -> None:
            nonlocal next_index
            while next_index < len(rows):
                i = next_index
                next_index += 1
                t0 = time.perf_counter()
                if batcher is not None:
                    await batcher.submit(list(rows[i]))
                else:
                    await asyncio.to_thread(model, rows[i:i + 1])
                latencies[i] = time.perf_counter() - t0

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
        out.update(wall_s=wall, latencies_s=latencies, calls=model.calls - calls_before,
                   **{"throughput rps": len(rows) / wall if wall > 0 else 0.0})

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    thread.join(60)
    return out
