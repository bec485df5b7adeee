"""The learner's progress: self-check scores per module and saved answers, in one local JSON file."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backendlab import course

FILENAME = "progress.json"
SCHEMA = 1


class ProgressError(RuntimeError):
    """The progress file cannot be read; it is left untouched and the message says how to fix it."""


def path() -> Path:
    """$BACKENDLAB_PROGRESS, else progress.json at the course root (visible in JupyterLab, so Binder users can download it)."""
    env = os.environ.get("BACKENDLAB_PROGRESS")
    if env:
        return Path(env).expanduser()
    at_root = course.root() / FILENAME
    if os.access(course.root(), os.W_OK):
        return at_root
    return Path.home() / ".backendlab" / FILENAME  # a shared, read-only install of the course


def empty() -> dict[str, Any]:
    return {"schema": SCHEMA, "modules": {}, "answers": {}}


def load() -> dict[str, Any]:
    """Everything recorded so far; an empty record when there is no file yet."""
    file = path()
    if not file.exists():
        return empty()
    try:
        data = json.loads(file.read_text(encoding="utf-8") or "{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProgressError(
            f"{file} is not valid JSON ({exc}). It was left as it is: fix it, or move it aside to start a fresh record."
        ) from None
    if not isinstance(data, dict):
        raise ProgressError(f"{file} does not hold a progress record (a JSON object). Move it aside to start a fresh record.")
    record = empty()
    record.update(data)
    return record


def _save(record: dict[str, Any]) -> Path:
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".progress-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(record, out, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, file)  # atomic: a crash never leaves half a file
    return file


def record_scores(module: str, exercises: dict[str, tuple[float, float]], merge: bool = False) -> Path:
    """Store a module's self-check result: exercise -> (score, max). Keeps the best total seen so far too.

    merge: only some of the module's notebooks were checked; keep the earlier results of the other exercises.
    """
    record = load()
    previous = record["modules"].get(module, {})
    if merge:
        earlier = {k: (v["score"], v["max_score"]) for k, v in previous.get("exercises", {}).items()}
        exercises = {**earlier, **exercises}
    score = sum(s for s, _ in exercises.values())
    maximum = sum(m for _, m in exercises.values())
    record["modules"][module] = {
        "score": score,
        "max_score": maximum,
        "best_score": max(score, previous.get("best_score", 0)),
        "exercises": {name: {"score": s, "max_score": m} for name, (s, m) in exercises.items()},
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return _save(record)


def module_scores() -> dict[str, dict[str, Any]]:
    """module -> {'score', 'max_score', 'best_score', 'exercises', 'checked_at'} for every module checked so far."""
    return load()["modules"]


def save_answers(key: str, answers: Any) -> Path:
    """Keep answers that are not graded (a self-assessment checklist, say) under `key`."""
    record = load()
    record["answers"][key] = answers
    return _save(record)


def load_answers(key: str, default: Any = None) -> Any:
    return load()["answers"].get(key, default)
