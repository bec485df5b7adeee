"""Module 03's statement recorder: every SQL statement an engine executes, with its duration, and a query log."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

# ---------------------------------------------------------------- counting and timing statements


@dataclass
class Statement:
    """One statement the driver executed: its SQL text, parameters, duration and whether it was an executemany."""

    sql: str
    params: Any
    ms: float
    many: bool


@dataclass
class StatementRecorder:
    """Record every statement an engine executes while active (an engine event listener):

        with StatementRecorder(engine) as rec:
            ...
        rec.count, rec.statements, rec.log()
    """

    engine: Engine
    statements: list[Statement] = field(default_factory=list)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        conn.info.setdefault("_backendlab_t0", []).append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        starts = conn.info.get("_backendlab_t0") or [time.perf_counter()]
        ms = (time.perf_counter() - starts.pop()) * 1000.0
        self.statements.append(Statement(statement, parameters, ms, executemany))

    def start(self) -> StatementRecorder:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def stop(self) -> None:
        if event.contains(self.engine, "before_cursor_execute", self._before):
            event.remove(self.engine, "before_cursor_execute", self._before)
            event.remove(self.engine, "after_cursor_execute", self._after)

    def __enter__(self) -> StatementRecorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def count(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        self.statements.clear()

    def log(self) -> list[dict[str, Any]]:
        """A query log in the spirit of pg_stat_statements: one dict per distinct SQL text,
        {"sql", "calls", "mean_ms", "median_ms", "total_ms"}, largest total time first."""
        groups: dict[str, list[float]] = {}
        for st in self.statements:
            groups.setdefault(" ".join(st.sql.split()), []).append(st.ms)
        rows = [
            {"sql": sql, "calls": len(ms), "mean_ms": sum(ms) / len(ms), "median_ms": statistics.median(ms), "total_ms": sum(ms)}
            for sql, ms in groups.items()
        ]
        return sorted(rows, key=lambda r: -r["total_ms"])
