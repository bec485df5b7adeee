"""`make bench`: wall time, slowest cell and peak memory of every solution notebook (SLOW=1: on one busy core), class grading
(parallel sandboxed grading vs plain serial `nbgrader autograde`, side by side), the learner's self-check time, the Binder
environment's size, and the test suite's wall time.

Budgets (course design, on a 2-core machine): a notebook ≤ 60 s top to bottom, no cell > 20 s, kernel < 800 MB.
Figures, not asserts: a busy machine makes timings noisy, so this prints and flags instead of failing tests.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from backendlab import course
from tools.slowmachine import slow_machine

NOTEBOOK_BUDGET_S = 60.0
CELL_BUDGET_S = 20.0
MEMORY_BUDGET_MB = 800.0


@dataclass
class Figures:
    notebook: str
    wall_s: float
    slowest_cell_s: float
    slowest_cell: int
    kernel_peak_mb: float
    with_children_peak_mb: float
    error: str = ""

    @property
    def over_budget(self) -> list[str]:
        over = []
        if self.wall_s > NOTEBOOK_BUDGET_S:
            over.append("time")
        if self.slowest_cell_s > CELL_BUDGET_S:
            over.append("cell")
        if self.kernel_peak_mb > MEMORY_BUDGET_MB:
            over.append("memory")
        if self.error:
            over.append("error")
        return over


class PeakMemory:
    """Samples a process (and, separately, it with its children) every 20 ms and keeps the peaks, in MB."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.kernel = self.total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            try:
                own = self.process.memory_info().rss
                children = sum(c.memory_info().rss for c in self.process.children(recursive=True))
            except psutil.Error:
                continue
            self.kernel = max(self.kernel, own / 2**20)
            self.total = max(self.total, (own + children) / 2**20)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def measure(path: Path) -> Figures:
    nb = nbformat.read(path, as_version=4)
    cell_times: dict[int, float] = {}
    started: dict[int, float] = {}
    sampler: list[PeakMemory] = []
    with tempfile.TemporaryDirectory() as workdir:  # run from elsewhere, as nbgrader does
        os.environ["BACKENDLAB_PROGRESS"] = str(Path(workdir) / "progress.json")
        os.environ["BACKENDLAB_PORTFOLIO"] = str(Path(workdir) / "portfolio")
        client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": workdir}})

        def on_start(**_: object) -> None:
            sampler.append(PeakMemory(client.km.provisioner.pid))

        def on_cell_start(cell: nbformat.NotebookNode, cell_index: int, **_: object) -> None:
            started[cell_index] = time.perf_counter()

        def on_cell_executed(cell: nbformat.NotebookNode, cell_index: int, **_: object) -> None:
            cell_times[cell_index] = time.perf_counter() - started[cell_index]

        client.on_notebook_start = on_start
        client.on_cell_start = on_cell_start
        client.on_cell_executed = on_cell_executed
        error = ""
        t0 = time.perf_counter()
        try:
            client.execute()
        except Exception as exc:  # report it in the table, keep measuring the others
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:120] if str(exc).strip() else ''}"
        wall = time.perf_counter() - t0
    peaks = sampler[0] if sampler else None
    if peaks:
        peaks.stop()
    slowest = max(cell_times, key=cell_times.get, default=-1)
    return Figures(
        notebook=str(path.relative_to(course.root() / "solutions")),
        wall_s=wall,
        slowest_cell_s=cell_times.get(slowest, 0.0),
        slowest_cell=slowest,
        kernel_peak_mb=peaks.kernel if peaks else 0.0,
        with_children_peak_mb=peaks.total if peaks else 0.0,
        error=error,
    )


