"""Build a class of module-00 submissions: honest ones, broken ones and ones that attack the grader.

Each builder gets the student version of the notebook (a fresh copy) and returns what to save: a notebook,
or raw text for files that are not notebooks. Bombs stay bounded (at most 1.5 GB, at most 280 processes).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from backendlab import course
from tools.verify_module import exercises, solution_source

MODULE = "00-orientation"
NOTEBOOK = "01-welcome.ipynb"
EXERCISES = exercises(MODULE)  # answer cell's grade id -> the test cells that check it, in notebook order
ANSWERS = tuple(EXERCISES)
TESTS = tuple(t for tests in EXERCISES.values() for t in tests)


def _points() -> dict[str, float]:
    """Autograded points per exercise (its test cells' points), from the solution notebook."""
    nb = nbformat.read(course.root() / "solutions" / MODULE / NOTEBOOK, as_version=4)
    per_test = {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"]) for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") in TESTS}
    return {answer: sum(per_test[t] for t in tests) for answer, tests in EXERCISES.items()}


POINTS = _points()
FULL = sum(POINTS.values())
SLEEP_MARK = "3141"  # `sleep 3141`: how the process-bomb's orphans are recognised after the run


@dataclass
class Context:
    """What hostile students aim at (the test fills it in)."""

    submissions: Path
    gradebook: Path
    port: int


def release() -> NotebookNode:
    return nbformat.read(course.root() / "modules" / MODULE / NOTEBOOK, as_version=4)


