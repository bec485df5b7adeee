"""Simulated time and scripted randomness for module 07: retries and breakers are graded without a real sleep."""

from __future__ import annotations

import random
from collections.abc import Iterable


class FakeClock:
    """A monotonic clock that moves only when told to: `clock()` reads it, `clock.sleep(s)` advances it and records s.

    Pass `clock` where code expects `time.monotonic` and `clock.sleep` where it expects `time.sleep`.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = float(start)
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"sleep length must be non-negative, got {seconds!r}")
        self.sleeps.append(float(seconds))
        self.now += seconds

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now!r}, sleeps={self.sleeps!r})"


class ScriptedRandom:
    """A stand-in for `random.random` that returns the given values in order, then repeats the last one; `calls`
    counts how often it was asked."""

    def __init__(self, values: Iterable[float]) -> None:
        self.values = [float(v) for v in values]
        if not self.values or not all(0.0 <= v < 1.0 for v in self.values):
            raise ValueError("ScriptedRandom needs at least one value in [0, 1)")
        self.calls = 0

    def __call__(self) -> float:
        value = self.values[min(self.calls, len(self.values) - 1)]
        self.calls += 1
        return value


def seeded(seed: int) -> random.Random:
    """A private random source (never the global one): `seeded(7).random` is a repeatable `rand`."""
    return random.Random(seed)
