"""Friendly checks for exercise test cells: what was expected, what came back, and a hint."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
MAX_REPR = 300


class CheckFailed(AssertionError):
    """A check in a test cell failed; the message is written for the learner."""


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 5] + " ...]"


def _fail(message: str, hint: str = "") -> CheckFailed:
    return CheckFailed(message + (f"\nHint: {hint}" if hint else ""))


def _describe_call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shown = [_show(a) for a in args] + [f"{k}={_show(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__name__', 'your function')}({', '.join(shown)})"


def answer(fn: Callable[..., T], *args: Any, hint: str = "", **kwargs: Any) -> T:
    """Call the learner's function; turn "not written yet" and crashes into readable failures."""
    call = _describe_call(fn, args, kwargs)
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        name = getattr(fn, "__name__", "this function")
        raise _fail(
            f"{name} is not written yet: replace `raise NotImplementedError()` in its cell with your code, "
            "run that cell, then run this one again."
        ) from None
    except CheckFailed:
        raise
    except Exception as exc:  # the learner's code crashed: show the call that did it
        raise _fail(f"{call} raised {type(exc).__name__}: {exc}", hint) from exc


def check_equal(got: Any, expected: Any, what: str, hint: str = "") -> None:
    """Fail unless got == expected; `what` names the value, e.g. "classify_status(301)"."""
    if got != expected:
        raise _fail(f"{what}: expected {_show(expected)}, got {_show(got)}.", hint)


def check_close(got: Any, expected: float, what: str, rel: float = 1e-6, abs_tol: float = 1e-9, hint: str = "") -> None:
    """Fail unless got is a number within a relative (or absolute) tolerance of expected."""
    if isinstance(got, bool) or not isinstance(got, int | float):
        raise _fail(f"{what}: expected a number close to {expected!r}, got {_show(got)} ({type(got).__name__}).", hint)
    if not math.isclose(got, expected, rel_tol=rel, abs_tol=abs_tol):
        raise _fail(f"{what}: expected about {expected!r} (within {rel:.0e} relative), got {got!r}.", hint)


def check_true(condition: Any, what: str, hint: str = "") -> None:
    """Fail unless condition holds; `what` says what should be true, e.g. "the cursor is opaque"."""
    if not condition:
        raise _fail(f"Expected {what}, but it is not so.", hint)


def check_type(got: Any, expected_type: type | tuple[type, ...], what: str, hint: str = "") -> None:
    """Fail unless got is an instance of expected_type."""
    if not isinstance(got, expected_type):
        names = expected_type.__name__ if isinstance(expected_type, type) else " or ".join(t.__name__ for t in expected_type)
        raise _fail(f"{what}: expected a {names}, got {type(got).__name__} {_show(got)}.", hint)


def check_raises(
    exc_type: type[BaseException] | tuple[type[BaseException], ...],
    fn: Callable[..., Any],
    *args: Any,
    what: str = "",
    hint: str = "",
    **kwargs: Any,
) -> BaseException:
    """Fail unless fn(*args, **kwargs) raises exc_type; return the exception for further checks."""
    call = what or _describe_call(fn, args, kwargs)
    names = exc_type.__name__ if isinstance(exc_type, type) else " or ".join(t.__name__ for t in exc_type)
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError:
        name = getattr(fn, "__name__", "this function")
        raise _fail(f"{name} is not written yet: replace `raise NotImplementedError()` in its cell with your code.") from None
    except exc_type as exc:
        return exc
    except Exception as exc:
        raise _fail(f"{call}: expected {names}, but it raised {type(exc).__name__}: {exc}", hint) from exc
    raise _fail(f"{call}: expected {names}, but it returned {_show(result)}.", hint)


def passed(message: str) -> None:
    """Print a success line at the end of a test cell."""
    print(f"✓ {message}")
