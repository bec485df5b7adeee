"""Career milestones (module 10, the last one): skills matrix, evidence, readiness, gaps, plans, charts and the proof-point report.

One file per concern: matrix (the data file), evidence (progress and checklist), readiness and plan (reference
answers of the exercises), report (the proof point), cases (generated cases for the hidden tests), charts and
portfolio. The notebook and the tests use the names re-exported here: `from backendlab.labs import career`.
"""

from __future__ import annotations

from backendlab.labs.career.cases import GENERATED_MILESTONES, GENERATED_SKILLS, generated_cases, rounded
from backendlab.labs.career.charts import progress_chart, radar_chart, topic_bars, topic_levels
from backendlab.labs.career.evidence import (
    CAPSTONE_AREAS,
    CAPSTONE_KEY,
    CHECKLIST_KEY,
    MODULE,
    SAMPLE_PRACTICES,
    SAMPLE_SCORES,
    capstone_evidence,
    capstone_highlights,
    empty_evidence,
    evidence_from_progress,
    is_empty,
    load_evidence,
    record_checklist,
    sample_evidence,
    saved_checklist,
)
from backendlab.labs.career.matrix import (
    MATRIX_FILE,
    STATUSES,
    MatrixError,
    load_matrix,
    matrix_path,
    tiny_evidence,
    tiny_matrix,
    validate_matrix,
)
from backendlab.labs.career.plan import TIE_DECIMALS, gaps, learning_plan, module_catalogue, next_steps
from backendlab.labs.career.portfolio import portfolio_dir, project_readme
from backendlab.labs.career.readiness import (
    current_milestone,
    is_ready,
    module_fraction,
    next_milestone,
    readiness,
    readiness_from_levels,
    skill_levels,
)
from backendlab.labs.career.report import REPORT_SECTIONS, parse_number, parse_percent, parse_report, render_report, report_facts

__all__ = [
    "CAPSTONE_AREAS", "CAPSTONE_KEY", "capstone_evidence", "capstone_highlights",
    "CHECKLIST_KEY", "GENERATED_MILESTONES", "GENERATED_SKILLS", "MATRIX_FILE", "MODULE", "REPORT_SECTIONS", "SAMPLE_PRACTICES",
    "SAMPLE_SCORES", "STATUSES", "TIE_DECIMALS", "MatrixError", "current_milestone", "empty_evidence", "evidence_from_progress",
    "gaps", "generated_cases", "is_empty", "is_ready", "learning_plan", "load_evidence", "load_matrix", "matrix_path",
    "module_catalogue", "module_fraction", "next_milestone", "next_steps", "parse_number", "parse_percent", "parse_report",
    "portfolio_dir", "progress_chart", "project_readme", "radar_chart", "readiness", "readiness_from_levels", "record_checklist",
    "render_report", "report_facts", "rounded", "sample_evidence", "saved_checklist", "skill_levels", "tiny_evidence", "tiny_matrix",
    "topic_bars", "topic_levels", "validate_matrix",
]
