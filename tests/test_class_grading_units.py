"""The class grader's parts that need no kernel: submission repair, fair test-cell outputs, feedback redaction,
discovery of submissions, the per-student command and the self-check's score card."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from nbgrader.utils import determine_grade

from backendlab import course
from backendlab.grading import autograde, feedback, repair, selfcheck
from backendlab.grading.classroom import discover, safe_extract
from backendlab.grading.limits import Limits, Mechanisms
from backendlab.grading.outputs import fair_outputs
from tests.hostile.students import MODULE, NOTEBOOK, TESTS, release, solved

ROOT = course.root()


def graded_test_cell(outputs: list) -> nbformat.NotebookNode:
    cell = new_code_cell("check()")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 2, "locked": True}
    cell.outputs = outputs
    return cell


def grade_ids(nb: nbformat.NotebookNode) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")]


# ---- repair -------------------------------------------------------------------------------------------------
def test_repair_renews_duplicate_cell_ids_and_keeps_one_graded_copy_of_a_pasted_cell() -> None:
    nb = solved(release())
    pasted = copy.deepcopy(next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "build_query"))
    nb.cells.insert(5, pasted)
    fixed = repair.repair(nb, release())
    assert grade_ids(fixed.notebook).count("build_query") == 1
    assert len({c["id"] for c in fixed.notebook.cells}) == len(fixed.notebook.cells)
    assert any("appeared 2 times" in note for note in fixed.notes)
    nbformat.validate(fixed.notebook)


def test_repair_restores_deleted_test_cells_from_the_release_after_their_answer() -> None:
    nb = release()
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in TESTS]
    fixed = repair.repair(nb, release())
    assert grade_ids(fixed.notebook) == grade_ids(release())
    assert sum("was deleted" in note for note in fixed.notes) == len(TESTS)


def test_repair_takes_grading_metadata_from_the_release_so_points_cannot_be_raised() -> None:
    nb = release()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") in TESTS:
            meta["points"] = 100
    nb.cells.append(new_code_cell("print('free points')", metadata={"nbgrader": {"grade": True, "grade_id": "bonus", "points": 50}}))
    fixed = repair.repair(nb, release()).notebook
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"].get("points") for c in fixed.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert "bonus" not in points and max(points.values()) <= 3


@pytest.mark.parametrize(("content", "reason"), [
    ("", "empty"), ('{"cells": [', "not a readable notebook"), ("[1, 2]", "not a readable notebook"),
    (None, "not handed in")])
def test_an_unreadable_submission_says_why(tmp_path: Path, content: str | None, reason: str) -> None:
    path = tmp_path / NOTEBOOK
    if content is not None:
        path.write_text(content)
    with pytest.raises(repair.Unreadable, match=reason):
        repair.read(path)


# ---- fair test-cell outputs ---------------------------------------------------------------------------------
def test_stderr_in_a_passing_test_cell_becomes_marked_stdout_and_scores_full_marks() -> None:
    noise, ok = new_output("stream", name="stderr", text="UserWarning: noise\n"), new_output("stream", name="stdout", text="✓ ok\n")
    cell = graded_test_cell([noise, ok])
    assert determine_grade(cell)[0] == 0, "what nbgrader does without the fix"
    fair_outputs(cell)
    assert determine_grade(cell) == (2, 2)
    assert cell.outputs[0]["text"] == "[stderr] UserWarning: noise\n"


def test_a_number_returned_by_a_test_cell_cannot_award_points() -> None:
    cell = graded_test_cell([new_output("execute_result", data={"text/plain": "999"}, execution_count=1)])
    fair_outputs(cell)
    assert cell.outputs == []
    cell = graded_test_cell([new_output("execute_result", data={"text/plain": "0.5"}, execution_count=1)])
    assert determine_grade(cell)[0] == 0.5, "what nbgrader does without the fix"


def test_a_failing_test_cell_keeps_its_stderr_and_scores_zero() -> None:
    error = new_output("error", ename="CheckFailed", evalue="expected 2, got 3", traceback=[])
    cell = fair_outputs(graded_test_cell([new_output("stream", name="stderr", text="log\n"), error]))
    assert cell.outputs[0]["name"] == "stderr" and determine_grade(cell)[0] == 0


# ---- feedback -----------------------------------------------------------------------------------------------
def test_feedback_replaces_hidden_tests_with_a_count_and_keeps_only_the_checks_messages() -> None:
    source = nbformat.read(ROOT / "solutions" / MODULE / NOTEBOOK, as_version=4)
    secret = feedback.module_hidden_lines(str(ROOT / "solutions" / MODULE))
    for cell in source.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in TESTS:
            cell.outputs = [new_output("stream", name="stdout", text="SECRET printed by the answer\n✓ passed\n"),
                            new_output("error", ename="CheckFailed", evalue="classify_status(299): expected 'success'",
                                       traceback=["Traceback ... long frames"])]
    html = feedback.render(feedback.redact(source, secret), "t", {"cells": []})
    assert "hidden tests:" in html and "BEGIN HIDDEN TESTS" not in html
    assert not [line for line in secret if line in html or line.replace('"', "&quot;") in html]
    assert "SECRET" not in html and "✓ passed" in html and "expected &#x27;success&#x27;" in html
    assert "long frames" not in html


def test_feedback_removes_an_output_that_quotes_a_hidden_test() -> None:
    secret = feedback.module_hidden_lines(str(ROOT / "solutions" / MODULE))
    nb = nbformat.v4.new_notebook(cells=[new_code_cell("print(open('solutions/...').read())")])
    nb.cells[0].outputs = [new_output("stream", name="stdout", text="stolen:\n" + sorted(secret)[0] + "\n")]
    redacted = feedback.redact(nb, secret)
    assert redacted.cells[0].outputs[0]["text"] == feedback.REMOVED + "\n"


def test_feedback_shows_html_and_scripts_from_a_submission_as_text() -> None:
    nb = nbformat.v4.new_notebook(cells=[new_markdown_cell("<script>alert(1)</script>"), new_code_cell("x")])
    nb.cells[1].outputs = [new_output("display_data", data={"text/html": "<script>steal()</script>", "text/plain": "<obj>"})]
    html = feedback.render(feedback.redact(nb, frozenset()), "t", {"cells": []})
    assert "<script>" not in html and "&lt;obj&gt;" in html


# ---- finding submissions --------------------------------------------------------------------------------------
def test_submissions_are_found_in_student_folders_and_lms_file_names(tmp_path: Path) -> None:
    (tmp_path / "alice" / MODULE).mkdir(parents=True)
    (tmp_path / "alice" / MODULE / NOTEBOOK).write_text("{}")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / NOTEBOOK).write_text("{}")
    (tmp_path / f"carol_12345_{NOTEBOOK}").write_text("{}")
    (tmp_path / "dave").mkdir()  # handed in nothing: still listed, graded as unreadable
    (tmp_path / "notes.ipynb").write_text("{}")
    students, skipped = discover(tmp_path, MODULE, [NOTEBOOK])
    assert sorted(students) == ["alice", "bob", "carol", "dave"]
    assert students["dave"] == {} and students["carol"][NOTEBOOK].name.startswith("carol_")
    assert len(skipped) == 1 and "notes.ipynb" in skipped[0]


def test_an_lms_zip_cannot_write_outside_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"alice_1_{NOTEBOOK}", "{}")
        z.writestr(f"../escaped_{NOTEBOOK}", "{}")
        z.writestr("/abs/path.ipynb", "{}")
    target = tmp_path / "out"
    safe_extract(archive, target)
    assert sorted(p.name for p in target.rglob("*") if p.is_file()) == [f"alice_1_{NOTEBOOK}"]
    assert not (tmp_path / f"escaped_{NOTEBOOK}").exists()


# ---- the per-student unit, limits, self-check -------------------------------------------------------------------
@pytest.mark.slow
def test_the_per_student_unit_is_one_command_that_never_fails_on_a_bad_submission(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / NOTEBOOK).write_text('{"cells": [')
    proc = subprocess.run([sys.executable, "-m", "backendlab.grading.student", "00", "zoe", str(tmp_path / "sub"), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads((tmp_path / "out" / "zoe.json").read_text())
    assert result["status"] == "unreadable" and "not a readable notebook" in result["reason"]
    assert (tmp_path / "out" / "feedback" / "zoe" / MODULE / NOTEBOOK.replace(".ipynb", ".html")).exists()


def test_without_namespaces_or_cgroups_the_instructor_is_told_what_is_not_enforced() -> None:
    lines = "\n".join(Mechanisms().in_force(Limits()))
    assert "network: NOT isolated" in lines and "files: NOT hidden" in lines and "RLIMIT_DATA" in lines
    full = "\n".join(Mechanisms(namespaces=True, memory_cgroup=Path("/m"), pids_cgroup=Path("/p"), root=True).in_force(Limits()))
    assert "cgroup" in full and "own network namespace" in full and "setsid included" in full


def test_the_self_check_card_says_time_limit_and_names_a_crashed_kernel() -> None:
    report = autograde.Report(MODULE)
    report.cells.append(autograde.CellResult(NOTEBOOK, "t", "auto", 0, 2, "NotRun: this cell was not run (time limit: ...)"))
    report.stopped[NOTEBOOK] = "time limit: this cell ran longer than 120 s and was stopped"
    card = selfcheck.score_card(report)
    assert "Stopped: 01-welcome.ipynb: time limit" in card and "Traceback" not in card
    report.stopped[NOTEBOOK] = "the kernel died while running cell 17 (exit code 3)"
    assert "kernel died" in selfcheck.score_card(report)


def test_processes_left_in_a_runs_folder_are_killed_even_if_their_worker_died(tmp_path: Path) -> None:
    import subprocess
    import sys

    from backendlab.grading.classroom import _kill_leftovers

    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(tmp_path / "st-x" / "kernel.json")])
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "elsewhere"])
    try:
        _kill_leftovers(tmp_path)
        assert orphan.wait(10) != 0, "the process working in the run's folder is killed"
        assert bystander.poll() is None, "a process of another run is left alone"
    finally:
        for proc in (orphan, bystander):
            proc.kill()
            proc.wait()
