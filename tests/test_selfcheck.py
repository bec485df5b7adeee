"""`make check M=00`: grades the learner's saved notebooks with hidden tests, prints a card, records progress, never edits."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backendlab import course, progress
from backendlab.grading import autograde

MODULE = "00-orientation"
ROOT = course.root()


def run_check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "backendlab.grading.selfcheck", *map(str, args)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)


def copies(folder: Path, into: Path) -> list[Path]:
    into.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, into / p.name)) for p in sorted(folder.glob("*.ipynb"))]


def total(card: str) -> tuple[float, float]:
    found = re.search(r"Score: ([\d.]+) / ([\d.]+)", card)
    assert found, card
    return float(found[1]), float(found[2])


@pytest.mark.slow
def test_untouched_student_notebook_scores_zero_is_recorded_and_left_unchanged(tmp_path: Path, progress_file: Path) -> None:
    notebooks = copies(ROOT / "modules" / MODULE, tmp_path / "learner")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in notebooks}
    args = [a for p in notebooks for a in ("--notebook", p)]
    result = run_check("00", *args)
    assert result.returncode == 0, result.stderr
    score, maximum = total(result.stdout)
    assert score == 0 and maximum > 0
    assert "✗" in result.stdout and "not written yet" in result.stdout
    assert progress.module_scores()[MODULE]["score"] == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in notebooks} == before, "self-check must grade a copy"


@pytest.mark.slow
def test_solution_scores_full_marks(tmp_path: Path, progress_file: Path) -> None:
    notebooks = copies(ROOT / "solutions" / MODULE, tmp_path / "learner")
    result = run_check(MODULE, *[a for p in notebooks for a in ("--notebook", p)])
    score, maximum = total(result.stdout)
    assert score == maximum > 0, result.stdout
    assert "✗" not in result.stdout
    assert progress.module_scores()[MODULE]["best_score"] == maximum


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "no such notebook"), ("", "the file is empty"), ('{"cells": [', "not a readable notebook"), ("[]", "not a readable notebook")],
    ids=["missing", "empty", "truncated-json", "json-not-a-notebook"],
)
def test_bad_notebooks_get_one_line_naming_the_file_and_the_fix(tmp_path: Path, content: str | None, expected: str) -> None:
    name = sorted(autograde.module_notebooks(MODULE))[0]
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    result = run_check(MODULE, "--notebook", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    if content is not None:
        assert path.read_text() == content, "a broken notebook is never overwritten"


def test_unknown_module_and_foreign_notebook_are_explained(tmp_path: Path) -> None:
    result = run_check("42")
    assert result.returncode == 2 and "No single module matches '42'" in result.stderr and MODULE in result.stderr
    stray = tmp_path / "99-not-ours.ipynb"
    shutil.copy(next((ROOT / "modules" / MODULE).glob("*.ipynb")), stray)
    result = run_check(MODULE, "--notebook", stray)
    assert result.returncode == 2 and "not a notebook of 00-orientation" in result.stderr


def test_make_check_runs_the_self_check_on_the_module() -> None:
    dry = subprocess.run(["make", "-n", "check", "M=00"], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert re.search(r"python -m backendlab\.grading\.selfcheck 00\b", dry), dry


def test_score_card_shows_failures_with_their_message() -> None:
    report = autograde.Report("00-orientation", [
        autograde.CellResult("01-welcome.ipynb", "status_codes", "auto", 0, 2, "CheckFailed: classify_status(301): expected 'redirect'"),
        autograde.CellResult("01-welcome.ipynb", "query_string", "auto", 1, 1),
        autograde.CellResult("01-welcome.ipynb", "reflection", "manual", 0, 2),
    ])
    from backendlab.grading.selfcheck import score_card

    card = score_card(report)
    assert "✗ status_codes" in card and "expected 'redirect'" in card
    assert "✓ query_string" in card and "graded by a person" in card
    assert "Score: 1 / 3" in card


def test_checking_one_notebook_of_a_two_notebook_module_records_only_that_notebook(
    monkeypatch: pytest.MonkeyPatch, progress_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from backendlab.grading import selfcheck

    module = "01-language-tradeoffs"
    first, second = sorted(autograde.module_notebooks(module))

    def fake_grade(name: str, submission: dict[str, Path]) -> autograde.Report:
        # what nbgrader reports when one notebook of two is submitted: the other one's cells at 0 and a Missing error
        report = autograde.Report(name)
        report.cells = [autograde.CellResult(first, "a_tests", "auto", 2.0, 2.0), autograde.CellResult(second, "b_tests", "auto", 0.0, 3.0)]
        report.errors = [autograde.CellError(second, -1, "notebook", None, "Missing", "the notebook was not graded")]
        return report

    monkeypatch.setattr(autograde, "grade", fake_grade)
    progress.record_scores(module, {"b_tests": (3.0, 3.0)})
    selfcheck.check(module, [ROOT / "modules" / module / first])
    card = capsys.readouterr().out
    assert "Score: 2 / 2" in card and f"Not checked: {second}" in card and "Missing" not in card
    kept = progress.module_scores()[module]["exercises"]["b_tests"]
    assert kept == {"score": 3.0, "max_score": 3.0}, "the other notebook keeps its earlier result"
