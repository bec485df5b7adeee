"""backendlab.plots: waterfalls, RED panels and alert charts that are titled, labelled with units, and right."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from backendlab import plots  # noqa: E402
from backendlab.labs import telemetry as tel  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def two_service_trace() -> tel.Tracing:
    tracing = tel.setup_tracing()
    with tracing.tracer("gateway").start_as_current_span("GET /checkout/{order_id}"):
        with tracing.tracer("orders").start_as_current_span("GET /orders/{order_id}"):
            with tracing.tracer("orders").start_as_current_span("SELECT orders"):
                pass
    with tracing.tracer("gateway").start_as_current_span("another trace"):
        pass
    return tracing


def test_trace_waterfall_draws_one_bar_per_span_of_the_first_trace_children_under_parents() -> None:
    tracing = two_service_trace()
    fig = plots.trace_waterfall(tracing.spans())
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["gateway: GET /checkout/{order_id}", "  orders: GET /orders/{order_id}", "    orders: SELECT orders"]
    assert len(ax.patches) == 3
    assert "(ms)" in ax.get_xlabel() and ax.get_ylabel() and "3 spans" in ax.get_title()


def test_trace_waterfall_accepts_span_rows_and_marks_errors() -> None:
    rows = tel.span_rows(two_service_trace().spans())
    rows[1]["status"] = "ERROR"
    fig = plots.trace_waterfall(rows[:3], title="failed")
    colors = [p.get_facecolor() for p in fig.axes[0].patches]
    assert colors[1] != colors[2] and fig.axes[0].get_title() == "failed"


def test_trace_waterfall_without_spans_says_what_to_do() -> None:
    with pytest.raises(ValueError, match="wait_for_spans"):
        plots.trace_waterfall([])


def test_red_dashboard_has_three_labelled_panels_with_units() -> None:
    fig = plots.red_dashboard([1, 2], [10, 12], [0.0, 0.05], {"p50": [5, 6], "p99": [9, 40]}, events={"deploy": 1.5})
    ylabels = [ax.get_ylabel() for ax in fig.axes]
    assert ylabels == ["rate (req/s)", "errors (% of requests)", "duration (ms)"]
    assert fig.axes[1].lines[0].get_ydata()[1] == pytest.approx(5.0)  # ratios are shown as percent
    assert "(s)" in fig.axes[2].get_xlabel()


def test_latency_percentiles_draws_a_bar_per_quantile_and_sample() -> None:
    fig = plots.latency_percentiles({"a": list(range(1, 101)), "b": [5] * 10}, quantiles=(0.5, 0.99))
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights == [50, 99, 5, 5] and fig.axes[0].get_ylabel() == "latency (ms)"


def test_burn_rate_chart_and_anomaly_chart_are_titled_and_labelled() -> None:
    fig = plots.burn_rate_chart(range(120), {"1 h": [1.0] * 120}, {"14.4x": 14.4}, {"page": [False] * 100 + [True] * 20})
    assert fig.axes[0].get_yscale() == "log" and fig.axes[1].get_xlabel() == "simulated time (hours)"
    fig = plots.anomaly_chart([1.0, 2.0, 9.0, 2.0], [2], [2])
    assert fig.axes[0].get_title() and fig.axes[0].get_ylabel() == "latency (ms)"


def test_show_rows_aligns_columns_and_rounds_numbers() -> None:
    text = plots.show_rows([{"name": "a", "ms": 1.23456}, {"name": "bb", "ms": 12345.6}])
    lines = text.splitlines()
    assert lines[0].split() == ["name", "ms"] and lines[2].split() == ["a", "1.23"] and lines[3].split() == ["bb", "12,346"]
