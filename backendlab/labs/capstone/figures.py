"""The capstone's pictures: the SLO plot of the load run, and what each payments client made the downstream take."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from backendlab.labs.capstone.config import MAX_ERROR_RATIO, P99_RATIO
from backendlab.labs.capstone.load import LoadComparison

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLORS = {"reference": "#4C72B0", "yours": "#DD8452"}


def slo_figure(result: LoadComparison, title: str = "Reads under load: your service and the reference, same run") -> Figure:
    """Left: p50/p95/p99 of the reads per target, with the allowed p99 (P99_RATIO x the reference's, floor included).
    Right: the error ratio per target against the allowed 1 %."""
    import matplotlib.pyplot as plt

    fig, (ax, ax_err) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [3, 1.2]})
    quantiles = ("p50_ms", "p95_ms", "p99_ms")
    for i, target in enumerate(("reference", "yours")):
        row = result.stat(target, "GET")
        xs = [j + i * 0.38 for j in range(len(quantiles))]
        bars = ax.bar(xs, [row[q] for q in quantiles], width=0.38, label=f"{target} ({row['requests']} reads)", color=COLORS[target])
        ax.bar_label(bars, fmt="%.0f", fontsize=8)
    allowed = result.allowed_ms("GET", "p99_ms")
    values = [result.stat(t, "GET")[q] for t in ("reference", "yours") for q in quantiles]
    highest = max([allowed] + [v for v in values if not math.isnan(v)])
    ax.set_ylim(0, highest * 1.35)
    ax.axhline(allowed, color="black", linestyle="--", linewidth=1)
    ax.annotate(f"allowed p99: {allowed:.0f} ms ({P99_RATIO:g}× the reference)", (len(quantiles) - 0.6, allowed), xytext=(0, 4),
                textcoords="offset points", fontsize=8, ha="right")
    ax.set_xticks([j + 0.19 for j in range(len(quantiles))], [q[:3] for q in quantiles])
    ax.set_xlabel("percentile of GET latency")
    ax.set_ylabel("latency (ms)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    ratios = [100 * result.error_ratio(t) for t in ("reference", "yours")]
    ax_err.bar(["reference", "yours"], ratios, color=[COLORS["reference"], COLORS["yours"]])
    ax_err.axhline(100 * MAX_ERROR_RATIO, color="black", linestyle="--", linewidth=1)
    ax_err.set_ylim(0, max(2 * 100 * MAX_ERROR_RATIO, *ratios) * 1.15)
    ax_err.set_ylabel("failed requests (%)")
    ax_err.set_xlabel("target")
    ax_err.set_title("errors (allowed: 1 %)", fontsize=10)
    fig.tight_layout()
    return fig


def amplification_figure(drills: dict[str, list[Any]], title: str = "What the downstream had to take, per drill phase") -> Figure:
    """Downstream requests per phase for each payments client (drills: client name -> run_fault_drills phases)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6))
    names = list(drills)
    phases = [p.name for p in next(iter(drills.values()))] if drills else []
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        counts = [p.attempts for p in drills[name]]
        bars = ax.bar([j + i * width for j in range(len(phases))], counts, width=width, label=name)
        ax.bar_label(bars, fontsize=8)
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(phases))], phases)
    ax.set_xlabel("drill phase (the fault the proxy injected)")
    ax.set_ylabel("requests sent to payments")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
