"""Class grading of a hostile class: honest, broken and cheating submissions of module 00 graded in one batch,
in parallel and in sandboxes (backendlab/grading, grading/README.md)."""

from __future__ import annotations

import csv
import fcntl
import json
import socket
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import psutil
import pytest

from backendlab import course
from backendlab.grading import feedback
from backendlab.grading.classroom import grade_class
from backendlab.grading.limits import Limits, detect
from backendlab.grading.sandbox import UID_BASE
from tests.hostile.students import ANSWERS, FULL, MODULE, NOTEBOOK, POINTS, SLEEP_MARK, TESTS, Context, build_class
from tools.verify_module import solution_source

pytestmark = pytest.mark.slow

ROOT = course.root()
LIMITS = Limits(memory_mb=600, processes=128, cell_s=15, notebook_s=120)
MECHANISMS = detect()
# student -> (status, autograded score). The honest ones keep what they earned; the rest score 0.
EXPECTED = {
    "honest": ("graded", FULL), "noisy": ("graded", FULL), "duplicate_ids": ("graded", FULL),
    "deleted_tests": ("graded", POINTS["classify_status"]),
    "infinite_loop": ("timed out", sum(POINTS[a] for a in ANSWERS[:-1])), "sigint_loop": ("timed out", 0),
    "corrupt": ("unreadable", 0), "empty": ("unreadable", 0), "os_exit": ("crashed", 0), "sys_exit": ("graded", 0),
    "memory_bomb": ("memory limit" if MECHANISMS.memory_cgroup else "graded", 0),
    "process_bomb": ("flagged" if MECHANISMS.pids_cgroup else "graded", 0),
    "network": ("graded", 0), "snoop": ("graded", 0), "edited_tests": ("graded", 0),
    "input_transformer": ("flagged", 0), "rearming_thread": ("flagged", 0), "monkeypatch": ("flagged", 0),
    "custom_exc": ("flagged", 0), "compiler_swap": ("flagged", 0), "always_equal": ("graded", 0),
}
SOLVED_SOMETHING = {"honest", "noisy", "duplicate_ids", "deleted_tests", "infinite_loop"}


