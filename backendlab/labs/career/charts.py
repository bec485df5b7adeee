"""Charts of module 10: skills per topic on a radar against each milestone's bar, and the best score per module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backendlab.labs.career.readiness import module_fraction

if TYPE_CHECKING:  # matplotlib is imported by the chart functions only: importing the lab stays cheap
    from matplotlib.figure import Figure


def topic_levels(levels: dict[str, float], matrix: dict[str, Any]) -> dict[str, float]:
    """Mean skill level per topic (topics without skills left out), in matrix order."""
    result = {}
    for tid in matrix["topics"]:
        values = [levels.get(sid, 0.0) for sid, s in matrix["skills"].items() if s["topic"] == tid]
        if values:
            result[tid] = sum(values) / len(values)
    return result


def topic_bars(matrix: dict[str, Any], milestone: str) -> dict[str, float]:
    """A milestone's mean bar per topic (a skill without a bar counts 0), on the same topics as topic_levels."""
    bars = matrix["milestones"][milestone]["bars"]
    return topic_levels({sid: bars.get(sid, 0.0) for sid in matrix["skills"]}, matrix)


def radar_chart(levels: dict[str, float], matrix: dict[str, Any], title: str = "Your skills per topic vs each milestone's bar") -> Figure:
    """A radar (spider) chart: the learner's mean level per topic, filled, against each milestone's bar as a line."""
    import matplotlib.pyplot as plt
    import numpy as np

    mine = topic_levels(levels, matrix)
    topics = list(mine)
    angles = np.linspace(0, 2 * np.pi, len(topics), endpoint=False).tolist()
    closed = angles + angles[:1]
    fig = plt.figure(figsize=(7.5, 6.5))
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)  # first topic at the top, then clockwise
    ax.set_theta_direction(-1)
    colours = plt.get_cmap("viridis")(np.linspace(0.15, 0.85, len(matrix["milestones"])))
    for colour, (mid, milestone) in zip(colours, matrix["milestones"].items(), strict=True):
        bar = topic_bars(matrix, mid)
        values = [bar[t] for t in topics]
        ax.plot(closed, values + values[:1], linestyle="--", linewidth=1.4, color=colour, label=f"{milestone['title']} bar")
    values = [mine[t] for t in topics]
    ax.plot(closed, values + values[:1], color="tab:red", linewidth=2.2, label="you")
    ax.fill(closed, values + values[:1], color="tab:red", alpha=0.2)
    ax.set_xticks(angles)
    ax.set_xticklabels([matrix["topics"][t].replace(" and ", "\nand ") for t in topics], fontsize=9)
    ax.set_ylim(0, 1)
    ax.set_yticks([0.25, 0.5, 0.75, 1.0])
    ax.set_yticklabels(["0.25", "0.5", "0.75", "1.0"], fontsize=8, color="grey")
    ax.set_rlabel_position(180 / len(topics))  # between the first two spokes
    ax.set_title(title, pad=24)
    fig.text(0.5, -0.02, "radius: mean skill level per topic (0 = no evidence, 1 = all the evidence the course and checklist collect)",
             ha="center", fontsize=8, color="dimgrey")
    ax.legend(loc="upper left", bbox_to_anchor=(1.05, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def progress_chart(evidence: dict[str, Any], matrix: dict[str, Any], title: str = "Best self-check score per module") -> Figure:
    """Horizontal bars: the score per module in course order; modules not checked yet and coming modules labelled."""
    import matplotlib.pyplot as plt

    names = list(matrix["modules"])
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.4))
    for y, mid in enumerate(names):
        status = matrix["modules"][mid]["status"]
        rec = evidence.get("modules", {}).get(mid)
        if status != "available":
            ax.barh(y, 100, color="none", edgecolor="lightgrey", hatch="//")
            ax.text(2, y, "coming", va="center", fontsize=8, color="grey")
        elif rec is None:
            ax.text(2, y, "not checked yet", va="center", fontsize=8, color="grey")
        else:
            share = 100 * module_fraction(evidence, mid)
            ax.barh(y, share, color="tab:blue")
            inside = share > 85
            ax.text(share - 1.5 if inside else share + 1.5, y, f"{rec['score']:g}/{rec['max_score']:g}", va="center",
                    ha="right" if inside else "left", fontsize=8, color="white" if inside else "black")
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("best self-check score (% of the module's points)")
    ax.set_ylabel("module")
    ax.set_title(title)
    fig.tight_layout()
    return fig
