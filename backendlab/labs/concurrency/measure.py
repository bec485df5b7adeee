"""Module 01's measuring helpers: the load average explained, and medians that are safe on a busy machine."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence


def load_average() -> float | None:
    """The 1-minute load average (runnable processes), or None where the system has none (Windows)."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def load_note(cores: int | None = None) -> str:
    """One line for the learner: the load average against the number of cores, and what it means for timings."""
    cores = cores or os.cpu_count() or 1
    load = load_average()
    if load is None:
        return f"load average: not available on this system; {cores} cores"
    if load > cores:
        return (f"load average (1 min) {load:.1f} on {cores} cores: MORE runnable processes than cores, so other programs "
                "compete for the CPU. Expect speed-ups below the ideal and single timings that disagree with each other; "
                "read the medians and the CPU-time column, or run the cell again when the machine is quieter.")
    return (f"load average (1 min) {load:.1f} on {cores} cores: fewer runnable processes than cores, so the cores are "
            "mostly free. Expect the medians to sit close to the ideal.")


def median_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of the per-round ratios numerators[i] / denominators[i] (rounds with a zero denominator are skipped).

    Pairing the two timings of one round, taken moments apart, cancels most of the drift in a machine's load;
    the median then ignores the odd round that another program disturbed. NaN when no round is usable.
    """
    if len(numerators) != len(denominators):
        raise ValueError(f"{len(numerators)} numerators for {len(denominators)} denominators")
    ratios = [n / d for n, d in zip(numerators, denominators, strict=True) if d > 0]
    return statistics.median(ratios) if ratios else float("nan")