def table(rows: list[Figures]) -> str:
    head = f"{'notebook':<58} {'wall s':>7} {'slowest cell s (#)':>19} {'kernel MB':>10} {'+children MB':>13}  budget"
    lines = [head, "-" * len(head)]
    for r in rows:
        verdict = "ok" if not r.over_budget else "OVER: " + ", ".join(r.over_budget)
        lines.append(
            f"{r.notebook:<58} {r.wall_s:>7.1f} {r.slowest_cell_s:>12.1f} ({r.slowest_cell:>3}) "
            f"{r.kernel_peak_mb:>10.0f} {r.with_children_peak_mb:>13.0f}  {verdict}"
        )
        if r.error:
            lines.append(f"    {r.error}")
    return "\n".join(lines)


def _serial_nbgrader(module: str, students: list[str], submissions: Path, workdir: Path) -> tuple[float, float]:
    """Seconds for ONE plain `nbgrader autograde`, then ONE `nbgrader generate_feedback`, over these students (the
    serial flow that grading/README.md replaces), in a course copy: (autograde, feedback)."""
    import shutil

    from backendlab.grading import autograde

    template = autograde._template(module)
    shutil.copytree(template, workdir, dirs_exist_ok=True)
    (workdir / "nbgrader_config.py").write_text(autograde.NBGRADER_CONFIG.format(root=str(workdir), db=str(workdir / "gradebook.db")))
    for student in students:
        shutil.copytree(submissions / student / module, workdir / "submitted" / student / module)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(workdir / ".jupyter"))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", module, "--create", "--force"], cwd=workdir, env=env,
                   capture_output=True, timeout=3600)
    t1 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", module, "--force"], cwd=workdir, env=env,
                   capture_output=True, timeout=3600)
    return t1 - t0, time.perf_counter() - t1


def class_grading(count: int, workers: int | None) -> str:
    """Grade `count` copies of the module-00 solution both ways in one run: serial nbgrader on the first half,
    then the parallel class grader on all, then serial nbgrader on the second half (so drift in the machine's
    load hits both). Returns the printed section."""
    import shutil

    from backendlab.grading.classroom import grade_class

    module = course.find_module("00")
    source = next((course.root() / "solutions" / module).glob("*.ipynb"))
    with tempfile.TemporaryDirectory(prefix="bench-class-") as tmp:
        root = Path(tmp)
        students = [f"student{i:03d}" for i in range(count)]
        for student in students:
            (root / "subs" / student / module).mkdir(parents=True)
            shutil.copy(source, root / "subs" / student / module / source.name)
        half = count // 2
        grade_a, feedback_a = _serial_nbgrader(module, students[:half], root / "subs", root / "serial-a")
        run = grade_class(module, root / "subs", workers=workers, out=root / "out", gradebook=f"sqlite:///{root / 'gb.db'}", quiet=True)
        grade_b, feedback_b = _serial_nbgrader(module, students[half:], root / "subs", root / "serial-b")
    full = sum(1 for r in run.results if r["status"] == "graded" and r["score"] == r["max_score"])
    serial_s, serial_feedback_s = grade_a + grade_b, grade_a + grade_b + feedback_a + feedback_b
    serial_rate, parallel_rate = count / serial_s * 60, count / run.seconds * 60
    flow_rate = count / serial_feedback_s * 60
    from backendlab.grading.classroom import default_workers
    from backendlab.grading.limits import Limits

    used = workers or default_workers(Limits())
    return "\n".join([
        f"Class grading, {count} copies of the {module} solution ({psutil.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}):",
        f"  serial `nbgrader autograde` (plain, no sandbox, no feedback):  {serial_s:6.1f} s  {serial_rate:5.1f} notebooks/min",
        f"  serial `nbgrader autograde` + `generate_feedback` (the same outcome as the class grader): {serial_feedback_s:6.1f} s"
        f"  {flow_rate:5.1f} notebooks/min",
        f"  parallel class grader ({used} workers, sandboxed, with feedback): {run.seconds:6.1f} s  {parallel_rate:5.1f} notebooks/min"
        f"  ({full}/{count} full marks)",
        f"  parallel / serial throughput, same outcome (grades + feedback): {parallel_rate / flow_rate:.2f}x  (target ≥ 1.8x on 2 cores)",
        f"  parallel / serial autograde alone (the parallel side still writes feedback): {parallel_rate / serial_rate:.2f}x",
    ])


