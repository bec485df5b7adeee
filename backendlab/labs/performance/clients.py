"""Load from inside the kernel, bounded: a closed-loop client (one request at a time, paced), an open-loop client
(requests leave on a fixed schedule whatever the answers do), and closed-loop throughput at a given concurrency."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

MAX_REQUESTS = 5000
MAX_SECONDS = 10.0


@dataclass
class Sample:
    intended_s: float  # when the request was meant to leave, since the run started
    sent_s: float  # when it did leave
    done_s: float  # when its answer arrived
    status: int

    @property
    def latency_ms(self) -> float:
        """What the client saw: answer minus actual send."""
        return (self.done_s - self.sent_s) * 1000

    @property
    def response_time_ms(self) -> float:
        """What a user arriving on schedule saw: answer minus intended send (includes waiting to be sent)."""
        return (self.done_s - self.intended_s) * 1000


def _bounded(count: int) -> None:
    if not 0 < count <= MAX_REQUESTS:
        raise ValueError(f"count={count}: send 1 to {MAX_REQUESTS} requests in one run")


async def closed_loop(url: str, seconds: float, interval_s: float) -> list[Sample]:
    """One user for `seconds`: send, wait for the answer, then wait until interval_s after the previous send (no
    catching up after a slow answer: the plan slips, as with Locust's constant_pacing)."""
    if not 0 < seconds <= MAX_SECONDS or interval_s <= 0:
        raise ValueError(f"seconds={seconds}: run 0 to {MAX_SECONDS} s, with a positive interval")
    out: list[Sample] = []
    async with httpx.AsyncClient(timeout=MAX_SECONDS) as client:
        t0 = time.perf_counter()
        planned = 0.0
        while planned < seconds and len(out) < MAX_REQUESTS:
            now = time.perf_counter() - t0
            if now < planned:
                await asyncio.sleep(planned - now)
            sent = time.perf_counter() - t0
            r = await client.get(url)
            out.append(Sample(planned, sent, time.perf_counter() - t0, r.status_code))
            planned = max(planned + interval_s, time.perf_counter() - t0)
    return out


async def open_loop(url: str, count: int, interval_s: float, max_connections: int = 200) -> list[Sample]:
    """Requests leave every interval_s seconds on a fixed schedule, whether or not earlier ones have been answered."""
    _bounded(count)
    async with httpx.AsyncClient(timeout=MAX_SECONDS, limits=httpx.Limits(max_connections=max_connections)) as client:
        t0 = time.perf_counter()

        async def one(i: int) -> Sample:
            intended = i * interval_s
            now = time.perf_counter() - t0
            if now < intended:
                await asyncio.sleep(intended - now)
            sent = time.perf_counter() - t0
            r = await client.get(url)
            return Sample(intended, sent, time.perf_counter() - t0, r.status_code)

        return list(await asyncio.gather(*(one(i) for i in range(count))))


async def throughput_at(url: str, users: int, seconds: float) -> tuple[float, float]:
    """`users` closed-loop users with no think time for `seconds`: (completed requests per second, mean latency ms)."""
    if not 1 <= users <= 256 or not 0 < seconds <= MAX_SECONDS:
        raise ValueError("use 1 to 256 users for at most 10 s")
    done: list[float] = []
    async with httpx.AsyncClient(timeout=MAX_SECONDS, limits=httpx.Limits(max_connections=users)) as client:
        stop = time.perf_counter() + seconds

        async def user() -> None:
            while time.perf_counter() < stop:
                sent = time.perf_counter()
                await client.get(url)
                done.append(time.perf_counter() - sent)

        await client.get(url)  # a warm connection before the clock starts
        start = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(users)))
        elapsed = time.perf_counter() - start
    return len(done) / elapsed, (sum(done) / len(done) * 1000 if done else float("nan"))
