"""Tests for backendlab/servers/postgres.py: a throwaway PostgreSQL starts, answers, explains, is reused, and stops
without leaving a process or a folder behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from backendlab.servers import postgres as pgmod
from backendlab.servers.process import pid_alive as alive

try:
    import psycopg  # noqa: F401

    DRIVER = True
except ImportError:
    DRIVER = False

BINDIR = pgmod.find_bindir()


def test_postgresql_and_its_driver_are_installed_by_the_course() -> None:
    """No PostgreSQL test is skipped: `make` (tools/system-packages.sh) installs the server, requirements.txt the driver."""
    assert DRIVER, f"the PostgreSQL driver is not installed: pip install '{pgmod.DRIVER_PIN}'"
    assert BINDIR is not None, "no PostgreSQL server on this machine. " + pgmod.INSTALL_HINT
    assert set(pgmod.available_extensions(BINDIR)) == set(pgmod.WANTED_EXTENSIONS), "hypopg or pg_stat_statements is missing"


@pytest.fixture
def no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_postgres_starts_answers_explains_and_stops_without_leftovers(no_database_url: None) -> None:
    from sqlalchemy import text

    pg = pgmod.postgres("t-basic", fresh=True)
    try:
        assert pg.running and not pg.external and pg.pid
        assert pg.start_s < pgmod.START_TIMEOUT_S
        engine = pg.engine()
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id int PRIMARY KEY, v int)"))
            conn.execute(text("INSERT INTO t SELECT g, g % 10 FROM generate_series(1, 2000) g"))
            assert conn.execute(text("SELECT count(*), sum(v) FROM t")).one() == (2000, 9000)
            plan = conn.execute(text("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM t WHERE id = 7")).scalar()
        node = plan[0]["Plan"]
        assert node["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan")
        assert "Shared Hit Blocks" in node and plan[0]["Execution Time"] >= 0
        engine.dispose()
        pid, folder = pg.pid, pg.folder
    finally:
        pg.stop()
    assert not alive(pid), "the server process still runs after stop()"
    assert folder is not None and not folder.exists(), "the data folder is left behind"
    assert not pg.running and "t-basic" not in pgmod.running()
    pg.stop()  # twice is harmless


def test_rerun_reuses_the_server_and_fresh_replaces_it(no_database_url: None) -> None:
    first = pgmod.postgres("t-rerun", fresh=True)
    try:
        assert pgmod.postgres("t-rerun") is first
        second = pgmod.postgres("t-rerun", fresh=True)
        assert second is not first and second.running
        assert not alive(first.pid), "fresh=True must stop the previous server"
    finally:
        pgmod.stop_all()
    assert not alive(second.pid)


def test_pg_stat_statements_and_hypopg_are_created_when_installed(no_database_url: None) -> None:
    from sqlalchemy import text

    wanted = pgmod.available_extensions(BINDIR)
    pg = pgmod.postgres("t-ext", fresh=True)
    try:
        assert pg.extensions == wanted
        engine = pg.engine()
        with engine.begin() as conn:
            installed = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
            assert set(wanted) <= installed
            if "pg_stat_statements" in wanted:
                conn.execute(text("SELECT pg_stat_statements_reset()"))
                conn.execute(text("SELECT count(*) FROM pg_class WHERE relname = :n"), {"n": "pg_type"})
                calls = conn.execute(text("SELECT sum(calls) FROM pg_stat_statements WHERE query LIKE '%pg_class%'")).scalar()
                assert calls and calls >= 1
            if "hypopg" in wanted:
                conn.execute(text("CREATE TABLE h AS SELECT g AS id, g % 1000 AS k FROM generate_series(1, 20000) g"))
                conn.execute(text("ANALYZE h"))
                conn.execute(text("SELECT * FROM hypopg_create_index('CREATE INDEX ON h (k)')"))
                plan = "\n".join(conn.execute(text("EXPLAIN SELECT * FROM h WHERE k = 5")).scalars())
                assert "Index Scan" in plan and "btree_h_k" in plan  # a plain or a bitmap index scan on the hypothetical index
        engine.dispose()
    finally:
        pg.stop()


def test_database_url_wins_and_nothing_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://me:secret@db.example:5432/lab")
    pg = pgmod.postgres("t-external")
    assert pg.external and pg.process is None and pg.url == "postgresql+psycopg://me:secret@db.example:5432/lab"
    assert "t-external" not in pgmod.running()


def test_missing_server_says_what_to_install(monkeypatch: pytest.MonkeyPatch, no_database_url: None) -> None:
    monkeypatch.setattr(pgmod, "find_bindir", lambda: None)
    with pytest.raises(pgmod.PostgresError, match="apt-get install postgresql-15"):
        pgmod.postgres("t-missing", fresh=True)


def test_kernel_exit_stops_the_server(tmp_path) -> None:
    script = textwrap.dedent("""
        import os
        os.environ.pop("DATABASE_URL", None)
        from backendlab.servers.postgres import postgres
        pg = postgres("t-exit")
        print(pg.pid, pg.folder, flush=True)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    pid, folder = out.stdout.split()
    deadline = time.monotonic() + 15
    while alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(int(pid)), "the server outlived the Python process that started it"
    assert not os.path.exists(folder)


def test_a_killed_kernel_takes_its_server_along() -> None:
    script = textwrap.dedent("""
        import os, time
        os.environ.pop("DATABASE_URL", None)
        from backendlab.servers.postgres import postgres
        pg = postgres("t-killed")
        print(pg.pid, pg.folder, flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        pid_text, folder = proc.stdout.readline().split()
        pid = int(pid_text)
    finally:
        proc.kill()  # SIGKILL: no atexit handler runs
        proc.wait(10)
    deadline = time.monotonic() + 15
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid), "the server outlived a killed kernel"
    shutil.rmtree(folder, ignore_errors=True)  # no atexit ran: the folder stays until a later start sweeps it


def test_stale_folders_of_killed_kernels_are_swept(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pgmod.tempfile, "gettempdir", lambda: str(tmp_path))
    old, young, live = tmp_path / "backendlab-pg-old", tmp_path / "backendlab-pg-young", tmp_path / "backendlab-pg-live"
    for folder in (old, young, live):
        (folder / "data").mkdir(parents=True)
    (live / "data" / "postmaster.pid").write_text(f"{os.getpid()}\n")  # a live process: never swept
    for folder in (old, live):
        os.utime(folder, (time.time() - 3600, time.time() - 3600))
    pgmod._sweep_stale()
    assert not old.exists() and young.exists() and live.exists()


def test_your_own_server_is_described_with_its_version_and_extensions(monkeypatch: pytest.MonkeyPatch) -> None:
    """DATABASE_URL's server is used as it is: nothing started, and the section-6 cells see which extensions it has."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    own = pgmod.postgres("t-own", fresh=True, tcp=True)
    try:
        monkeypatch.setenv("DATABASE_URL", own.url)
        mine = pgmod.postgres("t-mine")
        assert mine.external and mine.process is None
        assert mine.version.startswith(own.version) and mine.extensions == own.extensions
        monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/lab")
        assert "not reachable" in pgmod.postgres("t-gone").version
    finally:
        own.stop()
