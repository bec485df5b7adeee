"""A circuit breaker (closed / open / half-open), the course's reference for exercise 2 of module 07."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class CircuitOpen(Exception):
    """The circuit is open (or its one half-open trial is running): the call was refused without being sent."""


class CircuitBreaker:
    """Fail fast while a dependency is down; after `reset_timeout_s`, let one trial call probe whether it recovered.

    Michael Nygard, *Release It!* (2nd ed., 2018), ch. 5; Martin Fowler, "CircuitBreaker" (2014). The notebook states
    the contract sentence by sentence.
    """

    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic, is_failure: Callable[[Any], bool] = lambda result: False) -> None:
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self.clock = clock
        self.is_failure = is_failure
        self.failures = 0
        self.opened_at: float | None = None
        self.trial_running = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_timeout_s:
            return "half-open"
        return "open"

    def _open(self) -> None:
        self.opened_at = self.clock()
        self.failures = 0

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        state = self.state
        if state == "open" or (state == "half-open" and self.trial_running):
            raise CircuitOpen(f"circuit {state}: call refused without being sent")
        trial = state == "half-open"
        self.trial_running = trial
        try:
            result = fn(*args, **kwargs)
        except Exception:
            self._failed(trial)
            raise
        finally:
            if trial:
                self.trial_running = False
        if self.is_failure(result):
            self._failed(trial)
        else:
            self.failures = 0
            self.opened_at = None
        return result

    def _failed(self, trial: bool) -> None:
        if trial:
            self._open()
            return
        self.failures += 1
        if self.failures >= self.failure_threshold:
            self._open()
