"""Reference answers of exercises 1 and 2: a level per skill, a readiness per milestone, and which milestone is reached."""

from __future__ import annotations

from typing import Any


def module_fraction(evidence: dict[str, Any], module: str) -> float:
    """score / max_score of a module in the evidence, capped to 0..1; 0 when missing or when max_score is 0."""
    rec = evidence.get("modules", {}).get(module)
    if not rec or not rec.get("max_score"):
        return 0.0
    return min(max(rec.get("score", 0) / rec["max_score"], 0.0), 1.0)


def skill_levels(evidence: dict[str, Any], matrix: dict[str, Any]) -> dict[str, float]:
    """Exercise 1 (reference): each skill's level in 0..1 from module scores and checklist answers.

    A skill with no available module is judged on its practices alone, capped at matrix["self_reported_cap"]:
    ticking a box is a claim, not evidence a course can grade, so it never shows a skill as fully evidenced.
    """
    w_course = matrix["evidence_weights"]["course"]
    w_practice = matrix["evidence_weights"]["practices"]
    practices = evidence.get("practices", {})
    levels = {}
    for sid, skill in matrix["skills"].items():
        available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
        parts: list[tuple[float, float]] = []
        if available:
            parts.append((w_course, sum(module_fraction(evidence, m) for m in available) / len(available)))
        if skill["practices"]:
            parts.append((w_practice, sum(practices.get(p) is True for p in skill["practices"]) / len(skill["practices"])))
        total = sum(w for w, _ in parts)
        levels[sid] = sum(w * v for w, v in parts) / total if total > 0 else 0.0
        if not available:
            levels[sid] = min(levels[sid], matrix["self_reported_cap"])
    return levels


def readiness_from_levels(levels: dict[str, float], matrix: dict[str, Any]) -> dict[str, float]:
    """Weighted mean over each milestone's bars (> 0) of min(level / bar, 1); 1.0 for a milestone with no bar."""
    result = {}
    for mid, milestone in matrix["milestones"].items():
        num = den = 0.0
        for sid, bar in milestone["bars"].items():
            if bar <= 0:
                continue
            weight = milestone["weights"].get(sid, 1.0)
            num += weight * min(levels.get(sid, 0.0) / bar, 1.0)
            den += weight
        result[mid] = num / den if den > 0 else 1.0
    return result


def readiness(evidence: dict[str, Any], matrix: dict[str, Any]) -> dict[str, float]:
    """Exercise 2 (reference): readiness per milestone, in matrix order."""
    return readiness_from_levels(skill_levels(evidence, matrix), matrix)


def is_ready(value: float, matrix: dict[str, Any]) -> bool:
    return value >= matrix["ready_at"] - 1e-9


def current_milestone(ready: dict[str, float], matrix: dict[str, Any]) -> str | None:
    """The highest milestone, in order, whose readiness reaches ready_at; None when none does.

    Every milestone below it counts as reached too: the course matrix's bars only rise from one milestone to the
    next, so evidence that meets a higher bar meets each lower one skill by skill, and a lower readiness for a
    lower milestone only reflects its different weights. (The old rule, "reached along with every milestone
    before it", put a learner at 77 % junior, 87 % mid and 83 % senior at "none yet".)
    """
    current = None
    for mid in matrix["milestones"]:
        if is_ready(ready.get(mid, 0.0), matrix):
            current = mid
    return current


def next_milestone(ready: dict[str, float], matrix: dict[str, Any]) -> str | None:
    """The milestone after the current one (the first when none is reached); None at the top."""
    order = list(matrix["milestones"])
    current = current_milestone(ready, matrix)
    index = 0 if current is None else order.index(current) + 1
    return order[index] if index < len(order) else None
