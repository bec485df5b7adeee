"""Module 08's lab, AI in the backend: generated transactions, a numpy fraud model with a content-hashed version and a
registry, the scoring service (deadline fallback, micro-batching, shadow, metrics, traces), drift and canaries, a local
LLM provider (server-sent events, costs, 429s, faults), a streaming relay, embeddings and a semantic cache, and the guard
that treats a model's output as untrusted input. The notebooks say `from backendlab.labs import ai`.
"""

from backendlab.labs.ai.batching import MicroBatcher, SerialModel, drive, fire, linear_cost, poisson_arrivals, simulate_batching, sweep
from backendlab.labs.ai.embeddings import (
    DIM,
    QUESTIONS,
    RUNBOOK,
    SemanticCache,
    cosine,
    duckdb_index,
    embed,
    near_duplicates,
    top_k_duckdb,
    top_k_numpy,
)
from backendlab.labs.ai.guard import TOOLS, DraftReply, LookupOrder, UnsafeOutput, adversarial_outputs, guard_tool_call
from backendlab.labs.ai.llm import MODEL_NAME, FakeLLM, Faults, Stats, answer_tokens, count_tokens, sse, tool_call
from backendlab.labs.ai.mlops import (
    ALERT_AT,
    DRIFT_RULES_YAML,
    PSI_FLOOR,
    WARN_AT,
    arm_stats,
    canary_decision,
    canary_route,
    drift_metrics,
    drift_report,
    psi,
    shadow_summary,
)
from backendlab.labs.ai.model import BlockingModel, FailingModel, FraudModel, ModelRegistry, StubModel, TamperedModel, auc, train_logistic
from backendlab.labs.ai.relay import (
    ChatIn,
    RetryingClient,
    TokenBudget,
    aiter_sse,
    make_naive_relay_app,
    make_relay_app,
    parse_sse,
    read_stream,
)
from backendlab.labs.ai.serving import (
    ManualClock,
    ScoringService,
    make_prediction_app,
    make_scoring_service,
    timed_post,
    until,
    wait_ready,
)
from backendlab.labs.ai.transactions import (
    BLOCK_AT,
    FEATURES,
    MERCHANTS,
    RAW_COLUMNS,
    REVIEW_AT,
    RULES_CAP,
    RULES_VERSION,
    Transaction,
    TransactionSet,
    decision,
    feature_row,
    make_transactions,
    rule_score,
)

__all__ = [
    "ALERT_AT", "BLOCK_AT", "BlockingModel", "ChatIn", "DIM", "DRIFT_RULES_YAML", "DraftReply", "FEATURES", "FailingModel",
    "FakeLLM", "Faults", "FraudModel", "LookupOrder", "MERCHANTS", "MODEL_NAME", "ManualClock", "MicroBatcher", "ModelRegistry",
    "PSI_FLOOR", "QUESTIONS", "RAW_COLUMNS", "REVIEW_AT", "RULES_CAP", "RULES_VERSION", "RUNBOOK", "RetryingClient",
    "ScoringService", "SemanticCache", "SerialModel", "Stats", "StubModel", "TOOLS", "TamperedModel", "TokenBudget",
    "Transaction", "TransactionSet", "UnsafeOutput", "WARN_AT", "adversarial_outputs", "aiter_sse", "answer_tokens", "arm_stats",
    "auc", "canary_decision", "canary_route", "cosine", "count_tokens", "decision", "drift_metrics", "drift_report", "drive",
    "duckdb_index", "embed", "feature_row", "fire", "guard_tool_call", "linear_cost", "make_naive_relay_app",
    "make_prediction_app", "make_relay_app", "make_scoring_service", "make_transactions", "near_duplicates", "parse_sse",
    "poisson_arrivals", "psi", "read_stream", "rule_score", "shadow_summary", "simulate_batching", "sse", "sweep", "timed_post",
    "tool_call", "top_k_duckdb", "top_k_numpy", "train_logistic", "until", "wait_ready",
]
