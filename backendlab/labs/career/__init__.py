"""Career milestones (module 08): skills matrix, evidence, readiness, gaps, plans, charts and the proof-point report."""

from __future__ import annotations

import copy
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backendlab import course, progress

if TYPE_CHECKING:  # matplotlib is imported by the chart functions only: importing this module stays cheap
    from matplotlib.figure import Figure

MODULE = "08-career-milestones"
MATRIX_FILE = "skills_matrix.yaml"
CHECKLIST_KEY = f"{MODULE}/checklist"
STATUSES = ("available", "coming")
REPORT_SECTIONS = ("Summary", "Module scores", "Readiness", "Charts", "Next steps", "Built and measured")
TIE_DECIMALS = 9  # impacts equal to this many decimals are ties (broken by skill id)


class MatrixError(ValueError):
    """The skills matrix is inconsistent; the message names the entry and what is wrong with it."""


# ---------------------------------------------------------------------------------------------- the matrix


def _as_mapping(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict) or not value:
        raise MatrixError(f"'{key}' must be a non-empty mapping of id -> entry, got {type(value).__name__}.")
    return value


def _number(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise MatrixError(f"{where} must be a number between {low:g} and {high:g}, got {value!r}.")
    return float(value)


def _known(ids: Any, universe: dict[str, Any], where: str, kind: str) -> list[str]:
    if not isinstance(ids, list):
        raise MatrixError(f"{where} must be a list of {kind} ids, got {ids!r}.")
    unknown = [i for i in ids if i not in universe]
    if unknown:
        raise MatrixError(f"{where} names unknown {kind} {unknown}; known: {sorted(universe)}.")
    return list(ids)


def validate_matrix(raw: dict[str, Any]) -> dict[str, Any]:
    """Check a skills matrix and return a normalised deep copy (defaults filled in); raise MatrixError when inconsistent.

    Normalised shape: ready_at (float), evidence_weights {course, practices}, pillars {id: title},
    topics {id: title}, modules {id: {title, status}}, practices {id: text},
    skills {id: {title, topic, pillars, modules, practices}},
    milestones {id: {title, summary, behaviours {pillar: [text]}, bars {skill: level}, weights {skill: weight}}}.
    """
    if not isinstance(raw, dict):
        raise MatrixError(f"A skills matrix is a mapping, got {type(raw).__name__}.")
    m: dict[str, Any] = {"version": raw.get("version", 1)}
    m["ready_at"] = _number(raw.get("ready_at", 0.8), "ready_at", 0.0, 1.0)
    if m["ready_at"] == 0:
        raise MatrixError("ready_at must be above 0: a milestone that needs no readiness is reached by everybody.")
    weights = raw.get("evidence_weights", {"course": 0.6, "practices": 0.4})
    if not isinstance(weights, dict) or set(weights) != {"course", "practices"}:
        raise MatrixError(f"evidence_weights must have exactly the keys course and practices, got {weights!r}.")
    m["evidence_weights"] = {k: _number(v, f"evidence_weights.{k}", 0.0, math.inf) for k, v in weights.items()}
    if sum(m["evidence_weights"].values()) <= 0:
        raise MatrixError("evidence_weights must not both be 0.")
    m["pillars"] = {str(k): str(v) for k, v in _as_mapping(raw, "pillars").items()}
    m["topics"] = {str(k): str(v) for k, v in _as_mapping(raw, "topics").items()}
    m["modules"] = {}
    for mid, entry in _as_mapping(raw, "modules").items():
        entry = entry or {}
        status = entry.get("status", "available")
        if status not in STATUSES:
            raise MatrixError(f"modules.{mid}.status must be one of {list(STATUSES)}, got {status!r}.")
        m["modules"][str(mid)] = {"title": str(entry.get("title", mid)), "status": status}
    m["practices"] = {str(k): str(v) for k, v in (raw.get("practices") or {}).items()}
    m["skills"] = {}
    for sid, entry in _as_mapping(raw, "skills").items():
        where = f"skills.{sid}"
        if not isinstance(entry, dict):
            raise MatrixError(f"{where} must be a mapping, got {entry!r}.")
        topic = entry.get("topic")
        if topic not in m["topics"]:
            raise MatrixError(f"{where}.topic {topic!r} is not a topic; known: {sorted(m['topics'])}.")
        m["skills"][str(sid)] = {
            "title": str(entry.get("title", sid)),
            "topic": topic,
            "pillars": _known(entry.get("pillars", []), m["pillars"], f"{where}.pillars", "pillar"),
            "modules": _known(entry.get("modules", []), m["modules"], f"{where}.modules", "module"),
            "practices": _known(entry.get("practices", []), m["practices"], f"{where}.practices", "practice"),
        }
    m["milestones"] = {}
    for mid, entry in _as_mapping(raw, "milestones").items():
        where = f"milestones.{mid}"
        if not isinstance(entry, dict):
            raise MatrixError(f"{where} must be a mapping, got {entry!r}.")
        bars = entry.get("bars") or {}
        _known(list(bars), m["skills"], f"{where}.bars", "skill")
        weights_in = entry.get("weights") or {}
        _known(list(weights_in), m["skills"], f"{where}.weights", "skill")
        behaviours = entry.get("behaviours") or {}
        _known(list(behaviours), m["pillars"], f"{where}.behaviours", "pillar")
        m["milestones"][str(mid)] = {
            "title": str(entry.get("title", mid)),
            "summary": str(entry.get("summary", "")),
            "behaviours": {p: [str(b) for b in (behaviours.get(p) or [])] for p in m["pillars"]},
            "bars": {s: _number(v, f"{where}.bars.{s}", 0.0, 1.0) for s, v in bars.items()},
            "weights": {s: _number(weights_in.get(s, 1), f"{where}.weights.{s}", 0.0, math.inf) for s in bars},
        }
    return m


def matrix_path() -> Path:
    return course.datasets_dir() / MATRIX_FILE


def load_matrix(path: str | Path | None = None) -> dict[str, Any]:
    """Read the skills matrix (datasets/skills_matrix.yaml unless `path` is given), checked and normalised."""
    import yaml  # a dependency of nbgrader and jupyter-events, so always installed with the course

    file = Path(path) if path is not None else matrix_path()
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise MatrixError(f"{file} is not valid YAML: {exc}") from None
    try:
        return validate_matrix(raw)
    except MatrixError as exc:
        raise MatrixError(f"{file}: {exc}") from None


def tiny_matrix() -> dict[str, Any]:
    """A three-skill matrix small enough to compute by hand (used by the notebook's examples and tests)."""
    return validate_matrix(
        {
            "ready_at": 0.8,
            "evidence_weights": {"course": 0.6, "practices": 0.4},
            "pillars": {"reliability": "Reliability", "scalability": "Scalability"},
            "topics": {"api": "API design", "ops": "Operations"},
            "modules": {
                "01-a": {"title": "Module A", "status": "available"},
                "02-b": {"title": "Module B", "status": "available"},
                "03-c": {"title": "Module C", "status": "coming"},
            },
            "practices": {"p_spec": "Spec first", "p_trace": "Trace ids", "p_load": "Load tests"},
            "skills": {
                "api": {"title": "API", "topic": "api", "pillars": ["reliability"], "modules": ["01-a"], "practices": ["p_spec"]},
                "obs": {"title": "Observability", "topic": "ops", "pillars": ["reliability"], "modules": ["01-a", "02-b"],
                        "practices": ["p_trace"]},
                "perf": {"title": "Performance", "topic": "ops", "pillars": ["scalability"], "modules": ["03-c"],
                         "practices": ["p_load"]},
            },
            "milestones": {
                "junior": {"title": "Junior", "bars": {"api": 0.5, "obs": 0.3}, "weights": {"api": 2}},
                "senior": {"title": "Senior", "bars": {"api": 0.9, "obs": 0.8, "perf": 0.6}, "weights": {"obs": 2}},
            },
        }
    )


def tiny_evidence() -> dict[str, Any]:
    """Evidence for tiny_matrix(): module A 8/10, module B 3/6, spec-first ticked, trace ids not."""
    return {
        "modules": {
            "01-a": {"score": 8, "max_score": 10,
                     "exercises": {"a_one": {"score": 5, "max_score": 5}, "a_two": {"score": 3, "max_score": 5}}},
            "02-b": {"score": 3, "max_score": 6,
                     "exercises": {"b_one": {"score": 0, "max_score": 3}, "b_two": {"score": 3, "max_score": 3}}},
        },
        "practices": {"p_spec": True, "p_trace": False},
    }


# -------------------------------------------------------------------------------------------- the evidence


def empty_evidence() -> dict[str, Any]:
    return {"modules": {}, "practices": {}}


def evidence_from_progress(modules: dict[str, dict[str, Any]], checklist: dict[str, Any] | None = None) -> dict[str, Any]:
    """Turn progress.module_scores() and the saved checklist into evidence: your BEST score per module counts.

    evidence = {"modules": {module: {"score", "max_score", "exercises"}}, "practices": {practice: bool}}
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
    for practice, value in (checklist or {}).items():
        if isinstance(value, bool):
            evidence["practices"][practice] = value
    return evidence


def saved_checklist() -> dict[str, bool]:
    """The checklist answers saved in the learner's progress file ({} when none)."""
    saved = progress.load_answers(CHECKLIST_KEY, {}) or {}
    return {k: v for k, v in saved.items() if isinstance(v, bool)} if isinstance(saved, dict) else {}


def record_checklist(answers: dict[str, bool | None], matrix: dict[str, Any]) -> dict[str, bool]:
    """Merge the notebook's answers (None = not answered) into the saved checklist; save only when something changed."""
    unknown = sorted(set(answers) - set(matrix["practices"]))
    if unknown:
        raise ValueError(f"Unknown practice ids {unknown}: use the ids printed above the checklist (a typo?).")
    bad = {k: v for k, v in answers.items() if v is not None and not isinstance(v, bool)}
    if bad:
        raise ValueError(f"Answer True, False or None (not answered yet), got {bad}.")
    saved = saved_checklist()
    merged = dict(saved)
    merged.update({k: v for k, v in answers.items() if v is not None})
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


# ---------------------------------------------------------------------- reference answers of the exercises


def module_fraction(evidence: dict[str, Any], module: str) -> float:
    """score / max_score of a module in the evidence, capped to 0..1; 0 when missing or when max_score is 0."""
    rec = evidence.get("modules", {}).get(module)
    if not rec or not rec.get("max_score"):
        return 0.0
    return min(max(rec.get("score", 0) / rec["max_score"], 0.0), 1.0)


def skill_levels(evidence: dict[str, Any], matrix: dict[str, Any]) -> dict[str, float]:
    """Exercise 1 (reference): each skill's level in 0..1 from module scores and checklist answers."""
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
    """The last milestone, in order, reached along with every milestone before it; None when not even the first."""
    current = None
    for mid in matrix["milestones"]:
        if not is_ready(ready.get(mid, 0.0), matrix):
            break
        current = mid
    return current


def next_milestone(ready: dict[str, float], matrix: dict[str, Any]) -> str | None:
    """The milestone after the current one (the first when none is reached); None at the top."""
    order = list(matrix["milestones"])
    current = current_milestone(ready, matrix)
    index = 0 if current is None else order.index(current) + 1
    return order[index] if index < len(order) else None


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


# ------------------------------------------------------------------------- generated cases for the hidden tests


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


def rounded(fn: Any, digits: int = 9) -> Any:
    """fn with every float in its result rounded to `digits` decimals (ints, bools and other types kept as they are).

    Property checks compare a learner's answer with the reference exactly and type by type; this keeps a correct
    answer that adds the same numbers in another order (a difference of 1e-16) from failing.
    """
    def round_floats(value: Any) -> Any:
        if isinstance(value, float):
            return float(round(value, digits))
        if type(value) is dict:
            return {k: round_floats(v) for k, v in value.items()}
        if type(value) is list:
            return [round_floats(v) for v in value]
        if type(value) is tuple:
            return tuple(round_floats(v) for v in value)
        return value

    def wrapper(*args: Any) -> Any:
        return round_floats(fn(*args))

    wrapper.__name__ = getattr(fn, "__name__", "your function")
    return wrapper


GENERATED_SKILLS = ("s3", "s1", "s4", "s2")  # not in sorted order, so that an order mistake shows
GENERATED_MILESTONES = ("m2", "m1", "m3")


def generated_cases(kind: str) -> Any:
    """A Hypothesis strategy of small valid inputs for the exercises' property checks (hidden tests).

    kind "levels": (evidence, matrix); "gaps": (evidence, matrix, target); "next_steps": (gaps, modules);
    "report": the seven arguments of render_report. Matrices have 1-4 modules (some coming), 0-3 practices,
    1-4 skills and 1-3 milestones whose ids are out of sorted order; bars and weights include 0, ties and
    omitted weights; evidence includes missing modules, a score above its maximum, max_score 0 and
    unanswered practices. Readiness across milestones need not rise (that happens with real evidence too).
    """
    from hypothesis import strategies as st

    @st.composite
    def case(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        module_ids = [f"0{i}-m" for i in range(draw(st.integers(1, 4)))]
        practice_ids = [f"p{i}" for i in range(1, draw(st.integers(0, 3)) + 1)]
        skill_ids = list(draw(st.permutations(GENERATED_SKILLS)))[: draw(st.integers(1, 4))]
        milestone_ids = list(draw(st.permutations(GENERATED_MILESTONES)))[: draw(st.integers(1, 3))]
        bar_values = st.sampled_from([None, 0.5, 0.8, 0.3, 1.0, 0.6, 0.75, 0.2, 0.0])
        raw = {
            "ready_at": draw(st.sampled_from([0.8, 0.5, 0.6, 0.75, 1.0])),
            "evidence_weights": {"course": draw(st.sampled_from([0.6, 1.0, 0.5, 2.0])),
                                 "practices": draw(st.sampled_from([0.4, 1.0, 0.5, 3.0]))},
            "pillars": {"reliability": "Reliability"},
            "topics": {"t": "Topic"},
            "modules": {m: {"title": f"Module {m}", "status": draw(st.sampled_from(["available", "available", "coming"]))}
                        for m in module_ids},
            "practices": {p: f"Practice {p}" for p in practice_ids},
            "skills": {s: {"title": s.upper(), "topic": "t",
                           "modules": draw(st.lists(st.sampled_from(module_ids), unique=True, max_size=3)),
                           "practices": draw(st.lists(st.sampled_from(practice_ids), unique=True, max_size=2))
                           if practice_ids else []}
                       for s in skill_ids},
            "milestones": {},
        }
        omitted: dict[str, list[str]] = {}
        for mid in milestone_ids:
            bars = {s: bar for s in skill_ids if (bar := draw(bar_values)) is not None}
            weights = {s: draw(st.sampled_from([1, 2, 3, None, 0.5])) for s in bars}
            omitted[mid] = [s for s, w in weights.items() if w is None]
            raw["milestones"][mid] = {"title": f"Milestone {mid}", "bars": bars,
                                      "weights": {s: w for s, w in weights.items() if w is not None}}
        matrix = validate_matrix(raw)
        for mid, skills in omitted.items():  # an instructor may leave a weight out: it then defaults to 1
            for s in skills:
                del matrix["milestones"][mid]["weights"][s]
        evidence = empty_evidence()
        for m in draw(st.permutations(module_ids)):  # evidence in any order: reports sort it themselves
            if draw(st.booleans()):
                maximum = draw(st.sampled_from([10, 0, 3, 4, 6, 8, 12]))
                score = draw(st.integers(0, maximum + 2))
                number = draw(st.sampled_from([float, int]))
                exercises = {}
                for e in draw(st.lists(st.sampled_from(["e2", "e1", "e3"]), unique=True, max_size=3)):
                    e_max = draw(st.sampled_from([2, 3, 1]))
                    exercises[e] = {"score": float(draw(st.sampled_from([0, 1, 0.5, 2, 3])) % (e_max + 1)), "max_score": float(e_max)}
                evidence["modules"][m] = {"score": number(score), "max_score": number(maximum), "exercises": exercises}
        for p in practice_ids:
            answer = draw(st.sampled_from([True, False, None]))
            if answer is not None:
                evidence["practices"][p] = answer
        return evidence, matrix

    if kind == "levels":
        return case()
    if kind == "gaps":
        return case().flatmap(lambda c: st.tuples(st.just(c[0]), st.just(c[1]), st.sampled_from(list(c[1]["milestones"]))))
    if kind == "next_steps":
        def steps_args(c: tuple[dict[str, Any], dict[str, Any]]) -> Any:
            evidence, matrix = c
            skill = st.sampled_from([*matrix["skills"], "untrained"])
            gap_lists = st.lists(skill, unique=True, max_size=4).map(
                lambda skills: [{"skill": s, "level": 0.0, "bar": 0.5, "impact": round(1 / (i + 2), 6)} for i, s in enumerate(skills)])
            return st.tuples(gap_lists, st.just(module_catalogue(matrix, evidence)))
        return case().flatmap(steps_args)
    if kind == "report":
        def report_args(c: tuple[dict[str, Any], dict[str, Any]]) -> Any:
            evidence, matrix = c
            ready = readiness(evidence, matrix)
            target = next_milestone(ready, matrix) or list(matrix["milestones"])[-1]
            steps = next_steps(gaps(evidence, matrix, target), module_catalogue(matrix, evidence))
            plots = st.dictionaries(st.sampled_from(["radar", "progress", "gaps"]),
                                    st.sampled_from(["radar.png", "charts/progress.png", "../out/gaps.png"]), max_size=3)
            highlights = st.lists(st.sampled_from(["Built an API", "p95 1.5 ms", "Cut p99 by 40%"]), max_size=3)
            return st.tuples(st.sampled_from(["Proof point", "Proof point — 2026"]), st.just(evidence), st.just(matrix),
                             st.just(ready), st.just(steps), plots, highlights)
        return case().flatmap(report_args)
    raise ValueError(f"kind must be levels, gaps, next_steps or report, got {kind!r}")


# -------------------------------------------------------------------------------------------------- charts


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


# ----------------------------------------------------------------------------------------------- portfolio


def portfolio_dir(sample: bool = False) -> Path:
    """Where the proof point goes: $BACKENDLAB_PORTFOLIO, else <course root>/portfolio (a sample/ subfolder for sample evidence)."""
    env = os.environ.get("BACKENDLAB_PORTFOLIO")
    base = Path(env).expanduser() if env else course.root() / "portfolio"
    folder = base / "sample" if sample else base
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def project_readme(name: str, summary: str, endpoints: list[tuple[str, str]], tests: list[str], benchmark: dict[str, float]) -> str:
    """The README of a portfolio project: what it does, how to run and test it, its CI, and its measured benchmark."""
    rows = "\n".join(f"| `{route}` | {what} |" for route, what in endpoints)
    test_lines = "\n".join(f"- `{t}`" for t in tests)
    bench = "\n".join(f"| {k} | {v:.2f} |" for k, v in benchmark.items())
    return f"""# {name}

{summary}

## Endpoints

| Route | What it returns |
| --- | --- |
{rows}

## Run it

```bash
python -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt
uvicorn app:app --host 127.0.0.1 --port 8000
```

## Tests

`pytest -q` runs:

{test_lines}

CI (`.github/workflows/ci.yml`) runs ruff and pytest on every push and pull request.

## Benchmark (measured, not estimated)

| Metric | Value |
| --- | --- |
{bench}

Measured with sequential requests from one client on the same machine (loopback): it bounds the service's
own overhead, not production latency. Re-run `python bench.py` after every change and keep the numbers here.
"""
