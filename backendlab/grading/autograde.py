"""Grade a module's notebooks with nbgrader against the course's solutions, in a throwaway course folder."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from backendlab import course
from backendlab.scorecard import GRADING_ENV  # set for the kernels grading starts: in-notebook checks stand down

CELL_TIMEOUT_S = 120  # a cell that waits longer than this is stuck: the course budget is 20 s a cell
NOTEBOOK_TIMEOUT_S = 600  # a notebook's budget is 60 s; ten times that means something loops
RUN_TIMEOUT_S = 900
NBGRADER_CONFIG = f"""\
c = get_config()  # noqa: F821
c.CourseDirectory.root = {{root!r}}
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.db_url = "sqlite:///" + {{db!r}}
c.Execute.timeout = {CELL_TIMEOUT_S}
c.Execute.kernel_name = "python3"
"""
# The learner's self-check: the class grader's time limits, guard and fair test-cell outputs, without the sandbox
# (it is the learner's own code on the learner's own machine, often without root).
SELF_CHECK_CONFIG = """\
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades

from backendlab.grading.execute import STATUS_KEY, GuardedExecute
from backendlab.grading.outputs import TestCellOutputs

c.Autograde.autograde_preprocessors = [GuardedExecute, TestCellOutputs, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {{("language_info", "name"), (STATUS_KEY,)}}
c.GuardedExecute.cell_limit = {cell_s}
c.GuardedExecute.notebook_limit = {notebook_s}
c.SandboxKernelManager.limits = {{"sandbox": False, "cell_s": {cell_s}, "notebook_s": {notebook_s}}}
"""
STUDENT = "self"


class GradingError(RuntimeError):
    """The notebook could not be graded; the message names the file and the fix."""


@dataclass
class CellResult:
    """One graded cell: autograded tests (kind 'auto') or a written answer graded by hand (kind 'manual')."""

    notebook: str
    grade_id: str
    kind: str
    score: float
    max_score: float
    message: str = ""


@dataclass
class CellError:
    """An error output in any cell of the executed notebook."""

    notebook: str
    index: int
    role: str  # 'answer', 'tests', 'setup' or 'narrative'
    grade_id: str | None
    ename: str
    evalue: str


@dataclass
class Report:
    """What grading a module's notebooks found."""

    module: str
    cells: list[CellResult] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    stopped: dict[str, str] = field(default_factory=dict)  # notebook -> why it did not run to the end (time limit, crash)
    flags: list[str] = field(default_factory=list)  # what the grader had to undo before the tests (see backendlab/grading/guard.py)

    @property
    def auto(self) -> list[CellResult]:
        return [c for c in self.cells if c.kind == "auto"]

    @property
    def score(self) -> float:
        return sum(c.score for c in self.auto)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.auto)


def role(cell: dict) -> str:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("solution"):
        return "answer"
    if meta.get("grade"):
        return "tests"
    if meta.get("locked"):
        return "setup"
    return "narrative"


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook, or raise GradingError with a one-line fix for a missing, empty or corrupt file."""
    if not path.is_file():
        raise GradingError(f"{path}: no such notebook. Check the path, or run `make modules` to regenerate the student notebooks.")
    if path.stat().st_size == 0:
        raise GradingError(f"{path}: the file is empty. Restore it with `git checkout -- {path}` (or File > Revert in JupyterLab).")
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # not JSON, or not a notebook
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise GradingError(
            f"{path}: not a readable notebook ({first[:120]}). Restore it from a checkpoint "
            f"(File > Revert Notebook to Checkpoint) or from git (`git checkout -- {path}`)."
        ) from None
    return nb


JUPYTER_SESSION_ENV = "JPY_SESSION_NAME"  # set by a Jupyter server for its kernels: a graded kernel is not one


def _nbgrader_env(workdir: Path, base: dict[str, str]) -> dict[str, str]:
    """The environment nbgrader runs in, whether in a subprocess (_nbgrader) or in this process (_in_process)."""
    env = dict(base, JUPYTER_CONFIG_DIR=str(workdir / ".jupyter"))  # ignore personal nbgrader settings
    bindir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from the same environment
    if bindir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env[GRADING_ENV] = "1"  # a self-check started from a notebook must not grade itself again, in a loop
    env.pop(JUPYTER_SESSION_ENV, None)
    return env


def _nbgrader(args: list[str], workdir: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=workdir,
        env=_nbgrader_env(workdir, dict(os.environ)),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        errors = [ln.split("]", 1)[-1].strip() for ln in lines if "[ERROR]" in ln or "Error:" in ln and not ln.startswith(" ")]
        tail = "\n".join(dict.fromkeys(errors[-3:] or lines[-3:]))
        raise GradingError(f"nbgrader {args[0]} could not grade the notebooks:\n{tail}")


@contextlib.contextmanager
def _grading_environment(workdir: Path) -> Iterator[None]:
    """os.environ as _nbgrader gives its subprocess, for the duration of an in-process run."""
    saved = dict(os.environ)
    env = _nbgrader_env(workdir, saved)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _in_process(step: str, workdir: Path, run: Callable[[Any], dict[str, Any]]) -> None:
    """Run one nbgrader step through its API with workdir's configuration file, in this process: no new Python and no
    re-import of nbgrader per run (a subprocess costs about half the wall time on a busy machine). For the course's own
    test harness; a learner's self-check and class grading keep nbgrader in subprocesses of their own."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(workdir)).load_config()
    with _grading_environment(workdir):
        result = run(NbGraderAPI(config=config))
    if not result.get("success"):
        lines = [ln for ln in str(result.get("error") or result.get("log") or "").strip().splitlines() if ln.strip()]
        raise GradingError(f"nbgrader {step} failed:\n" + "\n".join(lines[-3:]))


