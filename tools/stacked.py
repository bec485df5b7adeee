"""Every wrong answer of one notebook graded in a single nbgrader run: the stacked notebook.

For each exercise with wrong answers in tests/wrong_answers/<module>.py, the solution notebook gets, before
the exercise's own answer cell, one copy of the exercise's span (its answer cell, the cells up to its last
test cell) per wrong answer. Each copy's graded cells get their own grade id (`<id>__wrong<k>`) so nbgrader
grades every copy on its own, and each copy starts with a cell that deletes what the answer defines, so a
wrong answer never runs on a name an earlier one left behind. The original span comes last, with the
course's solution in it: it must still score full marks, which proves that no wrong answer left state that
changes how the tests judge (a leak would make the correct answer lose points too, and is reported).

Every answer cell of the notebook gets the course's solution, so the stacked run is also the notebook's solution
run: every original graded cell must score full marks and no original cell may raise (reported as problems).
The suite therefore runs a notebook with exercises once for its solution and its wrong answers together.

A copy's test cells stop at their first line once its wrong answer has failed one of them (an IPython post-run hook
notes the failure): the verdict "loses" is then known, and the rest would only cost time (about a third of a stacked
run's kernel time, measured on four notebooks). A wrong answer that fails none runs every check, so "keeps full
marks" is never decided early; the original span, with the course's solution, has no such first line.

One execution of the notebook replaces one execution per wrong answer: the setup and the narrative run
once, only the exercise spans are repeated. It is still plain `nbgrader generate_assignment` and
`nbgrader autograde`, with the class grader's guard and time limits (backendlab/grading).
"""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from backendlab import course
from backendlab.grading import autograde

WRONG = "__wrong"
KEEP_ENV = "BACKENDLAB_KEEP_STACKED"  # a folder: the graded stacked notebooks are copied there
ALL_ENV = "BACKENDLAB_STACKED_RUN_ALL"  # set: a copy runs every test cell (to see which cells catch which wrong answer)


def defined_names(source: str) -> set[str]:
    """Top-level names a cell binds (def, class, import, assignment), or an empty set if it does not parse."""
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def exercise_spans(cells: list) -> dict[str, tuple[int, int, list[str]]]:
    """answer grade id -> (index of its answer cell, index of its last test cell, the test cells' grade ids).

    An exercise is a code answer cell and the graded test cells that follow it, up to the next answer cell.
    """
    spans: dict[str, tuple[int, int, list[str]]] = {}
    current = None
    for i, cell in enumerate(cells):
        meta = _meta(cell)
        if meta.get("solution"):
            current = meta["grade_id"] if cell.cell_type == "code" else None
            if current:
                spans[current] = (i, i, [])
        elif meta.get("grade") and current:
            start, _, tests = spans[current]
            spans[current] = (start, i, tests + [meta["grade_id"]])
    return spans


GUARD = "# stacked run: a copy's test cell"
_HOOK = f"""\
# stacked run (tools/stacked.py): once a wrong answer has lost points in one test cell of its copy, the copy's later
# test cells stop at their first line: the verdict (it loses) is known, and their checks would only cost time.
__stacked__ = {{"lost": False}}

def _stacked_note_a_loss(result, state=__stacked__):
    if result.error_in_exec is not None and result.info.raw_cell.startswith({GUARD!r}):
        state["lost"] = True

get_ipython().events.register("post_run_cell", _stacked_note_a_loss)"""
_GUARD_LINES = (f"{GUARD}\nif __stacked__['lost']:\n"
                "    raise RuntimeError('not run: this wrong answer already lost points in an earlier test cell of its copy')\n")


def _code_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.id = uuid.uuid4().hex[:12]
    return cell


def _reset_cell(names: set[str]) -> nbformat.NotebookNode:
    return _code_cell(f"__stacked__['lost'] = False\nfor _name in {sorted(names)!r}:\n    globals().pop(_name, None)")


def stacked_source(solution_nb: Path, answers: dict[str, list[tuple[str, str]]]) -> tuple[nbformat.NotebookNode, dict, dict, set]:
    """The solution notebook with one copy of each exercise's span per wrong answer, before the original.

    Returns the notebook, {copy answer grade id: (original answer grade id, k, why, wrong source)},
    {answer grade id: its test cells' grade ids} and the ids of the original notebook's cells.
    """
    nb = nbformat.read(solution_nb, as_version=4)
    spans = exercise_spans(nb.cells)
    earlier: set[str] = set()  # names that cells before an exercise define: a reset must not delete them
    out, copies = [], {}
    starts = {start: gid for gid, (start, _, _) in spans.items()}
    for i, cell in enumerate(nb.cells):
        gid = starts.get(i)
        if gid and answers.get(gid):
            start, end, _ = spans[gid]
            resettable = defined_names(cell.source) - earlier
            for k, (why, source) in enumerate(answers[gid], 1):
                out.append(_reset_cell(resettable))
                for original in nb.cells[start:end + 1]:
                    if original.cell_type != "code":
                        continue
                    copy = nbformat.from_dict(original)
                    copy.id = uuid.uuid4().hex[:12]
                    meta = _meta(copy)
                    if meta.get("grade_id"):
                        meta["grade_id"] = f"{meta['grade_id']}{WRONG}{k}"
                    if meta.get("solution"):
                        copies[meta["grade_id"]] = (gid, k, why, source)
                    elif meta.get("grade") and not os.environ.get(ALL_ENV):
                        copy.source = _GUARD_LINES + copy.source
                    out.append(copy)
            out.append(_reset_cell(resettable))
        out.append(cell)
        if cell.cell_type == "code" and not _meta(cell).get("solution"):
            earlier |= defined_names(cell.source)
    originals = {cell.id for cell in nb.cells}
    nb.cells = [_code_cell(_HOOK)] + out if copies else out
    return nb, copies, {gid: tests for gid, (_, _, tests) in spans.items()}, originals