def _dist_sizes() -> dict[str, float]:
    """Installed size in MB of every distribution in this environment, by normalised name."""
    import re
    from importlib import metadata

    sizes: dict[str, float] = {}
    for dist in metadata.distributions():
        total = 0
        for file in dist.files or []:
            try:
                total += file.locate().stat().st_size
            except OSError:
                pass
        sizes[re.sub(r"[-_.]+", "-", dist.metadata["Name"].lower())] = total / 2**20
    return sizes


def binder_size() -> str:
    """What the learner's image carries: the packages of requirements.txt (Binder installs binder/requirements.txt, a copy),
    against those that requirements-dev.txt adds for maintainers only."""
    import re

    def names(path: Path) -> set[str]:
        return {re.sub(r"[-_.]+", "-", ln.split("==")[0].strip().lower()) for ln in path.read_text().splitlines()
                if "==" in ln and not ln.startswith("#")}

    sizes = _dist_sizes()
    learner = names(course.root() / "requirements.txt")
    dev = names(course.root() / "requirements-dev.txt") - learner
    learner_mb = sum(sizes.get(n, 0.0) for n in learner)
    dev_mb = sum(sizes.get(n, 0.0) for n in dev)
    return (f"Binder environment: {learner_mb:.0f} MB of learner packages ({len(learner)} pins) on top of repo2docker's base image "
            f"and Python; developer-only tools kept out of it: {dev_mb:.0f} MB ({len(dev)} pins)")


def self_check_time(rows: list[Figures]) -> str:
    """The learner's self-check of module 00 (subprocess nbgrader, as `make check`) against executing its notebooks alone,
    and one exercise's in-notebook check()."""
    import contextlib
    import io

    from backendlab import scorecard
    from backendlab.grading import autograde
    from tools import verify_module

    module = course.find_module("00")
    solutions = {p.name: p for p in sorted((course.root() / "solutions" / module).glob("*.ipynb"))}
    autograde.release(module)  # the prepared course folder is cached once per content, like a learner's second check
    t0 = time.perf_counter()
    report = autograde.grade(module, solutions)
    check_s = time.perf_counter() - t0
    executing = sum(r.wall_s for r in rows if r.notebook.startswith(module)) or float("nan")
    namespace: dict = {}
    exercise = sorted(verify_module.exercises(module))[0]
    exec(compile(verify_module.solution_source(module, exercise), "<answer>", "exec"), namespace)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        scorecard.check(exercise, namespace=namespace)
    one_s = time.perf_counter() - t0
    return (f"Self-check of {module}: {check_s:.1f} s ({report.score:g}/{report.max_score:g}); executing its notebooks alone: "
            f"{executing:.1f} s; overhead {check_s - executing:.1f} s (target ≤ 5 s). check({exercise!r}) in a kernel: {one_s:.2f} s")


def postgres_server(repeats: int = 3) -> str:
    """Start time (median of `repeats` fresh starts) and memory of the PostgreSQL that module 03 starts."""
    from backendlab.servers.postgres import PostgresError, postgres

    starts, memory, processes, version = [], 0.0, 0, ""
    try:
        for _ in range(repeats):
            server = postgres(name="bench", fresh=True, use_database_url=False)
            starts.append(server.start_s)
            version = server.version
            engine = server.engine()
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT count(*) FROM pg_stat_statements")
            engine.dispose()
            family = [psutil.Process(server.pid)] + psutil.Process(server.pid).children(recursive=True)
            sizes = []
            for proc in family:  # a short-lived worker may exit while we look
                with contextlib.suppress(psutil.Error):
                    sizes.append(proc.memory_full_info().pss)
            processes, memory = len(sizes), sum(sizes) / 2**20
            server.stop()
    except (PostgresError, psutil.Error) as exc:
        return f"PostgreSQL for module 03: not measured ({str(exc).splitlines()[0][:160]})"
    return (f"PostgreSQL for module 03 ({version}, backendlab.servers.postgres): starts in {statistics.median(starts):.1f} s "
            f"(median of {repeats} fresh starts); idle, {processes} processes use {memory:.0f} MB (PSS)")


