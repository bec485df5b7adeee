"""Friendly checks for exercise test cells: what was expected, what came back, and a hint.

Checks are strict where a grade must be trustworthy: results are compared type by type (2 is not 2.0, a
tuple is not a list), and an object that claims to equal everything fails. Warnings and log lines that the
learner's code emits while a check calls it are shown on stdout, so a correct answer is never marked wrong
for library noise on stderr.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import logging
import math
import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
MAX_REPR = 300


class CheckFailed(AssertionError):
    """A check in a test cell failed; the message is written for the learner."""

    def _render_traceback_(self) -> list[str]:
        """How IPython shows it in a notebook: the message alone, not a traceback through this file."""
        return ["\x1b[0;31m✗ CheckFailed\x1b[0m", *str(self).splitlines()]


def _show(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # a learner's object whose __repr__ raises
        text = f"<{type(value).__name__} whose repr raised {type(exc).__name__}>"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 5] + " ...]"


def _fail(message: str, hint: str = "") -> CheckFailed:
    return CheckFailed(message + (f"\nHint: {hint}" if hint else ""))


def _describe_call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shown = [_show(a) for a in args] + [f"{k}={_show(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__name__', 'your function')}({', '.join(shown)})"


def _raiser(exc: BaseException) -> str | None:
    """The qualified name of the function that raised `exc` (the innermost frame of its traceback)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return None
    return getattr(tb.tb_frame.f_code, "co_qualname", tb.tb_frame.f_code.co_name).rsplit("<locals>.", 1)[-1]


def _not_written(fn: Callable[..., Any], hint: str = "", exc: BaseException | None = None) -> CheckFailed:
    name = getattr(fn, "__name__", "this function")
    inner = _raiser(exc) if exc is not None else None
    if inner and inner not in (name, getattr(fn, "__qualname__", name)) and not inner.startswith("<"):
        # a method of the learner's class, or the learner's create_app called by the course's assemble
        name = inner if inner.startswith(f"{name}.") else f"{inner} (which {name} calls)"
    return _fail(
        f"{name} is not written yet: replace `raise NotImplementedError()` in its cell with your code, "
        "run that cell, then run this one again.",
        hint,
    )


# --- keeping library noise off stderr -------------------------------------------------------------


@contextlib.contextmanager
def quiet(label: str = "your code") -> Iterator[None]:
    """Run a block with warnings and stderr output shown on stdout, so nbgrader does not count them as failures.

    nbgrader scores a test cell 0 when anything is written to stderr, even if every check passed. Inside this
    block, warnings are recorded and printed as notes, writes to sys.stderr go to stdout, and logging handlers
    that write to stderr write to stdout instead.
    """
    moved: list[logging.StreamHandler[Any]] = []
    stderr_streams = {id(sys.stderr), id(sys.__stderr__)}
    loggers = [logging.getLogger()] + [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    for logger in loggers:
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler) and id(handler.stream) in stderr_streams:
                moved.append(handler)
    originals = [h.stream for h in moved]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for handler in moved:
                handler.setStream(sys.stdout)
            with contextlib.redirect_stderr(sys.stdout):
                yield
        finally:
            for handler, stream in zip(moved, originals, strict=True):
                handler.setStream(stream)
    seen: set[str] = set()
    for w in caught:
        note = f"note: {label} warned: {w.category.__name__}: {w.message}"
        if note not in seen:
            seen.add(note)
            print(note)


# --- calling the learner's code -------------------------------------------------------------------


def answer(fn: Callable[..., T], *args: Any, hint: str = "", **kwargs: Any) -> T:
    """Call the learner's function; turn "not written yet" and crashes into readable failures."""
    call = _describe_call(fn, args, kwargs)
    try:
        with quiet(call):
            return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise _not_written(fn, hint, exc) from None
    except CheckFailed:
        raise
    except Exception as exc:  # the learner's code crashed: show the call that did it
        raise _fail(f"{call} raised {type(exc).__name__}: {exc}", hint) from exc


# --- comparing results ----------------------------------------------------------------------------


class _Probe:
    """A fresh object that nothing honest is equal to."""


def claims_to_equal_anything(value: Any) -> bool:
    """True for an object whose == says True (or != says False) for an unrelated object: a result that fakes a pass."""
    try:
        eq = value == _Probe()
        ne = value != _Probe()
    except Exception:
        return False
    return (type(eq) is bool and eq) or (type(ne) is bool and not ne)


def _plain_equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an == that raises is not equality
        return False


