"""The graded milestones, one function per behaviour-level test cell (the notebooks' hidden tests call them with
full=True). Each runs your part inside the course's service and raises backendlab.checks.CheckFailed, with what was
expected, what came back and a hint, at the first broken promise."""

from backendlab.labs.capstone.milestones_cache import cache_contract, cache_under_load
from backendlab.labs.capstone.milestones_data import (
    api_conformance,
    api_retries,
    api_shutdown,
    available,
    check_probes,
    conformance_report,
    store_crud,
    store_races,
)
from backendlab.labs.capstone.milestones_resilience import (
    payments_breaker,
    payments_drills,
    payments_retries,
)
from backendlab.labs.capstone.milestones_secure import (
    attack_results,
    check_attacks,
    guard_limits,
    guard_tokens,
    observability_metrics_logs,
    observability_trace,
)

__all__ = [
    "api_conformance",
    "api_retries",
    "api_shutdown",
    "attack_results",
    "available",
    "cache_contract",
    "cache_under_load",
    "check_attacks",
    "check_probes",
    "conformance_report",
    "guard_limits",
    "guard_tokens",
    "observability_metrics_logs",
    "observability_trace",
    "payments_breaker",
    "payments_drills",
    "payments_retries",
    "store_crud",
    "store_races",
]
