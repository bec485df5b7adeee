"""Merge per-student results into the class's nbgrader gradebook, and write the class CSV with a status column."""

from __future__ import annotations

import csv
from pathlib import Path

CSV_FIELDS = ["student_id", "module", "status", "score", "max_score", "manual_max_score", "reason", "notes"]


def max_scores(template_db: Path, module: str) -> tuple[float, float]:
    """The module's (autograded, manually graded) points, from the template gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{template_db}") as gb:
        cells = [c for nb in gb.find_assignment(module).notebooks for c in nb.grade_cells]
        return (float(sum(c.max_score for c in cells if c.cell_type == "code")),
                float(sum(c.max_score for c in cells if c.cell_type != "code")))


def copy_assignment(template_db: Path, class_db_url: str, module: str) -> None:
    """Make sure the class gradebook knows the module's notebooks and cells (as generate_assignment would)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{template_db}") as src, Gradebook(class_db_url) as dst:
        assignment = src.find_assignment(module)
        dst.update_or_create_assignment(module, duedate=assignment.duedate)
        for nb in assignment.notebooks:
            dst.update_or_create_notebook(nb.name, module)
            for cell in nb.grade_cells:
                dst.update_or_create_grade_cell(cell.name, nb.name, module, max_score=cell.max_score, cell_type=cell.cell_type)
            for cell in nb.solution_cells:
                dst.update_or_create_solution_cell(cell.name, nb.name, module)
            for cell in nb.task_cells:
                dst.update_or_create_task_cell(cell.name, nb.name, module, max_score=cell.max_score, cell_type=cell.cell_type)
            for cell in nb.source_cells:
                dst.update_or_create_source_cell(cell.name, nb.name, module, cell_type=cell.cell_type, locked=cell.locked,
                                                 source=cell.source, checksum=cell.checksum)


def merge_results(results: list[dict], class_db_url: str, module: str) -> None:
    """Write every student's scores into the class gradebook; flagged notebooks carry nbgrader's `flagged` mark."""
    from nbgrader.api import Gradebook

    with Gradebook(class_db_url) as gb:
        for result in results:
            gb.update_or_create_student(result["student"])
            submission = gb.update_or_create_submission(module, result["student"])
            for sub_nb in submission.notebooks:
                entry = result["notebooks"].get(f"{sub_nb.name}.ipynb", {})
                scores = {c["grade_id"]: c for c in entry.get("cells", [])}
                for grade in sub_nb.grades:
                    cell = scores.get(grade.name)
                    if grade.cell_type == "markdown":  # a written answer: a person grades it, if one was written
                        grade.needs_manual_grade = bool(cell and cell.get("needs_manual_grade"))
                        if not grade.needs_manual_grade:
                            grade.auto_score = 0
                        continue
                    grade.auto_score = cell["score"] if cell and entry.get("status") != "unreadable" else 0
                    grade.needs_manual_grade = False
                sub_nb.flagged = entry.get("status") == "flagged" or bool(entry.get("flags"))
            gb.db.commit()


def write_csv(results: list[dict], path: Path, manual: float) -> Path:
    """One row per student: status beside the score, and a one-line reason when it is not simply `graded`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for r in sorted(results, key=lambda r: r["student"]):
            flags = "; ".join(f for nb in r["notebooks"].values() for f in nb.get("flags", []))
            reason = r["reason"] or (flags if r["status"] == "flagged" else "")
            writer.writerow({"student_id": r["student"], "module": r["module"], "status": r["status"],
                             "score": f"{r['score']:g}", "max_score": f"{r['max_score']:g}", "manual_max_score": f"{manual:g}",
                             "reason": " ".join(reason.split())[:400], "notes": " | ".join(r.get("notes", []))[:400]})
    return path
