"""The capstone report: each notebook saves the sections it measured (JSON and figures) in the portfolio folder, and
the last one writes report.md (for people) and report.json (for the career module) from all of them."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backendlab import course, progress
from backendlab.scorecard import GRADING_ENV  # set while a notebook is being graded
from backendlab.servers.process import sweep_stale

MODULE = "09-capstone"
PROGRESS_KEY = f"{MODULE}/report"
SECTIONS = (  # name, title, what it proves
    ("contract", "Contract conformance", "every operation of the OpenAPI contract, its success and its documented errors"),
    ("integrity", "Data integrity", "concurrent bookings never oversell; a retried request has one effect (SQLite and PostgreSQL)"),
    ("observability", "Observability", "one trace across the service and its downstream; RED metrics; JSON logs with trace ids; the SLO"),
    ("security", "Security", "the attack suite: every attack refused, every legitimate request served"),
    ("resilience", "Resilience", "fault drills through the fault proxy: slow, flapping, down, recovered; never a 500"),
    ("load", "Load and the SLO", "a Locust run against your service and the course's reference service, interleaved"),
)


def report_dir() -> Path:
    """Where the report goes: $BACKENDLAB_PORTFOLIO/capstone, else <course root>/portfolio/capstone (not tracked by git),
    the same folder the career module uses. While a notebook is being graded, a temporary folder instead."""
    if os.environ.get(GRADING_ENV):
        folder = Path(tempfile.gettempdir()) / f"backendlab-capstone-graded-{os.getpid()}"
        if not folder.exists():  # a kernel killed at the end of grading runs no atexit: sweep what such kernels left
            sweep_stale("backendlab-capstone-graded-*", lambda old: int(old.name.rsplit("-", 1)[1]))
            atexit.register(shutil.rmtree, folder, True)  # a class grader runs hundreds of kernels: leave nothing behind
    else:
        env = os.environ.get("BACKENDLAB_PORTFOLIO")
        folder = (Path(env).expanduser() if env else course.root() / "portfolio") / "capstone"
    (folder / "sections").mkdir(parents=True, exist_ok=True)
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    return folder


def save_section(name: str, ok: bool, summary: str, details: dict[str, Any], parts: dict[str, str],
                 figures: dict[str, Any] | None = None) -> Path:
    """Keep one measured section: its verdict, a one-line summary, details (tables as text), which parts were yours
    ("yours" / "reference"), and figures (matplotlib Figures, saved as PNG). Returns the JSON file."""
    if name not in {s for s, _, _ in SECTIONS}:
        raise ValueError(f"unknown section {name!r}: one of {[s for s, _, _ in SECTIONS]}")
    folder = report_dir()
    saved = []
    for label, fig in (figures or {}).items():
        file = folder / "figures" / f"{name}-{label}.png"
        fig.savefig(file, dpi=110, bbox_inches="tight")
        saved.append(f"figures/{file.name}")
    record = {"name": name, "ok": bool(ok), "summary": summary, "details": details, "parts": parts, "figures": saved,
              "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    file = folder / "sections" / f"{name}.json"
    file.write_text(json.dumps(record, indent=2, default=str), encoding="utf-8")
    return file


def load_sections(folder: Path | None = None) -> dict[str, dict[str, Any]]:
    folder = folder or report_dir()
    found = {}
    for name, _, _ in SECTIONS:
        file = folder / "sections" / f"{name}.json"
        if file.exists():
            try:
                found[name] = json.loads(file.read_text(encoding="utf-8"))
            except ValueError:
                continue
    return found


def render_report(sections: dict[str, dict[str, Any]], learner: str = "you") -> str:
    """The report as Markdown: a verdict table, then each section with its tables and figures."""
    lines = [f"# Capstone report: the bookings service, by {learner}", "",
             f"Generated {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by the course's suites (Backend Engineering Lab, module 09).",
             "Every number below was measured on the machine that ran the notebooks; 'reference' parts are the course's, "
             "used where an exercise was not (yet) solved.", "",
             "| area | verdict | what was measured | your parts |", "| --- | --- | --- | --- |"]
    for name, title, proves in SECTIONS:
        s = sections.get(name)
        if s is None:
            lines.append(f"| {title} | not run yet | {proves} | - |")
            continue
        yours = ", ".join(p for p, who in s["parts"].items() if who == "yours") or "none (reference only)"
        lines.append(f"| {title} | {'pass' if s['ok'] else 'FAIL'} | {s['summary']} | {yours} |")
    for name, title, proves in SECTIONS:
        s = sections.get(name)
        if s is None:
            continue
        lines += ["", f"## {title}", "", f"*{proves}* — measured {s['measured_at']}.", ""]
        for key, value in s["details"].items():
            if isinstance(value, str) and "\n" in value:
                lines += [f"**{key}**", "", "```", value, "```", ""]
            else:
                lines.append(f"- **{key}**: {value}")
        for fig in s["figures"]:
            lines += ["", f"![{title}]({fig})"]
    return "\n".join(lines) + "\n"


def evidence(sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the career module reads (report.json): per section its verdict, summary and which parts were yours."""
    return {"module": MODULE, "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sections": {name: {"ok": s["ok"], "summary": s["summary"], "parts": s["parts"], "figures": s["figures"]}
                         for name, s in sections.items()},
            "passed": sorted(n for n, s in sections.items() if s["ok"]),
            "complete": all(name in sections for name, _, _ in SECTIONS)}


def write_report(learner: str = "you") -> Path:
    """Write report.md and report.json from the saved sections; outside grading, note the report in progress.json
    (answers["09-capstone/report"]) so the career module finds it. Returns report.md."""
    folder = report_dir()
    sections = load_sections(folder)
    report = folder / "report.md"
    report.write_text(render_report(sections, learner), encoding="utf-8")
    summary = evidence(sections)
    (folder / "report.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    if not os.environ.get(GRADING_ENV):
        progress.save_answers(PROGRESS_KEY, {"report": str(report), "evidence": str(folder / "report.json"),
                                             "passed": summary["passed"], "complete": summary["complete"],
                                             "generated_at": summary["generated_at"]})
    return report


def recorded_report() -> dict[str, Any] | None:
    """The report noted in progress.json (paths, passed sections), or None when none was written yet."""
    found = progress.load_answers(PROGRESS_KEY)
    return found if isinstance(found, dict) else None
