"""backendlab's three layers, and imports that run one way (CONTRIBUTING.md, "Where code goes")."""

from __future__ import annotations

import ast
from pathlib import Path

from backendlab import course

PACKAGE = course.root() / "backendlab"
MAX_LINES = 500


def layer(path: Path) -> str:
    """'infrastructure', 'servers', 'grading' or 'lab:<name>' for a file of backendlab/."""
    parts = path.relative_to(PACKAGE).parts
    if len(parts) == 1:
        return "infrastructure"
    if parts[0] == "labs":
        return "labs" if len(parts) == 2 else f"lab:{parts[1]}"
    return parts[0]


def imported_layers(source: str) -> set[str]:
    """The layers of the backendlab modules a file's source imports (at any depth: lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            if node.module not in ("backendlab", "backendlab.labs"):
                names.append(node.module)
        for name in names:
            parts = name.split(".")
            if parts[0] != "backendlab" or len(parts) < 2:
                continue
            if parts[1] == "labs":
                found.add(f"lab:{parts[2]}" if len(parts) > 2 else "labs")
            elif parts[1] in ("servers", "grading"):
                found.add(parts[1])
            else:
                found.add("infrastructure")
    return found


def python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_tree_has_the_three_layers_and_one_package_per_module() -> None:
    for folder in ("servers", "grading", "labs"):
        assert (PACKAGE / folder / "__init__.py").is_file(), f"backendlab/{folder}/ is a package"
    flat = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert set(flat) <= {"__init__", "course", "services", "checks", "progress", "plots", "scorecard"}, (
        f"backendlab/ keeps only the infrastructure a notebook's setup cell imports; move the rest: {flat}")


def test_imports_run_one_way() -> None:
    allowed = {
        "infrastructure": {"infrastructure", "servers", "grading"},  # scorecard starts a self-check (grading) lazily
        "servers": {"infrastructure", "servers"},
        "grading": {"infrastructure", "servers", "grading"},
        "labs": {"infrastructure"},
    }
    wrong = []
    for path in python_files():
        mine = layer(path)
        ok = allowed.get(mine) or {"infrastructure", "servers", mine}
        for other in imported_layers(path.read_text()) - ok:
            wrong.append(f"{path.relative_to(PACKAGE.parent)} ({mine}) imports {other}")
    assert not wrong, "imports must run labs -> servers -> infrastructure, and grading must import no lab:\n" + "\n".join(wrong)


def test_no_file_in_backendlab_is_over_500_lines() -> None:
    long = {str(p.relative_to(PACKAGE.parent)): n for p in python_files() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these by concern (at most {MAX_LINES} lines a file): {long}"


def test_the_layer_checker_can_fail() -> None:
    """What the direction test relies on: lab, server, grading and infrastructure imports are told apart."""
    source = ("from backendlab.labs import security\nimport backendlab.labs.career.report\n"
              "def later():\n    from backendlab.servers.postgres import start\n"
              "from backendlab import checks, grading\nfrom backendlab.grading.guard import Guard\n")
    assert imported_layers(source) == {"lab:security", "lab:career", "servers", "infrastructure", "grading"}