def redis_server(repeats: int = 3) -> str:
    """Start time (median of `repeats` fresh starts) and memory of the Redis that modules 06 and 07 start."""
    from backendlab.servers.redis_server import RedisServerError
    from backendlab.servers.redis_server import redis_server as start_redis

    starts, pss, rss_loaded, version = [], 0.0, 0.0, ""
    try:
        for _ in range(repeats):
            server = start_redis(name="bench", fresh=True, use_redis_url=False)
            starts.append(server.start_s)
            version = server.version
            pss = psutil.Process(server.pid).memory_full_info().pss / 2**20
            with contextlib.closing(server.client()) as r:  # 10,000 cached entries of ~100 bytes, as module 06 uses
                pipe = r.pipeline(transaction=False)
                for i in range(10_000):
                    pipe.set(f"product:{i}", "x" * 100, ex=60)
                pipe.execute()
            rss_loaded = server.memory_bytes() / 2**20
            server.stop()
    except (RedisServerError, psutil.Error, OSError) as exc:
        return f"Redis for modules 06-07: not measured ({str(exc).splitlines()[0][:160]})"
    return (f"Redis for modules 06-07 ({version}, backendlab.servers.redis_server): starts in {statistics.median(starts) * 1000:.0f} ms "
            f"(median of {repeats} fresh starts); idle {pss:.1f} MB (PSS), {rss_loaded:.1f} MB RSS holding 10,000 entries of 100 bytes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help="only these modules (default: all)")
    parser.add_argument("--with-suite", action="store_true", help="then run and time the full test suite (make test)")
    parser.add_argument("--class-students", type=int, default=12, help="copies of the module-00 solution for the class-grading "
                        "throughput (0: skip it)")
    parser.add_argument("--class-workers", type=int, default=None, help="workers of the parallel class grader (default: its own)")
    parser.add_argument("--only-class", action="store_true", help="measure class grading only")
    parser.add_argument("--slow", action="store_true", help="a Binder-like slow machine: the notebooks share one core with a "
                        "busy process (tools/slowmachine.py)")
    args = parser.parse_args(argv)
    if args.only_class:
        print(class_grading(args.class_students, args.class_workers))
        return 0
    names = [course.find_module(m) for m in args.modules] or course.module_names()
    paths = [p for m in names for p in sorted((course.root() / "solutions" / m).glob("*.ipynb"))]
    print(f"Budgets: ≤ {NOTEBOOK_BUDGET_S:.0f} s a notebook, ≤ {CELL_BUDGET_S:.0f} s a cell, < {MEMORY_BUDGET_MB:.0f} MB kernel RSS; "
          f"{psutil.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    rows = []
    with slow_machine() if args.slow else contextlib.nullcontext() as machine:
        if machine:
            print(machine.label + "\n")
        for path in paths:
            rows.append(measure(path))
            print(f"  measured {rows[-1].notebook}: {rows[-1].wall_s:.1f} s", flush=True)
    print()
    print(table(rows))
    print(f"\nAll solution notebooks: {sum(r.wall_s for r in rows):.0f} s in sequence" + (" (slow machine)" if args.slow else ""))
    print(binder_size())
    if not args.modules or "03-orm-vs-raw-sql" in names:
        print(postgres_server(), flush=True)
    if not args.modules or any(m.startswith(("06-", "07-")) for m in names):
        print(redis_server(), flush=True)
    if not args.modules or "00-orientation" in names:
        print(self_check_time(rows), flush=True)
    if args.class_students:
        print()
        print(class_grading(args.class_students, args.class_workers), flush=True)
    if args.with_suite:
        t0 = time.perf_counter()
        status = subprocess.run(["make", "test"], cwd=course.root()).returncode
        print(f"\nFull test suite (make test): {time.perf_counter() - t0:.0f} s wall, exit status {status}")
    return 1 if any(r.over_budget for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
