"""backendlab.progress: scores and answers in one JSON file that is never half-written or silently replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backendlab import progress


def test_no_file_means_an_empty_record(progress_file: Path) -> None:
    assert progress.module_scores() == {}
    assert progress.load_answers("checklist", default=[]) == []
    assert not progress_file.exists()


def test_recording_scores_keeps_the_best_total(progress_file: Path) -> None:
    progress.record_scores("00-orientation", {"a": (2, 2), "b": (0, 3)})
    progress.record_scores("00-orientation", {"a": (0, 2), "b": (1, 3)})
    entry = progress.module_scores()["00-orientation"]
    assert (entry["score"], entry["max_score"], entry["best_score"]) == (1, 5, 2)
    assert entry["exercises"]["b"] == {"score": 1, "max_score": 3}
    assert json.loads(progress_file.read_text())["schema"] == progress.SCHEMA


def test_answers_are_saved_beside_scores(progress_file: Path) -> None:
    progress.record_scores("01-language-tradeoffs", {"x": (1, 1)})
    progress.save_answers("checklist", {"openapi_first": True})
    assert progress.load_answers("checklist") == {"openapi_first": True}
    assert "01-language-tradeoffs" in progress.module_scores()


def test_a_corrupt_file_is_reported_and_left_untouched(progress_file: Path) -> None:
    progress_file.write_text('{"modules": {')
    with pytest.raises(progress.ProgressError, match="not valid JSON.*left as it is"):
        progress.record_scores("00-orientation", {"a": (1, 1)})
    assert progress_file.read_text() == '{"modules": {'


def test_a_file_that_is_not_a_record_is_reported(progress_file: Path) -> None:
    progress_file.write_text("[1, 2]")
    with pytest.raises(progress.ProgressError, match="does not hold a progress record"):
        progress.load()


def test_saving_leaves_no_temporary_files(progress_file: Path) -> None:
    for i in range(3):
        progress.record_scores("00-orientation", {"a": (i, 3)})
    assert sorted(p.name for p in progress_file.parent.iterdir()) == ["progress.json"]


def test_checking_some_notebooks_of_a_module_keeps_the_others_results(progress_file: Path) -> None:
    progress.record_scores("03-orm-vs-raw-sql", {"map_models": (2.0, 2.0), "recommend_indexes": (1.0, 3.0)})
    progress.record_scores("03-orm-vs-raw-sql", {"recommend_indexes": (3.0, 3.0)}, merge=True)
    saved = progress.module_scores()["03-orm-vs-raw-sql"]
    assert saved["exercises"]["map_models"] == {"score": 2.0, "max_score": 2.0}
    assert (saved["score"], saved["max_score"]) == (5.0, 5.0)
    progress.record_scores("03-orm-vs-raw-sql", {"recommend_indexes": (0.0, 3.0)})
    assert progress.module_scores()["03-orm-vs-raw-sql"]["exercises"] == {"recommend_indexes": {"score": 0.0, "max_score": 3.0}}
