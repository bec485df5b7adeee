"""backendlab.checks: failures say what was expected, what came back and a hint, and still raise."""

from __future__ import annotations

import pytest

from backendlab.checks import (
    CheckFailed,
    answer,
    check_against_reference,
    check_close,
    check_equal,
    check_raises,
    check_true,
    check_type,
    passed,
)


def not_written(x: int) -> int:
    raise NotImplementedError()


def crashes(x: int) -> int:
    return {}[x]


def test_check_equal_names_expected_got_and_hint() -> None:
    with pytest.raises(CheckFailed) as info:
        check_equal("success", "redirect", "classify_status(301)", hint="3xx points elsewhere")
    message = str(info.value)
    assert "classify_status(301)" in message and "'redirect'" in message and "'success'" in message
    assert "Hint: 3xx points elsewhere" in message


def test_check_failed_is_an_assertion_error_so_nbgrader_counts_it() -> None:
    assert issubclass(CheckFailed, AssertionError)


def test_passing_checks_are_silent_and_passed_prints_a_tick(capsys: pytest.CaptureFixture[str]) -> None:
    check_equal(1, 1, "one")
    check_close(0.1 + 0.2, 0.3, "sum")
    check_true(True, "truth")
    check_type([], list, "a list")
    passed("all good")
    assert capsys.readouterr().out == "✓ all good\n"


def test_answer_reports_an_unwritten_function_plainly() -> None:
    with pytest.raises(CheckFailed, match="not_written is not written yet: replace `raise NotImplementedError\\(\\)`"):
        answer(not_written, 1)


def test_answer_reports_the_call_that_crashed() -> None:
    with pytest.raises(CheckFailed, match=r"crashes\(5\) raised KeyError: 5"):
        answer(crashes, 5)


def test_answer_returns_the_learners_result() -> None:
    assert answer(lambda a, b=0: a + b, 2, b=3) == 5


def test_check_close_rejects_non_numbers_and_far_values() -> None:
    with pytest.raises(CheckFailed, match="expected a number"):
        check_close("20", 20.0, "little")
    with pytest.raises(CheckFailed, match="expected a number"):
        check_close(True, 1.0, "bool is not a number here")
    with pytest.raises(CheckFailed, match="expected about 20.0"):
        check_close(21.0, 20.0, "little", rel=0.01)


def test_check_raises_returns_the_exception_and_fails_when_nothing_is_raised() -> None:
    exc = check_raises(ValueError, int, "x")
    assert isinstance(exc, ValueError)
    with pytest.raises(CheckFailed, match="expected ValueError, but it returned 3"):
        check_raises(ValueError, int, "3")
    with pytest.raises(CheckFailed, match="expected ValueError, but it raised KeyError"):
        check_raises(ValueError, crashes, 1)
    with pytest.raises(CheckFailed, match="not written yet"):
        check_raises(ValueError, not_written, 1)


def test_long_values_are_shortened() -> None:
    with pytest.raises(CheckFailed) as info:
        check_equal(list(range(10_000)), [], "big")
    assert len(str(info.value)) < 800


