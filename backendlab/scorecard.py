"""Check your work from inside a notebook: one exercise's hidden tests in a second, or the module's score card.

    from backendlab.scorecard import check, check_module
    check("build_query")   # this exercise's tests, hidden ones included, against what your kernel has defined now
    check_module()         # grade the saved notebooks of this module (as `make check` does) and record the score

Both do nothing while a notebook is being graded (nbgrader, `make check`, the test suite), so a notebook that
keeps these cells never grades itself in a loop.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import contextvars
import inspect
import io
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backendlab import course

GRADING_ENV = "BACKENDLAB_GRADING"


def _read(path: Path) -> Any:
    """A notebook, read with nbformat (imported here: it takes a second, and a graded kernel never needs it)."""
    import nbformat

    return nbformat.read(path, as_version=4)


def interactive() -> bool:
    """True in a kernel that a Jupyter server started for a notebook, and not while grading."""
    return bool(os.environ.get("JPY_SESSION_NAME")) and not os.environ.get(GRADING_ENV)


def current_module() -> str | None:
    """The module of the notebook this kernel runs (from the Jupyter session's path), if it is a course notebook."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    names = set(course.module_names())
    for part in reversed(Path(session).parts[:-1]):
        if part in names:
            return part
    return None


@dataclass
class ExerciseTests:
    """The test cells (hidden tests included) that follow one answer cell in a module's source notebooks."""

    module: str
    notebook: str
    answer_id: str
    cells: list[tuple[str, float, str]]  # (grade id, points, source)


def find_tests(exercise: str, prefer: str | None = None) -> ExerciseTests:
    """The tests of the answer cell whose grade id is `exercise`, from solutions/ (prefer the given module)."""
    solutions = course.root() / "solutions"
    if not solutions.is_dir():
        raise course.CourseError(
            "check() needs the course's solutions/ folder, which a class release does not include: "
            "your instructor grades the hidden tests. Run the test cell under your answer for the visible ones."
        )
    modules = course.module_names()
    if prefer in modules:
        modules = [prefer] + [m for m in modules if m != prefer]
    for module in modules:
        for path in sorted((solutions / module).glob("*.ipynb")):
            found: ExerciseTests | None = None
            for cell in _read(path).cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution") and cell.cell_type == "code":
                    if found:
                        return found
                    if meta.get("grade_id") == exercise:
                        found = ExerciseTests(module, path.name, exercise, [])
                elif found and meta.get("grade") and cell.cell_type == "code":
                    source = "\n".join(ln for ln in cell.source.splitlines() if "HIDDEN TESTS" not in ln)
                    found.cells.append((meta["grade_id"], float(meta.get("points", 0)), source))
            if found:
                return found
    known = sorted({g for m in course.module_names() for g in _answer_ids(m)})
    raise course.CourseError(f"No exercise is called {exercise!r}. Exercises: {', '.join(known)}.")


def _answer_ids(module: str) -> list[str]:
    ids = []
    for path in sorted((course.root() / "solutions" / module).glob("*.ipynb")):
        for cell in _read(path).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and cell.cell_type == "code":
                ids.append(meta["grade_id"])
    return ids


def _run_test_cell(source: str, name: str, scope: dict[str, Any]) -> None:
    """Run a test cell's source as the notebook would, top-level `await` included (module 01's fetch_all, module 06's
    cache): such a cell is compiled to a coroutine and run on an event loop of its own in a helper thread, because
    the kernel's loop is busy running the cell that called check()."""
    code = compile(source, name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    if not code.co_flags & inspect.CO_COROUTINE:
        exec(code, scope)
        return
    outcome: list[BaseException] = []
    context = contextvars.copy_context()  # the preview's settings (checks.QUICK) hold in the thread too

    def run() -> None:
        try:
            context.run(asyncio.run, eval(code, scope))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome.append(exc)

    thread = threading.Thread(target=run, name=f"check-{name}", daemon=True)
    thread.start()
    thread.join()
    if outcome:
        raise outcome[0]


def check(exercise: str, namespace: dict[str, Any] | None = None) -> None:
    """Run one exercise's tests, hidden ones included, against the definitions in this kernel; print ✓/✗ per cell.

    Nothing is recorded: use check_module() (or `make check`) for the score that counts.
    """
    if os.environ.get(GRADING_ENV):
        return
    if namespace is None:
        from IPython import get_ipython

        shell = get_ipython()
        namespace = shell.user_ns if shell is not None else sys.modules["__main__"].__dict__
    from backendlab.checks import QUICK, quiet

    tests = find_tests(exercise, prefer=current_module())
    total = got = 0.0
    lines = [f"{exercise} · {tests.module}/{tests.notebook} · hidden tests included"]
    started = time.perf_counter()
    for grade_id, points, source in tests.cells:
        scope = dict(namespace)  # the tests see your definitions; what they define does not leak back
        total += points
        token = QUICK.set(True)  # fewer property-check examples than grading: a preview in about a second
        try:
            with quiet(grade_id):
                _run_test_cell(source, f"<tests {grade_id}>", scope)
        except Exception as exc:  # a failed check or your code crashing: one line, no traceback
            message = str(exc).strip() or type(exc).__name__
            lines.append(f"  ✗ {grade_id:<44} 0 / {points:g}")
            lines.extend(f"      {text}" for text in message.splitlines()[:6])
        else:
            got += points
            lines.append(f"  ✓ {grade_id:<44} {points:g} / {points:g}")
        finally:
            QUICK.reset(token)
    lines.append(f"{got:g} / {total:g} in {time.perf_counter() - started:.1f} s (a preview with fewer generated examples; "
                 "check_module() grades everything and records your score)")
    print("\n".join(lines))


class _Progress:
    """A one-line elapsed-time indicator while grading runs (it rewrites itself with a carriage return)."""

    def __init__(self, label: str) -> None:
        self.label, self.done, self.out = label, threading.Event(), sys.stdout
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.monotonic()
        while not self.done.wait(1.0):
            print(f"\r{self.label} {time.monotonic() - started:4.0f} s", end="", flush=True, file=self.out)

    def __enter__(self) -> _Progress:
        print(self.label, end="", flush=True, file=self.out)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
        print("\r" + " " * (len(self.label) + 8) + "\r", end="", flush=True, file=self.out)


def check_module(module: str | None = None) -> None:
    """Grade your saved notebooks of this module, hidden tests included; print the score card and record the score.

    Save first (Ctrl+S): the saved files are graded, not what is on screen. Skipped while grading.
    """
    if not interactive():
        print("check_module(): skipped here (it runs when you work in JupyterLab, never while a notebook is graded).")
        return
    from backendlab.grading import selfcheck

    name = course.find_module(module) if module else current_module()
    if name is None:
        print("check_module(): this notebook is not one of the course's modules; pass the module, e.g. check_module('03').")
        return
    count = len(list((course.root() / "modules" / name).glob("*.ipynb")))
    card = io.StringIO()
    with _Progress(f"Grading your saved notebooks of {name} ({count}), hidden tests included…"):
        try:
            with contextlib.redirect_stdout(card):
                selfcheck.check(name)
        except Exception as exc:  # a missing or corrupt notebook: say what to do, no traceback
            card.write(f"check_module(): {exc}\n")
    print(card.getvalue(), end="")
