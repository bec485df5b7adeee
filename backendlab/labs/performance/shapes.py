"""Load shapes for Locust: the reference stages shape (exercise 2), its schedule on a simulated clock, and the locustfile
that runs a shape class written in a notebook inside Locust's own processes (where it inherits LoadTestShape)."""

from __future__ import annotations

import ast
import inspect
import linecache
import textwrap
from typing import Any


class StagesShape:
    """A Locust LoadTestShape driven by `stages`, a class attribute: a list of (duration_s, users, spawn_rate).

    The stages run one after another from run time 0: a stage covers [start, start + duration_s), so at exactly its
    end the next stage applies, and a stage of duration 0 never applies. tick() reads the run time from
    self.get_run_time() and returns (users, spawn_rate) as (int, float), or None after the last stage (stops the test).
    """

    stages: list[tuple[float, int, float]] = [(2, 10, 5), (2, 20, 10), (1, 40, 40), (2, 10, 40)]  # ramp, step, spike, recovery

    def tick(self) -> tuple[int, float] | None:
        run_time = self.get_run_time()  # type: ignore[attr-defined]  # LoadTestShape provides it inside Locust
        end = 0.0
        for duration, users, spawn_rate in self.stages:
            end += duration
            if run_time < end:
                return int(users), float(spawn_rate)
        return None


class FakeClock:
    """A run time that only moves when told to: `shape.get_run_time = clock` makes tick() deterministic."""

    def __init__(self, t: float = 0.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def schedule(shape_cls: type, until_s: float = 60.0, step_s: float = 0.1, stages: Any = None) -> list[tuple[float, int, float]]:
    """(run time, users, spawn_rate) every step_s seconds, on a simulated clock, until tick() returns None or until_s."""
    shape = shape_cls()
    if stages is not None:
        shape.stages = stages
    clock = FakeClock()
    shape.get_run_time = clock
    out: list[tuple[float, int, float]] = []
    for i in range(int(round(until_s / step_s)) + 1):
        clock.t = round(i * step_s, 9)
        result = shape.tick()
        if result is None:
            break
        users, rate = result[0], result[1]
        out.append((clock.t, users, rate))
    return out


def class_source(cls: type) -> str:
    """The source of a class, also for one defined in a notebook cell (where inspect.getsource(cls) fails before
    Python 3.13: it looks for the class in __main__'s file, and a kernel's __main__ has none)."""
    try:
        return textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        pass
    for value in vars(cls).values():  # the cell that defined a method defined the class
        func = getattr(value, "fget", value)  # a property's getter, or the function itself
        code = getattr(getattr(func, "__code__", None), "co_filename", None)
        if not code:
            continue
        text = "".join(linecache.getlines(code))
        for node in ast.walk(ast.parse(text)) if text else ():
            if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
                return textwrap.dedent(ast.get_source_segment(text, node) or "")
    raise ValueError(f"cannot find the source of class {cls.__name__}: define it in a notebook cell or a file")


SHAPE_LOCUSTFILE = '''\
from locust import FastHttpUser, LoadTestShape, constant, task


class Visitor(FastHttpUser):
    wait_time = constant({wait_s!r})

    @task
    def visit(self):
        self.client.get({path!r}, name={name!r})


{source}


class CourseShape({cls_name}, LoadTestShape):  # your class, with Locust's get_run_time() and runner
{stages_line}'''


def shape_locustfile(shape_cls: type, path: str = "/work", name: str = "/work", wait_s: float = 0.1, stages: Any = None) -> str:
    """A locustfile in which `shape_cls` (its own source) drives the users, mixed with Locust's LoadTestShape."""
    stages_line = f"    stages = {list(stages)!r}\n" if stages is not None else "    pass\n"
    return SHAPE_LOCUSTFILE.format(wait_s=float(wait_s), path=path, name=name, source=class_source(shape_cls),
                                   cls_name=shape_cls.__name__, stages_line=stages_line)


def users_over_time(history: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """(seconds, users) from a distributed run's history, for a step plot."""
    return [h["t_s"] for h in history], [h["users"] for h in history]
