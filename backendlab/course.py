"""Where the course lives on disk: its root, modules, solutions and datasets."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class CourseError(RuntimeError):
    """Something the course needs is missing; the message says what and how to fix it."""


def root() -> Path:
    return ROOT


def datasets_dir() -> Path:
    """The course's datasets/ folder, wherever the notebook runs from."""
    path = ROOT / "datasets"
    if not path.is_dir():
        raise CourseError(f"{path} is missing: install the course from a clone of its repository (pip install -e .).")
    return path


def module_names() -> list[str]:
    """Every module that has authored notebooks, in course order (e.g. '00-orientation')."""
    solutions = ROOT / "solutions"
    return sorted(p.name for p in solutions.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) if solutions.is_dir() else []


def find_module(spec: str) -> str:
    """Resolve '0', '00', '00-orientation' or 'orientation' to a module folder name."""
    spec = spec.strip().strip("/").split("/")[-1]
    names = module_names()
    if spec in names:
        return spec
    matches = [n for n in names if (spec.isdigit() and n.split("-")[0] == spec.zfill(2)) or (not spec.isdigit() and spec in n)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(names) or "none found"
    raise CourseError(f"No single module matches {spec!r}. Modules: {known}.")
