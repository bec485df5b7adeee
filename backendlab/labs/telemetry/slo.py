"""SLOs and error budgets: multiwindow burn-rate rules (Google SRE workbook), burn rates, a seeded request series."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import NamedTuple


class BurnRateRule(NamedTuple):
    """A multiwindow burn-rate alert: fires when BOTH windows burn the error budget faster than `factor`."""

    name: str
    long_minutes: int
    short_minutes: int
    factor: float


# The Site Reliability Workbook, ch. 5 "Alerting on SLOs", table "Recommended parameters" (2% / 5% / 10% of a 30-day budget)
SRE_WORKBOOK_RULES: tuple[BurnRateRule, ...] = (
    BurnRateRule("page-1h", 60, 5, 14.4),
    BurnRateRule("page-6h", 360, 30, 6.0),
    BurnRateRule("ticket-3d", 3 * 24 * 60, 360, 1.0),
)


def burn_rate(requests: Sequence[tuple[int, int]], slo: float, minutes: int) -> float:
    """Error ratio of the last `minutes` (total, errors) pairs divided by the error budget 1 - slo; 0 without traffic."""
    window = requests[-minutes:] if minutes > 0 else []
    total = sum(t for t, _ in window)
    errors = sum(e for _, e in window)
    return 0.0 if total == 0 else (errors / total) / (1.0 - slo)


def firing_alerts(requests: Sequence[tuple[int, int]], slo: float, rules: Sequence[BurnRateRule] = SRE_WORKBOOK_RULES) -> list[str]:
    """Reference answer of exercise 5: names of the rules that fire at the end of the per-minute series."""
    return [
        r.name
        for r in rules
        if burn_rate(requests, slo, r.long_minutes) > r.factor and burn_rate(requests, slo, r.short_minutes) > r.factor
    ]


def burn_rate_series(requests: Sequence[tuple[int, int]], slo: float, minutes: int) -> list[float]:
    """burn_rate evaluated at the end of every minute (prefix sums: fast enough for weeks of minutes)."""
    totals, errors = [0], [0]
    for t, e in requests:
        totals.append(totals[-1] + t)
        errors.append(errors[-1] + e)
    out = []
    for i in range(1, len(totals)):
        j = max(0, i - minutes)
        t, e = totals[i] - totals[j], errors[i] - errors[j]
        out.append(0.0 if t == 0 else (e / t) / (1.0 - slo))
    return out




def make_request_series(
    seed: int, minutes: int, rpm: int = 1000, base_error_ratio: float = 0.0002, incidents: Sequence[tuple[int, int, float]] = ()
) -> list[tuple[int, int]]:
    """Per-minute (total, errors) pairs: Gaussian traffic, a base error ratio, and incidents (start, minutes, ratio).

    Errors per minute follow the normal approximation of the binomial (fast for weeks of minutes).
    """
    rng = random.Random(seed)
    out = []
    for minute in range(minutes):
        total = max(0, round(rng.gauss(rpm, rpm**0.5)))
        ratio = base_error_ratio
        for start, length, incident_ratio in incidents:
            if start <= minute < start + length:
                ratio = incident_ratio
        mean = total * ratio
        errors = min(total, max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - ratio))))))
        out.append((total, errors))
    return out
