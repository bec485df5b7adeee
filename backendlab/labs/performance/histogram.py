"""An HDR-style latency histogram: log-linear buckets (each power of two split into equal sub-buckets), so every
recorded value keeps a bounded RELATIVE error, histograms from several load generators merge exactly by adding counts,
and percentiles come out of a few hundred counters instead of every sample."""

from __future__ import annotations

import math
from collections.abc import Iterable


class LogLinearHistogram:
    """Counts of values (integers, e.g. microseconds) in log-linear buckets.

    Values below `sub_buckets` are counted exactly. Above, the range [2^k, 2^(k+1)) is cut into `sub_buckets` / 2
    equal slices, so a value is known to within 2 / sub_buckets of itself (sub_buckets=128: better than 1.6 %,
    about two significant digits, like HdrHistogram with numberOfSignificantValueDigits=2).
    """

    def __init__(self, sub_buckets: int = 128) -> None:
        if sub_buckets < 2 or sub_buckets & (sub_buckets - 1):
            raise ValueError("sub_buckets must be a power of two >= 2")
        self.sub_buckets = sub_buckets
        self.shift = sub_buckets.bit_length() - 1  # log2(sub_buckets)
        self.counts: dict[int, int] = {}
        self.total = 0
        self.max_value = 0

    def bucket_of(self, value: int) -> int:
        """The index of the bucket that holds `value` (>= 0)."""
        if value < self.sub_buckets:
            return value
        exponent = value.bit_length() - self.shift  # how many halvings bring value below sub_buckets
        half = self.sub_buckets // 2
        return self.sub_buckets + (exponent - 1) * half + ((value >> exponent) - half)

    def bounds(self, index: int) -> tuple[int, int]:
        """The values [low, high] that bucket `index` holds."""
        if index < self.sub_buckets:
            return index, index
        half = self.sub_buckets // 2
        exponent = (index - self.sub_buckets) // half + 1
        low = (half + (index - self.sub_buckets) % half) << exponent
        return low, low + (1 << exponent) - 1

    def record(self, value: float, count: int = 1) -> None:
        v = max(0, int(round(value)))
        i = self.bucket_of(v)
        self.counts[i] = self.counts.get(i, 0) + count
        self.total += count
        self.max_value = max(self.max_value, v)

    def record_all(self, values: Iterable[float]) -> LogLinearHistogram:
        for v in values:
            self.record(v)
        return self

    def merge(self, other: LogLinearHistogram) -> LogLinearHistogram:
        """Add another histogram's counts (same sub_buckets): exact, unlike averaging percentiles."""
        if other.sub_buckets != self.sub_buckets:
            raise ValueError("merge histograms with the same sub_buckets")
        for i, c in other.counts.items():
            self.counts[i] = self.counts.get(i, 0) + c
        self.total += other.total
        self.max_value = max(self.max_value, other.max_value)
        return self

    def value_at(self, q: float) -> float:
        """The q-th percentile (0 < q <= 100) by nearest rank, reported as the middle of its bucket; nan when empty."""
        if self.total == 0:
            return math.nan
        rank = max(1, math.ceil(q / 100 * self.total))
        seen = 0
        for i in sorted(self.counts):
            seen += self.counts[i]
            if seen >= rank:
                low, high = self.bounds(i)
                return (low + min(high, self.max_value)) / 2
        return float(self.max_value)

    @property
    def buckets_used(self) -> int:
        return len(self.counts)
