"""Prove a module's exercises: the solution scores full marks, the untouched student notebook zero, wrong answers lose.

    python -m tools.verify_module 03            # all three proofs, with a table
    python -m tools.verify_module 03 --only wrong

The test suite runs the same functions (tests/test_autograding.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from dataclasses import dataclass

import nbformat

from backendlab import course
from backendlab.grading import autograde
from tools import stacked

WRONG_DIR = course.root() / "tests" / "wrong_answers"


@dataclass
class Verdict:
    name: str
    ok: bool
    details: list[str]


def exercises(module: str) -> dict[str, list[str]]:
    """Each autograded answer cell's grade id -> the grade ids of the test cells that follow it (up to the next answer)."""
    return {gid: tests for path in sorted((course.root() / "solutions" / module).glob("*.ipynb"))
            for gid, (_, _, tests) in stacked.exercise_spans(nbformat.read(path, as_version=4).cells).items()}


def solution_source(module: str, grade_id: str) -> str:
    """The source of an answer cell in solutions/, without its ### BEGIN/END SOLUTION marker lines."""
    for path in sorted((course.root() / "solutions" / module).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                return "\n".join(ln for ln in cell.source.splitlines() if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    raise LookupError(f"{module} has no cell with grade id {grade_id!r}")


def wrong_answers(module: str) -> dict[str, list[tuple[str, str]]]:
    """grade id of an answer cell -> [(why it is wrong, the cell's full source)], from tests/wrong_answers/<module>.py."""
    file = WRONG_DIR / f"{module}.py"
    if not file.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"wrong_{module.replace('-', '_')}", file)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return dict(mod.WRONG_ANSWERS)


def check_solution(module: str, names: list[str] | None = None) -> Verdict:
    """Full marks on every autograded cell, and no error in any cell (the notebook runs top to bottom).

    The suite runs this only for notebooks without exercises: a stacked run (check_wrong_notebook) is also its
    notebook's solution run. `names` limits it to some of the module's notebooks."""
    paths = sorted((course.root() / "solutions" / module).glob("*.ipynb"))
    report = autograde.grade(module, {p.name: p for p in paths if names is None or p.name in names}, in_process=True)
    details = [f"{c.notebook} {c.grade_id}: {c.score:g}/{c.max_score:g} {c.message[:300]}" for c in report.auto if c.score < c.max_score]
    details += [f"{e.notebook} cell {e.index} ({e.role}): {e.ename}: {e.evalue[:300]}" for e in report.errors]
    ok = not details and report.max_score > 0
    return Verdict(f"solution {report.score:g}/{report.max_score:g}", ok, details)


def check_student(module: str) -> Verdict:
    """Zero on every autograded cell; errors only in answer and test cells (the narrative never needs the learner)."""
    release = autograde.release(module)
    report = autograde.grade(module, {p.name: p for p in sorted(release.glob("*.ipynb"))}, in_process=True)
    details = [f"{c.notebook} {c.grade_id}: scores {c.score:g} untouched" for c in report.auto if c.score > 0]
    details += [
        f"{e.notebook} cell {e.index} ({e.role}) fails without the learner's answers: {e.ename}: {e.evalue[:300]}"
        for e in report.errors
        if e.role not in ("answer", "tests")
    ]
    return Verdict(f"untouched student {report.score:g}/{report.max_score:g}", not details and bool(report.auto), details)


def wrong_notebooks(module: str) -> list[str]:
    """The solution notebooks that hold an exercise with wrong answers."""
    where = stacked.notebook_of(module)
    return sorted({where[gid] for gid in wrong_answers(module) if gid in where})


def check_wrong_notebook(module: str, name: str, answers: dict[str, list[tuple[str, str]]] | None = None) -> Verdict:
    """Every wrong answer of notebook `name` loses points on its own copy of its exercise's tests, and the notebook
    with the course's solution in every answer cell scores full marks with no error in any of its own cells
    (tools/stacked.py): one run proves both."""
    where = stacked.notebook_of(module)
    answers = answers if answers is not None else {g: a for g, a in wrong_answers(module).items() if where.get(g) == name}
    outcomes, problems = stacked.grade_stacked(module, name, answers, lambda gid: solution_source(module, gid))
    details = [("LOSES   " if o.got < o.best else "KEEPS!  ") + f"{o.grade_id} #{o.k} ({o.why}): {o.got:g}/{o.best:g}" for o in outcomes]
    details = [f"PROBLEM {p}" for p in problems] + details
    expected = sum(len(a) for a in answers.values())
    ok = not problems and len(outcomes) == expected > 0 and all(d.startswith("LOSES") for d in details)
    return Verdict(f"wrong answers of {name} ({expected})", ok, details)


def check_wrong(module: str) -> list[Verdict]:
    return [check_wrong_notebook(module, name) for name in wrong_notebooks(module)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module")
    parser.add_argument("--only", choices=["solution", "student", "wrong"])
    args = parser.parse_args(argv)
    module = course.find_module(args.module)
    counts = {gid: len(v) for gid, v in wrong_answers(module).items()}
    print(f"{module}: exercises {sorted(exercises(module))}; wrong answers per exercise {counts}")
    verdicts: list[Verdict] = []
    if args.only in (None, "solution"):
        verdicts.append(check_solution(module))
    if args.only in (None, "student"):
        verdicts.append(check_student(module))
    if args.only in (None, "wrong"):
        verdicts.extend(check_wrong(module))
    for v in verdicts:
        print(f"{'PASS' if v.ok else 'FAIL'}  {v.name}")
        for line in v.details:
            print(f"      {line}")
    return 0 if all(v.ok for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
