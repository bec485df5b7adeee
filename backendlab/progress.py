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
# Modules that moved folder: old name -> new name. A record keyed by an old name is migrated on first read.
RENAMED_MODULES = {"08-career-milestones": "10-career-milestones"}  # issue #18: career milestones comes last


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
    """Everything recorded so far; an empty record when there is no file yet.

    A record written before a module moved folder is migrated on this first read (see migrate) and saved back.
    """
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
    if migrate(record):
        try:
            _save(record)  # first read after the rename: write the migrated record once (atomically)
        except OSError:
            pass  # a read-only file: the migration is redone in memory on every read, nothing is lost
    return record


def _checked_at(entry: dict[str, Any]) -> datetime:
    try:
        when = datetime.fromisoformat(str(entry.get("checked_at", "")))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _best(entry: dict[str, Any]) -> float:
    return max(entry.get("best_score", 0) or 0, entry.get("score", 0) or 0)


def _merged_module(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """One module recorded under both names: the NEWER run is kept, and the BETTER best score of the two.

    The entry with the later `checked_at` stays the module's latest run (its score, max_score, exercises and
    checked_at); on a tie, or when a date is missing, the one under the new name wins. Its best_score becomes
    the highest best_score or score of either entry, so no score is ever lost.
    """
    if not isinstance(old, dict):
        return new
    if not isinstance(new, dict):
        return old
    latest = old if _checked_at(old) > _checked_at(new) else new
    return {**latest, "best_score": max(_best(old), _best(new))}


def migrate(record: dict[str, Any]) -> bool:
    """Rename the keys of modules that moved folder (RENAMED_MODULES) in a loaded record, in place; True if it changed.

    - modules: old -> new. When only the old name is there, its entry moves as it is. When both are there,
      the newer run is kept with the better best score of the two (see _merged_module): never lose a score.
    - answers: a key equal to the old name or starting with "<old name>/" (the career checklist,
      "08-career-milestones/checklist") moves to the same key under the new name. When both are there and
      both are mappings, they are merged and the new key's answers win (they were saved by the current
      course); otherwise the new key's value is kept.
    """
    changed = False
    modules = record.get("modules")
    answers = record.get("answers")
    for old, new in RENAMED_MODULES.items():
        if isinstance(modules, dict) and old in modules:
            entry = modules.pop(old)
            modules[new] = _merged_module(entry, modules[new]) if new in modules else entry
            changed = True
        if isinstance(answers, dict):
            for key in [k for k in answers if k == old or k.startswith(f"{old}/")]:
                value, target = answers.pop(key), new + key[len(old):]
                if target not in answers:
                    answers[target] = value
                elif isinstance(value, dict) and isinstance(answers[target], dict):
                    answers[target] = {**value, **answers[target]}
                changed = True
    return changed


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
