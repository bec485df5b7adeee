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


# ------------------------------------------------------------------ modules that moved folder (issue #18)

OLD, NEW = "08-career-milestones", "10-career-milestones"


def write_record(file: Path, modules: dict, answers: dict | None = None) -> None:
    file.write_text(json.dumps({"schema": 1, "modules": modules, "answers": answers or {}}), encoding="utf-8")


def run(score: float, best: float, checked_at: str, maximum: float = 10.0) -> dict:
    return {"score": score, "max_score": maximum, "best_score": best, "checked_at": checked_at,
            "exercises": {"skill_levels": {"score": score, "max_score": maximum}}}


def test_the_career_module_moved_from_08_to_10() -> None:
    assert progress.RENAMED_MODULES == {OLD: NEW}


def test_an_old_career_record_is_renamed_on_first_read_and_saved_back(progress_file: Path) -> None:
    old_run = run(7.0, 9.0, "2026-10-01T10:00:00+00:00")
    checklist = {"tests_in_ci": "https://ci.example/run/1", "slo_defined": False}
    write_record(progress_file, {OLD: old_run, "02-api-first-design": run(3.0, 3.0, "2026-10-02T10:00:00+00:00")},
                 {f"{OLD}/checklist": checklist, "other": [1]})
    scores = progress.module_scores()
    assert OLD not in scores and scores[NEW] == old_run  # moved as it is: score, best score, exercises, date
    assert scores["02-api-first-design"]["score"] == 3.0
    assert progress.load_answers(f"{NEW}/checklist") == checklist and progress.load_answers(f"{OLD}/checklist") is None
    saved = json.loads(progress_file.read_text(encoding="utf-8"))  # written back once, atomically
    assert OLD not in saved["modules"] and saved["modules"][NEW] == old_run
    assert saved["answers"] == {f"{NEW}/checklist": checklist, "other": [1]}
    assert sorted(p.name for p in progress_file.parent.iterdir()) == ["progress.json"]


def test_a_second_read_changes_nothing(progress_file: Path) -> None:
    write_record(progress_file, {OLD: run(7.0, 9.0, "2026-10-01T10:00:00+00:00")})
    progress.load()
    first = progress_file.read_text(encoding="utf-8")
    assert progress.load()["modules"][NEW]["best_score"] == 9.0
    assert progress_file.read_text(encoding="utf-8") == first


def test_both_names_keep_the_newer_run_and_the_better_best_score(progress_file: Path) -> None:
    older_but_better = run(9.0, 9.0, "2026-10-01T10:00:00+00:00")
    newer_but_worse = run(4.0, 5.0, "2026-11-20T10:00:00+00:00")
    write_record(progress_file, {OLD: older_but_better, NEW: newer_but_worse})
    entry = progress.module_scores()[NEW]
    assert (entry["score"], entry["checked_at"], entry["exercises"]) == (4.0, newer_but_worse["checked_at"], newer_but_worse["exercises"])
    assert entry["best_score"] == 9.0  # never lose a score
    write_record(progress_file, {OLD: run(6.0, 6.0, "2026-11-25T10:00:00+00:00"), NEW: run(2.0, 8.0, "2026-11-01T10:00:00+00:00")})
    entry = progress.module_scores()[NEW]
    assert (entry["score"], entry["best_score"], entry["checked_at"]) == (6.0, 8.0, "2026-11-25T10:00:00+00:00")


def test_both_names_on_the_same_date_keep_the_new_name_and_a_score_above_best_counts(progress_file: Path) -> None:
    same = "2026-11-01T10:00:00+00:00"
    write_record(progress_file, {OLD: {"score": 8.0, "max_score": 10.0, "checked_at": same}, NEW: run(3.0, 3.0, same)})
    entry = progress.module_scores()[NEW]
    assert (entry["score"], entry["best_score"]) == (3.0, 8.0)


def test_both_checklists_merge_and_the_new_answers_win(progress_file: Path) -> None:
    write_record(progress_file, {}, {f"{OLD}/checklist": {"tests_in_ci": "old-link", "slo_defined": "dash"},
                                     f"{NEW}/checklist": {"tests_in_ci": "new-link"}})
    assert progress.load_answers(f"{NEW}/checklist") == {"tests_in_ci": "new-link", "slo_defined": "dash"}


def test_a_migrated_record_keeps_its_best_score_through_the_next_check(progress_file: Path) -> None:
    write_record(progress_file, {OLD: run(9.0, 9.0, "2026-10-01T10:00:00+00:00")})
    progress.record_scores(NEW, {"skill_levels": (2.0, 10.0)})
    entry = progress.module_scores()[NEW]
    assert (entry["score"], entry["best_score"]) == (2.0, 9.0)


def test_a_progress_file_that_cannot_be_written_is_still_migrated_in_memory(progress_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_record(progress_file, {OLD: run(7.0, 9.0, "2026-10-01T10:00:00+00:00")})
    before = progress_file.read_text(encoding="utf-8")

    def read_only(record: dict) -> Path:
        raise PermissionError(13, "Permission denied", str(progress_file))

    monkeypatch.setattr(progress, "_save", read_only)  # a shared, read-only install (root can write anything here)
    assert progress.module_scores()[NEW]["best_score"] == 9.0
    assert progress_file.read_text(encoding="utf-8") == before
