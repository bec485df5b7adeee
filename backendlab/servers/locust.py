"""Run Locust headless as a subprocess against a service on 127.0.0.1, bounded in time, and return its stats as rows."""

from __future__ import annotations

import atexit
import contextlib
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_RUN_S = 15.0  # the course budget for one load run
KILL_GRACE_S = 10.0  # Locust's own start-up (3-7 s measured on a busy 2-core machine) and stop on top of the run time
ALLOWED_HOSTS = frozenset({"127.0.0.1"})

LOCUSTFILE = '''\
import random
from locust import FastHttpUser, between, task

PATHS = {paths!r}
NAME = {name!r}


class Visitor(FastHttpUser):
    wait_time = between({wait_min!r}, {wait_max!r})

    @task
    def visit(self):
        path = random.choice(PATHS)
        self.client.get(path, name=NAME or path)
'''


class LoadTestError(RuntimeError):
    """Locust could not run as asked; the message says why."""


def locust_command() -> Path:
    """The locust executable of the environment this kernel runs in (never imported here: gevent would patch the kernel)."""
    exe = Path(sys.executable).parent / "locust"
    if not exe.exists():
        raise LoadTestError(f"{exe} is missing: install the course requirements (pip install -r requirements.txt).")
    return exe


def check_host(url: str) -> str:
    """Return url without a trailing slash if it points at 127.0.0.1; refuse any other host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in ALLOWED_HOSTS:
        raise LoadTestError(
            f"Refusing to send load to {url!r}: the course only load-tests services your notebook started on "
            "127.0.0.1 (use svc.url from backendlab.services.serve)."
        )
    return url.rstrip("/")


def write_locustfile(folder: Path, paths: Sequence[str], name: str | None, wait_s: tuple[float, float]) -> Path:
    """A locustfile whose users GET a random path of `paths` (grouped under `name` in the stats) between waits."""
    if not paths or any(not p.startswith("/") for p in paths):
        raise LoadTestError("paths must be a non-empty list of paths starting with '/', e.g. ['/checkout/1'].")
    file = folder / "locustfile.py"
    file.write_text(LOCUSTFILE.format(paths=list(paths), name=name, wait_min=float(wait_s[0]), wait_max=float(wait_s[1])))
    return file


def percentile_ms(response_times: dict[str, int], q: float) -> float:
    """The q-quantile (0..1) of Locust's rounded response-time histogram {ms: count}; nan when empty."""
    items = sorted((float(ms), count) for ms, count in response_times.items())
    total = sum(count for _, count in items)
    if total == 0:
        return float("nan")
    rank = q * total
    seen = 0
    for ms, count in items:
        seen += count
        if seen >= rank:
            return ms
    return items[-1][0]


