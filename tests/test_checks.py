"""backendlab.checks: failures say what was expected, what came back and a hint, and still raise."""

from __future__ import annotations

import pytest

from backendlab.checks import CheckFailed, answer, check_close, check_equal, check_raises, check_true, check_type, passed


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
