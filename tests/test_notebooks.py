"""Course integrity without executing anything: student notebooks in sync, sources clean, every module complete."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from backendlab import course
from backendlab.grading import autograde
from tools import notebooks, verify_module

ROOT = course.root()
MODULES = course.module_names()
SOLUTIONS = notebooks.solution_notebooks()
MIN_EXERCISES = {"00-orientation": 3}


def _cells(module: str) -> list[tuple[Path, nbformat.NotebookNode]]:
    return [(p, c) for p in sorted((ROOT / "solutions" / module).glob("*.ipynb")) for c in nbformat.read(p, as_version=4).cells]


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("module", MODULES)
def test_student_notebooks_are_exactly_what_regeneration_yields(module: str) -> None:
    # Compared byte for byte: nbgrader's output is deterministic (cell ids come from the source), so nothing is normalised.
    generated = autograde.release(module)
    committed = ROOT / "modules" / module
    names = sorted(p.relative_to(generated).as_posix() for p in generated.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(committed).as_posix() for p in committed.rglob("*") if p.is_file()), (
        f"modules/{module}/ has other files than regeneration yields: run `make modules`"
    )
    stale = [n for n in names if (generated / n).read_bytes() != (committed / n).read_bytes()]
    assert not stale, f"modules/{module}/{stale[0]} differs from its regeneration: run `make modules` (never edit modules/ by hand)"


def test_no_student_module_without_a_source() -> None:
    orphans = sorted(p.name for p in (ROOT / "modules").iterdir() if p.is_dir() and p.name not in MODULES)
    assert not orphans, f"modules/ has folders with no solutions/ source: {orphans}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_notebook_is_clean_and_navigable(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    titles = {p: notebooks.title(nbformat.read(p, as_version=4)) for p in SOLUTIONS}
    expected = notebooks.with_navigation(notebooks.with_check_cell(notebooks.cleaned(nb)), path, SOLUTIONS, titles)
    assert nbformat.writes(expected) == nbformat.writes(nb), (
        f"{path.relative_to(ROOT)} has outputs, execution counts, volatile metadata or stale navigation: run `make modules`"
    )


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_notebook_opens_with_objectives_and_closes_with_key_points(path: Path) -> None:
    cells = [c for c in nbformat.read(path, as_version=4).cells if notebooks.NAV_MARKER not in c.source]
    opening, closing = cells[0].source, cells[-1].source
    assert opening.startswith("# "), f"{path.name}: the first cell should be the title cell"
    text = opening.lower()
    assert re.search(r"\b(about|around|~)?\s*[\d.–-]+\s*(-|–|to)?\s*[\d.]*\s*(h|hours?|min|minutes)\b", text), (
        f"{path.name}: the opening cell should give a time estimate (e.g. 'about 2 hours' or '90 minutes')")
    assert "prerequisite" in text, f"{path.name}: the opening cell should list prerequisites"
    assert re.search(r"objective|you will be able to|you will learn", text), f"{path.name}: the opening cell should list objectives"
    for word in ("key points", "further reading", "next"):
        assert word in closing.lower(), f"{path.name}: the closing cell should have '{word}'"


@pytest.mark.parametrize("module", MODULES)
def test_module_has_enough_exercises_each_with_tests_and_a_reflection(module: str) -> None:
    owners = verify_module.exercises(module)
    assert len(owners) >= MIN_EXERCISES.get(module, 5), f"{module} has {len(owners)} autograded exercises"
    untested = [gid for gid, tests in owners.items() if not tests]
    assert not untested, f"{module}: answer cells with no test cell after them: {untested}"
    reflections = [c for _, c in _cells(module) if _nbgrader(c).get("solution") and c.cell_type == "markdown"]
    assert reflections, f"{module} has no written reflection (a manually graded markdown answer)"


@pytest.mark.parametrize("module", MODULES)
def test_grade_ids_are_unique_snake_case_and_test_cells_are_documented(module: str) -> None:
    # answers and tests are unique across the module (wrong answers are keyed by them); setup cells only per notebook
    ids = [_nbgrader(c)["grade_id"] for _, c in _cells(module) if _nbgrader(c).get("grade") or _nbgrader(c).get("solution")]
    assert len(ids) == len(set(ids)), f"{module}: duplicate grade ids {sorted({i for i in ids if ids.count(i) > 1})}"
    for path, cell in _cells(module):
        meta = _nbgrader(cell)
        if meta.get("grade") and not meta.get("solution"):
            where = f"{path.name}:{meta['grade_id']}"
            assert re.fullmatch(r"[a-z0-9_]+", meta["grade_id"]), f"{where}: use snake_case grade ids"
            assert cell.source.startswith('"""'), f"{where}: a test cell starts with a one-line docstring"
            assert "### BEGIN HIDDEN TESTS" in cell.source, f"{where}: add hidden tests for the edge cases"
            assert 1 <= meta["points"] <= 3, f"{where}: 1-3 points per test cell"
        if meta.get("solution") and cell.cell_type == "code":
            assert "### BEGIN SOLUTION" in cell.source, f"{path.name}:{meta['grade_id']}: mark the solution region"


