"""A Binder-like slow machine for `make bench SLOW=1`: one CPU core, shared with a competing busy process.

Binder gives a learner about one shared core. This pins the current process (and so every kernel and server it
starts later) to a single core and runs a CPU burner on that same core, so the notebooks compete for it as they
would on a busy Binder node. The burner stops when the block ends, and by itself after `max_s` at the latest.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class SlowMachine:
    core: int
    burner_pids: list[int]

    @property
    def label(self) -> str:
        return f"slow machine: 1 core (#{self.core}) shared with {len(self.burner_pids)} busy process(es)"


def _burn(core: int, max_s: float) -> None:
    os.sched_setaffinity(0, {core})
    deadline = time.monotonic() + max_s
    x = 0
    while time.monotonic() < deadline:  # bounded: never outlives the bench by more than max_s
        for _ in range(100_000):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF


@contextlib.contextmanager
def slow_machine(core: int = 0, burners: int = 1, max_s: float = 3600.0) -> Iterator[SlowMachine]:
    """Pin this process to `core` and keep `burners` busy processes on it; restore the affinity afterwards."""
    before = os.sched_getaffinity(0)
    if core not in before:
        core = min(before)
    os.sched_setaffinity(0, {core})  # first: the burners and every later child inherit the single core
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_burn, args=(core, max_s), daemon=True) for _ in range(burners)]
    for proc in procs:
        proc.start()
    try:
        yield SlowMachine(core, [p.pid for p in procs if p.pid])
    finally:
        os.sched_setaffinity(0, before)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(5)