def _autograde_in_process(module: str, workdir: Path) -> None:
    """`nbgrader autograde` of workdir's submission, in this process."""
    _in_process("autograde", workdir, lambda api: api.autograde(module, STUDENT, force=True, create=True))


def _generate_in_process(module: str, workdir: Path) -> None:
    """`nbgrader generate_assignment` in this process, from the cached empty gradebook (the stacked runs: with a
    subprocess, and a new gradebook each time, this step took 11 of a stacked run's 47 s before any cell ran)."""
    if not (workdir / "gradebook.db").exists():
        shutil.copyfile(_empty_gradebook(), workdir / "gradebook.db")
    _in_process("generate_assignment", workdir, lambda api: api.generate_assignment(module, force=True, create=True))


def _made_once(target: Path, make: Callable[[Path], Path]) -> Path:
    """`target`, made once and shared by processes: make(scratch folder) builds it and returns what it built, which is
    renamed into place atomically (another process that won the race keeps its copy). Nothing half-built is left."""
    if target.exists():
        return target
    target.parent.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with contextlib.suppress(OSError):
            make(scratch).rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"backendlab-templates-{os.getuid()}"


def _empty_gradebook() -> Path:
    """An empty gradebook, made once per nbgrader version and copied: nbgrader stamps every new gradebook with its
    schema version by running `alembic heads` in a subprocess (about 1-4 s, measured here), the same answer each time."""
    import nbgrader
    from nbgrader.api import Gradebook

    def make(scratch: Path) -> Path:
        with _grading_environment(scratch), Gradebook(f"sqlite:///{scratch / 'gradebook.db'}"):
            pass
        return scratch / "gradebook.db"

    return _made_once(_cache_dir() / f"empty-gradebook-{nbgrader.__version__}.db", make)