class AlwaysEqual:
    """What a cheat returns: equal to everything, unequal to nothing."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


def test_check_equal_is_type_strict_at_every_level() -> None:
    with pytest.raises(CheckFailed, match=r"should be a int, got a float"):
        check_equal(2.0, 2, "count")
    with pytest.raises(CheckFailed, match=r"should be a list, got a tuple"):
        check_equal((1, 2), [1, 2], "pair")
    with pytest.raises(CheckFailed, match=r"\['b'\] should be a int, got a bool"):
        check_equal({"a": 1, "b": True}, {"a": 1, "b": 1}, "record")
    with pytest.raises(CheckFailed, match="missing keys"):
        check_equal({"a": 1}, {"a": 1, "b": 2}, "record")
    check_equal(2.0, 2, "count", strict=False)
    check_equal({"a": [1, (2, "x")], "n": float("nan")}, {"a": [1, (2, "x")], "n": float("nan")}, "nested")


def test_an_object_that_claims_to_equal_anything_fails_every_check() -> None:
    cheat = AlwaysEqual()
    for expected in (3, "success", [1, 2], {"level": "INFO"}, None):
        with pytest.raises(CheckFailed):
            check_equal(cheat, expected, "cheat")
        with pytest.raises(CheckFailed):
            check_equal(cheat, expected, "cheat", strict=False)
    with pytest.raises(CheckFailed, match=r"result\[1\] should be a int, got a AlwaysEqual"):
        check_equal([1, cheat], [1, 2], "a list holding a cheat")
    with pytest.raises(CheckFailed, match="instead of True or False"):
        check_true(cheat, "a condition")


def test_check_type_ignores_a_faked_class() -> None:
    class Liar:
        @property
        def __class__(self) -> type:  # type: ignore[override]
            return int

    assert isinstance(Liar(), int)  # what a plain isinstance check would accept
    with pytest.raises(CheckFailed, match="expected a int"):
        check_type(Liar(), int, "a count")


def test_warnings_and_logs_from_the_learners_code_go_to_stdout_not_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    import logging
    import warnings

    def noisy(x: int) -> int:
        warnings.warn("series is short", UserWarning, stacklevel=1)
        logging.getLogger("some.library").warning("description is ignored unless status is ERROR")
        print("to stderr", file=sys.stderr)
        return x + 1

    import sys

    handler = logging.StreamHandler(sys.stderr)  # as logging.basicConfig() would set up
    logging.getLogger().addHandler(handler)
    try:
        assert answer(noisy, 1) == 2
        check_raises(ZeroDivisionError, lambda: (noisy(1), 1 / 0))
    finally:
        logging.getLogger().removeHandler(handler)
    out, err = capsys.readouterr()
    assert err == ""
    assert "note: noisy(1) warned: UserWarning: series is short" in out
    assert "description is ignored" in out and "to stderr" in out
    assert handler.stream is sys.stderr  # restored


def test_check_against_reference_reports_the_smallest_failing_input() -> None:
    from hypothesis import strategies as st

    def reference(n: int) -> str:
        return "big" if n >= 10 else "small"

    def off_by_one(n: int) -> str:
        return "big" if n > 10 else "small"

    check_against_reference(reference, reference, st.tuples(st.integers(-1000, 1000)), "same function")
    with pytest.raises(CheckFailed, match=r"smallest failing input found: off_by_one\(10\): expected 'big', got 'small'"):
        check_against_reference(off_by_one, reference, st.tuples(st.integers(0, 30)), "size")
    with pytest.raises(CheckFailed, match="not written yet"):
        check_against_reference(not_written, reference, st.tuples(st.integers()), "size")


def test_check_against_reference_expects_the_same_exception_type() -> None:
    from hypothesis import strategies as st

    def reference(n: int) -> int:
        if n < 0:
            raise ValueError("negative")
        return n

    def no_check(n: int) -> int:
        return n

    with pytest.raises(CheckFailed, match=r"no_check\(-1\): expected ValueError, but it returned -1"):
        check_against_reference(no_check, reference, st.tuples(st.integers(-5, 5)), "range check")


def test_check_failed_renders_as_its_message_in_a_notebook() -> None:
    lines = CheckFailed("f(1): expected 2, got 3.\nHint: add one").__class__._render_traceback_(
        CheckFailed("f(1): expected 2, got 3.\nHint: add one"))
    assert lines[1:] == ["f(1): expected 2, got 3.", "Hint: add one"]


def test_not_written_yet_shows_the_hint() -> None:
    with pytest.raises(CheckFailed, match="Hint: start from the docstring"):
        answer(not_written, 1, hint="start from the docstring")


def test_not_written_names_the_learners_function_that_raised_not_the_course_function_that_called_it() -> None:
    def create_app(parts: object) -> object:
        raise NotImplementedError()

    def assemble(kit: object, create_app: object) -> object:  # the course's code, calling the learner's
        return create_app(kit)  # type: ignore[operator]

    class PaymentsClient:
        def __init__(self) -> None:
            raise NotImplementedError()

    with pytest.raises(CheckFailed, match=r"^.*create_app \(which assemble calls\) is not written yet"):
        answer(assemble, None, create_app)
    with pytest.raises(CheckFailed, match=r"PaymentsClient\.__init__ is not written yet"):
        answer(PaymentsClient)
