"""Self-check: autograde your own notebooks of a module (hidden tests included) and record the score.

    make check M=03                      # from a terminal, at the course root
    python -m backendlab.grading.selfcheck 03 --notebook path/to/01-x.ipynb

Your notebooks are copied before grading; they are never changed. Save them first (Ctrl+S).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from backendlab import course, progress
from backendlab.grading import autograde

WIDTH = 72


def score_card(report: autograde.Report) -> str:
    """A plain-text card: one line per graded cell, the failure message under a failed one, the total."""
    lines = [f"Self-check · {report.module}", "─" * WIDTH]
    notebook = None
    for cell in report.cells:
        if cell.notebook != notebook:
            notebook = cell.notebook
            lines.append(notebook)
        if cell.kind == "manual":
            lines.append(f"  ✎ {cell.grade_id:<50} written answer, graded by a person")
            continue
        mark = "✓" if cell.score >= cell.max_score else "✗"
        lines.append(f"  {mark} {cell.grade_id:<50} {cell.score:g} / {cell.max_score:g}")
        if cell.message and cell.score < cell.max_score:
            wrapped = [w for text in cell.message.splitlines() for w in textwrap.wrap(text, WIDTH - 6) or [""]]
            lines.extend(f"      {text}" for text in wrapped[:8])
    lines.append("─" * WIDTH)
    lines.append(f"Score: {report.score:g} / {report.max_score:g} (autograded exercises, hidden tests included)")
    for flag in report.flags:
        lines.append(f"Note: {flag}.")
    for notebook, why in report.stopped.items():
        lines.append(f"Stopped: {notebook}: {why}. Later exercises were not run; fix that cell and check again.")
    broken = [e for e in report.errors if e.role not in ("answer", "tests") and e.ename not in ("NotRun", "TimeLimit", "KernelDied")]
    if broken:
        first = broken[0]
        lines.append(f"Note: cell {first.index} of {first.notebook} raised {first.ename}; later cells may depend on it.")
    return "\n".join(lines)


def check(module: str, notebooks: list[str | Path] | None = None, record: bool = True) -> autograde.Report:
    """Grade the saved notebooks of `module` (default: modules/<module>/*.ipynb), print the score card, record it."""
    name = course.find_module(str(module))
    submission = autograde.module_notebooks(name)
    if notebooks:
        chosen = {Path(p).expanduser().resolve() for p in notebooks}
        by_name = {p.name: p for p in chosen}
        unknown = sorted(set(by_name) - set(submission))
        if unknown:
            raise autograde.GradingError(
                f"{', '.join(unknown)}: not a notebook of {name}. Its notebooks are: {', '.join(sorted(submission))}."
            )
        submission = by_name
    report = autograde.grade(name, submission)
    skipped = sorted(set(autograde.module_notebooks(name)) - set(submission))
    if skipped:  # a notebook that was not submitted is not a zero: leave it out of this card and of the record
        report.cells = [c for c in report.cells if c.notebook in submission]
        report.errors = [e for e in report.errors if e.notebook in submission]
        report.stopped = {nb: why for nb, why in report.stopped.items() if nb in submission}
    print(score_card(report))
    if skipped:
        print(f"Not checked: {', '.join(skipped)} (check the whole module with `make check M={name[:2]}`).")
    if record:
        exercises = {c.grade_id: (c.score, c.max_score) for c in report.auto}
        saved = progress.record_scores(name, exercises, merge=bool(skipped))
        print(f"Saved to {saved}" + (" (only the exercises of the notebooks checked here)" if skipped else ""))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backendlab.grading.selfcheck", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", help="module number or folder name, e.g. 03 or 03-orm-vs-raw-sql")
    parser.add_argument("--notebook", action="append", help="grade this notebook file instead of modules/<module>/ (repeatable)")
    parser.add_argument("--no-record", action="store_true", help="do not save the score to progress.json")
    args = parser.parse_args(argv)
    try:
        check(args.module, args.notebook, record=not args.no_record)
    except (autograde.GradingError, course.CourseError, progress.ProgressError) as exc:
        print(f"self-check: {exc}", file=sys.stderr)
        return 2
    return 0  # the check ran; the score card says how it went


if __name__ == "__main__":
    sys.exit(main())
