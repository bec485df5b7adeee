"""tools.slowmachine: `make bench SLOW=1` pins the work to one core and shares it with a busy process, then cleans up."""

from __future__ import annotations

import os

import psutil

from tools.slowmachine import slow_machine


def test_one_core_shared_with_a_burner_then_everything_restored() -> None:
    before = os.sched_getaffinity(0)
    with slow_machine(max_s=60) as machine:
        assert os.sched_getaffinity(0) == {machine.core} and "1 core" in machine.label
        burners = [psutil.Process(pid) for pid in machine.burner_pids]
        assert burners and all(b.is_running() and b.cpu_affinity() == [machine.core] for b in burners)
    assert os.sched_getaffinity(0) == before
    assert not [b for b in burners if b.is_running() and b.status() != psutil.STATUS_ZOMBIE]
