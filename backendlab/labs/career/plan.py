"""Reference answers of exercises 3 and 4: the fewest skills to raise, and the modules and practices that raise them."""

from __future__ import annotations

import copy
from typing import Any

from backendlab.labs.career.readiness import is_ready, readiness_from_levels, skill_levels

TIE_DECIMALS = 9  # impacts equal to this many decimals are ties (broken by skill id)


def gaps(evidence: dict[str, Any], matrix: dict[str, Any], target: str) -> list[dict[str, Any]]:
    """Exercise 3 (reference): the fewest skills to raise to their bar so `target` reaches ready_at, biggest impact first."""
    milestone = matrix["milestones"][target]
    levels = skill_levels(evidence, matrix)
    current = readiness_from_levels(levels, matrix)[target]
    total = sum(milestone["weights"].get(s, 1.0) for s, bar in milestone["bars"].items() if bar > 0)
    candidates = []
    for sid, bar in milestone["bars"].items():
        level = levels.get(sid, 0.0)
        if bar <= 0 or level >= bar:
            continue
        impact = milestone["weights"].get(sid, 1.0) * (1.0 - level / bar) / total
        candidates.append({"skill": sid, "level": level, "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: (-round(g["impact"], TIE_DECIMALS), g["skill"]))
    chosen = []
    for gap in candidates:
        if is_ready(current, matrix):
            break
        chosen.append(gap)
        current += gap["impact"]
    return chosen


def module_catalogue(matrix: dict[str, Any], evidence: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The course's modules for next_steps: {module: {title, status, skills, exercises}}, in course order.

    `skills` are the skills whose evidence comes from the module (from the matrix); `exercises` are the
    learner's exercise scores in that module (from the evidence, so from progress at run time; {} if none).
    """
    catalogue = {}
    for mid, entry in matrix["modules"].items():
        catalogue[mid] = {
            "title": entry["title"],
            "status": entry["status"],
            "skills": [sid for sid, s in matrix["skills"].items() if mid in s["modules"]],
            "exercises": copy.deepcopy(evidence.get("modules", {}).get(mid, {}).get("exercises", {})),
        }
    return catalogue


def next_steps(gap_list: list[dict[str, Any]], modules: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Exercise 4 (reference): one step per module that trains a gap skill; available modules first, in gap order."""
    steps: dict[str, dict[str, Any]] = {}
    for gap in gap_list:
        for mid, module in modules.items():
            if gap["skill"] not in module.get("skills", []):
                continue
            if mid not in steps:
                redo: list[str] = []
                if module.get("status") == "available":
                    lost = {g: e["max_score"] - e["score"] for g, e in module.get("exercises", {}).items() if e["score"] < e["max_score"]}
                    redo = sorted(lost, key=lambda g: (-lost[g], g))
                steps[mid] = {"module": mid, "title": module.get("title", mid), "status": module.get("status", "available"),
                              "skills": [], "redo": redo}
            if gap["skill"] not in steps[mid]["skills"]:
                steps[mid]["skills"].append(gap["skill"])
    ordered = list(steps.values())
    return [s for s in ordered if s["status"] == "available"] + [s for s in ordered if s["status"] != "available"]


def learning_plan(gap_list: list[dict[str, Any]], matrix: dict[str, Any], evidence: dict[str, Any]) -> dict[str, Any]:
    """Next modules (next_steps) plus the practices, not yet ticked, of each gap skill."""
    ticked = evidence.get("practices", {})
    practices: list[str] = []
    for gap in gap_list:
        for p in matrix["skills"][gap["skill"]]["practices"]:
            if ticked.get(p) is not True and p not in practices:
                practices.append(p)
    return {"modules": next_steps(gap_list, module_catalogue(matrix, evidence)), "practices": practices}
