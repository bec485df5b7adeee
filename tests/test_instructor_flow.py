"""The class workflow of grading/README.md, run for fake students (right, untouched, partly right,
hostile, broken): every exported score is checked."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from backendlab import course
from tools import verify_module

MODULE = "00-orientation"
ROOT = course.root()
COURSE_ID = "backend-engineering-lab"


def nbgrader(*args: str, cwd: Path, env: dict[str, str], ok: bool = True) -> str:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if ok:
        assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout + proc.stderr


def points(module: str) -> tuple[float, float, dict[str, float]]:
    """(autograded points, manual points, points per exercise answer cell) from the source notebooks."""
    auto = manual = 0.0
    per_test: dict[str, float] = {}
    for path in sorted((ROOT / "solutions" / module).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                if meta.get("solution"):
                    manual += meta["points"]
                else:
                    auto += meta["points"]
                    per_test[meta["grade_id"]] = meta["points"]
    per_exercise = {gid: sum(per_test[t] for t in tests) for gid, tests in verify_module.exercises(module).items()}
    return auto, manual, per_exercise


def solved(student_nb: Path, grade_id: str) -> None:
    """Type the solution of one exercise into a student's notebook (what a partly-right student did)."""
    nb = nbformat.read(student_nb, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = verify_module.solution_source(MODULE, grade_id)
    nbformat.write(nb, student_nb)


def neutered(student_nb: Path) -> None:
    """A hostile submission: every test cell replaced by `pass`, answers left unwritten."""
    nb = nbformat.read(student_nb, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell.source = "pass"
    nbformat.write(nb, student_nb)


@pytest.mark.slow
def test_generate_release_collect_autograde_feedback_and_export_for_a_class(tmp_path: Path) -> None:
    # A throwaway copy of the course layout that grading/nbgrader_config.py expects.
    (tmp_path / "solutions").mkdir()
    shutil.copytree(ROOT / "solutions" / MODULE, tmp_path / "solutions" / MODULE)
    (tmp_path / "grading").mkdir()
    shutil.copy(ROOT / "grading" / "nbgrader_config.py", tmp_path / "grading")
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    env = dict(os.environ, NBGRADER_EXCHANGE=str(exchange), JUPYTER_CONFIG_DIR=str(tmp_path / ".jupyter"))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env["PATH"]
    grading = tmp_path / "grading"
    student_flags = ["--course", COURSE_ID, f"--Exchange.root={exchange}"]

    # 1. generate: the same student notebooks that the repository commits
    nbgrader("generate_assignment", MODULE, "--force", cwd=grading, env=env)
    for committed in (ROOT / "modules" / MODULE).glob("*.ipynb"):
        assert (tmp_path / "modules" / MODULE / committed.name).read_bytes() == committed.read_bytes()

    # 2. release through the exchange; alice and bob fetch and submit
    nbgrader("release_assignment", MODULE, cwd=grading, env=env)
    auto, manual, per_exercise = points(MODULE)
    # alice goes through the exchange (fetch, submit, collect); bob, mallory and eve hand in files that land in
    # nbgrader's submitted/<student>/<assignment>/ folder directly, as when an instructor collects them by hand
    home = tmp_path / "home" / "alice"
    home.mkdir(parents=True)
    nbgrader("fetch_assignment", MODULE, *student_flags, cwd=home, env=env)
    for src in (ROOT / "solutions" / MODULE).glob("*.ipynb"):  # alice hands in the reference solution
        shutil.copy(src, home / MODULE / src.name)
    nbgrader("submit", MODULE, *student_flags, "--student=alice", cwd=home, env=env)
    released = tmp_path / "modules" / MODULE
    for student in ("bob", "mallory", "eve"):
        folder = grading / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        for nb in released.glob("*.ipynb"):
            shutil.copy(nb, folder / nb.name)
            if student == "mallory":  # edits the tests away: they are restored from the source at grading
                neutered(folder / nb.name)
            if student == "eve":  # hands in a truncated file
                (folder / nb.name).write_text('{"cells": [')
    nbgrader("collect", MODULE, cwd=grading, env=env)

    # 3. carol works from the LMS zip and solves one exercise; her download comes back through zip_collect
    from grading.zip_release import zip_release

    archive = zip_release(MODULE, tmp_path / "lms")
    carol = tmp_path / "home" / "carol"
    with zipfile.ZipFile(archive) as z:
        z.extractall(carol)
        assert all("BEGIN SOLUTION" not in z.read(n).decode() for n in z.namelist()), "the zip holds student versions only"
    first_exercise = sorted(per_exercise)[0]
    for nb in (carol / MODULE).glob("*.ipynb"):
        solved(nb, first_exercise)
    downloads = grading / "downloaded" / MODULE / "archive"
    downloads.mkdir(parents=True)
    with zipfile.ZipFile(downloads / "submissions.zip", "w") as z:
        for nb in (carol / MODULE).glob("*.ipynb"):
            z.write(nb, f"carol_20261122_{nb.name}")
    nbgrader("zip_collect", MODULE, cwd=grading, env=env)
    assert sorted(p.name for p in (grading / "submitted").iterdir()) == ["alice", "bob", "carol", "eve", "mallory"]

    # 4. autograde all (eve's broken file is reported, and does not stop the others), feedback, grades to CSV
    log = nbgrader("autograde", MODULE, "--create", cwd=grading, env=env, ok=False)
    assert "eve" in log
    graded = {p.parent.parent.name for p in (grading / "autograded").glob(f"*/{MODULE}/*.ipynb")}
    assert graded == {"alice", "bob", "carol", "mallory"}
    nbgrader("generate_feedback", MODULE, cwd=grading, env=env, ok=False)  # eve has nothing to give feedback on
    nbgrader("release_feedback", MODULE, "--student=alice", cwd=grading, env=env)
    nbgrader("fetch_feedback", MODULE, *student_flags, "--student=alice", cwd=tmp_path / "home" / "alice", env=env)
    fetched = list((tmp_path / "home" / "alice" / MODULE / "feedback").rglob("*.html"))
    assert fetched, "alice received her feedback"
    nbgrader("export", "--to", str(grading / "grades.csv"), cwd=grading, env=env)

    rows = {row["student_id"]: row for row in csv.DictReader((grading / "grades.csv").open())}
    expected = {"alice": auto, "bob": 0.0, "carol": per_exercise[first_exercise], "mallory": 0.0, "eve": 0.0}
    assert set(rows) == set(expected)
    for student, score in expected.items():
        assert float(rows[student]["score"]) == pytest.approx(score), (student, rows[student])
        assert float(rows[student]["max_score"]) == pytest.approx(auto + manual), (student, rows[student])
    assert 0 < per_exercise[first_exercise] < auto, "carol's partial score tells the three apart"
