"""Reference answer of exercise 5: the proof-point report in Markdown, and reading a report back."""

from __future__ import annotations

import re
from typing import Any

from backendlab.labs.career.readiness import current_milestone, next_milestone

REPORT_SECTIONS = ("Summary", "Module scores", "Readiness", "Charts", "Next steps", "Built and measured")


def _pct(value: float) -> str:
    return f"{round(100 * value)}%"


def render_report(
    title: str,
    evidence: dict[str, Any],
    matrix: dict[str, Any],
    ready: dict[str, float],
    steps: list[dict[str, Any]],
    plots: dict[str, str],
    highlights: list[str],
) -> str:
    """Exercise 5 (reference): the proof-point report in Markdown (see the notebook for the required format)."""
    current = current_milestone(ready, matrix)
    target = next_milestone(ready, matrix)
    ms = matrix["milestones"]
    lines = [f"# {title}", "", "## Summary", ""]
    lines.append(f"- Current milestone: {ms[current]['title'] if current else 'none yet'}")
    lines.append(f"- Next target: {ms[target]['title'] if target else 'none (top milestone reached)'}")
    lines += ["", f"A milestone counts as reached at {_pct(matrix['ready_at'])} readiness."]  # not a third bullet
    lines += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for mid in sorted(evidence.get("modules", {})):
        rec = evidence["modules"][mid]
        percent = round(100 * rec["score"] / rec["max_score"]) if rec["max_score"] else 0  # the formula of the docstring
        lines.append(f"| {mid} | {rec['score']:g} | {rec['max_score']:g} | {percent}% |")
    if not evidence.get("modules"):
        lines += ["", "No self-check scores yet."]
    lines += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for mid, milestone in ms.items():
        lines.append(f"| {milestone['title']} | {_pct(ready.get(mid, 0.0))} |")
    lines += ["", "## Charts", ""]
    lines += [f"![{name}]({path})" for name, path in plots.items()]
    lines += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] != "available" else ""
        redo = f"; redo {', '.join(step['redo'])}" if step["redo"] else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}{redo}")
    if not steps:
        lines.append("No module to take next: keep producing evidence at work.")
    lines += ["", "## Built and measured", ""]
    lines += [f"- {h}" for h in highlights] or ["Nothing recorded yet."]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------ reading a report back

_TABLE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def parse_report(markdown: str) -> dict[str, Any]:
    """Read a Markdown report back: title, h2 sections in order, and per section its tables, bullets and numbered items.

    {"title": str | None, "sections": [name], "tables": {section: [{"header": [..], "rows": [[..]]}]},
     "bullets": {section: [text]}, "numbered": {section: [text]}, "images": [(alt, target)], "text": {section: str}}
    """
    report: dict[str, Any] = {"title": None, "sections": [], "tables": {}, "bullets": {}, "numbered": {}, "images": [], "text": {}}
    section = ""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("# ") and report["title"] is None and not report["sections"]:
            report["title"] = line[2:].strip()
        elif line.startswith("## "):
            section = line[3:].strip()
            report["sections"].append(section)
        elif line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_SEP.match(lines[i + 1].strip()):
            table = {"header": _cells(line), "rows": []}
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                table["rows"].append(_cells(lines[i]))
                i += 1
            report["tables"].setdefault(section, []).append(table)
            continue
        else:
            bullet = re.match(r"^\s*[-*+]\s+(.*)$", line)
            numbered = re.match(r"^\s*\d+[.)]\s+(.*)$", line)
            if bullet:
                report["bullets"].setdefault(section, []).append(bullet.group(1).strip())
            elif numbered:
                report["numbered"].setdefault(section, []).append(numbered.group(1).strip())
            report["images"] += _IMAGE.findall(line)
        report["text"][section] = report["text"].get(section, "") + line + "\n"
        i += 1
    return report


def parse_percent(cell: str) -> int | None:
    """'67%' -> 67; None when the cell is not a whole-number percentage."""
    match = re.fullmatch(r"\s*(-?\d+)\s*%\s*", cell)
    return int(match.group(1)) if match else None


def parse_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def report_facts(markdown: str) -> dict[str, Any]:
    """What render_report's contract fixes, read back from its Markdown (the hidden tests compare these, not the prose)."""
    parsed = parse_report(markdown)
    tables = {name: [t["rows"] for t in parsed["tables"].get(name, [])[:1]] for name in ("Module scores", "Readiness")}
    return {
        "title": parsed["title"],
        "sections": [s for s in parsed["sections"] if s in REPORT_SECTIONS],
        "summary": parsed["bullets"].get("Summary", []),
        "module rows": tables["Module scores"][0] if tables["Module scores"] else None,
        "readiness rows": tables["Readiness"][0] if tables["Readiness"] else None,
        "images": parsed["images"],
        "steps (module, coming)": [(item.split()[0] if item.split() else "", "(coming)" in item)
                                   for item in parsed["numbered"].get("Next steps", [])],
        "highlights": parsed["bullets"].get("Built and measured", []),
    }
