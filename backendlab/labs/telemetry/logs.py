"""JSON logs with trace ids: the reference formatter (exercise 1), a bounded in-memory handler, private loggers."""

from __future__ import annotations

import json
import logging
from collections import deque
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace

STANDARD_RECORD_KEYS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Reference answer of exercise 1: one JSON object per line, with the active trace and span ids (or null)."""

    def format(self, record: logging.LogRecord) -> str:
        ctx = trace.get_current_span().get_span_context()
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": format(ctx.trace_id, "032x") if ctx.is_valid else None,
            "span_id": format(ctx.span_id, "016x") if ctx.is_valid else None,
        }
        for key, value in vars(record).items():
            if key not in STANDARD_RECORD_KEYS and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class LogBuffer(logging.Handler):
    """A logging handler that keeps the last `capacity` formatted lines in memory (bounded under load)."""

    def __init__(self, capacity: int = 20_000, formatter: logging.Formatter | None = None) -> None:
        super().__init__()
        self.lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(formatter or JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a broken formatter must not break the request
            self.handleError(record)

    def records(self) -> list[dict[str, Any]]:
        """Every kept line parsed back from JSON (lines that are not JSON are skipped)."""
        out = []
        for line in list(self.lines):
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def clear(self) -> None:
        self.lines.clear()


def json_logger(name: str, handler: logging.Handler, level: int = logging.INFO) -> logging.Logger:
    """A private logger called `name` that writes only to `handler`.

    It is not registered in logging's global tree (logging.getLogger would share it by name), so two apps that
    both log as "orders" never steal each other's handler, and a re-run cell simply gets a new logger.
    """
    logger = logging.Logger(name, level)
    logger.addHandler(handler)
    logger.propagate = False
    return logger