@dataclass
class Outcome:
    """One wrong answer: the points its own copy of the tests gave it."""

    grade_id: str
    k: int
    why: str
    got: float
    best: float


def _course_folder(module: str, nb: nbformat.NotebookNode, name: str, workdir: Path) -> Path:
    (workdir / "source" / module).mkdir(parents=True)
    nbformat.write(nb, workdir / "source" / module / name)
    config = autograde.NBGRADER_CONFIG.format(root=str(workdir), db=str(workdir / "gradebook.db"))
    (workdir / "nbgrader_config.py").write_text(config)
    autograde._generate_in_process(module, workdir)
    return workdir / "release" / module / name


def grade_stacked(module: str, name: str, answers: dict[str, list[tuple[str, str]]],
                  solution: Callable[[str], str]) -> tuple[list[Outcome], list[str]]:
    """Grade every wrong answer of notebook `name` in one run. Returns (outcomes, problems).

    `solution(grade_id)` gives the source typed into the original answer cells (the course's solution).
    Problems name a solution that lost points after the wrong answers (state they left behind) or a run
    that stopped early; either makes the outcomes untrustworthy, and the caller fails.
    """
    source_nb, copies, owners, originals = stacked_source(course.root() / "solutions" / module / name, answers)
    workdir = Path(tempfile.mkdtemp(prefix=f"backendlab-stacked-{module}-"))
    try:
        released = _course_folder(module, source_nb, name, workdir)
        student = nbformat.read(released, as_version=4)
        for cell in student.cells:
            gid = _meta(cell).get("grade_id")
            if gid in copies:
                cell.source = copies[gid][3].strip("\n")
            elif gid in owners:  # every exercise, with wrong answers or not: the run is also the solution's run
                cell.source = solution(gid)
        target = workdir / "submitted" / autograde.STUDENT / module
        target.mkdir(parents=True)
        nbformat.write(student, target / name)
        with open(workdir / "nbgrader_config.py", "a") as config:
            config.write(autograde.SELF_CHECK_CONFIG.format(cell_s=autograde.CELL_TIMEOUT_S, notebook_s=3 * autograde.NOTEBOOK_TIMEOUT_S))
        autograde._autograde_in_process(module, workdir)
        report = autograde._collect(module, workdir)
        graded_path = workdir / "autograded" / autograde.STUDENT / module / name
        graded_cells = nbformat.read(graded_path, as_version=4).cells if graded_path.exists() else []
        original_index = {i for i, cell in enumerate(graded_cells) if cell.get("id") in originals}
        keep = os.environ.get(KEEP_ENV)
        if keep:  # for a maintainer who wants to read the graded stacked notebook
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(workdir / "autograded" / autograde.STUDENT / module / name, Path(keep) / f"{module}-{name}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    scores = {c.grade_id: c for c in report.auto}
    problems = [f"{nb}: the run stopped early: {why}" for nb, why in report.stopped.items()]
    outcomes = []
    for gid, k, why, _ in sorted(copies.values(), key=lambda c: (c[0], c[1])):
        tests = [f"{t}{WRONG}{k}" for t in owners[gid]]
        missing = [t for t in tests if t not in scores]
        if missing:
            problems.append(f"{gid} wrong answer {k}: no grade for {missing}")
            continue
        outcomes.append(Outcome(gid, k, why, sum(scores[t].score for t in tests), sum(scores[t].max_score for t in tests)))
    problems += [f"{name} cell {e.index} ({e.role}) raised with the course's solution: {e.ename}: {e.evalue[:300]}"
                 for e in report.errors if e.index in original_index]
    for gid in owners:
        lost = [f"{t} {scores[t].score:g}/{scores[t].max_score:g} {scores[t].message[:200]}"
                for t in owners[gid] if t in scores and scores[t].score < scores[t].max_score]
        if lost:
            problems.append(f"{gid}: the course's solution lost points in the stacked run (the solution fails, "
                            f"a wrong answer before it left state behind, or the run broke): {lost}")
    return outcomes, problems


def notebook_of(module: str) -> dict[str, str]:
    """answer grade id -> the solution notebook's file name."""
    return {gid: path.name for path in sorted((course.root() / "solutions" / module).glob("*.ipynb"))
            for gid in exercise_spans(nbformat.read(path, as_version=4).cells)}