def mismatch(expected: Any, got: Any, path: str = "") -> str | None:
    """None when got equals expected with the same type at every level; otherwise where they first differ."""
    where = path or "the result"
    if type(got) is not type(expected):
        scalars = (int, float, str, bytes, type(None))
        if isinstance(got, scalars) and isinstance(expected, scalars) and not _plain_equal(got, expected):
            return f"{where} differs"  # 0 for 2.0: the values say it all, the type is not the news
        return f"{where} should be a {type(expected).__name__}, got a {type(got).__name__}: {_show(got)}"
    if claims_to_equal_anything(got):
        return f"{where} is an object that claims to equal anything"
    if isinstance(expected, dict):
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing or extra:
            parts = ([f"missing keys {_show(missing)}"] if missing else []) + ([f"unexpected keys {_show(extra)}"] if extra else [])
            return f"{where} has {' and '.join(parts)}"
        got_keys = {k: k for k in got}
        for key, value in expected.items():
            if type(got_keys[key]) is not type(key):
                return f"{where} has key {_show(got_keys[key])} of type {type(got_keys[key]).__name__}, expected {type(key).__name__}"
            found = mismatch(value, got[key], f"{where}[{key!r}]" if not path else f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(expected, list | tuple):
        if len(got) != len(expected):
            return f"{where} has {len(got)} items, expected {len(expected)}"
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            found = mismatch(e, g, f"{path or 'result'}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, set | frozenset):
        kinds = {type(e) for e in expected}
        odd = [g for g in got if type(g) not in kinds or claims_to_equal_anything(g)]
        if odd and expected:
            return f"{where} holds {_show(odd[0])} of type {type(odd[0]).__name__}"
        return None if expected == got else f"{where} differs: expected {_show(expected)}, got {_show(got)}"
    if isinstance(expected, float) and math.isnan(expected):
        return None if math.isnan(got) else f"{where} should be nan, got {got!r}"
    return None if expected == got else f"{where} differs"


def check_equal(got: Any, expected: Any, what: str, hint: str = "", strict: bool = True) -> None:
    """Fail unless got == expected; `what` names the value, e.g. "classify_status(301)".

    strict (the default): the same type at every level as well (2 is not 2.0, a tuple is not a list).
    strict=False: plain equality, for contracts that do not fix the type; an always-equal object still fails.
    """
    if strict:
        problem = mismatch(expected, got)
    else:
        problem = "it claims to equal anything" if claims_to_equal_anything(got) else (None if expected == got else "differs")
    if problem is None:
        return
    detail = "" if problem.endswith("differs") else f" ({problem})"
    raise _fail(f"{what}: expected {_show(expected)}, got {_show(got)}.{detail}", hint)


def check_close(got: Any, expected: float, what: str, rel: float = 1e-6, abs_tol: float = 1e-9, hint: str = "") -> None:
    """Fail unless got is a number (int or float, not bool) within a relative (or absolute) tolerance of expected."""
    if not issubclass(type(got), int | float) or issubclass(type(got), bool):
        raise _fail(f"{what}: expected a number close to {expected!r}, got {_show(got)} ({type(got).__name__}).", hint)
    if math.isnan(expected) and math.isnan(got):
        return
    if not math.isclose(got, expected, rel_tol=rel, abs_tol=abs_tol):
        raise _fail(f"{what}: expected about {expected!r} (within {rel:.0e} relative), got {got!r}.", hint)


_PLAIN = (bool, int, float, str, bytes, list, tuple, dict, set, frozenset, type(None))


def check_true(condition: Any, what: str, hint: str = "") -> None:
    """Fail unless condition holds; `what` says what should be true, e.g. "the cursor is opaque".

    The condition must be a plain value (a bool, number, string or container): an object of the learner's
    own class could claim to be true for anything.
    """
    if type(condition) not in _PLAIN:
        raise _fail(f"Expected {what}, but the check got a {type(condition).__name__} instead of True or False.", hint)
    if not condition:
        raise _fail(f"Expected {what}, but it is not so.", hint)


def check_type(got: Any, expected_type: type | tuple[type, ...], what: str, hint: str = "") -> None:
    """Fail unless got's real type is expected_type or a subclass of it (a faked __class__ does not count)."""
    if not issubclass(type(got), expected_type):
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
        with quiet(call):
            result = fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise _not_written(fn, hint, exc) from None
    except exc_type as exc:
        return exc
    except Exception as exc:
        raise _fail(f"{call}: expected {names}, but it raised {type(exc).__name__}: {exc}", hint) from exc
    raise _fail(f"{call}: expected {names}, but it returned {_show(result)}.", hint)


# --- property checks against the course's reference ----------------------------------------------


# backendlab.scorecard.check() previews one exercise in about a second: property checks try fewer examples there.
# Grading (nbgrader, the self-check that records a score) always runs them all.
QUICK: contextvars.ContextVar[bool] = contextvars.ContextVar("backendlab_quick_check", default=False)
QUICK_EXAMPLES = 10
SHRINK_CALLS = 60  # calls of a failing property check spent looking for a smaller failing input
SHRINK_SECONDS = 2.0  # and at most this long


class _Differs(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _NotWritten(Exception):
    pass


def _outcome(fn: Callable[..., Any], args: tuple[Any, ...], label: str) -> tuple[str, Any]:
    try:
        with quiet(label):
            return "returned", fn(*copy.deepcopy(args))
    except NotImplementedError:
        raise _NotWritten() from None
    except Exception as exc:
        return "raised", exc


def check_against_reference(
    fn: Callable[..., Any],
    reference: Callable[..., Any],
    args_strategy: Any,
    what: str,
    *,
    max_examples: int = 60,
    hint: str = "",
    strict: bool = True,
) -> None:
    """Compare the learner's fn with the course's reference on inputs generated by Hypothesis.

    `args_strategy` draws a tuple of positional arguments (e.g. `st.tuples(st.integers(0, 999))`). For every
    example, fn must return what the reference returns (type-strictly unless strict=False), or raise the
    same exception type when the reference raises. Runs are deterministic (a fixed seed) and bounded
    (`max_examples`) so grading is fast and repeatable; a failure names the smallest input Hypothesis found.
    Random inputs rarely land exactly on a threshold: check every boundary explicitly as well.
    """
    if QUICK.get():
        max_examples = min(max_examples, QUICK_EXAMPLES)
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis.configuration import set_hypothesis_home_dir

    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):  # never a .hypothesis folder beside the learner's notebook
        set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), f"backendlab-hypothesis-{os.getuid()}"))

    # Shrinking a failure to the smallest input can call fn thousands of times (seconds each for a slow wrong
    # answer). After SHRINK_CALLS calls past the first failure, only the smallest failing input found so far is
    # still checked: every other candidate counts as passing, so the shrinker stops quickly and reports it.
    state: dict[str, Any] = {"calls": 0, "failed_at": None, "best": None}

    @settings(max_examples=max_examples, derandomize=True, database=None, deadline=None, report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet, print_blob=False)
    @given(args_strategy)
    def compare(args: tuple[Any, ...]) -> None:
        if not isinstance(args, tuple):
            args = (args,)
        state["calls"] += 1
        if state["failed_at"] is not None and state["calls"] - state["failed_at"] > SHRINK_CALLS:
            best = state["best"]
            if best is not None and repr(args) == best[0]:
                raise _Differs(best[1])
            return
        try:
            _compare_once(fn, reference, args, strict)
        except _Differs as exc:
            if state["failed_at"] is None:
                state["failed_at"] = state["calls"]
            state["best"] = (repr(args), exc.message)
            raise

    try:
        with quiet("the property check"), _shrinking_time_limit(SHRINK_SECONDS):
            compare()
    except _NotWritten:
        raise _not_written(fn, hint) from None
    except _Differs as exc:
        raise _fail(f"{what}, smallest failing input found: {exc.message}", hint) from None


