"""Pay-per-use vs always-on, for module 07: AWS Lambda's and AWS Fargate's published price formulas, as inputs with
dated defaults, and the course's reference answers for exercise 5 (cold-start share, monthly cost, break-even)."""

from __future__ import annotations

import math
from dataclasses import dataclass

HOURS_PER_MONTH = 730  # AWS's pricing pages and calculator count a month as 730 hours


@dataclass(frozen=True)
class LambdaPrices:
    """AWS Lambda on-demand, x86, US East (N. Virginia): $0.20 per million requests and $0.0000166667 per GB-second
    (the first 6 billion GB-seconds of a month; cheaper tiers above, and Arm is about 20% cheaper), with a free tier of
    1,000,000 requests and 400,000 GB-seconds a month. Duration is billed per 1 ms, rounded up; since 1 August 2025
    the INIT phase of a cold start is billed as duration too. Sources: aws.amazon.com/lambda/pricing/ (its worked
    examples: $0.00001667 per GB-s, $0.20 per 1M requests, the free tier) and the AWS Compute Blog, "AWS Lambda
    standardizes billing for INIT Phase" (April 2025); read for this course on 2026-11-30. Prices change: these are
    inputs, check the page before you decide anything with them."""

    usd_per_million_requests: float = 0.20
    usd_per_gb_second: float = 0.0000166667
    free_requests: float = 1_000_000
    free_gb_seconds: float = 400_000
    seconds_per_month: float = HOURS_PER_MONTH * 3600

    def without_free_tier(self) -> LambdaPrices:
        return LambdaPrices(self.usd_per_million_requests, self.usd_per_gb_second, 0, 0, self.seconds_per_month)


@dataclass(frozen=True)
class FargatePrices:
    """AWS Fargate on-demand, Linux/x86, US East (N. Virginia): $0.04048 per vCPU-hour and $0.004445 per GB-hour,
    billed per second. Those figures come from third-party summaries dated March–June 2026 that agree with each other;
    the rate table on aws.amazon.com/fargate/pricing/ is rendered by script and could not be read for this course,
    so treat them as inputs and check them there."""

    usd_per_vcpu_hour: float = 0.04048
    usd_per_gb_hour: float = 0.004445
    hours_per_month: float = HOURS_PER_MONTH


def always_on_monthly_usd(tasks: int, vcpu: float, memory_gb: float, prices: FargatePrices = FargatePrices()) -> float:
    """What `tasks` containers of `vcpu` and `memory_gb` cost a month when they run all the time."""
    return tasks * (vcpu * prices.usd_per_vcpu_hour + memory_gb * prices.usd_per_gb_hour) * prices.hours_per_month


def cold_start_share(rps: float, keep_warm_s: float) -> float:
    """The course's reference answer to exercise 5, part 1."""
    if rps < 0 or keep_warm_s < 0:
        raise ValueError("rps and keep_warm_s must not be negative")
    return math.exp(-rps * keep_warm_s)


def function_monthly_cost(rps: float, duration_ms: float, memory_mb: float, prices: LambdaPrices,
                          init_ms: float = 0.0, cold_share: float = 0.0) -> float:
    """The course's reference answer to exercise 5, part 2."""
    requests = rps * prices.seconds_per_month
    billed_ms = (1 - cold_share) * math.ceil(duration_ms) + cold_share * math.ceil(duration_ms + init_ms)
    gb_seconds = requests * (memory_mb / 1024) * billed_ms / 1000
    request_usd = max(0.0, requests - prices.free_requests) / 1e6 * prices.usd_per_million_requests
    duration_usd = max(0.0, gb_seconds - prices.free_gb_seconds) * prices.usd_per_gb_second
    return request_usd + duration_usd


def break_even_rps(duration_ms: float, memory_mb: float, always_on_usd: float, prices: LambdaPrices,
                   init_ms: float = 0.0, cold_share: float = 0.0) -> float:
    """The course's reference answer to exercise 5, part 3: the smallest steady rps at which the function costs as
    much a month as `always_on_usd` (cost is piecewise linear in the request count: solve each piece)."""
    if always_on_usd <= 0:
        return 0.0
    per_request_usd = prices.usd_per_million_requests / 1e6
    billed_ms = (1 - cold_share) * math.ceil(duration_ms) + cold_share * math.ceil(duration_ms + init_ms)
    gb_s_per_request = (memory_mb / 1024) * billed_ms / 1000
    per_gb_usd = prices.usd_per_gb_second
    kink_requests = prices.free_requests
    kink_duration = prices.free_gb_seconds / gb_s_per_request if gb_s_per_request > 0 else math.inf
    best = math.inf
    for use_requests in (False, True):
        for use_duration in (False, True):
            slope = (per_request_usd if use_requests else 0.0) + (per_gb_usd * gb_s_per_request if use_duration else 0.0)
            if slope <= 0:
                continue
            offset = (per_request_usd * kink_requests if use_requests else 0.0) + (
                per_gb_usd * prices.free_gb_seconds if use_duration else 0.0)
            n = (always_on_usd + offset) / slope
            in_piece = (n >= kink_requests) == use_requests and (n >= kink_duration) == use_duration
            if in_piece:
                best = min(best, n)
    return best / prices.seconds_per_month