def stats_rows(entries: Sequence[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    """Locust's JSON stats as one row per request name, plus an 'Aggregated' row when there are several."""

    def row(name: str, method: str, group: Sequence[dict[str, Any]]) -> dict[str, Any]:
        times: dict[str, int] = {}
        for e in group:
            for ms, count in e.get("response_times", {}).items():
                times[ms] = times.get(ms, 0) + count
        requests = sum(e["num_requests"] for e in group)
        failures = sum(e["num_failures"] for e in group)
        total_ms = sum(e["total_response_time"] for e in group)
        return {
            "name": name,
            "method": method,
            "requests": requests,
            "failures": failures,
            "failure_ratio": failures / requests if requests else 0.0,
            "rps": requests / seconds if seconds > 0 else 0.0,
            "avg_ms": total_ms / requests if requests else float("nan"),
            "min_ms": min((e["min_response_time"] for e in group if e.get("min_response_time") is not None), default=float("nan")),
            "p50_ms": percentile_ms(times, 0.50),
            "p95_ms": percentile_ms(times, 0.95),
            "p99_ms": percentile_ms(times, 0.99),
            "max_ms": max((e["max_response_time"] for e in group), default=float("nan")),
        }

    rows = [row(e["name"], e["method"], [e]) for e in entries]
    if len(rows) > 1:
        rows.append(row("Aggregated", "", entries))
    return rows


def run_locust(
    url: str,
    paths: Sequence[str],
    *,
    users: int = 20,
    spawn_rate: float = 10,
    seconds: float = 8,
    name: str | None = None,
    wait_s: tuple[float, float] = (0.05, 0.15),
    on_tick: Callable[[float], None] | None = None,
    tick_s: float = 1.0,
    locustfile: str | None = None,
) -> list[dict[str, Any]]:
    """Run `locust --headless` for `seconds` (at most 15) against url (127.0.0.1 only) and return its stats rows.

    Each simulated user GETs a random path of `paths` then waits wait_s seconds (uniformly). `on_tick(elapsed_s)`
    is called about every tick_s seconds while the load runs, e.g. to scrape /metrics. `locustfile` replaces the
    generated one (its own text; the host check still applies). Rows: name, method, requests, failures,
    failure_ratio, rps, avg_ms, min_ms, p50_ms, p95_ms, p99_ms, max_ms.
    """
    host = check_host(url)
    if not 0 < seconds <= MAX_RUN_S:
        raise LoadTestError(f"seconds={seconds}: a load run in this course lasts more than 0 and at most {MAX_RUN_S:g} s.")
    if not 1 <= users <= 200 or spawn_rate <= 0:
        raise LoadTestError(f"users={users}, spawn_rate={spawn_rate}: use 1 to 200 users and a positive spawn rate.")
    with tempfile.TemporaryDirectory(prefix="backendlab-locust-") as tmp:
        folder = Path(tmp)
        if locustfile is None:
            file = write_locustfile(folder, paths, name, wait_s)
        else:
            file = folder / "locustfile.py"
            file.write_text(locustfile)
        out = folder / "stats.json"
        cmd = [
            str(locust_command()), "-f", str(file), "--headless",
            "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds:g}s", "--stop-timeout", "1",
            "--host", host, "--json-file", str(folder / "stats"), "--only-summary", "--skip-log",
            "--exit-code-on-error", "0",
        ]  # fmt: skip
        started = time.monotonic()
        errors = (folder / "stderr.txt").open("w")  # a file, not a pipe: a full pipe would block Locust
        proc = subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=errors, text=True)
        deadline = started + seconds + KILL_GRACE_S
        next_tick = started + tick_s
        try:
            while proc.poll() is None:
                now = time.monotonic()
                if now > deadline:
                    proc.kill()
                    proc.wait(5)
                    raise LoadTestError(f"Locust did not stop within {seconds + KILL_GRACE_S:g} s and was killed.")
                if on_tick is not None and now >= next_tick:
                    on_tick(now - started)
                    next_tick += tick_s
                time.sleep(min(0.05, max(0.0, next_tick - time.monotonic())) if on_tick else 0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
            errors.close()
        elapsed = time.monotonic() - started
        stderr = (folder / "stderr.txt").read_text()
        if proc.returncode != 0 or not out.exists():
            tail = "\n".join(stderr.strip().splitlines()[-10:])
            raise LoadTestError(f"Locust exited with code {proc.returncode} after {elapsed:.1f} s:\n{tail}")
        entries = json.loads(out.read_text())
    return stats_rows(entries, seconds)


# --- distributed mode: one master and its workers, all on 127.0.0.1 ---------------------------------------------------

MAX_WORKERS = 4
WORKERS_QUIT_S = 3.0  # how long workers may take to quit after their master
WORKERS_WAIT_S = 25  # how long the master waits for its workers to connect (each imports Locust: 3-7 s on a busy machine)
# Workers send their stats to the master every 3 s by default (locust.runners.WORKER_REPORT_INTERVAL); a short course run
# wants a point a second in the history. Prepended to the locustfile the workers run.
REPORT_EVERY_S = "import locust.runners as _backendlab_runners\n_backendlab_runners.WORKER_REPORT_INTERVAL = {s!r}\n\n"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_history(csv_file: Path) -> list[dict[str, Any]]:
    """The 'Aggregated' rows of Locust's --csv-full-history file: one a second, with the users and cumulative counts."""
    import csv

    if not csv_file.exists():
        return []
    with csv_file.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("Name") == "Aggregated"]
    if not rows:
        return []
    start = int(rows[0]["Timestamp"])

    def num(text: str) -> float:
        try:
            return float(text)
        except (TypeError, ValueError):  # "N/A" before the first response
            return float("nan")

    return [{"t_s": int(r["Timestamp"]) - start, "users": int(r["User Count"]), "requests": int(r["Total Request Count"]),
             "failures": int(r["Total Failure Count"]), "rps": num(r["Requests/s"]), "p50_ms": num(r["50%"]),
             "p95_ms": num(r["95%"])} for r in rows]


@dataclass
class DistributedRun:
    """What a distributed run returns: the stats rows (as run_locust's), the history a second, and how it ran."""

    rows: list[dict[str, Any]]
    history: list[dict[str, Any]]
    workers: int
    master_port: int
    elapsed_s: float


def _stop(procs: Sequence[subprocess.Popen]) -> None:
    """Kill what is left of a run: each process's group (a master and the workers it forked), then reap them."""
    import os
    import signal

    for proc in procs:
        if proc.poll() is None:  # still running, so its group id is still its own (start_new_session)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)  # the process and the workers it forked
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)


_live: list[subprocess.Popen] = []  # processes of a run in progress: killed if the kernel exits in the middle of one
atexit.register(lambda: _stop(_live))