@contextlib.contextmanager
def _shrinking_time_limit(seconds: float) -> Iterator[None]:
    """Hypothesis shrinks a failure for up to five minutes; grading gives it `seconds` (a module constant of the
    pinned Hypothesis: if it is gone, its own limit applies)."""
    from hypothesis.internal.conjecture import engine

    saved = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if saved is None:
        yield
        return
    engine.MAX_SHRINKING_SECONDS = seconds
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = saved


def _compare_once(fn: Callable[..., Any], reference: Callable[..., Any], args: tuple[Any, ...], strict: bool) -> None:
    """One example of check_against_reference: raise _Differs when fn and the reference disagree on args."""
    call = _describe_call(fn, args, {})
    kind_expected, expected = _outcome(reference, args, "the reference")
    kind_got, got = _outcome(fn, args, call)
    if kind_expected == "raised":
        if kind_got == "raised" and isinstance(got, type(expected)):
            return
        shown = f"raised {type(got).__name__}: {got}" if kind_got == "raised" else f"returned {_show(got)}"
        raise _Differs(f"{call}: expected {type(expected).__name__}, but it {shown}")
    if kind_got == "raised":
        raise _Differs(f"{call} raised {type(got).__name__}: {got}; expected {_show(expected)}")
    problem = mismatch(expected, got) if strict else (None if expected == got and not claims_to_equal_anything(got) else "differs")
    if problem:
        detail = "" if problem.endswith("differs") else f" ({problem})"
        raise _Differs(f"{call}: expected {_show(expected)}, got {_show(got)}.{detail}")




def passed(message: str) -> None:
    """Print a success line at the end of a test cell."""
    print(f"✓ {message}")
