"""Pictures of telemetry that a learner would rather look at than read: trace waterfalls, RED panels, percentiles, alerts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

SERVICE_COLORS = ("#4C72B0", "#DD8452", "#55A868", "#8172B3", "#937860", "#DA8BC3")
ERROR_COLOR = "#C44E52"


def _span_fields(span: Any) -> dict[str, Any]:
    """ReadableSpan or a span row (from telemetry.span_rows) -> the fields a waterfall needs."""
    if isinstance(span, Mapping):
        start = float(span["start_ns"])
        return {
            "service": span["service"],
            "name": span["name"],
            "span_id": span["span_id"],
            "parent_id": span["parent_id"],
            "trace_id": span["trace_id"],
            "start_ns": start,
            "end_ns": start + float(span["duration_ms"]) * 1e6,
            "error": span["status"] == "ERROR",
        }
    return {
        "service": str(span.resource.attributes.get("service.name", "?")),
        "name": span.name,
        "span_id": format(span.context.span_id, "016x"),
        "parent_id": format(span.parent.span_id, "016x") if span.parent else None,
        "trace_id": format(span.context.trace_id, "032x"),
        "start_ns": float(span.start_time or 0),
        "end_ns": float(span.end_time or span.start_time or 0),
        "error": span.status.status_code.name == "ERROR",
    }


def _tree_order(spans: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """Spans depth-first (parents before children, siblings by start time) with their depth, like Jaeger lists them."""
    ids = {s["span_id"] for s in spans}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for s in spans:
        parent = s["parent_id"] if s["parent_id"] in ids else None  # a remote or missing parent makes a root
        children.setdefault(parent, []).append(s)
    ordered: list[tuple[dict[str, Any], int]] = []
    stack = [(s, 0) for s in sorted(children.get(None, []), key=lambda s: s["start_ns"], reverse=True)]
    while stack:
        span, depth = stack.pop()
        ordered.append((span, depth))
        kids = sorted(children.get(span["span_id"], []), key=lambda s: s["start_ns"], reverse=True)
        stack.extend((k, depth + 1) for k in kids)
    return ordered


def trace_waterfall(spans: Sequence[Any], title: str | None = None, ax: Axes | None = None) -> Figure:
    """A Jaeger-style waterfall of ONE trace: a bar per span from its start to its end, children under parents.

    `spans` are OpenTelemetry ReadableSpans or rows from telemetry.span_rows. Bars are coloured by service;
    errors are red with a hatch. Spans of several traces: the trace of the first span is drawn.
    """
    fields = [_span_fields(s) for s in spans]
    if not fields:
        raise ValueError("trace_waterfall needs at least one span (did the request finish? try tracing.wait_for_spans).")
    trace_id = fields[0]["trace_id"]
    fields = [f for f in fields if f["trace_id"] == trace_id]
    rows = _tree_order(fields)
    t0 = min(f["start_ns"] for f in fields)
    total_ms = (max(f["end_ns"] for f in fields) - t0) / 1e6
    services = list(dict.fromkeys(f["service"] for f, _ in rows))
    colors = {s: SERVICE_COLORS[i % len(SERVICE_COLORS)] for i, s in enumerate(services)}
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.4))
    fig = ax.figure
    for y, (f, _depth) in enumerate(rows):
        start_ms = (f["start_ns"] - t0) / 1e6
        width_ms = max((f["end_ns"] - f["start_ns"]) / 1e6, total_ms * 0.002)
        ax.barh(
            y, width_ms, left=start_ms, height=0.6,
            color=ERROR_COLOR if f["error"] else colors[f["service"]],
            hatch="//" if f["error"] else None, edgecolor="black", linewidth=0.4,
        )  # fmt: skip
        ax.text(start_ms + width_ms + total_ms * 0.01, y, f"{(f['end_ns'] - f['start_ns']) / 1e6:.1f} ms", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(["  " * depth + f"{f['service']}: {f['name']}" for f, depth in rows], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, total_ms * 1.15 if total_ms > 0 else 1)
    ax.set_xlabel("time since the trace started (ms)")
    ax.set_ylabel("span (service: name)")
    ax.set_title(title or f"Trace {trace_id[:8]}…: {len(rows)} spans, {total_ms:.1f} ms end to end")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colors[s]) for s in services]
    labels = list(services)
    if any(f["error"] for f, _ in rows):
        handles.append(plt.Rectangle((0, 0), 1, 1, color=ERROR_COLOR, hatch="//"))
        labels.append("error")
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="service", title_fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def red_dashboard(
    times_s: Sequence[float],
    rate_rps: Sequence[float],
    error_ratio: Sequence[float],
    percentiles_ms: Mapping[str, Sequence[float]],
    title: str = "RED metrics over the load run",
    events: Mapping[str, float] | None = None,
    xlabel: str = "time since the load started (s)",
) -> Figure:
    """Three stacked panels sharing the time axis: Rate (req/s), Errors (% of requests), Duration (ms, percentiles).

    `events` maps a label to a time (s), drawn as a vertical line on every panel (e.g. "fault injected").
    """
    fig, (ax_r, ax_e, ax_d) = plt.subplots(3, 1, figsize=(9, 7), sharex=True)
    ax_r.plot(times_s, rate_rps, marker="o", color=SERVICE_COLORS[0])
    ax_r.set_ylabel("rate (req/s)")
    ax_r.set_ylim(bottom=0)
    ax_e.plot(times_s, [100 * e for e in error_ratio], marker="o", color=ERROR_COLOR)
    ax_e.set_ylabel("errors (% of requests)")
    ax_e.set_ylim(bottom=0)
    for i, (label, values) in enumerate(percentiles_ms.items()):
        ax_d.plot(times_s, values, marker="o", label=label, color=SERVICE_COLORS[(i + 1) % len(SERVICE_COLORS)])
    ax_d.set_ylabel("duration (ms)")
    ax_d.set_xlabel(xlabel)
    ax_d.set_ylim(bottom=0)
    ax_d.legend(loc="upper left", fontsize=8)
    for label, at in (events or {}).items():
        for ax in (ax_r, ax_e, ax_d):
            ax.axvline(at, color="grey", linestyle="--", linewidth=1)
        ax_r.annotate(label, (at, 0), xytext=(4, 4), textcoords="offset points", fontsize=8, color="grey")
    for ax in (ax_r, ax_e, ax_d):
        ax.grid(alpha=0.3)
    ax_r.set_title(title)
    fig.tight_layout()
    return fig


def latency_percentiles(
    values_ms: Mapping[str, Sequence[float]], quantiles: Sequence[float] = (0.5, 0.9, 0.95, 0.99), title: str = "Latency percentiles"
) -> Figure:
    """For each named sample of latencies (ms), its percentiles side by side: where the tail lives."""
    fig, ax = plt.subplots(figsize=(8, 4))
    names = list(values_ms)
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        data = sorted(float(v) for v in values_ms[name])
        heights = [data[min(len(data) - 1, max(0, math.ceil(q * len(data)) - 1))] if data else math.nan for q in quantiles]
        xs = [j + i * width for j in range(len(quantiles))]
        bars = ax.bar(xs, heights, width=width, label=name, color=SERVICE_COLORS[i % len(SERVICE_COLORS)])
        ax.bar_label(bars, fmt="%.0f", fontsize=8)
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(quantiles))])
    ax.set_xticklabels([f"p{q * 100:g}" for q in quantiles])
    ax.set_xlabel("percentile")
    ax.set_ylabel("latency (ms)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def burn_rate_chart(
    minutes: Sequence[float],
    burn_rates: Mapping[str, Sequence[float]],
    thresholds: Mapping[str, float],
    firing: Mapping[str, Sequence[bool]] | None = None,
    title: str = "Error-budget burn rate",
) -> Figure:
    """Burn rate per window over time (log scale) with the alert thresholds, and when each alert fires underneath."""
    firing = firing or {}
    fig, (ax, ax_f) = plt.subplots(
        2, 1, figsize=(9, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 0.6 + 0.4 * max(1, len(firing))]}
    )
    hours = [m / 60 for m in minutes]
    for i, (label, series) in enumerate(burn_rates.items()):
        ax.plot(hours, [max(v, 1e-2) for v in series], label=label, color=SERVICE_COLORS[i % len(SERVICE_COLORS)], linewidth=1.2)
    for label, value in thresholds.items():
        ax.axhline(value, color="grey", linestyle="--", linewidth=1)
        ax.annotate(label, (hours[0] if hours else 0, value), xytext=(2, 3), textcoords="offset points", fontsize=8, color="grey")
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.05)
    ax.set_ylabel("burn rate (× budget pace, log)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    for i, flags in enumerate(firing.values()):
        xs = [h for h, f in zip(hours, flags, strict=False) if f]
        ax_f.scatter(xs, [i] * len(xs), marker="|", s=120, color=ERROR_COLOR)
    ax_f.set_yticks(range(len(firing)))
    ax_f.set_yticklabels(list(firing), fontsize=8)
    ax_f.set_ylim(-0.6, max(0.6, len(firing) - 0.4))
    ax_f.set_ylabel("firing")
    ax_f.set_xlabel("simulated time (hours)")
    fig.tight_layout()
    return fig


def anomaly_chart(series: Sequence[float], flagged: Sequence[int], labels: Sequence[int] = (), title: str = "Anomalies") -> Figure:
    """A latency series (ms per minute) with the detector's flags (red) and, if known, the true anomalies (rings)."""
    fig, ax = plt.subplots(figsize=(10, 3.8))
    ax.plot(range(len(series)), series, color=SERVICE_COLORS[0], linewidth=1, label="p95 latency")
    if labels:
        ax.scatter(labels, [series[i] for i in labels], s=80, facecolors="none", edgecolors="black", label="true anomaly")
    if flagged:
        ax.scatter(flagged, [series[i] for i in flagged], s=22, color=ERROR_COLOR, zorder=3, label="flagged")
    ax.set_xlabel("simulated time (minutes)")
    ax.set_ylabel("latency (ms)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def show_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, limit: int = 20) -> str:
    """Rows as an aligned text table (numbers rounded), for printing; at most `limit` rows."""
    rows = list(rows)[:limit]
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return "nan" if math.isnan(value) else f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
        return str(value)

    table = [[str(c) for c in columns]] + [[cell(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
