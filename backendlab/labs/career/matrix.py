"""The skills matrix of module 10: validate and load it (datasets/skills_matrix.yaml), and a tiny one to compute by hand."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from backendlab import course

MATRIX_FILE = "skills_matrix.yaml"
STATUSES = ("available", "coming")
SELF_REPORTED_CAP = 0.5  # the most a skill can show on self-reported practices alone (no graded module yet)


class MatrixError(ValueError):
    """The skills matrix is inconsistent; the message names the entry and what is wrong with it."""


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

    Normalised shape: ready_at (float), self_reported_cap (float), evidence_weights {course, practices},
    pillars {id: title}, dimensions {id: {title, evidence}},
    topics {id: title}, modules {id: {title, status}}, practices {id: text},
    skills {id: {title, topic, pillars, modules, practices}},
    milestones {id: {title, summary, behaviours {pillar: [text]}, dimensions {dimension: text}, bars {skill: level},
    weights {skill: weight}}}.
    """
    if not isinstance(raw, dict):
        raise MatrixError(f"A skills matrix is a mapping, got {type(raw).__name__}.")
    m: dict[str, Any] = {"version": raw.get("version", 1)}
    m["ready_at"] = _number(raw.get("ready_at", 0.8), "ready_at", 0.0, 1.0)
    if m["ready_at"] == 0:
        raise MatrixError("ready_at must be above 0: a milestone that needs no readiness is reached by everybody.")
    m["self_reported_cap"] = _number(raw.get("self_reported_cap", SELF_REPORTED_CAP), "self_reported_cap", 0.0, 1.0)
    weights = raw.get("evidence_weights", {"course": 0.6, "practices": 0.4})
    if not isinstance(weights, dict) or set(weights) != {"course", "practices"}:
        raise MatrixError(f"evidence_weights must have exactly the keys course and practices, got {weights!r}.")
    m["evidence_weights"] = {k: _number(v, f"evidence_weights.{k}", 0.0, math.inf) for k, v in weights.items()}
    if sum(m["evidence_weights"].values()) <= 0:
        raise MatrixError("evidence_weights must not both be 0.")
    m["pillars"] = {str(k): str(v) for k, v in _as_mapping(raw, "pillars").items()}
    m["topics"] = {str(k): str(v) for k, v in _as_mapping(raw, "topics").items()}
    m["dimensions"] = {}
    for did, entry in (raw.get("dimensions") or {}).items():
        if not isinstance(entry, dict):
            raise MatrixError(f"dimensions.{did} must be a mapping {{title, evidence}}, got {entry!r}.")
        m["dimensions"][str(did)] = {"title": str(entry.get("title", did)), "evidence": str(entry.get("evidence", ""))}
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
        dimensions = entry.get("dimensions") or {}
        _known(list(dimensions), m["dimensions"], f"{where}.dimensions", "dimension")
        m["milestones"][str(mid)] = {
            "title": str(entry.get("title", mid)),
            "summary": str(entry.get("summary", "")),
            "behaviours": {p: [str(b) for b in (behaviours.get(p) or [])] for p in m["pillars"]},
            "dimensions": {d: str(dimensions.get(d) or "") for d in m["dimensions"]},
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