def prepare(module: str, workdir: Path) -> Path:
    """Make a course folder in workdir with the module's solutions as source; generate its release. Returns release/<module>."""
    source = course.root() / "solutions" / module
    if not source.is_dir():
        raise GradingError(f"{source} is missing: self-check needs the course's solutions/ folder (a full clone of the course).")
    shutil.copytree(source, workdir / "source" / module, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (workdir / "nbgrader_config.py").write_text(NBGRADER_CONFIG.format(root=str(workdir), db=str(workdir / "gradebook.db")))
    shutil.copyfile(_empty_gradebook(), workdir / "gradebook.db")
    _nbgrader(["generate_assignment", module, "--force"], workdir)
    return workdir / "release" / module


def _fingerprint(module: str) -> str:
    """Changes whenever the module's source files or nbgrader's version change."""
    import nbgrader

    digest = hashlib.sha256(nbgrader.__version__.encode())
    source = course.root() / "solutions" / module
    for path in sorted(p for p in source.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _template(module: str) -> Path:
    """A prepared course folder for `module`, shared by processes through a content-addressed cache, copied per grading."""

    def make(scratch: Path) -> Path:
        prepare(module, scratch)
        return scratch

    return _made_once(_cache_dir() / f"{module}-{_fingerprint(module)}", make)


def release(module: str) -> Path:
    """The student notebooks that nbgrader generates from solutions/<module> (in a temporary folder)."""
    return _template(module) / "release" / module


def grade(module: str, submission: dict[str, Path], cell_limit: int = CELL_TIMEOUT_S, notebook_limit: int = NOTEBOOK_TIMEOUT_S,
          in_process: bool = False) -> Report:
    """Autograde the notebooks in `submission` (notebook file name -> path) for `module`, hidden tests included.

    The files are copied first: the learner's notebooks are never changed. A cell over `cell_limit` seconds
    or a notebook over `notebook_limit` seconds is stopped with a "time limit" message; a kernel that dies
    is reported as such (Report.stopped). `in_process` runs nbgrader in this process (the test harness does;
    a learner's self-check keeps it in a subprocess of its own).
    """
    for path in submission.values():
        read_notebook(path)
    template = _template(module)
    workdir = Path(tempfile.mkdtemp(prefix=f"backendlab-{module}-"))
    try:
        shutil.copytree(template, workdir, dirs_exist_ok=True)
        (workdir / "nbgrader_config.py").write_text(
            NBGRADER_CONFIG.format(root=str(workdir), db=str(workdir / "gradebook.db"))
            + SELF_CHECK_CONFIG.format(cell_s=cell_limit, notebook_s=notebook_limit))
        expected = sorted(p.name for p in (workdir / "release" / module).glob("*.ipynb"))
        unknown = sorted(set(submission) - set(expected))
        if unknown:
            raise GradingError(f"{', '.join(unknown)}: not a notebook of module {module} (its notebooks: {', '.join(expected)}).")
        target = workdir / "submitted" / STUDENT / module
        target.mkdir(parents=True)
        for name, path in submission.items():
            shutil.copyfile(path, target / name)
        if in_process:
            _autograde_in_process(module, workdir)
        else:
            _nbgrader(["autograde", module, "--create", "--force"], workdir)
        report = _collect(module, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def _collect(module: str, workdir: Path) -> Report:
    from nbgrader.api import Gradebook

    report = Report(module)
    graded_dir = workdir / "autograded" / STUDENT / module
    with Gradebook(f"sqlite:///{workdir / 'gradebook.db'}") as gb:
        submission = gb.find_submission(module, STUDENT)
        for sub_nb in sorted(submission.notebooks, key=lambda n: n.name):
            name = f"{sub_nb.name}.ipynb"
            graded_path = graded_dir / name
            graded = nbformat.read(graded_path, as_version=4) if graded_path.exists() else None
            status = graded.metadata.get("backendlab_grading", {}) if graded else {}
            if status.get("status") not in (None, "graded", "flagged"):
                report.stopped[name] = status.get("reason") or status["status"]
            report.flags += [f"{name}: {flag}" for flag in status.get("flags", [])]
            messages: dict[str, str] = {}
            for index, cell in enumerate(graded.cells if graded else []):
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                        err = CellError(name, index, role(cell), grade_id, out.get("ename", ""), str(out.get("evalue", "")))
                        report.errors.append(err)
                        if grade_id:
                            messages[grade_id] = f"{err.ename}: {err.evalue}".strip()
                if role(cell) == "tests" and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                    if any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in cell.get("outputs", [])):
                        messages[cell.metadata["nbgrader"]["grade_id"]] = (
                            "the checks passed, but the cell wrote to stderr (a warning or a log record), which nbgrader scores 0")
            order = {c.metadata.get("nbgrader", {}).get("grade_id"): i for i, c in enumerate(graded.cells if graded else [])}
            for g in sorted(sub_nb.grades, key=lambda g: order.get(g.name, 10**6)):
                kind = "manual" if g.cell_type == "markdown" else "auto"
                report.cells.append(CellResult(name, g.name, kind, float(g.score or 0), float(g.max_score), messages.get(g.name, "")))
            if graded is None:
                report.errors.append(CellError(name, -1, "notebook", None, "Missing", "the notebook was not graded"))
    return report


def module_notebooks(module: str) -> dict[str, Path]:
    """The learner's notebooks of a module: modules/<module>/<each notebook that solutions/<module>/ has>."""
    folder = course.root() / "modules" / module
    names = sorted(p.name for p in (course.root() / "solutions" / module).glob("*.ipynb"))
    return {name: folder / name for name in names}
