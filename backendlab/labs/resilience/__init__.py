"""Module 07's resilience lab: a flaky downstream and the payments/checkout pair, simulated clocks, retries, a
circuit breaker, overload, Redis Streams consumers, the transactional outbox, a saga, a function platform with cold
starts, price formulas, and graceful shutdown in a real subprocess, with the reference answers the notebooks fall
back to.

One file per concern (clock, flaky, demo, retries, breaker, overload, streams, outbox, saga, pricing, functions,
shutdown_app, shutdown); this package re-exports the names the notebooks and tests use, so a notebook says
`from backendlab.labs import resilience` and then `resilience.CircuitBreaker(...)`.
"""

from backendlab.labs.resilience.breaker import CircuitBreaker, CircuitOpen
from backendlab.labs.resilience.clock import FakeClock, ScriptedRandom, seeded
from backendlab.labs.resilience.demo import (
    Outcomes,
    PaymentsState,
    make_payments_app,
    median_ms,
    percentile,
)
from backendlab.labs.resilience.flaky import FlakyService
from backendlab.labs.resilience.functions import (
    COLD_PROGRAM,
    ColdStart,
    FunctionPool,
    Invocation,
    Throttled,
    fresh_process_ms,
    measure_cold_starts,
)
from backendlab.labs.resilience.outbox import (
    SCHEMA,
    Broker,
    new_event_id,
    open_db,
    outbox_rows,
    place_order,
    relay_outbox,
)
from backendlab.labs.resilience.overload import OverloadPoint, simulate_overload
from backendlab.labs.resilience.pricing import (
    HOURS_PER_MONTH,
    FargatePrices,
    LambdaPrices,
    always_on_monthly_usd,
    break_even_rps,
    cold_start_share,
    function_monthly_cost,
)
from backendlab.labs.resilience.retries import (
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    RetryBudget,
    StormResult,
    call_with_retries,
    downstream_load,
    full_jitter,
    is_idempotent,
    retry_after_seconds,
    simulate_retry_storm,
)
from backendlab.labs.resilience.saga import SagaResult, Shop, Step, run_saga
from backendlab.labs.resilience.shutdown import (
    Launched,
    free_port,
    get_in_background,
    launch,
    program_source,
    run_service,
    status_or_error,
)
from backendlab.labs.resilience.shutdown_app import ServiceState, make_app
from backendlab.labs.resilience.streams import (
    Crash,
    CrashingRedis,
    Ledger,
    consume_batch,
    done_key,
    fresh_names,
    keys_holding,
    new_stream,
    pending_count,
    publish,
)

__all__ = [
    "CircuitBreaker", "CircuitOpen",
    "FakeClock", "ScriptedRandom", "seeded",
    "Outcomes", "PaymentsState", "make_payments_app", "median_ms", "percentile",
    "FlakyService",
    "COLD_PROGRAM", "ColdStart", "FunctionPool", "Invocation", "Throttled", "fresh_process_ms", "measure_cold_starts",
    "SCHEMA", "Broker", "new_event_id", "open_db", "outbox_rows", "place_order", "relay_outbox",
    "OverloadPoint", "simulate_overload",
    "HOURS_PER_MONTH", "FargatePrices", "LambdaPrices", "always_on_monthly_usd", "break_even_rps", "cold_start_share",
    "function_monthly_cost",
    "IDEMPOTENT_METHODS", "RETRYABLE_STATUSES", "RetryBudget", "StormResult", "call_with_retries", "downstream_load",
    "full_jitter", "is_idempotent", "retry_after_seconds", "simulate_retry_storm",
    "SagaResult", "Shop", "Step", "run_saga",
    "Launched", "free_port", "get_in_background", "launch", "program_source", "run_service", "status_or_error",
    "ServiceState", "make_app",
    "Crash", "CrashingRedis", "Ledger", "consume_batch", "done_key", "fresh_names", "keys_holding", "new_stream",
    "pending_count", "publish",
]
