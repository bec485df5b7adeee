"""The learner's evidence: best self-check scores from progress.json, the saved checklist, and a sample learner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backendlab import progress

MODULE = "10-career-milestones"  # was 08-career-milestones before issue #18; progress.py migrates old keys
CHECKLIST_KEY = f"{MODULE}/checklist"


def empty_evidence() -> dict[str, Any]:
    return {"modules": {}, "practices": {}}


def evidence_from_progress(modules: dict[str, dict[str, Any]], checklist: dict[str, Any] | None = None) -> dict[str, Any]:
    """Turn progress.module_scores() and the saved checklist into evidence: your BEST score per module counts.

    evidence = {"modules": {module: {"score", "max_score", "exercises"}}, "practices": {practice: bool},
                "links": {practice: evidence link}}
    A practice counts as done only with an evidence link (a pull request, a dashboard, a design doc: something a
    colleague can open and confirm); a bare True, saved by an earlier version of the checklist, counts as not done.
    The exercise scores belong to the run that counts: the progress file keeps only the latest run's exercises,
    so when an earlier run scored better, the module's exercises are {} (no redo list drawn from a worse run).
    """
    evidence = empty_evidence()
    for name, rec in sorted(modules.items()):
        if not isinstance(rec, dict):
            continue
        latest = rec.get("score", 0) or 0
        best = max(rec.get("best_score", latest) or 0, latest)
        exercises = (rec.get("exercises") or {}) if latest >= best else {}
        evidence["modules"][name] = {
            "score": float(best),
            "max_score": float(rec.get("max_score", 0) or 0),
            "exercises": {g: {"score": float(e.get("score", 0) or 0), "max_score": float(e.get("max_score", 0) or 0)}
                          for g, e in exercises.items() if isinstance(e, dict)},
        }
    evidence["links"] = {}
    for practice, value in (checklist or {}).items():
        if isinstance(value, str) and value.strip():
            evidence["practices"][practice] = True
            evidence["links"][practice] = value.strip()
        elif isinstance(value, bool):
            evidence["practices"][practice] = False
    return evidence


def saved_checklist() -> dict[str, bool | str]:
    """The checklist answers saved in the learner's progress file: {practice: evidence link or False} ({} when none)."""
    saved = progress.load_answers(CHECKLIST_KEY, {}) or {}
    return {k: v for k, v in saved.items() if isinstance(v, bool | str)} if isinstance(saved, dict) else {}


def record_checklist(answers: dict[str, bool | str | None], matrix: dict[str, Any]) -> dict[str, bool | str]:
    """Merge the notebook's answers into the saved checklist; save only when something changed.

    An answer is an evidence link (a non-empty string: the URL or path of a pull request, dashboard, doc...) for a
    practice you do, False for one you don't do yet, or None for not answered (keeps what was saved before).
    """
    unknown = sorted(set(answers) - set(matrix["practices"]))
    if unknown:
        raise ValueError(f"Unknown practice ids {unknown}: use the ids printed above the checklist (a typo?).")
    unlinked = sorted(k for k, v in answers.items() if v is True or (isinstance(v, str) and not v.strip()))
    if unlinked:
        raise ValueError(f"{unlinked}: a ticked practice needs its evidence link instead of True (the URL or path of a pull "
                         "request, dashboard, design doc... that a colleague can open), or False if you don't do it yet.")
    bad = {k: v for k, v in answers.items() if v is not None and v is not False and not isinstance(v, str)}
    if bad:
        raise ValueError(f"Answer with an evidence link (a string), False or None (not answered yet), got {bad}.")
    saved = saved_checklist()
    merged = dict(saved)
    merged.update({k: v.strip() if isinstance(v, str) else v for k, v in answers.items() if v is not None})
    if merged != saved:
        progress.save_answers(CHECKLIST_KEY, merged)
    return merged


def load_evidence() -> dict[str, Any]:
    """The learner's own evidence: best self-check scores from progress.json plus the saved checklist."""
    return evidence_from_progress(progress.module_scores(), saved_checklist())


def is_empty(evidence: dict[str, Any]) -> bool:
    return not evidence.get("modules") and not evidence.get("practices")


SAMPLE_SCORES = {  # module -> (score, max_score) of a fictitious learner part-way through the course
    "00-orientation": (6, 6),
    "01-language-tradeoffs": (9, 12),
    "02-api-first-design": (11, 14),
    "03-orm-vs-raw-sql": (6, 12),
    "04-observability": (6, 13),
}
SAMPLE_PRACTICES = {
    "openapi_before_code": True,
    "tests_in_ci": True,
    "secrets_outside_repo": True,
    "input_validated_at_edge": True,
    "errors_problem_details": True,
    "timeouts_and_retries": True,
    "trace_id_every_request": False,
    "indexes_verified_with_plans": False,
    "measure_before_choosing": False,
}


