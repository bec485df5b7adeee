"""backendlab.scorecard: one exercise's hidden tests in the learner's kernel, and a module check that never loops at grading."""

from __future__ import annotations

import pytest

from backendlab import course, scorecard
from tools import verify_module

MODULE = "00-orientation"


def _solution_namespace(exercise: str) -> dict:
    namespace: dict = {}
    exec(compile(verify_module.solution_source(MODULE, exercise), "<answer>", "exec"), namespace)
    return namespace


@pytest.fixture(autouse=True)
def _not_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(scorecard.GRADING_ENV, raising=False)


def test_check_runs_every_test_cell_of_the_exercise_hidden_ones_included(capsys: pytest.CaptureFixture[str]) -> None:
    tests = scorecard.find_tests("classify_status")
    assert [gid for gid, _, _ in tests.cells] == verify_module.exercises(MODULE)["classify_status"]
    scorecard.check("classify_status", namespace=_solution_namespace("classify_status"))  # its time: make bench
    out = capsys.readouterr().out
    total = sum(points for _, points, _ in tests.cells)
    assert f"{total:g} / {total:g}" in out and "✗" not in out, out


def test_check_shows_the_failing_behaviour_in_one_line_and_scores_it_zero(capsys: pytest.CaptureFixture[str]) -> None:
    namespace = _solution_namespace("classify_status")
    exec("def classify_status(code):\n    return 'success' if code < 300 else 'redirect'\n", namespace)
    scorecard.check("classify_status", namespace=namespace)
    out = capsys.readouterr().out
    assert "✗" in out and "Traceback" not in out
    assert "records your score" in out and "preview" in out


def test_check_does_not_leak_the_tests_names_into_the_learners_namespace() -> None:
    namespace = _solution_namespace("classify_status")
    before = set(namespace)
    scorecard.check("classify_status", namespace=namespace)
    assert set(namespace) == before


def test_check_and_check_module_do_nothing_while_grading(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(scorecard.GRADING_ENV, "1")
    monkeypatch.setenv("JPY_SESSION_NAME", f"modules/{MODULE}/01-welcome.ipynb")
    scorecard.check("classify_status", namespace={})
    scorecard.check_module()
    assert "skipped" in capsys.readouterr().out


def test_check_module_outside_jupyterlab_says_it_is_skipped(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert scorecard.check_module() is None
    assert "skipped" in capsys.readouterr().out


def test_the_current_module_comes_from_the_notebook_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", f"modules/{MODULE}/01-welcome.ipynb")
    assert scorecard.current_module() == MODULE
    monkeypatch.setenv("JPY_SESSION_NAME", "scratch/Untitled.ipynb")
    assert scorecard.current_module() is None


def test_an_unknown_exercise_lists_the_real_ones() -> None:
    with pytest.raises(course.CourseError, match="classify_status"):
        scorecard.find_tests("classify_statuses")


def test_check_runs_test_cells_that_use_top_level_await(capsys: pytest.CaptureFixture[str]) -> None:
    """Module 01's fetch_all is tested with `await` at the top of the cell, as the notebook runs it."""
    module, exercise = "01-language-tradeoffs", "fetch_all"
    namespace: dict = {}
    exec("import asyncio\nimport httpx\n", namespace)  # what the notebook's setup cell imports
    exec(compile(verify_module.solution_source(module, exercise), "<answer>", "exec"), namespace)
    tests = scorecard.find_tests(exercise, prefer=module)
    assert any("await " in source for _, _, source in tests.cells)
    scorecard.check(exercise, namespace=namespace)
    out = capsys.readouterr().out
    total = sum(points for _, points, _ in tests.cells)
    assert f"{total:g} / {total:g}" in out and "✗" not in out, out
    exec("async def fetch_all(urls, limit):\n    return []\n", namespace)  # wrong: loses every cell, no traceback
    scorecard.check(exercise, namespace=namespace)
    out = capsys.readouterr().out
    assert f"0 / {total:g}" in out and "Traceback" not in out, out