@pytest.mark.parametrize("module", MODULES)
def test_every_test_cell_lets_run_all_continue_past_it(module: str) -> None:
    # JupyterLab stops Run All at a cell that raises unless it is tagged; an untouched exercise's tests raise.
    for path in sorted((ROOT / "modules" / module).glob("*.ipynb")):
        untagged = [c.metadata["nbgrader"]["grade_id"] for c in nbformat.read(path, as_version=4).cells
                    if notebooks.is_test_cell(c) and notebooks.RUN_ALL_TAG not in c.metadata.get("tags", [])]
        assert not untagged, f"modules/{module}/{path.name}: test cells without the raises-exception tag: {untagged}; run `make modules`"


@pytest.mark.parametrize("module", MODULES)
def test_notebooks_bind_loopback_use_no_relative_data_paths_and_no_star_imports(module: str) -> None:
    for path, cell in _cells(module):
        if cell.cell_type != "code":
            continue
        where = f"{path.name}, cell {cell.id}"
        assert "0.0.0.0" not in cell.source, f"{where}: services bind 127.0.0.1 only"
        assert not re.search(r"import \*", cell.source), f"{where}: no star imports"
        assert not re.search(r"""["'](\.\./|\./)?datasets/""", cell.source), f"{where}: find data with backendlab.course.datasets_dir()"
        assert not re.search(r"""open\(\s*["']\.\.?/""", cell.source), f"{where}: no relative paths (nbgrader runs notebooks elsewhere)"
        assert not re.search(r"serve\([^)]*port\s*=", cell.source), f"{where}: let serve() choose a free port"


@pytest.mark.parametrize("module", MODULES)
def test_module_draws_a_labelled_plot(module: str) -> None:
    code = "\n".join(c.source for _, c in _cells(module) if c.cell_type == "code")
    used = set(re.findall(r"backendlab\.(\w+)|from backendlab import ([\w, ]+)", code))
    names = {n.strip() for pair in used for part in pair for n in part.split(",") if n.strip()}
    helpers = "\n".join((ROOT / "backendlab" / f"{n}.py").read_text() for n in names if (ROOT / "backendlab" / f"{n}.py").exists())
    labelled = all(re.search(pattern, code + helpers) for pattern in (r"set_title|plt\.title|suptitle", r"xlabel", r"ylabel"))
    assert re.search(r"plt\.|plots\.|\.plot\(|radar", code) and labelled, f"{module} draws no plot with a title and labelled axes"


def test_nothing_committed_looks_like_a_private_key() -> None:
    header = "-----BEGIN " + r"([A-Z]+ )?PRIVATE KEY-----"
    skip = {".venv", ".git", "__pycache__", "node_modules"}
    offenders = [
        p.relative_to(ROOT)
        for p in ROOT.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(ROOT).parts) and p.stat().st_size < 5_000_000
        and re.search(header, p.read_text(errors="ignore"))
    ]
    assert not offenders, f"private key material in {offenders}: generate keys at run time"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_code_cell_parses(path: Path) -> None:
    """A syntax error in a test cell costs a whole graded run to find (and scores a correct answer 0): find it here."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    broken = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "code":
            try:
                ast.parse(TransformerManager().transform_cell(cell.source))
            except SyntaxError as exc:
                broken.append(f"cell {index}, line {exc.lineno}: {exc.msg}")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)