def sample_evidence(matrix: dict[str, Any]) -> dict[str, Any]:
    """A clearly fictitious learner (modules 00-04 done with partial scores, 05 not started), for demonstrations."""
    evidence = empty_evidence()
    for name, (score, maximum) in SAMPLE_SCORES.items():
        if name not in matrix["modules"]:
            continue
        parts = max(2, round(maximum / 3))  # split into exercises named exercise_1.. (not the real grade ids)
        exercises = {}
        left_score, left_max = score, maximum
        for i in range(1, parts + 1):
            this_max = left_max if i == parts else maximum // parts
            this_score = left_score if i == parts else min(this_max, left_score)
            exercises[f"exercise_{i}"] = {"score": float(this_score), "max_score": float(this_max)}
            left_score, left_max = left_score - this_score, left_max - this_max
        evidence["modules"][name] = {"score": float(score), "max_score": float(maximum), "exercises": exercises}
    evidence["practices"] = {k: v for k, v in SAMPLE_PRACTICES.items() if k in matrix["practices"]}
    return evidence


# ------------------------------------------------------------------------------------ the capstone's report

CAPSTONE_KEY = "09-capstone/report"  # written by the capstone's last notebook (capstone.write_report)
CAPSTONE_AREAS = {  # section of the capstone report -> what it shows, in a proof point's words
    "contract": "contract conformance",
    "integrity": "data integrity under concurrency",
    "observability": "observability",
    "security": "the attack suite",
    "resilience": "fault drills",
    "load": "the load test against the SLO",
}


def _capstone_file(portfolio: Path | None) -> Path | None:
    """Where the capstone's report.json is: as noted in progress.json, else <portfolio>/capstone/report.json."""
    noted = progress.load_answers(CAPSTONE_KEY)
    if isinstance(noted, dict) and isinstance(noted.get("evidence"), str) and Path(noted["evidence"]).is_file():
        return Path(noted["evidence"])
    if portfolio is not None and (portfolio / "capstone" / "report.json").is_file():
        return portfolio / "capstone" / "report.json"
    return None


def capstone_evidence(portfolio: Path | None = None) -> dict[str, Any] | None:
    """The capstone report as evidence, or None when the capstone's last notebook has not written one yet.

    {"file": report.json, "report": report.md beside it, "passed": [section], "failed": [section], "missing": [section],
     "earned": [passed sections with at least one part of yours], "yours": [your parts in the earned sections]}.
    A section counts as passed only when the report says so, and as earned only when a part the report marks "yours"
    was in it: a section passed on the course's reference parts alone proves nothing about you.
    Raises ValueError, naming the file and what to do, when the file is not a capstone report (hand-edited, truncated).
    """
    file = _capstone_file(portfolio)
    if file is None:
        return None
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        sections = data["sections"]
        if not isinstance(sections, dict) or not all(isinstance(s, dict) for s in sections.values()):
            raise TypeError("sections is not a table of sections")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{file} is not a capstone report ({exc}). Re-run the last cells of the capstone's notebook 3, "
                         "which write it again from the sections you measured.") from None

    def mine(name: str) -> list[str]:
        parts = sections[name].get("parts") or {}
        return [part for part, who in parts.items() if who == "yours"] if isinstance(parts, dict) else []

    known = [name for name in CAPSTONE_AREAS if name in sections]
    passed = [name for name in known if sections[name].get("ok") is True]
    earned = [name for name in passed if mine(name)]
    return {"file": file, "report": file.with_name("report.md"), "passed": passed,
            "failed": [name for name in known if name not in passed],
            "missing": [name for name in CAPSTONE_AREAS if name not in sections],
            "earned": earned, "yours": sorted({part for name in earned for part in mine(name)})}


def capstone_highlights(capstone: dict[str, Any] | None) -> list[str]:
    """The proof point's lines for the capstone ([] without a report, or when no suite passed with a part of yours):
    the suites your parts passed, which parts, where the report is; then what is not yours or not passing yet."""
    if not capstone or not capstone["earned"]:
        return []
    areas = ", ".join(CAPSTONE_AREAS[name] for name in capstone["earned"])
    lines = [f"Capstone bookings service (module 09): my parts ({', '.join(capstone['yours'])}) passed "
             f"{len(capstone['earned'])} of {len(CAPSTONE_AREAS)} suites the course ran against it ({areas}); "
             f"report: {capstone['report']}"]
    rest = [n for n in CAPSTONE_AREAS if n not in capstone["earned"]]
    if rest:
        lines.append("Capstone, not yet passed with my own parts: " + ", ".join(CAPSTONE_AREAS[n] for n in rest))
    return lines
