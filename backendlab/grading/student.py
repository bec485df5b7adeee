"""Grade ONE student's notebooks of a module in a throwaway course folder: the per-student unit of class grading."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

import nbformat

from backendlab.grading import feedback, repair
from backendlab.grading.execute import STATUS_KEY, GuardedExecute
from backendlab.grading.limits import Limits, detect
from backendlab.grading.outputs import TestCellOutputs

# worst first: the status a student gets is the worst of its notebooks'
STATUSES = ("flagged", "memory limit", "timed out", "crashed", "unreadable", "graded")

USAGE = """\
    python -m backendlab.grading.student 00-orientation alice path/to/alice/00-orientation --out grading/run

It writes <out>/<student>.json (status, reason, scores per cell, limits in force), the autograded notebooks
(<out>/autograded/<student>/<module>/) and feedback without hidden tests (<out>/feedback/<student>/<module>/).
It never raises for a bad submission and exits 0 once the result file is written: one command per student,
so a JupyterHub service or a Kubernetes Job can run it at scale.
"""


class _NothingToGrade(Exception):
    """No notebook of the submission could be read."""


def use_environment_tools() -> None:
    """nbgrader runs `alembic` to create a gradebook: find it in this Python's environment, as `make` would."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def nbgrader_config(work: Path, limits: Limits, hide: list[str]) -> Any:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.root = str(work)
    c.CourseDirectory.source_directory = "source"
    c.CourseDirectory.release_directory = "release"
    c.CourseDirectory.db_url = f"sqlite:///{work / 'gradebook.db'}"
    c.Execute.kernel_name = "python3"
    c.Autograde.autograde_preprocessors = [GuardedExecute, TestCellOutputs, IgnorePattern, ClearMetadataPreprocessor,
                                           LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {("language_info", "name"), (STATUS_KEY,)}
    c.GuardedExecute.cell_limit = limits.cell_s
    c.GuardedExecute.notebook_limit = limits.notebook_s
    c.GuardedExecute.scratch_root = str(work)
    c.SandboxKernelManager.limits = limits.as_dict()
    c.SandboxKernelManager.hide = [str(work), *hide]
    c.SandboxKernelManager.runtime_root = str(work)
    return c


def _quiet_logger(name: str) -> logging.Logger:
    log = logging.getLogger(f"backendlab.grading.{name}")
    log.propagate = False
    log.setLevel(logging.INFO)
    return log


def run_nbgrader(kind: str, work: Path, module: str, student: str, config: Any) -> dict:
    """Run nbgrader's Autograde or GenerateFeedback converter in this process (no start-up cost per student)."""
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = module, student
    app = (Autograde if kind == "autograde" else GenerateFeedback)(coursedir=coursedir, config=config, log=_quiet_logger(kind))
    app.force = True
    if kind == "autograde":
        app.create_student = True
    return capture_log(app)


def _cells(work: Path, module: str, student: str) -> dict[str, list[dict]]:
    from nbgrader.api import Gradebook

    cells: dict[str, list[dict]] = {}
    with Gradebook(f"sqlite:///{work / 'gradebook.db'}") as gb:
        submission = gb.find_submission(module, student)
        for sub_nb in submission.notebooks:
            cells[f"{sub_nb.name}.ipynb"] = [
                {"grade_id": g.name, "kind": "manual" if g.cell_type == "markdown" else "auto",
                 "score": float(g.auto_score or 0), "max_score": float(g.max_score),
                 "needs_manual_grade": bool(g.needs_manual_grade)} for g in sub_nb.grades]
    return cells


def grade_student(module: str, student: str, files: dict[str, Path], template: Path, out: Path,
                  limits: Limits | None = None, hide: list[str] | None = None, work_root: Path | None = None) -> dict:
    """Grade one student; return (and write to <out>/<student>.json) the result. Never raises for a bad submission."""
    limits = limits or Limits()
    use_environment_tools()
    started = time.monotonic()
    release_dir = template / "release" / module
    names = sorted(p.name for p in release_dir.glob("*.ipynb"))
    result: dict[str, Any] = {"student": student, "module": module, "status": "graded", "reason": "", "notes": [],
                              "notebooks": {}, "score": 0.0, "max_score": 0.0,
                              "limits": detect().in_force(limits)}
    work = Path(tempfile.mkdtemp(prefix="st-", dir=work_root))
    try:
        shutil.copy(template / "gradebook.db", work / "gradebook.db")
        shutil.copytree(release_dir, work / "release" / module)
        (work / "source" / module).mkdir(parents=True)
        for extra in (template / "source" / module).rglob("*"):  # supporting files only: no notebook, no hidden test
            if extra.is_file() and extra.suffix != ".ipynb":
                target = work / "source" / module / extra.relative_to(template / "source" / module)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(extra, target)
        submitted = work / "submitted" / student / module
        submitted.mkdir(parents=True)
        for name in names:
            entry = result["notebooks"][name] = {"status": "graded", "reason": "", "notes": [], "flags": []}
            try:
                nb = repair.read(files[name]) if name in files else repair.read(submitted / "missing" / name)
                fixed = repair.repair(nb, nbformat.read(release_dir / name, as_version=4))
                entry["notes"] = fixed.notes
                nbformat.write(fixed.notebook, submitted / name)
            except repair.Unreadable as exc:
                entry.update(status="unreadable", reason=str(exc))
        stamps = {p.parent / "timestamp.txt" for p in files.values()}
        for stamp in stamps:  # nbgrader collect's submission time: late penalties still apply
            if stamp.is_file() and stamp.stat().st_size < 200:
                shutil.copy(stamp, submitted / "timestamp.txt")
                break
        for extra_name in sorted(set(files) - set(names)):
            result["notes"].append(f"{extra_name}: not a notebook of {module}, ignored")
        if not any(e["status"] == "graded" for e in result["notebooks"].values()):
            raise _NothingToGrade
        log = run_nbgrader("autograde", work, module, student, nbgrader_config(work, limits, hide or []))
        graded_dir = work / "autograded" / student / module
        cells = _cells(work, module, student)
        for name, entry in result["notebooks"].items():
            entry["cells"] = cells.get(name, [])
            path = graded_dir / name
            if entry["status"] == "unreadable":
                continue
            if not path.exists():
                tail = [line for line in (log.get("log") or "").splitlines() if "ERROR" in line][-1:]
                entry.update(status="crashed", reason=f"{name}: nbgrader could not grade it ({(tail or ['no log'])[0][:200]})")
                continue
            status = nbformat.read(path, as_version=4).metadata.get(STATUS_KEY, {})
            entry["flags"] = list(status.get("flags", []))
            entry.update(status=status.get("status", "graded"), reason=(f"{name}: " + status["reason"]) if status.get("reason") else "")
        if graded_dir.exists():
            target = out / "autograded" / student / module
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(graded_dir, target)
        feedback.write_feedback(work, template, module, student, result, out / "feedback" / student / module)
    except _NothingToGrade:  # every notebook is unreadable: each says why; the gradebook gets zeros at the merge
        feedback.write_feedback(work, template, module, student, result, out / "feedback" / student / module)
    except Exception as exc:  # noqa: BLE001 - a grader failure is this student's status, never the class's crash
        result.update(status="crashed", reason=f"grader error: {type(exc).__name__}: {exc}"[:300])
        result["traceback"] = traceback.format_exc()[-3000:]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _summarise(result)
    result["seconds"] = round(time.monotonic() - started, 2)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{student}.json").write_text(json.dumps(result, indent=1))
    return result


def _summarise(result: dict) -> None:
    notebooks = result["notebooks"].values()
    result["score"] = sum(c["score"] for nb in notebooks for c in nb.get("cells", []) if c["kind"] == "auto")
    result["max_score"] = sum(c["max_score"] for nb in notebooks for c in nb.get("cells", []) if c["kind"] == "auto")
    if result["status"] != "graded":
        return
    worst = min(notebooks, key=lambda nb: STATUSES.index(nb["status"]), default=None)
    if worst is not None and worst["status"] != "graded":
        reasons = [nb["reason"] for nb in notebooks if nb["status"] == worst["status"] and nb["reason"]]
        result.update(status=worst["status"], reason="; ".join(reasons)[:400])
    result["notes"] += [note for nb in notebooks for note in nb.get("notes", [])]


def main(argv: list[str] | None = None) -> int:
    from backendlab import course
    from backendlab.grading import autograde

    parser = argparse.ArgumentParser(prog="python -m backendlab.grading.student", description=__doc__ + "\n\n" + USAGE,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", help="module number or folder name, e.g. 00 or 00-orientation")
    parser.add_argument("student", help="the student's id")
    parser.add_argument("folder", type=Path, help="the folder with the student's notebooks of this module")
    parser.add_argument("--out", type=Path, required=True, help="where the result, autograded notebooks and feedback go")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--cell-limit", type=int, default=Limits.cell_s)
    parser.add_argument("--notebook-limit", type=int, default=Limits.notebook_s)
    parser.add_argument("--processes", type=int, default=Limits.processes)
    parser.add_argument("--hide", action="append", default=[], help="another folder the kernel must not see (repeatable); "
                        "the class's submission folder is hidden by default")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's known, harmless SQLAlchemy warning
    module = course.find_module(args.module)
    limits = Limits(memory_mb=args.memory_mb, cell_s=args.cell_limit, notebook_s=args.notebook_limit, processes=args.processes)
    files = {p.name: p for p in sorted(args.folder.glob("*.ipynb"))}
    folder = args.folder.resolve()
    classmates = folder.parent.parent if folder.parent.name == args.student else folder.parent
    hide = [str(folder), str(args.out.resolve()), *args.hide]
    if classmates != Path(classmates.anchor) and not course.root().is_relative_to(classmates):
        hide.append(str(classmates))
    result = grade_student(module, args.student, files, autograde._template(module), args.out, limits, hide=hide)
    print(f"{args.student}: {result['status']} {result['score']:g}/{result['max_score']:g} {result['reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