def _index(nb: NotebookNode, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def answer(nb: NotebookNode, grade_id: str, source: str | None = None) -> NotebookNode:
    nb.cells[_index(nb, grade_id)].source = solution_source(MODULE, grade_id) if source is None else source
    return nb


def solved(nb: NotebookNode, *grade_ids: str) -> NotebookNode:
    for gid in grade_ids or ANSWERS:
        answer(nb, gid)
    return nb


def cell_after(nb: NotebookNode, grade_id: str, source: str) -> NotebookNode:
    """Insert a new, unmarked code cell right after the cell with `grade_id` (what a learner's scratch cell is)."""
    new = nbformat.v4.new_code_cell(source)
    new["id"] = uuid.uuid4().hex[:8]
    nb.cells.insert(_index(nb, grade_id) + 1, new)
    return nb


# ---- honest ------------------------------------------------------------------------------------------------
def honest(nb, ctx):
    return solved(nb)


NOISY = """
import logging
import sys
import warnings

_quiet_classify = classify_status


def classify_status(code: int) -> str:
    warnings.warn("a library's deprecation notice, printed on stderr", UserWarning)
    logging.getLogger("some.library").warning("a log record on stderr while the answer runs")
    print("raw stderr from the answer", file=sys.stderr)
    return _quiet_classify(code)
"""


def noisy(nb, ctx):
    return cell_after(solved(nb), "classify_status", NOISY)


def duplicate_ids(nb, ctx):
    nb = solved(nb)
    copied = copy.deepcopy(nb.cells[_index(nb, "build_query")])  # same cell id, same grade id: a copy-paste
    nb.cells.insert(_index(nb, "build_query") + 1, copied)
    return nb


def deleted_tests(nb, ctx):
    nb = solved(nb, "classify_status")
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") not in TESTS]
    return nb


# ---- broken ------------------------------------------------------------------------------------------------
def corrupt(nb, ctx):
    return '{"cells": [{"cell_type": "code", "source": "print(1)"'


def empty(nb, ctx):
    return ""


def os_exit(nb, ctx):
    return answer(nb, "classify_status", "import os\nos._exit(3)")


def sys_exit(nb, ctx):
    return answer(nb, "classify_status", "import sys\nsys.exit(1)")


def infinite_loop(nb, ctx):  # every exercise right but the last, which loops: keeps the points earned before it
    return answer(solved(nb, *ANSWERS[:-1]), ANSWERS[-1], "while True:\n    pass")


SIGINT_LOOP = """
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    try:
        pass
    except KeyboardInterrupt:
        pass
"""


def sigint_loop(nb, ctx):
    return answer(nb, "classify_status", SIGINT_LOOP)


def memory_bomb(nb, ctx):  # at most 1.5 GB, far above the test's cap
    return answer(nb, "classify_status", "hoard = []\nfor _ in range(150):\n    hoard.append(b'x' * (10 * 2**20))")


PROCESS_BOMB = f"""
import subprocess
started = 0
for _ in range(280):
    try:
        subprocess.Popen(["setsid", "-f", "sleep", "{SLEEP_MARK}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started += 1
    except OSError:
        break
print("orphans started:", started)
"""


def process_bomb(nb, ctx):
    return answer(nb, "classify_status", PROCESS_BOMB)


# ---- attacks on the grader ---------------------------------------------------------------------------------
def network(nb, ctx):
    source = f"""
import os
import socket
try:
    socket.create_connection(("127.0.0.1", {ctx.port}), timeout=3).sendall(b"LEAK from a student kernel")
    print("CONNECTED to the host's service")
except OSError as exc:
    print("no route out:", exc)
# what a module-03 kernel needs inside the sandbox: a name for its uid (initdb looks it up) and its own PostgreSQL
import pwd
try:
    print("UID NAMED", pwd.getpwuid(os.getuid()).pw_name if hasattr(os, "getuid") else "?")
except KeyError:
    print("UID NAMELESS", os.getuid())
try:
    open("/etc/passwd", "a").close()
    print("WROTE /etc/passwd")
except OSError as exc:
    print("cannot write /etc/passwd", type(exc).__name__)
try:
    from backendlab.servers.postgres import postgres
    pg = postgres("sandbox", use_database_url=False)
    print("PG STARTED", pg.version)
    pg.stop()
except Exception as exc:
    print("PG FAILED", str(exc)[:300])
"""
    return answer(nb, "classify_status", source)


def snoop(nb, ctx):
    repo = course.root()
    source = f"""
import glob, os
targets = [{str(repo / "solutions" / MODULE / NOTEBOOK)!r}, {str(ctx.gradebook)!r},
           {str(ctx.submissions / "honest" / MODULE / NOTEBOOK)!r}]
targets += glob.glob("/tmp/backendlab-templates-*/**/*.ipynb", recursive=True)
targets += glob.glob("/tmp/blg-*/**/*", recursive=True) + glob.glob("/tmp/blg-*/**/gradebook.db", recursive=True)
for path in targets:
    try:
        with open(path, errors="replace") as f:
            print("READ", path, f.read()[:3000])
    except OSError as exc:
        print("cannot read", path, type(exc).__name__)
for path in [{str(repo / "grading" / "pwned.txt")!r}, {str(repo / "backendlab" / "pwned.py")!r}, {str(ctx.gradebook)!r}]:
    try:
        with open(path, "a") as f:
            f.write("pwned")
        print("WROTE", path)
    except OSError as exc:
        print("cannot write", path, type(exc).__name__)
"""
    return answer(nb, "classify_status", source)


def edited_tests(nb, ctx):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in TESTS:
            cell.source = "pass"
    return nb


def input_transformer(nb, ctx):
    return answer(nb, "classify_status", "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])")


REARM = """
import threading, time
_ip = get_ipython()
def _noop(lines):
    return ["pass\\n"]
def _rearm():
    while True:
        if _noop not in _ip.input_transformers_post:
            _ip.input_transformers_post.append(_noop)
        time.sleep(0.0005)
threading.Thread(target=_rearm, daemon=True).start()
"""


def rearming_thread(nb, ctx):
    return answer(nb, "classify_status", REARM)


MONKEYPATCH = """
import backendlab.checks as checks
checks.answer = lambda fn, *args, **kwargs: None
for name in ("check_equal", "check_close", "check_true", "check_type", "check_raises"):
    setattr(checks, name, lambda *args, **kwargs: None)
"""


def monkeypatch(nb, ctx):
    return answer(nb, "classify_status", MONKEYPATCH)


def custom_exc(nb, ctx):
    return answer(nb, "classify_status", "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)")


COMPILER = """
import ast
get_ipython().compile.ast_parse = lambda source, filename="<unknown>", symbol="exec": ast.parse("pass")
"""


def compiler_swap(nb, ctx):  # every later cell compiles to `pass`: no transformer involved
    return answer(nb, "classify_status", COMPILER)


ALWAYS_EQUAL = """
class Anything(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = str.__hash__


def classify_status(code: int) -> str:
    return Anything()
"""


def always_equal(nb, ctx):
    return answer(nb, "classify_status", ALWAYS_EQUAL)


Builder = Callable[[NotebookNode, Context], "NotebookNode | str"]
STUDENTS: dict[str, Builder] = {f.__name__: f for f in (
    honest, noisy, duplicate_ids, deleted_tests, corrupt, empty, os_exit, sys_exit, infinite_loop, sigint_loop,
    memory_bomb, process_bomb, network, snoop, edited_tests, input_transformer, rearming_thread, monkeypatch,
    custom_exc, compiler_swap, always_equal)}


def build_class(ctx: Context, students: dict[str, Builder] | None = None) -> list[str]:
    """Write <submissions>/<student>/00-orientation/01-welcome.ipynb for each student; return their ids."""
    for name, build in (students or STUDENTS).items():
        folder = ctx.submissions / name / MODULE
        folder.mkdir(parents=True, exist_ok=True)
        made = build(release(), ctx)
        if isinstance(made, str):
            (folder / NOTEBOOK).write_text(made)
        else:
            nbformat.write(made, folder / NOTEBOOK)
    return list(students or STUDENTS)
