"""Module 06's performance lab: honest load measurement, load shapes, caches (in process and in Redis), HTTP caching,
profiling, event-loop lag, capacity (USL, pools, autoscaling) and a regression gate, with reference answers."""

from backendlab.labs.performance.cache import (
    Backend,
    BackendError,
    NoCache,
    SingleFlightCache,
    TTLCache,
    lru_hit_ratio,
    make_catalog_app,
    zipf_keys,
)
from backendlab.labs.performance.capacity import (
    autoscale,
    fit_usl,
    make_pool_app,
    make_usl_app,
    seasonal_forecast,
    simulate_queue,
    traffic,
    usl,
)
from backendlab.labs.performance.clients import Sample, closed_loop, open_loop, throughput_at
from backendlab.labs.performance.eventloop import make_items, make_lag_app
from backendlab.labs.performance.histogram import LogLinearHistogram
from backendlab.labs.performance.httpcache import SharedCache, make_origin_app, parse_cache_control
from backendlab.labs.performance.profiling import (
    CURRENCIES,
    Customer,
    Order,
    RatesClient,
    call_tree,
    draw_icicle,
    fast_order_report,
    find_customer,
    make_data,
    profile,
    slow_order_report,
    top_functions,
)
from backendlab.labs.performance.rediscache import RedisCacheAside
from backendlab.labs.performance.regression import interleaved_timings, median_speedup, ratio_interval, regression_verdict
from backendlab.labs.performance.shapes import FakeClock, StagesShape, class_source, schedule, shape_locustfile
from backendlab.labs.performance.workload import (
    backfill,
    corrected_percentiles,
    make_stall_app,
    nearest_rank,
    p99_spread,
    rank_interval,
)

__all__ = [
    "CURRENCIES", "Backend", "BackendError", "Customer", "FakeClock", "LogLinearHistogram", "NoCache", "Order",
    "RatesClient", "RedisCacheAside", "Sample", "SharedCache", "SingleFlightCache", "StagesShape", "TTLCache",
    "autoscale", "backfill", "call_tree", "class_source", "closed_loop", "corrected_percentiles", "draw_icicle",
    "fast_order_report", "find_customer", "fit_usl", "interleaved_timings", "lru_hit_ratio", "make_catalog_app",
    "make_data", "make_items", "make_lag_app", "make_origin_app", "make_pool_app", "make_stall_app", "make_usl_app",
    "median_speedup", "nearest_rank", "open_loop", "p99_spread", "parse_cache_control", "profile", "rank_interval",
    "ratio_interval", "regression_verdict", "schedule", "seasonal_forecast", "shape_locustfile", "simulate_queue",
    "slow_order_report", "throughput_at", "top_functions", "traffic", "usl", "zipf_keys",
]
