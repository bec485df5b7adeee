"""A tiny function platform for module 07: each instance is a fresh Python process started on demand (a cold start),
kept warm for `keep_warm_s` after its last call, then stopped (scale to zero); at most `max_instances` run at once.
Plus the cold-start measurement: a fresh interpreter that imports FastAPI and answers once, against a warm call."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from backendlab.labs.resilience.shutdown import _die_with_parent

WORKER = r"""
import json, sys, time
_t0 = time.perf_counter()
{init}
{handler}
print(json.dumps({{"ready": True, "init_ms": (time.perf_counter() - _t0) * 1000}}), flush=True)
for _line in sys.stdin:
    _t = time.perf_counter()
    _out = handler(json.loads(_line))
    print(json.dumps({{"result": _out, "ms": (time.perf_counter() - _t) * 1000}}), flush=True)
"""


class Throttled(Exception):
    """Every instance is busy and none may be added: what Lambda answers with 429 TooManyRequestsException."""


@dataclass
class Instance:
    number: int
    process: subprocess.Popen
    init_ms: float
    busy: bool = False
    last_used: float = field(default_factory=time.monotonic)
    calls: int = 0


@dataclass
class Invocation:
    started_s: float
    latency_ms: float
    cold: bool
    instance: int
    result: Any = None


class FunctionPool:
    """Run `handler(event)` (Python source defining `def handler(event)`) in worker processes started on demand."""

    def __init__(self, handler: str, init: str = "", max_instances: int = 4, keep_warm_s: float = 1.0,
                 queue_timeout_s: float = 2.0) -> None:
        self.handler, self.init = handler, init
        self.max_instances, self.keep_warm_s, self.queue_timeout_s = max_instances, keep_warm_s, queue_timeout_s
        self.instances: list[Instance] = []
        self.starting = 0
        self.started = 0
        self.invocations: list[Invocation] = []
        self.timeline: list[tuple[float, int]] = [(0.0, 0)]
        self.t0 = time.monotonic()
        self._cond = threading.Condition()
        self._closed = False
        self._reaper = threading.Thread(target=self._reap, daemon=True, name="function-pool-reaper")
        self._reaper.start()

    def _note(self) -> None:
        self.timeline.append((time.monotonic() - self.t0, len(self.instances) + self.starting))

    def _spawn(self) -> Instance:
        source = WORKER.format(init=self.init, handler=self.handler)
        process = subprocess.Popen([sys.executable, "-c", source], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True, bufsize=1, start_new_session=True,
                                   preexec_fn=_die_with_parent)
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            process.kill()
            raise RuntimeError("a function instance failed to start (check the handler's source)")
        self.started += 1
        return Instance(self.started, process, float(json.loads(line)["init_ms"]))

    def invoke(self, event: dict) -> Invocation:
        """Run the handler on an idle warm instance, else on a new one (cold), else wait up to queue_timeout_s."""
        t0 = time.monotonic()
        cold = False
        with self._cond:
            deadline = t0 + self.queue_timeout_s
            while True:
                idle = [i for i in self.instances if not i.busy]
                if idle:
                    inst = max(idle, key=lambda i: i.last_used)  # the most recently used: keeps the others idle
                    inst.busy = True
                    break
                if len(self.instances) + self.starting < self.max_instances:
                    self.starting += 1
                    self._note()
                    inst = None
                    break
                if not self._cond.wait(max(0.0, deadline - time.monotonic())) and time.monotonic() >= deadline:
                    raise Throttled(f"all {self.max_instances} instances busy for {self.queue_timeout_s} s")
        if inst is None:
            cold = True
            try:
                inst = self._spawn()
            finally:
                with self._cond:
                    self.starting -= 1
            inst.busy = True
            with self._cond:
                self.instances.append(inst)
                self._note()
        assert inst.process.stdin and inst.process.stdout
        inst.process.stdin.write(json.dumps(event) + "\n")
        inst.process.stdin.flush()
        reply = json.loads(inst.process.stdout.readline())
        with self._cond:
            inst.busy, inst.last_used = False, time.monotonic()
            inst.calls += 1
            self._cond.notify()
        record = Invocation(t0 - self.t0, (time.monotonic() - t0) * 1000, cold, inst.number, reply["result"])
        self.invocations.append(record)
        return record

    def _reap(self) -> None:
        while not self._closed:
            time.sleep(0.05)
            with self._cond:
                now = time.monotonic()
                for inst in [i for i in self.instances if not i.busy and now - i.last_used > self.keep_warm_s]:
                    self.instances.remove(inst)
                    self._stop(inst)
                    self._note()

    @staticmethod
    def _stop(inst: Instance) -> None:
        with contextlib.suppress(Exception):
            inst.process.stdin.close()  # type: ignore[union-attr]
        with contextlib.suppress(Exception):
            inst.process.wait(1)
        if inst.process.poll() is None:
            inst.process.kill()
            inst.process.wait(2)

    @property
    def running(self) -> int:
        return len(self.instances)

    def close(self) -> None:
        self._closed = True
        with self._cond:
            for inst in self.instances:
                self._stop(inst)
            self.instances.clear()
            self._note()

    def __enter__(self) -> FunctionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


COLD_PROGRAM = ("import time; t0 = time.perf_counter()\n"
                "from fastapi import FastAPI\nfrom fastapi.testclient import TestClient\n"
                "app = FastAPI()\n@app.get('/quote')\ndef quote():\n    return {'price_cents': 1999}\n"
                "assert TestClient(app).get('/quote').status_code == 200\n")


def fresh_process_ms(program: str, timeout_s: float = 30.0) -> float:
    """Wall time from starting a fresh interpreter on `program` to its exit, in ms."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", program], check=True, timeout=timeout_s, capture_output=True,
                   env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    return (time.perf_counter() - t0) * 1000


@dataclass
class ColdStart:
    bare_ms: list[float]
    fastapi_ms: list[float]

    @property
    def median_bare_ms(self) -> float:
        return statistics.median(self.bare_ms)

    @property
    def median_fastapi_ms(self) -> float:
        return statistics.median(self.fastapi_ms)


def measure_cold_starts(repeats: int = 3) -> ColdStart:
    """Interleaved: a bare interpreter (`pass`) and one that imports FastAPI and answers one request, `repeats` each."""
    bare, full = [], []
    for _ in range(repeats):
        bare.append(fresh_process_ms("pass"))
        full.append(fresh_process_ms(COLD_PROGRAM))
    return ColdStart(bare, full)


