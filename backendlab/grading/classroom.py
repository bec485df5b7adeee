"""Grade a class: each student in its own sandboxed course folder, in parallel; merge into the gradebook; write the CSV."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from backendlab.grading import feedback, merge
from backendlab.grading.limits import Limits, detect
from backendlab.grading.student import STATUSES, grade_student, use_environment_tools

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LMS_NAME = re.compile(r"^(?P<student>[A-Za-z0-9.-]+)_(?:.*_)?(?P<notebook>\d\d-[A-Za-z0-9-]+\.ipynb)$")
MAX_ZIP_BYTES, MAX_ZIP_MEMBER = 2 * 2**30, 50 * 2**20

USAGE = """\
    python -m backendlab.grading.classroom 03 path/to/submissions      # or: make grade MODULE=03 SUBMISSIONS=...

SUBMISSIONS is a folder of <student>/<module>/*.ipynb (or <student>/*.ipynb), or an LMS zip / folder of
files named <student>_<anything>_<notebook>.ipynb. See grading/README.md.
"""


@dataclass
class ClassRun:
    """What a class run produced: per-student results and where the CSV and gradebook are."""

    module: str
    results: list[dict] = field(default_factory=list)
    csv: Path | None = None
    gradebook: str = ""
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        return Counter(r["status"] for r in self.results)


def safe_extract(archive: Path, target: Path) -> Path:
    """Extract an LMS zip without leaving `target` (no absolute paths, no ..), bounded in size."""
    total = 0
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            name = Path(info.filename)
            if info.is_dir() or name.is_absolute() or ".." in name.parts or info.file_size > MAX_ZIP_MEMBER:
                continue
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                break
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, 2**20)
    return target


def discover(folder: Path, module: str, notebooks: list[str]) -> tuple[dict[str, dict[str, Path]], list[str]]:
    """Students and their notebooks, from any of the layouts above; plus what was skipped and why."""
    students: dict[str, dict[str, Path]] = {}
    skipped: list[str] = []
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder)
        if ".ipynb_checkpoints" in rel.parts or path.is_symlink() or not path.is_file():
            continue
        lms = LMS_NAME.match(path.name)
        if len(rel.parts) >= 2 and STUDENT_ID.match(rel.parts[0]) and path.name in notebooks and \
                (len(rel.parts) == 2 or rel.parts[-2] == module):
            students.setdefault(rel.parts[0], {})[path.name] = path
        elif lms and lms["notebook"] in notebooks and STUDENT_ID.match(lms["student"]):
            students.setdefault(lms["student"], {})[lms["notebook"]] = path
        else:
            skipped.append(f"{rel}: not a notebook of {module} in a <student>/{module}/ folder or an LMS file name")
    for student_folder in sorted(p for p in folder.iterdir() if p.is_dir() and STUDENT_ID.match(p.name)):
        if student_folder.name not in students:
            students[student_folder.name] = {}  # handed in nothing gradable: graded as unreadable, not forgotten
    return students, skipped


class Progress:
    """A plain-text progress bar on stderr (one line per student when stderr is not a terminal)."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.counts: Counter = Counter()
        self.tty = sys.stderr.isatty()

    def update(self, result: dict) -> None:
        self.done += 1
        self.counts[result["status"]] += 1
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        bar = "#" * round(30 * self.done / self.total)
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.counts.items()))
        line = f"[{bar:<30}] {self.done}/{self.total} students  {elapsed:.0f} s  eta {eta:.0f} s  ({counts})"
        if self.tty:
            print("\r" + line, end="" if self.done < self.total else "\n", file=sys.stderr, flush=True)
        else:
            print(f"{line}  last: {result['student']} {result['status']}", file=sys.stderr, flush=True)


def default_workers(limits: Limits) -> int:
    """Two students per core: a grading worker mostly waits on its kernel (messages, services, start-up), so one per
    core leaves the cores idle half the time; never more kernels than the machine's free memory holds at their cap."""
    import psutil

    by_memory = int(psutil.virtual_memory().available / 2**20 // max(limits.memory_mb, 1))
    return max(1, min(2 * (os.cpu_count() or 1), by_memory))


def _warm() -> None:
    """Runs once per worker process: imports are already there (fork); keep the worker's output quiet."""
    import warnings

    warnings.filterwarnings("ignore")


def grade_class(module: str, submissions: Path, *, workers: int | None = None, limits: Limits | None = None,
                out: Path | None = None, gradebook: str | None = None, csv_path: Path | None = None,
                quiet: bool = False) -> ClassRun:
    """Grade every student of `submissions` for `module`; never stops for one student. See the module docstring."""
    from backendlab import course
    from backendlab.grading import autograde

    module = course.find_module(module)
    limits = limits or Limits()
    use_environment_tools()
    out = (out or course.root() / "grading").resolve()
    gradebook = gradebook or f"sqlite:///{course.root() / 'grading' / 'gradebook.db'}"
    csv_path = csv_path or out / "export" / f"grades-{module}.csv"
    template = autograde._template(module)
    notebooks = sorted(p.name for p in (template / "release" / module).glob("*.ipynb"))
    started = time.monotonic()
    run_dir = Path(tempfile.mkdtemp(prefix="blg-"))  # short: ipc socket paths live below it
    run = ClassRun(module, gradebook=gradebook)
    try:
        folder = submissions.resolve()
        if folder.is_file() and zipfile.is_zipfile(folder):
            folder = safe_extract(folder, run_dir / "zip")
        students, run.skipped = discover(folder, module, notebooks)
        hide = sorted({str(submissions.resolve()), str(folder), str(out), str(csv_path.parent)})
        if gradebook.startswith("sqlite:///"):
            hide.append(str(Path(gradebook.removeprefix("sqlite:///")).parent))
        results_dir = run_dir / "out"
        jobs = {s: files for s, files in students.items()}
        workers = max(1, min(workers or default_workers(limits), len(jobs) or 1))
        progress = Progress(len(jobs)) if not quiet and jobs else None
        run.results = _run_pool(module, jobs, template, results_dir, limits, hide, run_dir, workers, progress)
        module_max, manual_max = merge.max_scores(template / "gradebook.db", module)
        for result in run.results:
            if not result["max_score"]:
                result["max_score"] = module_max
        for kind in ("autograded", "feedback"):
            for student_dir in (results_dir / kind).glob("*"):
                target = out / kind / student_dir.name / module
                shutil.rmtree(target, ignore_errors=True)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(student_dir / module, target)
        for result in run.results:  # a student whose grading failed outright still gets a page that says so
            folder_fb = out / "feedback" / result["student"] / module
            if not folder_fb.exists():
                folder_fb.mkdir(parents=True)
                for name in notebooks:
                    (folder_fb / name.replace(".ipynb", ".html")).write_text(
                        feedback.message_page(f"{module} · {name}", f"Not graded ({result['status']}): {result['reason']}"))
        (out / "export" / module).mkdir(parents=True, exist_ok=True)
        for result in run.results:
            (out / "export" / module / f"{result['student']}.json").write_text(json.dumps(result, indent=1))
        merge.copy_assignment(template / "gradebook.db", gradebook, module)
        merge.merge_results(run.results, gradebook, module)
        run.csv = merge.write_csv(run.results, csv_path, manual_max)
    finally:
        _kill_leftovers(run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)
    run.seconds = time.monotonic() - started
    return run


def _kill_leftovers(run_dir: Path) -> None:
    """A worker that crashed cannot clean up after its kernels: kill every process still working in this run's folder."""
    import psutil

    marker = str(run_dir)
    for proc in psutil.process_iter(["cmdline"]):
        if proc.pid != os.getpid() and any(marker in arg for arg in proc.info["cmdline"] or []):
            try:
                proc.kill()
            except psutil.Error:
                pass


def _crashed(module: str, student: str, reason: str) -> dict:
    return {"student": student, "module": module, "status": "crashed", "reason": reason, "notes": [],
            "notebooks": {}, "score": 0.0, "max_score": 0.0}


def _run_pool(module: str, jobs: dict[str, dict[str, Path]], template: Path, results_dir: Path, limits: Limits,
              hide: list[str], run_dir: Path, workers: int, progress: Progress | None) -> list[dict]:
    """Long-lived worker processes (forked with nbgrader already imported), each grading many students.
    A worker that dies takes only its students with it: they are retried once, then reported as crashed, and
    grade_class kills whatever its kernels left running (_kill_leftovers). Seen once in CI: a forked worker of a
    multi-threaded test process crashed in SQLAlchemy's garbage collector and left two kernels behind."""
    import nbgrader.converters  # noqa: F401 - imported once here, inherited by the forked workers
    import nbgrader.preprocessors  # noqa: F401

    results: dict[str, dict] = {}
    attempts: Counter = Counter()
    pending = list(jobs)
    while pending:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm) as pool:
            futures: dict[Future, str] = {
                pool.submit(grade_student, module, s, jobs[s], template, results_dir, limits, hide, run_dir): s for s in pending}
            pending = []
            for future in as_completed(futures):
                student = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    attempts[student] += 1
                    if attempts[student] < 2:
                        pending.append(student)
                        continue
                    result = _crashed(module, student, "the grading worker died twice on this submission")
                except Exception as exc:  # noqa: BLE001
                    result = _crashed(module, student, f"grader error: {type(exc).__name__}: {exc}"[:300])
                results[student] = result
                if progress:
                    progress.update(result)
    return [results[s] for s in sorted(results)]


def summary(run: ClassRun, limits: Limits) -> str:
    lines = [f"{run.module}: {len(run.results)} students in {run.seconds:.0f} s — "
             + ", ".join(f"{run.counts[s]} {s}" for s in reversed(STATUSES) if run.counts[s])]
    for r in run.results:
        if r["status"] != "graded":
            lines.append(f"  {r['student']:<20} {r['status']:<13} {r['score']:g}/{r['max_score']:g}  {r['reason'][:160]}")
    lines += [f"  skipped: {s}" for s in run.skipped[:20]]
    lines.append(f"CSV: {run.csv}\nGradebook: {run.gradebook}")
    lines.append("Limits in force on this machine:")
    lines += [f"  - {line}" for line in detect().in_force(limits)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backendlab.grading.classroom", description=__doc__ + "\n\n" + USAGE,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", help="module number or folder name, e.g. 03")
    parser.add_argument("submissions", type=Path, help="folder or LMS zip of the class's submissions")
    parser.add_argument("--workers", type=int, default=None, help="students graded at once (default: 2 per CPU core, "
                        "as many as free memory holds at the memory cap)")
    parser.add_argument("--out", type=Path, default=None, help="class folder for autograded/, feedback/, export/ (default: grading/)")
    parser.add_argument("--gradebook", default=None, help="database URL of the class gradebook (default: grading/gradebook.db)")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--processes", type=int, default=Limits.processes)
    parser.add_argument("--cell-limit", type=int, default=Limits.cell_s, help="seconds a cell may run")
    parser.add_argument("--notebook-limit", type=int, default=Limits.notebook_s, help="seconds a notebook may run")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's known, harmless SQLAlchemy warning
    if not args.submissions.exists():
        print(f"grade: {args.submissions} does not exist", file=sys.stderr)
        return 2
    limits = Limits(memory_mb=args.memory_mb, processes=args.processes, cell_s=args.cell_limit, notebook_s=args.notebook_limit)
    run = grade_class(args.module, args.submissions, workers=args.workers, limits=limits, out=args.out, gradebook=args.gradebook)
    print(summary(run, limits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
