"""Tests for backendlab/servers/redis_server.py: a throwaway Redis starts on 127.0.0.1 only, answers, is reused, stops
without leaving a process or a folder behind, dies with its kernel, and never touches the learner's own Redis."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from backendlab.servers import redis_server as rsmod
from backendlab.servers.process import pid_alive as alive


@pytest.fixture(autouse=True)
def no_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)


def test_redis_is_installed_by_the_course() -> None:
    assert rsmod.find_binary() is not None, "tools/system-packages.sh installs redis-server; " + rsmod.INSTALL_HINT


def test_redis_starts_on_loopback_answers_and_stops_without_leftovers() -> None:
    rs = rsmod.redis_server("t-basic", fresh=True)
    try:
        assert rs.running and not rs.external and rs.pid and rs.url.startswith("redis://127.0.0.1:")
        r = rs.client()
        assert r.config_get("bind")["bind"] == "127.0.0.1"
        assert r.config_get("save")["save"] == "" and r.config_get("appendonly")["appendonly"] == "no"
        assert int(r.config_get("maxmemory")["maxmemory"]) == 64 * 1024 * 1024
        r.set("k", "v", ex=30)
        assert r.get("k") == "v" and 0 < r.ttl("k") <= 30
        r.xadd("orders", {"id": "1"})
        assert r.xlen("orders") == 1
        assert rs.memory_bytes() > 0
        rs.flush()
        assert r.dbsize() == 0
        r.close()
        pid, folder = rs.pid, rs.folder
    finally:
        rs.stop()
    assert not alive(pid), "the server process still runs after stop()"
    assert folder is not None and not folder.exists(), "the server's folder is left behind"
    assert "t-basic" not in rsmod.running()
    rs.stop()  # twice is harmless


def test_rerun_reuses_the_server_fresh_replaces_it_and_settings_apply() -> None:
    first = rsmod.redis_server("t-rerun", fresh=True)
    try:
        assert rsmod.redis_server("t-rerun") is first
        second = rsmod.redis_server("t-rerun", fresh=True, maxmemory_policy="allkeys-lru")
        assert second is not first and second.running and not alive(first.pid)
        with second.client() as r:
            assert r.config_get("maxmemory-policy")["maxmemory-policy"] == "allkeys-lru"
    finally:
        rsmod.stop_all()
    assert not alive(second.pid)


def test_redis_url_wins_nothing_is_started_and_flush_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://:secret@cache.example:6379/2")
    rs = rsmod.redis_server("t-external")
    assert rs.external and rs.process is None and rs.url == "redis://:secret@cache.example:6379/2"
    assert "secret" not in rs.describe()
    with pytest.raises(rsmod.RedisServerError, match="refuses"):
        rs.flush()
    assert "t-external" not in rsmod.running()


def test_missing_server_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rsmod, "find_binary", lambda: None)
    with pytest.raises(rsmod.RedisServerError, match="apt-get install redis-server"):
        rsmod.redis_server("t-missing", fresh=True)


@pytest.mark.parametrize("how", ["exit", "kill"])
def test_the_server_dies_with_its_kernel(how: str) -> None:
    script = textwrap.dedent(f"""
        import os, time
        os.environ.pop("REDIS_URL", None)
        from backendlab.servers.redis_server import redis_server
        rs = redis_server("t-{how}")
        print(rs.pid, rs.folder, flush=True)
        if {how == "kill"}:
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        pid_text, folder = proc.stdout.readline().split()
        pid_file = Path(folder) / "redis.pid"  # what the sweep of killed kernels' folders reads
        assert pid_file.exists() and pid_file.read_text().strip() == pid_text
    finally:
        if how == "kill":
            proc.kill()  # SIGKILL: no atexit handler runs; PR_SET_PDEATHSIG stops the server
        proc.wait(30)
    deadline = time.monotonic() + 15
    while alive(int(pid_text)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(int(pid_text)), f"the server outlived its kernel ({how})"
    if how == "exit":
        assert not os.path.exists(folder)
    else:  # a killed kernel's folder stays until a later start sweeps it (test_stale_folders_of_killed_kernels_are_swept...)
        shutil.rmtree(folder)


def test_stale_folders_of_killed_kernels_are_swept_at_the_next_start(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rsmod.tempfile, "gettempdir", lambda: str(tmp_path))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    old, young, live = (tmp_path / f"backendlab-redis-{n}" for n in ("old", "young", "live"))
    for folder, pid in ((old, dead.stdout.strip()), (young, dead.stdout.strip()), (live, str(os.getpid()))):
        folder.mkdir()
        (folder / "redis.pid").write_text(pid + "\n")
    for folder in (old, live):
        os.utime(folder, (time.time() - 3600, time.time() - 3600))
    rs = rsmod.redis_server("t-sweep", fresh=True, use_redis_url=False)
    try:
        assert not old.exists() and young.exists() and live.exists()
        assert rs.folder.parent == tmp_path and (rs.folder / "redis.pid").exists()
    finally:
        rs.stop()