class Listener:
    """A tiny TCP service on the host's 127.0.0.1 that records every connection (none may come from a kernel)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.connections.append(conn.recv(200))
                except OSError:
                    self.connections.append(b"")


def sandboxed_processes() -> list[psutil.Process]:
    """Processes of a student's sandbox: its uid (2,000,000 and above) or the process bomb's `sleep` orphans."""
    found = []
    for proc in psutil.process_iter(["uids", "cmdline"]):
        uids, cmdline = proc.info["uids"], proc.info["cmdline"] or []
        if (uids and uids.real >= UID_BASE) or cmdline[-2:] == ["sleep", SLEEP_MARK]:
            found.append(proc)
    return found


def repository_state() -> set[str]:
    """New files in the course repository, untracked or git-ignored (caches aside): grading must add none."""
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored"], cwd=ROOT, capture_output=True,
                         text=True).stdout
    return {line[3:] for line in out.splitlines() if line[:2] in ("??", "!!") and "__pycache__" not in line and "cache" not in line}


@dataclass
class Graded:
    """What grading the hostile class left behind (shared by every test here, and by xdist workers)."""

    results: list[dict]
    csv: Path
    out: Path
    ctx: Context
    connections: list[str]
    left: list[str]
    repository_added: list[str]


def grade_the_class(root: Path) -> Graded:
    listener = Listener()
    ctx = Context(submissions=root / "submissions", gradebook=root / "gradebook.db", port=listener.port)
    build_class(ctx)
    before, repo_before = {p.pid for p in sandboxed_processes()}, repository_state()
    try:
        run = grade_class(MODULE, ctx.submissions, workers=4, limits=LIMITS, out=root / "out", gradebook=f"sqlite:///{ctx.gradebook}",
                          quiet=True)
    finally:
        left = [p for p in sandboxed_processes() if p.pid not in before]
        left += psutil.Process().children(recursive=True)  # grading workers, kernels, jails: all gone
        shown = [f"{p.pid} {' '.join(p.info.get('cmdline') or [])}" if hasattr(p, "info") else str(p.pid) for p in left]
        for proc in left:  # clean up after a failure, so the shared machine is not left with them
            try:
                proc.kill()
            except psutil.Error:
                pass
        listener.sock.close()
    return Graded(run.results, run.csv, root / "out", ctx, [c.decode(errors="replace") for c in listener.connections], shown,
                  sorted(repository_state() - repo_before))


def _grade_into(shared: Path) -> None:
    """Grade the class and leave what the tests read in shared/graded.json."""
    result = grade_the_class(shared)
    (shared / "graded.json").write_text(json.dumps({**asdict(result), "csv": str(result.csv), "out": str(result.out),
                                                    "ctx": {k: str(v) for k, v in asdict(result.ctx).items()}}))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Graded:
    """Grade the class once per test session, even when pytest-xdist spreads these tests over workers.

    It runs in a fresh Python process, as `make grade` does: the grader forks its workers, and a fork of this
    multi-threaded test process (service threads of other tests) crashed grading workers in CI.
    """
    if hasattr(request.config, "workerinput"):
        shared = tmp_path_factory.getbasetemp().parent / "hostile-class"  # this session's folder, shared by its workers
    else:
        shared = tmp_path_factory.mktemp("class")
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "graded.json"
        if not done.exists():
            code = "import pathlib, sys; from tests.test_class_grading import _grade_into; _grade_into(pathlib.Path(sys.argv[1]))"
            subprocess.run([sys.executable, "-c", code, str(shared)], cwd=ROOT, check=True, timeout=1200)
        data = json.loads(done.read_text())
    ctx = Context(Path(data["ctx"]["submissions"]), Path(data["ctx"]["gradebook"]), int(data["ctx"]["port"]))
    return Graded(data["results"], Path(data["csv"]), Path(data["out"]), ctx, data["connections"], data["left"], data["repository_added"])


def by_student(graded: Graded) -> dict[str, dict]:
    return {r["student"]: r for r in graded.results}


def test_every_student_of_the_batch_gets_a_status_and_the_score_it_earned_honestly(graded) -> None:
    results = by_student(graded)
    assert set(results) == set(EXPECTED)
    wrong = {}
    for student, (status, score) in EXPECTED.items():
        r = results[student]
        if student == "always_equal":
            continue  # its score depends on checks.py being type-strict: see the test below
        if (r["status"], r["score"]) != (status, score):
            wrong[student] = (r["status"], r["score"], r["reason"])
        assert r["max_score"] == FULL
    assert not wrong, wrong


def test_every_student_that_is_not_simply_graded_has_a_one_line_reason(graded) -> None:
    for r in graded.results:
        if r["status"] != "graded":
            assert r["reason"] and "\n" not in r["reason"], r


def test_a_duplicated_grade_id_is_repaired_and_the_rest_of_the_class_is_graded(graded) -> None:
    results = by_student(graded)
    assert results["duplicate_ids"]["score"] == FULL
    assert any("appeared 2 times" in note for note in results["duplicate_ids"]["notes"])
    assert results["honest"]["score"] == FULL


def test_deleted_test_cells_are_restored_from_the_release_and_graded(graded) -> None:
    r = by_student(graded)["deleted_tests"]
    assert r["score"] == POINTS["classify_status"]
    assert sum("was deleted: restored from the release" in note for note in r["notes"]) == len(TESTS)


def test_a_correct_answer_that_writes_warnings_and_log_records_scores_full_marks(graded) -> None:
    assert by_student(graded)["noisy"]["score"] == FULL
    autograded = nbformat.read(graded.out / "autograded" / "noisy" / MODULE / NOTEBOOK, as_version=4)
    tests = [c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") in TESTS]
    outputs = [o for c in tests for o in c.outputs]
    assert not [o for o in outputs if o.get("name") == "stderr"], "stderr left in a passing test cell"
    assert any("raw stderr from the answer" in o.get("text", "") for o in outputs), "the noise is still shown to the learner"


@pytest.mark.parametrize("student", ["input_transformer", "rearming_thread", "monkeypatch", "custom_exc", "compiler_swap"])
def test_an_answer_cell_that_disarms_the_tests_scores_nothing_and_is_flagged(graded, student: str) -> None:
    r = by_student(graded)[student]
    assert (r["status"], r["score"]) == ("flagged", 0)
    assert "restored before the tests" in r["reason"]


def test_an_always_equal_answer_scores_nothing(graded) -> None:
    from backendlab import checks

    class Anything(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __ne__(self, other: object) -> bool:
            return False

        __hash__ = str.__hash__

    try:
        checks.check_equal(Anything(), "success", "an always-equal object")
        strict = False
    except AssertionError:
        strict = True
    if not strict:
        pytest.xfail("backendlab.checks is not type-strict yet (being changed in another branch): the kernel side is done")
    assert by_student(graded)["always_equal"]["score"] == 0


def test_loops_are_stopped_at_the_time_limit_and_the_message_says_so(graded) -> None:
    results = by_student(graded)
    for student in ("infinite_loop", "sigint_loop"):
        assert "time limit" in results[student]["reason"]
        assert results[student]["seconds"] < LIMITS.notebook_s


def test_a_memory_bomb_is_stopped_at_the_memory_limit(graded) -> None:
    if not MECHANISMS.memory_cgroup:
        pytest.skip("no memory cgroup on this machine: RLIMIT_DATA turns the bomb into a MemoryError instead")
    assert "memory limit" in by_student(graded)["memory_bomb"]["reason"]


def test_no_process_from_the_run_survives_it_not_even_setsid_orphans(graded) -> None:
    assert not graded.left, graded.left


def test_a_kernel_cannot_reach_a_service_on_the_hosts_loopback(graded) -> None:
    assert graded.connections == []
    nb = nbformat.read(graded.out / "autograded" / "network" / MODULE / NOTEBOOK, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "no route out" in printed and "CONNECTED" not in printed


def test_a_kernel_starts_its_own_postgresql_and_cannot_rename_itself(graded) -> None:
    """Module 03 grades on PostgreSQL: initdb needs a passwd entry for the kernel's uid (the jail adds a read-only one)."""
    nb = nbformat.read(graded.out / "autograded" / "network" / MODULE / NOTEBOOK, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "PG STARTED" in printed, printed[-1500:]
    assert "WROTE /etc/passwd" not in printed
    if MECHANISMS.root and MECHANISMS.namespaces:
        assert "UID NAMED student" in printed and "cannot write /etc/passwd" in printed, printed[-1500:]


def test_a_snooping_kernel_sees_no_hidden_tests_classmates_or_gradebook_and_writes_nothing(graded) -> None:
    nb = nbformat.read(graded.out / "autograded" / "snoop" / MODULE / NOTEBOOK, as_version=4)
    lines = [line for c in nb.cells for o in c.get("outputs", []) for line in o.get("text", "").splitlines()]
    read = [line for line in lines if line.startswith("READ ")]
    assert all(line.split()[1].endswith("/kernel.json") for line in read), read  # its own kernel's connection file only
    assert not [line for line in lines if line.startswith("WROTE")]
    assert any(line.startswith("cannot read") for line in lines)
    for path in (ROOT / "grading" / "pwned.txt", ROOT / "backendlab" / "pwned.py"):
        assert not path.exists()
    assert b"pwned" not in graded.ctx.gradebook.read_bytes()
    assert graded.repository_added == [], "grading wrote into the repository"


def test_feedback_exists_for_every_student_and_never_shows_hidden_tests(graded) -> None:
    secret = feedback.module_hidden_lines(str(ROOT / "solutions" / MODULE))
    assert len(secret) > 10
    solution_line = max(solution_source(MODULE, "classify_status").splitlines(), key=len).strip()  # only solvers show it
    for student in EXPECTED:
        page = graded.out / "feedback" / student / MODULE / NOTEBOOK.replace(".ipynb", ".html")
        assert page.exists(), student
        html = page.read_text()
        leaked = [line for line in secret if line in html or line.replace('"', "&quot;") in html]
        assert not leaked, (student, leaked[:3])
        assert "BEGIN HIDDEN TESTS" not in html
        if student not in SOLVED_SOMETHING:
            assert solution_line not in html.replace("&quot;", '"').replace("&#x27;", "'"), f"{student}'s feedback shows another's answer"


def test_the_csv_has_a_status_beside_each_score(graded) -> None:
    rows = {row["student_id"]: row for row in csv.DictReader(graded.csv.open())}
    assert set(rows) == set(EXPECTED)
    for student, row in rows.items():
        assert row["status"] == by_student(graded)[student]["status"]
        assert float(row["max_score"]) == FULL
        if row["status"] != "graded":
            assert row["reason"]


def test_results_are_merged_into_the_class_gradebook_with_flags(graded) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded.ctx.gradebook}") as gb:
        assert {s.id for s in gb.students} == set(EXPECTED)
        honest = gb.find_submission(MODULE, "honest")
        assert honest.code_score == FULL
        assert gb.find_submission_notebook(NOTEBOOK.removesuffix(".ipynb"), MODULE, "monkeypatch").flagged
        assert not honest.notebooks[0].flagged
