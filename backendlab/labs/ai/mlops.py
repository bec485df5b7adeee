"""What a backend owns once a model is live: data drift (PSI) as Prometheus metrics with an alert rule, shadow traffic,
and a canary with a promote / roll back decision."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from prometheus_client import CollectorRegistry, Gauge, generate_latest

PSI_FLOOR = 1e-4
WARN_AT = 0.1  # PSI rules of thumb from credit scoring (Lewis, 1994; Siddiqi, 2006/2017): conventions, not a statistical test
ALERT_AT = 0.25

DRIFT_RULES_YAML = """
groups:
  - name: fraud-model-drift
    rules:
      - alert: FraudModelFeatureDrift
        expr: max by (feature) (fraud_model_feature_psi) >= 0.25
        for: 1h
        labels:
          severity: ticket
        annotations:
          summary: "{{ $labels.feature }} has drifted (PSI {{ $value }}): retrain, or check the upstream data"
      - alert: FraudModelFeatureShift
        expr: max by (feature) (fraud_model_feature_psi) >= 0.1
        for: 6h
        labels:
          severity: info
"""


def psi(reference: Sequence[float] | np.ndarray, current: Sequence[float] | np.ndarray, bins: int = 10) -> float:
    """Population stability index of current against reference, on the reference's quantile bins (see drift_report)."""
    ref, cur = np.asarray(reference, float), np.asarray(current, float)
    edges = np.unique(np.quantile(ref, np.arange(1, bins) / bins))
    r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1) / len(cur)
    r, c = np.maximum(r, PSI_FLOOR), np.maximum(c, PSI_FLOOR)
    return float(np.sum((c - r) * np.log(c / r)))


def drift_report(reference: Mapping[str, Any], current: Mapping[str, Any], warn: float = WARN_AT, alert: float = ALERT_AT,
                 bins: int = 10) -> dict[str, tuple[float, str]]:
    """Reference answer of exercise 3: {feature: (psi, "ok" | "warn" | "drift")} in reference's order."""
    report = {}
    for name, ref in reference.items():
        value = psi(ref, current[name], bins)
        report[name] = (value, "drift" if value >= alert else "warn" if value >= warn else "ok")
    return report


def drift_metrics(report: Mapping[str, tuple[float, str]], registry: CollectorRegistry | None = None) -> bytes:
    """The report as the Prometheus text a /metrics endpoint serves: fraud_model_feature_psi{feature=...}."""
    registry = registry or CollectorRegistry()
    gauge = Gauge("fraud_model_feature_psi", "Population stability index of a model input against its training data",
                  ["feature"], registry=registry)
    for name, (value, _) in report.items():
        gauge.labels(feature=name).set(value)
    return generate_latest(registry)


def canary_route(key: str, percent: float) -> bool:
    """True for about `percent` % of keys, always the same keys (a hash, not a coin): a customer stays on one model."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % 10_000 < percent * 100


def arm_stats(scores: Sequence[float], latencies_s: Sequence[float], errors: int, block_at: float) -> dict[str, float]:
    """Requests, error rate, p99 latency (ms) and block rate of one arm of a canary."""
    n = len(scores) + errors
    return {"requests": float(n), "error rate": errors / n if n else 0.0,
            "p99 ms": 1000 * float(np.percentile(latencies_s, 99)) if len(latencies_s) else 0.0,
            "block rate": float(np.mean(np.asarray(scores) >= block_at)) if len(scores) else 0.0}


def canary_decision(baseline: Mapping[str, float], canary: Mapping[str, float], *, min_requests: int = 300,
                    max_error_rate_increase: float = 0.005, max_p99_ratio: float = 1.25, max_block_rate_ratio: float = 1.5,
                    ) -> tuple[str, str]:
    """("wait" | "rollback" | "promote", why): wait for enough requests, roll back on any guard rail, else promote."""
    if canary["requests"] < min_requests:
        return "wait", f"{canary['requests']:.0f} of {min_requests} canary requests so far"
    if canary["error rate"] - baseline["error rate"] > max_error_rate_increase:
        return "rollback", f"error rate {canary['error rate']:.2%} vs {baseline['error rate']:.2%}"
    if baseline["p99 ms"] > 0 and canary["p99 ms"] / baseline["p99 ms"] > max_p99_ratio:
        return "rollback", f"p99 {canary['p99 ms']:.1f} ms vs {baseline['p99 ms']:.1f} ms"
    if canary["block rate"] > max_block_rate_ratio * max(baseline["block rate"], 1e-3):
        return "rollback", f"blocks {canary['block rate']:.2%} of payments vs {baseline['block rate']:.2%}"
    return "promote", "every guard rail held"


def shadow_summary(primary: Sequence[float], shadow: Sequence[float], decide: Any, block_at: float) -> dict[str, float]:
    """How a shadow model would have decided on the same requests: decision agreement, and score correlation."""
    p, s = np.asarray(primary, float), np.asarray(shadow, float)
    agree = float(np.mean([decide(a) == decide(b) for a, b in zip(p, s, strict=True)])) if len(p) else 1.0
    corr = float(np.corrcoef(p, s)[0, 1]) if len(p) > 1 and p.std() > 0 and s.std() > 0 else float("nan")
    return {"requests": float(len(p)), "decision agreement": agree, "score correlation": corr,
            "primary block rate": float(np.mean(p >= block_at)) if len(p) else 0.0,
            "shadow block rate": float(np.mean(s >= block_at)) if len(s) else 0.0}
