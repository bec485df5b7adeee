"""Anomaly detection on latency series: the reference detector (exercise 6), seeded series with labelled spikes, scoring."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence


def detect_anomalies(
    series: Sequence[float], alpha: float = 0.15, threshold: float = 4.0, warmup: int = 20, max_run: int = 8
) -> list[int]:
    """Reference answer of exercise 6: indices of points far ABOVE an exponentially weighted baseline (causal).

    The baseline is an EWMA of the series and of its squared deviation from it; a point is anomalous when it sits
    more than `threshold` standard deviations above the baseline. Anomalous points are kept out of the baseline,
    so a spike does not hide the next one, unless `max_run` points in a row were anomalous: then the level has
    moved (a deploy, a new normal) and the baseline learns it. Decides point i from points 0..i only.
    """
    if len(series) <= warmup:
        return []
    head = [float(x) for x in series[:warmup]]
    mean = sum(head) / warmup
    var = sum((x - mean) ** 2 for x in head) / warmup
    flagged: list[int] = []
    run = 0
    for i in range(warmup, len(series)):
        x = float(series[i])
        std = max(math.sqrt(var), 0.01 * abs(mean), 1e-9)  # a floor: a flat series still has a scale
        if (x - mean) / std > threshold and run < max_run:
            flagged.append(i)
            run += 1
            continue
        run = 0
        diff = x - mean
        mean += alpha * diff
        var = (1 - alpha) * (var + alpha * diff * diff)
    return flagged




def make_latency_series(seed: int, minutes: int = 480) -> tuple[list[float], list[int]]:
    """A per-minute p95 latency series in ms (daily-like swing, noise, spikes) and the indices of its anomalies."""
    rng = random.Random(seed)
    base = rng.uniform(90, 150)
    swing = rng.uniform(15, 35)
    period = rng.uniform(180, 300)
    phase = rng.uniform(0, 2 * math.pi)
    noise = rng.uniform(3, 6)
    series = [base + swing * math.sin(2 * math.pi * t / period + phase) + rng.gauss(0, noise) for t in range(minutes)]
    labels: set[int] = set()
    start = 40
    while start < minutes - 10:
        start += rng.randint(25, 70)
        if start >= minutes - 5:
            break
        length = rng.randint(1, 4)
        jump = rng.uniform(8, 20) * noise
        for i in range(start, min(start + length, minutes)):
            series[i] += jump * rng.uniform(0.8, 1.2)
            labels.add(i)
        start += length
    return [round(x, 2) for x in series], sorted(labels)


def make_latency_series_variant(seed: int, scale: float = 1.0, minutes: int = 600) -> tuple[list[float], list[int]]:
    """Held-out latency series, made unlike make_latency_series: another scale, a trend, spikes AND downward dips.

    `scale` multiplies every latency (0.2 for a 20 ms service, 8 for a 1 s one). Returns the series and the indices
    of its upward spikes (1 to 4 points, 8 to 20 noise deviations above the baseline). The dips (a cache that warmed
    up, traffic that drained) go as far below the baseline and are NOT anomalies for a detector of spikes above it.
    Events alternate spike, dip, spike... at least 30 points apart, so a baseline disturbed by one has recovered.
    """
    rng = random.Random(seed * 7919 + 17)
    base = rng.uniform(60, 140)
    slope = rng.uniform(-0.04, 0.04)  # per minute: a slow trend over the window
    swing = rng.uniform(5, 20)
    period = rng.uniform(90, 400)
    phase = rng.uniform(0, 2 * math.pi)
    noise = rng.uniform(1.5, 5)
    series = [
        base + slope * t + swing * math.sin(2 * math.pi * t / period + phase) + rng.gauss(0, noise) for t in range(minutes)
    ]
    labels: set[int] = set()
    start, spike = 30, rng.random() < 0.5
    while True:
        start += rng.randint(30, 60)
        length = rng.randint(1, 4)
        if start + length >= minutes:
            break
        size = rng.uniform(8, 20) * noise
        for i in range(start, start + length):
            jump = size * rng.uniform(0.8, 1.2)
            if spike:
                series[i] += jump
                labels.add(i)
            else:
                series[i] = max(series[i] - jump, 0.2 * base)
        start += length
        spike = not spike
    return [round(scale * x, 3) for x in series], sorted(labels)


def precision_recall(flagged: Sequence[int], labels: Sequence[int]) -> tuple[float, float]:
    """Point-wise precision and recall of flagged indices against labelled ones (1.0 when nothing to find or flag)."""
    got, want = set(flagged), set(labels)
    hits = len(got & want)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(want) if want else 1.0
    return precision, recall