def run_locust_distributed(
    url: str,
    locustfile: str,
    *,
    workers: int = 2,
    users: int = 20,
    spawn_rate: float = 10,
    seconds: float = 8,
    report_every_s: float = 1.0,
    fork: bool = False,
) -> DistributedRun:
    """Run Locust's distributed mode against url (127.0.0.1 only): a headless master and `workers` worker processes.

    The master binds 127.0.0.1 on a free port, waits for its workers (at most WORKERS_WAIT_S), runs for `seconds`
    (at most 15; a LoadTestShape in the locustfile drives users and stops the run itself, and `seconds` still bounds
    it), then tells the workers to quit. Every process is killed if the run overstays its budget. `locustfile` is its
    own text (the host check still applies). Returns the stats rows (as run_locust), the history a second (t_s, users,
    requests, failures, rps, p50_ms, p95_ms) and the number of workers that connected.

    fork=False starts each worker as its own `locust --worker` command, as on separate machines; fork=True lets the
    master fork its workers (`--processes`), which imports Locust once instead of three times: faster to start.
    """
    host = check_host(url)
    if not 0 < seconds <= MAX_RUN_S:
        raise LoadTestError(f"seconds={seconds}: a load run in this course lasts more than 0 and at most {MAX_RUN_S:g} s.")
    if not 1 <= workers <= MAX_WORKERS:
        raise LoadTestError(f"workers={workers}: use 1 to {MAX_WORKERS} workers on one machine.")
    if not 1 <= users <= 200 or spawn_rate <= 0:
        raise LoadTestError(f"users={users}, spawn_rate={spawn_rate}: use 1 to 200 users and a positive spawn rate.")
    exe = str(locust_command())
    with tempfile.TemporaryDirectory(prefix="backendlab-locust-dist-") as tmp:
        folder = Path(tmp)
        file = folder / "locustfile.py"
        file.write_text(REPORT_EVERY_S.format(s=float(report_every_s)) + locustfile)
        port = free_port()
        master_cmd = [
            exe, "-f", str(file), "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
            "--headless", "--expect-workers", str(workers), "--expect-workers-max-wait", str(WORKERS_WAIT_S),
            "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds:g}s", "--stop-timeout", "1", "--host", host,
            "--json-file", str(folder / "stats"), "--csv", str(folder / "run"), "--csv-full-history",
            "--only-summary", "--exit-code-on-error", "0",
        ]  # fmt: skip
        worker_cmd = [exe, "-f", str(file), "--worker", "--master-host", "127.0.0.1", "--master-port", str(port)]
        if fork:  # implies --master; the forked workers connect to --master-host/--master-port: loopback, the bound port
            master_cmd.remove("--master")
            master_cmd += ["--processes", str(workers), "--master-host", "127.0.0.1", "--master-port", str(port)]
        started = time.monotonic()
        names = ["master"] if fork else ["master", *(f"worker{i}" for i in range(workers))]
        logs = [(folder / f"{name}.log").open("w") for name in names]
        procs: list[subprocess.Popen] = []
        try:
            for cmd, log in zip([master_cmd] + [worker_cmd] * (len(logs) - 1), logs, strict=True):
                # each in its own process group, so that a kill also reaches the workers a master forked
                procs.append(subprocess.Popen(cmd, cwd=folder, stdout=subprocess.DEVNULL, stderr=log, text=True, start_new_session=True))
            _live.extend(procs)
            deadline = started + WORKERS_WAIT_S + seconds + KILL_GRACE_S
            master_done = None
            while any(p.poll() is None for p in procs):
                now = time.monotonic()
                if now > deadline:
                    raise LoadTestError(f"Locust's master and workers did not stop within {deadline - started:.0f} s and were killed.")
                if procs[0].poll() is not None:
                    master_done = master_done or now
                    if now - master_done > WORKERS_QUIT_S:
                        break  # the master is done and told its workers to quit: any that linger are killed below
                time.sleep(0.05)
        finally:
            _stop(procs)
            for proc in procs:
                if proc in _live:
                    _live.remove(proc)
            for log in logs:
                log.close()
        elapsed = time.monotonic() - started
        master_log = (folder / "master.log").read_text()
        out = folder / "stats.json"
        if procs[0].returncode != 0 or not out.exists():
            tail = "\n".join(master_log.strip().splitlines()[-10:])
            raise LoadTestError(f"Locust's master exited with code {procs[0].returncode} after {elapsed:.1f} s:\n{tail}")
        connected = max((int(n) for n in re.findall(r"reported as ready\. (\d+) workers connected", master_log)), default=0)
        rows = stats_rows(json.loads(out.read_text()), seconds)
        history = read_history(folder / "run_stats_history.csv")
    return DistributedRun(rows=rows, history=history, workers=connected, master_port=port, elapsed_s=elapsed)
