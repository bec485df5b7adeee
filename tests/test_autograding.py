"""Every module's exercises are proven: full marks for the solution, zero untouched, points lost for wrong answers."""

from __future__ import annotations

import pytest

from backendlab import course
from tools import verify_module

ROOT = course.root()
MODULES = course.module_names()
WRONG_NOTEBOOKS = [(m, name) for m in MODULES for name in verify_module.wrong_notebooks(m)]
MIN_WRONG_ANSWERS = 5


def _explain(verdict: verify_module.Verdict) -> str:
    return verdict.name + "\n" + "\n".join(verdict.details)


@pytest.mark.slow
def test_solution_notebooks_without_exercises_score_full_marks_and_run_top_to_bottom() -> None:
    """A notebook with exercises is run with the course's solution by its stacked run (the next tests but one:
    full marks, no error in any of its cells); the others are run here, so every solution notebook runs once."""
    stacked = set(WRONG_NOTEBOOKS)
    others = {m: [p.name for p in sorted((ROOT / "solutions" / m).glob("*.ipynb")) if (m, p.name) not in stacked] for m in MODULES}
    for module, names in others.items():
        if names:
            verdict = verify_module.check_solution(module, names)
            assert verdict.ok, _explain(verdict)


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_untouched_student_notebook_scores_zero_and_narrative_still_runs(module: str) -> None:
    verdict = verify_module.check_student(module)
    assert verdict.ok, _explain(verdict)


@pytest.mark.slow
@pytest.mark.parametrize(("module", "notebook"), WRONG_NOTEBOOKS)
def test_wrong_answers_lose_their_exercise_points(module: str, notebook: str) -> None:
    """Each wrong answer is graded on its own copy of its exercise's tests, and the course's solution graded
    after all of them still scores full marks (tools/stacked.py)."""
    verdict = verify_module.check_wrong_notebook(module, notebook)
    assert verdict.ok, _explain(verdict)


@pytest.mark.parametrize("module", MODULES)
def test_every_exercise_has_at_least_five_wrong_answers(module: str) -> None:
    answers = verify_module.wrong_answers(module)
    exercises = verify_module.exercises(module)
    short = {gid: len(answers.get(gid, [])) for gid in exercises if len(answers.get(gid, [])) < MIN_WRONG_ANSWERS}
    assert not short, f"tests/wrong_answers/{module}.py needs {MIN_WRONG_ANSWERS} or more wrong answers for: {short}"
    unknown = sorted(set(answers) - set(exercises))
    assert not unknown, f"tests/wrong_answers/{module}.py names answer cells that {module} does not have: {unknown}"


@pytest.mark.slow
def test_wrong_answer_harness_notices_a_kept_answer_and_state_left_behind() -> None:
    """The harness itself can fail, in one stacked run of module 00:
    - a 'wrong' answer that is really the solution is reported as KEEPS with every point of every test cell, though
      the real wrong answer just before it lost points (a copy's test cells stop early only after its own loss);
    - a 'wrong' answer that breaks what the tests rely on for everyone after it (it replaces the course's reference
      implementation that the hidden tests compare with) is reported as a problem, not counted as caught."""
    module, name = "00-orientation", "01-welcome.ipynb"
    kept, sabotaged = "classify_status", "build_query"
    saboteur = f"from backendlab.labs import orientation\norientation.{sabotaged} = lambda *args, **kwargs: 'sabotaged'"
    answers = {
        kept: [verify_module.wrong_answers(module)[kept][0], ("actually correct", verify_module.solution_source(module, kept))],
        sabotaged: [("sabotages the reference", saboteur)],
    }
    verdict = verify_module.check_wrong_notebook(module, name, answers)
    assert not verdict.ok, _explain(verdict)
    by_answer = {d.split(" (")[0].split(maxsplit=1)[1]: d[:8] for d in verdict.details if not d.startswith("PROBLEM")}
    assert by_answer[f"{kept} #1"] == "LOSES   " and by_answer[f"{kept} #2"] == "KEEPS!  ", _explain(verdict)
    problems = [d for d in verdict.details if d.startswith("PROBLEM")]
    assert any(f"{sabotaged}: the course's solution" in d and "left state behind" in d for d in problems), _explain(verdict)
    assert not any(kept in d for d in problems), _explain(verdict)


def test_a_copys_test_cells_stop_early_only_after_its_own_loss_and_originals_never(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the stacked notebook holds: the loss-noting hook first; each copy's graded test cells start with the early
    stop, the original cells never do; every copy starts by clearing the flag; BACKENDLAB_STACKED_RUN_ALL runs every check."""
    from tools import stacked

    module, name = "00-orientation", "01-welcome.ipynb"
    path = ROOT / "solutions" / module / name
    answers = {gid: a[:2] for gid, a in verify_module.wrong_answers(module).items() if stacked.notebook_of(module).get(gid) == name}
    nb, copies, owners, originals = stacked.stacked_source(path, answers)
    assert "post_run_cell" in nb.cells[0].source and nb.cells[0].id not in originals
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    copied = [c for c in tests if stacked.WRONG in c.metadata["nbgrader"]["grade_id"]]
    assert copied and all(c.source.startswith(stacked.GUARD) for c in copied)
    assert all(not c.source.startswith(stacked.GUARD) for c in tests if c.id in originals)
    resets = [c for c in nb.cells if c.source.startswith("__stacked__['lost'] = False")]
    assert len(resets) == sum(len(a) for a in answers.values()) + len(answers)  # before each copy, and before the original
    monkeypatch.setenv(stacked.ALL_ENV, "1")
    nb, *_ = stacked.stacked_source(path, answers)
    assert not any(c.source.startswith(stacked.GUARD) for c in nb.cells)
