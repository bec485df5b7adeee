"""Performance in CI: compare two benchmark samples as a ratio with a confidence interval (reference for exercise 7),
and time two functions interleaved so that a busy machine slows both alike."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from statistics import NormalDist
from typing import Any


def ratio_interval(baseline: list[float], candidate: list[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """(r, low, high): the ratio of geometric means candidate/baseline and its confidence interval, on log times."""
    if len(baseline) < 2 or len(candidate) < 2:
        raise ValueError("each sample needs at least 2 timings")
    if not all(v > 0 for v in [*baseline, *candidate]):  # NaN fails v > 0 too
        raise ValueError("timings must be positive")
    lb, lc = [math.log(v) for v in baseline], [math.log(v) for v in candidate]
    d = statistics.fmean(lc) - statistics.fmean(lb)
    se = math.sqrt(statistics.variance(lb) / len(lb) + statistics.variance(lc) / len(lc))
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    return math.exp(d), math.exp(d - z * se), math.exp(d + z * se)


def regression_verdict(baseline: list[float], candidate: list[float], confidence: float = 0.95, tolerance: float = 0.05) -> str:
    """Reference for exercise 7: "regression", "improvement" or "no change"."""
    r, low, high = ratio_interval(baseline, candidate, confidence)
    if low > 1 and r > 1 + tolerance:
        return "regression"
    if high < 1 and r < 1 - tolerance:
        return "improvement"
    return "no change"


def interleaved_timings(fns: dict[str, Callable[[], Any]], rounds: int = 7) -> dict[str, list[float]]:
    """Seconds per call of each function, measured in turns (a, b, a, b, ...) for `rounds` rounds."""
    if not 1 <= rounds <= 100:
        raise ValueError("use 1 to 100 rounds")
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - start)
    return out


def median_speedup(slow: list[float], fast: list[float]) -> float:
    """The median of the per-round ratios slow/fast (nan when no round is usable)."""
    ratios = [s / f for s, f in zip(slow, fast, strict=True) if f > 0]
    return statistics.median(ratios) if ratios else math.nan
