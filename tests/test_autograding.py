"""Every module's exercises are proven: full marks for the solution, zero untouched, points lost for wrong answers."""

from __future__ import annotations

import pytest

from backendlab import course
from tools import verify_module

MODULES = course.module_names()
VARIANTS = [(m, k) for m in MODULES for k in range(1, len(verify_module.variants(m)) + 1)]


def _explain(verdict: verify_module.Verdict) -> str:
    return verdict.name + "\n" + "\n".join(verdict.details)


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_solution_scores_full_marks_and_runs_top_to_bottom(module: str) -> None:
    verdict = verify_module.check_solution(module)
    assert verdict.ok, _explain(verdict)


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_untouched_student_notebook_scores_zero_and_narrative_still_runs(module: str) -> None:
    verdict = verify_module.check_student(module)
    assert verdict.ok, _explain(verdict)


@pytest.mark.slow
@pytest.mark.parametrize(("module", "k"), VARIANTS)
def test_wrong_answers_lose_their_exercise_points(module: str, k: int) -> None:
    verdict = verify_module.check_wrong_variant(module, k)
    assert verdict.ok, _explain(verdict)


@pytest.mark.parametrize("module", MODULES)
def test_every_exercise_has_at_least_two_wrong_answers(module: str) -> None:
    answers = verify_module.wrong_answers(module)
    exercises = verify_module.exercises(module)
    short = {gid: len(answers.get(gid, [])) for gid in exercises if len(answers.get(gid, [])) < 2}
    assert not short, f"tests/wrong_answers/{module}.py needs two or more wrong answers for: {short}"
    unknown = sorted(set(answers) - set(exercises))
    assert not unknown, f"tests/wrong_answers/{module}.py names answer cells that {module} does not have: {unknown}"


@pytest.mark.slow
def test_wrong_answer_harness_notices_an_answer_that_keeps_its_points(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness itself can fail: a 'wrong' answer that is really the solution must be reported as KEEPS."""
    module = MODULES[0]
    owners = verify_module.exercises(module)
    gid = sorted(owners)[0]
    solution_source = verify_module.solution_source(module, gid)
    monkeypatch.setattr(verify_module, "variants", lambda m: [{gid: ("actually correct", solution_source)}])
    verdict = verify_module.check_wrong_variant(module, 1)
    assert not verdict.ok and verdict.details[0].startswith("KEEPS"), _explain(verdict)

