"""Unit tests for backendlab.labs.career: the skills matrix, evidence from progress, the reference answers, charts and report."""

from __future__ import annotations

import copy
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from backendlab import course, progress
from backendlab.labs import career

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def matrix() -> dict:
    return career.load_matrix()


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty progress file in a temporary folder: never the learner's real one."""
    file = tmp_path / "progress.json"
    file.write_text("", encoding="utf-8")
    monkeypatch.setenv("BACKENDLAB_PROGRESS", str(file))
    return file


def full_evidence(matrix: dict) -> dict:
    return {
        "modules": {m: {"score": 10.0, "max_score": 10.0, "exercises": {}}
                    for m, v in matrix["modules"].items() if v["status"] == "available"},
        "practices": dict.fromkeys(matrix["practices"], True),
    }


# ------------------------------------------------------------------------------------------ the data file


def test_course_matrix_has_four_milestones_in_order_and_the_three_pillars(matrix: dict) -> None:
    assert list(matrix["milestones"]) == ["junior", "mid", "senior", "staff"]
    assert list(matrix["pillars"]) == ["reliability", "scalability", "debuggability"]
    assert {"languages", "api_design", "data", "observability", "security", "performance"} <= set(matrix["topics"])


def test_course_matrix_marks_a_module_available_exactly_when_it_is_authored(matrix: dict) -> None:
    authored = set(course.module_names())
    wrong = {m: v["status"] for m, v in matrix["modules"].items() if (v["status"] == "available") != (m in authored)}
    assert not wrong, f"datasets/skills_matrix.yaml: status must be 'available' exactly for the modules in solutions/: {wrong}"
    assert authored <= set(matrix["modules"]), f"modules missing from the skills matrix: {sorted(authored - set(matrix['modules']))}"
    assert list(matrix["modules"]) == sorted(matrix["modules"]), "the matrix lists modules in course order"
    assert sorted(matrix["modules"])[:6] == [
        "00-orientation", "01-language-tradeoffs", "02-api-first-design", "03-orm-vs-raw-sql", "04-observability", "05-security-by-design",
    ]


def test_course_matrix_lists_the_eleven_modules_in_course_order_with_career_last(matrix: dict) -> None:
    assert list(matrix["modules"]) == sorted(matrix["modules"]) and len(matrix["modules"]) == 11
    assert list(matrix["modules"])[-1] == career.MODULE == "10-career-milestones"
    assert "08-career-milestones" not in matrix["modules"]


def test_course_matrix_bars_never_drop_from_one_milestone_to_the_next(matrix: dict) -> None:
    order = list(matrix["milestones"])
    for skill in matrix["skills"]:
        bars = [matrix["milestones"][m]["bars"].get(skill, 0.0) for m in order]
        assert bars == sorted(bars), f"{skill}: {bars}"


def test_course_matrix_gives_every_milestone_behaviours_for_every_pillar(matrix: dict) -> None:
    for mid, milestone in matrix["milestones"].items():
        for pillar in matrix["pillars"]:
            assert milestone["behaviours"][pillar], f"{mid} has no {pillar} behaviour"


def test_course_matrix_uses_every_practice_and_gives_every_skill_evidence_available_now(matrix: dict) -> None:
    used = {p for s in matrix["skills"].values() for p in s["practices"]}
    assert used == set(matrix["practices"])
    for sid, skill in matrix["skills"].items():
        available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
        assert available or skill["practices"], f"{sid} can never be evidenced"


def test_full_evidence_reaches_every_milestone_and_empty_evidence_none(matrix: dict) -> None:
    ready = career.readiness(full_evidence(matrix), matrix)
    assert all(career.is_ready(v, matrix) for v in ready.values())
    assert ready["junior"] == ready["mid"] == pytest.approx(1.0)
    course_only = copy.deepcopy(full_evidence(matrix))
    course_only["practices"] = {}
    assert career.readiness(course_only, matrix)["staff"] < 1.0  # a course alone never fully evidences staff
    empty = career.readiness(career.empty_evidence(), matrix)
    assert all(v == 0.0 for v in empty.values())
    assert career.current_milestone(empty, matrix) is None


def test_no_skill_draws_evidence_from_the_career_module_itself(matrix: dict) -> None:
    assert [s for s, skill in matrix["skills"].items() if career.MODULE in skill["modules"]] == []


def test_course_matrix_states_scope_impact_direction_and_communication_for_every_milestone(matrix: dict) -> None:
    assert list(matrix["dimensions"]) == ["scope", "impact", "direction", "communication"]
    assert all(d["evidence"] for d in matrix["dimensions"].values())
    for mid, milestone in matrix["milestones"].items():
        assert all(milestone["dimensions"][d] for d in matrix["dimensions"]), mid


# ------------------------------------------------------------------------------------------- validation


def test_validate_matrix_names_an_unknown_skill_in_a_bar(matrix: dict) -> None:
    broken = copy.deepcopy(matrix)
    broken["milestones"]["junior"]["bars"]["kubernetes"] = 0.5
    with pytest.raises(career.MatrixError, match=r"milestones\.junior\.bars.*kubernetes"):
        career.validate_matrix(broken)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["milestones"]["mid"]["bars"].update(contract_first=1.5), r"bars\.contract_first"),
        (lambda m: m["modules"]["06-performance-and-load"].update(status="soon"), r"status"),
        (lambda m: m["skills"]["runtime_cost"].update(modules=["01-languages"]), r"unknown module"),
        (lambda m: m["skills"]["runtime_cost"].update(topic="cooking"), r"topic"),
        (lambda m: m["skills"]["runtime_cost"].update(practices=["yoga"]), r"unknown practice"),
        (lambda m: m.update(evidence_weights={"course": 1}), r"evidence_weights"),
        (lambda m: m.update(ready_at=0), r"ready_at"),
        (lambda m: m.update(self_reported_cap=1.5), r"self_reported_cap"),
        (lambda m: m["milestones"]["mid"].update(dimensions={"charisma": "x"}), r"milestones\.mid\.dimensions.*charisma"),
    ],
)
def test_validate_matrix_rejects_inconsistent_entries_saying_which(matrix: dict, change, message: str) -> None:
    broken = copy.deepcopy(matrix)
    change(broken)
    with pytest.raises(career.MatrixError, match=message):
        career.validate_matrix(broken)


def test_validate_matrix_fills_default_weights_of_one(matrix: dict) -> None:
    raw = copy.deepcopy(matrix)
    raw["milestones"]["junior"]["weights"] = {}
    assert set(career.validate_matrix(raw)["milestones"]["junior"]["weights"].values()) == {1.0}


def test_load_matrix_reports_invalid_yaml_with_the_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "matrix.yaml"
    bad.write_text("skills: [unclosed\n", encoding="utf-8")
    with pytest.raises(career.MatrixError, match="matrix.yaml"):
        career.load_matrix(bad)


def test_load_matrix_reads_an_adapted_copy(tmp_path: Path) -> None:
    text = career.matrix_path().read_text(encoding="utf-8").replace("ready_at: 0.8", "ready_at: 0.7")
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    assert career.load_matrix(tmp_path / "m.yaml")["ready_at"] == 0.7


# ------------------------------------------------------------------------------------ reference answers


def test_skill_levels_on_the_tiny_matrix_match_the_hand_computed_values() -> None:
    levels = career.skill_levels(career.tiny_evidence(), career.tiny_matrix())
    assert levels == pytest.approx({"api": 0.88, "obs": 0.39, "perf": 0.0})


def test_skill_levels_count_a_missing_module_as_zero_and_leave_a_coming_one_out() -> None:
    tiny, ev = career.tiny_matrix(), career.tiny_evidence()
    del ev["modules"]["02-b"]
    ev["practices"]["p_load"] = True
    levels = career.skill_levels(ev, tiny)
    assert levels["obs"] == pytest.approx(0.6 * 0.4)
    assert levels["perf"] == pytest.approx(0.5)  # practices alone: capped at self_reported_cap


def test_skill_levels_treat_max_score_zero_as_no_evidence_and_cap_above_the_maximum() -> None:
    tiny, ev = career.tiny_matrix(), career.tiny_evidence()
    ev["modules"]["01-a"] = {"score": 12, "max_score": 10}
    ev["modules"]["02-b"] = {"score": 4, "max_score": 0}
    levels = career.skill_levels(ev, tiny)
    assert levels["api"] == pytest.approx(1.0)
    assert levels["obs"] == pytest.approx(0.6 * 0.5)


def test_practices_alone_count_at_most_the_self_reported_cap() -> None:
    tiny, ev = career.tiny_matrix(), career.tiny_evidence()
    ev["practices"]["p_load"] = True  # perf: only a coming module, its practice ticked
    assert career.skill_levels(ev, tiny)["perf"] == pytest.approx(0.5)
    tiny["self_reported_cap"] = 0.2
    levels = career.skill_levels(ev, tiny)
    assert levels["perf"] == pytest.approx(0.2)
    assert levels["api"] == pytest.approx(0.88)  # a skill with an available module is not capped


def test_readiness_caps_each_skill_at_its_bar_and_weighs_it() -> None:
    tiny = career.tiny_matrix()
    ready = career.readiness(career.tiny_evidence(), tiny)
    assert ready["junior"] == pytest.approx(1.0)
    assert ready["senior"] == pytest.approx((0.88 / 0.9 + 2 * 0.39 / 0.8 + 0) / 4)


def test_readiness_of_a_milestone_without_bars_is_one() -> None:
    tiny = career.tiny_matrix()
    tiny["milestones"]["senior"]["bars"] = {"api": 0.0}
    assert career.readiness(career.empty_evidence(), tiny)["senior"] == 1.0


def test_current_milestone_is_the_highest_reached_and_counts_every_lower_one(matrix: dict) -> None:
    realistic = {"junior": 0.77, "mid": 0.87, "senior": 0.83, "staff": 0.5}  # the case of issue #13: not "none yet"
    assert career.current_milestone(realistic, matrix) == "senior"
    assert career.next_milestone(realistic, matrix) == "staff"
    ready = {"junior": 0.9, "mid": 0.5, "senior": 0.95, "staff": 0.1}
    assert career.current_milestone(ready, matrix) == "senior"
    assert career.current_milestone({"junior": 0.9, "mid": 0.5, "senior": 0.5, "staff": 0.1}, matrix) == "junior"
    assert career.current_milestone(dict.fromkeys(ready, 0.79), matrix) is None
    assert career.next_milestone(dict.fromkeys(ready, 1.0), matrix) is None
    assert career.next_milestone(dict.fromkeys(ready, 0.0), matrix) == "junior"


def test_gaps_on_the_tiny_matrix_take_obs_then_perf() -> None:
    found = career.gaps(career.tiny_evidence(), career.tiny_matrix(), "senior")
    assert [g["skill"] for g in found] == ["obs", "perf"]
    assert found[0]["impact"] == pytest.approx(2 * (1 - 0.39 / 0.8) / 4)
    assert career.gaps(career.tiny_evidence(), career.tiny_matrix(), "junior") == []


def test_gaps_are_the_fewest_skills_that_reach_the_target_checked_by_brute_force(matrix: dict) -> None:
    rng = random.Random(8)
    evidences = [career.sample_evidence(matrix), career.empty_evidence()]
    for _ in range(4):
        evidences.append({
            "modules": {m: {"score": rng.randint(0, 10), "max_score": 10} for m in matrix["modules"] if rng.random() < 0.7},
            "practices": {p: rng.random() < 0.5 for p in matrix["practices"]},
        })
    for ev in evidences:
        levels = career.skill_levels(ev, matrix)
        for target in ("mid", "senior"):
            found = career.gaps(ev, matrix, target)
            if not found:
                assert career.is_ready(career.readiness_from_levels(levels, matrix)[target], matrix)
                continue
            bars = matrix["milestones"][target]["bars"]
            raised = dict(levels, **{g["skill"]: g["bar"] for g in found})
            assert career.is_ready(career.readiness_from_levels(raised, matrix)[target], matrix)
            below = [s for s, b in bars.items() if b > 0 and levels[s] < b]
            for subset in itertools.islice(itertools.combinations(below, len(found) - 1), 3000):
                smaller = dict(levels, **{s: bars[s] for s in subset})
                assert not career.is_ready(career.readiness_from_levels(smaller, matrix)[target], matrix)


def test_next_steps_put_coming_modules_last_and_merge_a_module_needed_twice() -> None:
    modules = {
        "01-x": {"title": "X", "status": "available", "skills": ["b"], "exercises": {"e": {"score": 1, "max_score": 2}}},
        "02-y": {"title": "Y", "status": "coming", "skills": ["a"], "exercises": {}},
        "03-z": {"title": "Z", "status": "available", "skills": ["a", "b"], "exercises": {}},
    }
    steps = career.next_steps([{"skill": "a"}, {"skill": "b"}], modules)
    assert [s["module"] for s in steps] == ["03-z", "01-x", "02-y"]
    assert steps[0]["skills"] == ["a", "b"]
    assert steps[1]["redo"] == ["e"]


def test_learning_plan_lists_each_unticked_practice_of_the_gap_skills_once(matrix: dict) -> None:
    ev = career.empty_evidence()
    ev["practices"] = {"secrets_outside_repo": True}
    gap_list = [{"skill": "identity_and_secrets"}, {"skill": "identity_and_secrets"}, {"skill": "failure_handling"}]
    plan = career.learning_plan(gap_list, matrix, ev)
    assert plan["practices"] == ["passwords_and_tokens", "timeouts_and_retries"]
    mods = [s["module"] for s in plan["modules"]]
    trained = {m for g in ("identity_and_secrets", "failure_handling") for m in matrix["skills"][g]["modules"]}
    assert sorted(mods) == sorted(trained) and mods[0] == "05-security-by-design"  # each module once; 05 trains both
    statuses = [matrix["modules"][m]["status"] for m in mods]
    assert statuses == sorted(statuses), f"coming modules come last: {list(zip(mods, statuses, strict=True))}"


# ------------------------------------------------------------------------------------------------ report


def test_render_report_parses_back_to_the_evidence_it_was_given(matrix: dict) -> None:
    ev = career.sample_evidence(matrix)
    ready = career.readiness(ev, matrix)
    steps = career.learning_plan(career.gaps(ev, matrix, "mid"), matrix, ev)["modules"]
    md = career.render_report("Proof point", ev, matrix, ready, steps, {"radar": "radar.png", "gaps": "g/gaps.png"}, ["built it"])
    parsed = career.parse_report(md)
    assert parsed["title"] == "Proof point"
    assert [s for s in parsed["sections"] if s in career.REPORT_SECTIONS] == list(career.REPORT_SECTIONS)
    rows = parsed["tables"]["Module scores"][0]["rows"]
    assert [(r[0], float(r[1]), float(r[2]), career.parse_percent(r[3])) for r in rows] == [
        (m, r["score"], r["max_score"], round(100 * r["score"] / r["max_score"])) for m, r in sorted(ev["modules"].items())
    ]
    readiness_rows = parsed["tables"]["Readiness"][0]["rows"]
    assert [career.parse_percent(r[1]) for r in readiness_rows] == [round(100 * v) for v in ready.values()]
    assert [t for _, t in parsed["images"]] == ["radar.png", "g/gaps.png"]
    assert len(parsed["numbered"]["Next steps"]) == len(steps)
    assert parsed["bullets"]["Built and measured"] == ["built it"]


def test_render_report_for_empty_evidence_keeps_the_table_header_and_says_none_yet(matrix: dict) -> None:
    ev = career.empty_evidence()
    md = career.render_report("t", ev, matrix, career.readiness(ev, matrix), [], {}, [])
    parsed = career.parse_report(md)
    assert parsed["tables"]["Module scores"][0]["rows"] == []
    assert "Current milestone: none yet" in parsed["bullets"]["Summary"]


def test_render_report_summary_has_exactly_the_two_bullets_of_its_contract(matrix: dict) -> None:
    ev = career.sample_evidence(matrix)
    md = career.render_report("t", ev, matrix, career.readiness(ev, matrix), [], {}, [])
    assert career.report_facts(md)["summary"] == ["Current milestone: Junior", "Next target: Mid-level"]


def test_render_report_percent_is_round_of_100_times_score_over_max() -> None:
    tiny = career.tiny_matrix()
    ev = {"modules": {"01-a": {"score": 1.0, "max_score": 8.0, "exercises": {}}, "02-b": {"score": 2, "max_score": 3, "exercises": {}},
                      "03-c": {"score": 4, "max_score": 0, "exercises": {}}}, "practices": {}}
    md = career.render_report("t", ev, tiny, career.readiness(ev, tiny), [], {}, [])
    assert career.report_facts(md)["module rows"] == [["01-a", "1", "8", "12%"], ["02-b", "2", "3", "67%"], ["03-c", "4", "0", "0%"]]


def test_generated_cases_are_valid_and_the_reference_gaps_are_the_fewest() -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=200, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(career.generated_cases("gaps"))
    def check(case: tuple) -> None:
        evidence, matrix, target = case
        career.validate_matrix(copy.deepcopy(matrix))
        levels = career.skill_levels(evidence, matrix)
        assert all(type(v) is float and 0.0 <= v <= 1.0 for v in levels.values())
        ready = career.readiness(evidence, matrix)
        assert list(ready) == list(matrix["milestones"]) and all(0.0 <= v <= 1.0 + 1e-12 for v in ready.values())
        found = career.gaps(evidence, matrix, target)
        bars = matrix["milestones"][target]["bars"]

        def reaches(skills: list[str] | tuple[str, ...]) -> bool:
            raised = dict(levels, **{s: bars[s] for s in skills})
            return career.is_ready(career.readiness_from_levels(raised, matrix)[target], matrix)

        assert reaches([g["skill"] for g in found])
        below = [s for s, bar in bars.items() if bar > 0 and levels[s] < bar]
        if found:
            assert not any(reaches(smaller) for smaller in itertools.combinations(below, len(found) - 1))

    check()


def test_generated_report_cases_give_a_report_that_keeps_its_contract() -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(career.generated_cases("report"))
    def check(args: tuple) -> None:
        title, evidence, matrix, ready, steps, plots, highlights = args
        facts = career.report_facts(career.render_report(*args))
        assert facts["title"] == title and facts["sections"] == list(career.REPORT_SECTIONS)
        assert len(facts["summary"]) == 2
        assert [r[0] for r in facts["module rows"]] == sorted(evidence["modules"])
        assert [r[0] for r in facts["readiness rows"]] == [m["title"] for m in matrix["milestones"].values()]
        assert facts["images"] == list(plots.items()) and facts["highlights"] == highlights
        assert facts["steps (module, coming)"] == [(s["module"], s["status"] == "coming") for s in steps]

    check()


def test_rounded_keeps_types_and_the_function_name() -> None:
    def levels() -> dict:
        return {"a": 0.1 + 0.2, "b": 0, "c": [1 / 3, (2.0, True)]}

    got = career.rounded(levels)()
    assert got == {"a": 0.3, "b": 0, "c": [0.333333333, (2.0, True)]}
    assert type(got["b"]) is int and type(got["c"][1][1]) is bool
    assert career.rounded(levels).__name__ == "levels"


def test_parse_report_reads_tables_numbered_items_bullets_and_images() -> None:
    md = "# T\n\n## A\n\n| x | y |\n|---|:---:|\n| 1 | 2% |\n\n1. one\n2) two\n- b\n![alt](p.png) ![b](q.png)\n"
    parsed = career.parse_report(md)
    assert parsed["tables"]["A"] == [{"header": ["x", "y"], "rows": [["1", "2%"]]}]
    assert parsed["numbered"]["A"] == ["one", "two"]
    assert parsed["bullets"]["A"] == ["b"]
    assert parsed["images"] == [("alt", "p.png"), ("b", "q.png")]
    assert career.parse_percent("67%") == 67 and career.parse_percent("0.67") is None


def test_project_readme_carries_the_measured_numbers() -> None:
    text = career.project_readme("svc", "does things", [("GET /x", "x")], ["test_x"], {"p95 (ms)": 1.234})
    assert "| p95 (ms) | 1.23 |" in text and "`test_x`" in text and "| `GET /x` | x |" in text


# -------------------------------------------------------------------------- evidence and the progress file


def test_evidence_from_progress_uses_the_best_score_and_drops_unanswered_practices() -> None:
    modules = {"02-api-first-design": {"score": 4, "max_score": 10, "best_score": 9,
                                       "exercises": {"e1": {"score": 4, "max_score": 10}}, "checked_at": "x"}}
    checklist = {"tests_in_ci": "https://ci.example/run/1", "slo_defined": None, "postmortem_led": True, "x": False, "y": " "}
    ev = career.evidence_from_progress(modules, checklist)
    assert ev["modules"]["02-api-first-design"]["score"] == 9
    assert ev["practices"] == {"tests_in_ci": True, "postmortem_led": False, "x": False}  # a tick without a link is not evidence
    assert ev["links"] == {"tests_in_ci": "https://ci.example/run/1"}


def test_evidence_from_progress_takes_exercises_only_from_the_run_that_counts() -> None:
    worse_latest = {"score": 4, "max_score": 10, "best_score": 9, "exercises": {"e1": {"score": 4, "max_score": 10}}}
    best_latest = {"score": 9, "max_score": 10, "best_score": 9, "exercises": {"e1": {"score": 9, "max_score": 10}}}
    ev = career.evidence_from_progress({"02-api-first-design": worse_latest, "03-orm-vs-raw-sql": best_latest})
    assert ev["modules"]["02-api-first-design"]["exercises"] == {}  # the latest run's losses are not the best run's
    assert ev["modules"]["03-orm-vs-raw-sql"]["exercises"] == {"e1": {"score": 9.0, "max_score": 10.0}}


def test_redo_lists_come_from_the_best_run_after_an_experiment(progress_file: Path, matrix: dict) -> None:
    progress.record_scores("02-api-first-design", {"first": (3.0, 3.0), "second": (2.0, 2.0)})
    progress.record_scores("02-api-first-design", {"first": (0.0, 3.0), "second": (2.0, 2.0)})  # experimenting
    catalogue = career.module_catalogue(matrix, career.load_evidence())
    steps = career.next_steps([{"skill": "contract_first"}], catalogue)
    assert steps[0]["module"] == "02-api-first-design" and steps[0]["redo"] == []


def test_an_empty_progress_file_gives_empty_evidence_and_the_sample_stands_in(progress_file: Path, matrix: dict) -> None:
    mine = career.load_evidence()
    assert career.is_empty(mine)
    sample = career.sample_evidence(matrix)
    assert set(sample["modules"]) <= set(matrix["modules"]) and sample["modules"]
    for record in sample["modules"].values():
        assert sum(e["score"] for e in record["exercises"].values()) == record["score"]
        assert sum(e["max_score"] for e in record["exercises"].values()) == record["max_score"]
    assert career.current_milestone(career.readiness(sample, matrix), matrix) == "junior"


def test_a_full_progress_file_drives_readiness_gaps_and_report(progress_file: Path, matrix: dict) -> None:
    for module, entry in matrix["modules"].items():
        if entry["status"] == "available":
            progress.record_scores(module, {"first": (3.0, 3.0), "second": (2.0, 2.0)})
    career.record_checklist({p: f"https://git.example/pr/{i}" for i, p in enumerate(matrix["practices"])}, matrix)
    mine = career.load_evidence()
    available = [m for m, e in matrix["modules"].items() if e["status"] == "available"]
    assert len(mine["modules"]) == len(available) and all(mine["practices"].values())
    ready = career.readiness(mine, matrix)
    assert career.current_milestone(ready, matrix) == "staff"
    assert career.gaps(mine, matrix, "staff") == []
    md = career.render_report("me", mine, matrix, ready, [], {}, [])
    assert "Next target: none (top milestone reached)" in career.parse_report(md)["bullets"]["Summary"]


def test_an_old_progress_file_keyed_08_career_milestones_still_gives_the_evidence(progress_file: Path, matrix: dict) -> None:
    old = {"score": 4.0, "max_score": 10.0, "best_score": 9.0, "checked_at": "2026-10-01T10:00:00+00:00",
           "exercises": {"skill_levels": {"score": 4.0, "max_score": 10.0}}}
    scores = {"score": 3.0, "max_score": 3.0, "best_score": 3.0, "checked_at": "2026-10-01T10:00:00+00:00",
              "exercises": {"e": {"score": 3.0, "max_score": 3.0}}}
    progress_file.write_text(json.dumps({"schema": 1, "modules": {"08-career-milestones": old, "02-api-first-design": scores},
                                         "answers": {"08-career-milestones/checklist": {"tests_in_ci": "https://ci.example/1"}}}))
    assert career.CHECKLIST_KEY == "10-career-milestones/checklist"
    assert career.saved_checklist() == {"tests_in_ci": "https://ci.example/1"}
    mine = career.load_evidence()
    assert sorted(mine["modules"]) == ["02-api-first-design", career.MODULE]
    assert mine["modules"][career.MODULE]["score"] == 9.0 and mine["practices"] == {"tests_in_ci": True}
    assert "08-career-milestones" not in json.loads(progress_file.read_text())["modules"]


def test_module_08_ai_in_the_backend_is_evidence_for_failure_handling_and_secure_inputs(matrix: dict) -> None:
    trained_by_08 = [s for s, skill in matrix["skills"].items() if "08-ai-in-the-backend" in skill["modules"]]
    assert trained_by_08 == ["secure_inputs", "failure_handling"]
    ev = career.evidence_from_progress({"08-ai-in-the-backend": {"score": 25.0, "max_score": 25.0, "best_score": 25.0, "exercises": {}}})
    alone = copy.deepcopy(matrix)  # 08 as the only available module that trains failure_handling
    for m in alone["skills"]["failure_handling"]["modules"]:
        if m != "08-ai-in-the-backend":
            alone["modules"][m]["status"] = "coming"
    assert career.skill_levels(ev, alone)["failure_handling"] == pytest.approx(0.6)
    assert 0.0 < career.skill_levels(ev, matrix)["failure_handling"] <= 0.6


def test_evidence_of_every_module_is_read_the_capstone_included_once_it_is_available(matrix: dict) -> None:
    modules = {m: {"score": 5.0, "max_score": 10.0, "best_score": 5.0, "exercises": {}} for m in matrix["modules"]}
    ev = career.evidence_from_progress(modules)
    assert sorted(ev["modules"]) == sorted(matrix["modules"])
    live = copy.deepcopy(matrix)
    live["modules"]["09-capstone"]["status"] = "coming"
    assert career.skill_levels(ev, live)["technical_leadership"] == 0.0  # capstone coming: no course part yet
    live["modules"]["09-capstone"]["status"] = "available"
    assert career.skill_levels(ev, live)["technical_leadership"] == pytest.approx(0.6 * 0.5)


def test_record_checklist_saves_answers_and_keeps_earlier_ones_for_none(progress_file: Path, matrix: dict) -> None:
    career.record_checklist({"tests_in_ci": "https://ci.example/run/7", "slo_defined": False}, matrix)
    merged = career.record_checklist({"tests_in_ci": None, "slo_defined": " dashboards/slo.json "}, matrix)
    assert merged == {"tests_in_ci": "https://ci.example/run/7", "slo_defined": "dashboards/slo.json"}
    saved = json.loads(progress_file.read_text(encoding="utf-8"))
    assert saved["answers"][career.CHECKLIST_KEY] == merged


def test_record_checklist_writes_nothing_when_nothing_was_answered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, matrix: dict) -> None:
    file = tmp_path / "absent.json"
    monkeypatch.setenv("BACKENDLAB_PROGRESS", str(file))
    assert career.record_checklist(dict.fromkeys(matrix["practices"]), matrix) == {}
    assert not file.exists()


def test_record_checklist_rejects_unknown_ids_and_non_boolean_answers(progress_file: Path, matrix: dict) -> None:
    with pytest.raises(ValueError, match="tests_in_cl"):
        career.record_checklist({"tests_in_cl": "x"}, matrix)
    with pytest.raises(ValueError, match="evidence link"):
        career.record_checklist({"tests_in_ci": True}, matrix)
    with pytest.raises(ValueError, match="evidence link"):
        career.record_checklist({"tests_in_ci": "  "}, matrix)
    with pytest.raises(ValueError, match="False or None"):
        career.record_checklist({"tests_in_ci": 1}, matrix)


# ----------------------------------------------------------------------------------- portfolio and charts


def test_portfolio_dir_honours_the_environment_and_keeps_samples_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKENDLAB_PORTFOLIO", str(tmp_path / "pf"))
    assert career.portfolio_dir() == tmp_path / "pf"
    assert career.portfolio_dir(sample=True) == tmp_path / "pf" / "sample"
    assert (tmp_path / "pf" / "sample").is_dir()


def test_radar_chart_draws_one_ring_per_milestone_plus_the_learner(matrix: dict, tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    fig = career.radar_chart(career.skill_levels(career.sample_evidence(matrix), matrix), matrix)
    try:
        ax = fig.axes[0]
        assert len(ax.get_lines()) == len(matrix["milestones"]) + 1
        assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == list(matrix["topics"].values())
        fig.savefig(tmp_path / "radar.png")
        assert (tmp_path / "radar.png").stat().st_size > 10_000
    finally:
        plt.close(fig)


def test_progress_chart_labels_axes_and_marks_coming_and_unchecked_modules(matrix: dict) -> None:
    import matplotlib.pyplot as plt

    fig = career.progress_chart(career.sample_evidence(matrix), matrix)
    try:
        ax = fig.axes[0]
        texts = [t.get_text() for t in ax.texts]
        coming = sum(e["status"] == "coming" for e in matrix["modules"].values())
        assert texts.count("coming") == coming and "not checked yet" in texts
        assert "%" in ax.get_xlabel() and ax.get_title()
    finally:
        plt.close(fig)


def test_importing_career_loads_neither_matplotlib_nor_writes_files(tmp_path: Path) -> None:
    code = "import sys, backendlab.labs.career; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60, check=True)
    assert out.stdout.strip() == "False"
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------ the capstone's report as evidence


def write_capstone_report(sections: dict[str, tuple[bool, dict[str, str]]]) -> Path:
    """Save sections and write the report the way the capstone's notebooks do (the capstone's own code)."""
    from backendlab.labs import capstone

    for name, (ok, parts) in sections.items():
        capstone.save_section(name, ok, f"{name} measured", {}, parts)
    return capstone.write_report("tester")


def test_career_reads_the_capstone_report_the_capstone_wrote_and_credits_only_passed_parts_of_yours(portfolio: Path) -> None:
    assert career.capstone_evidence(portfolio) is None and career.capstone_highlights(None) == []
    report = write_capstone_report({"contract": (True, {"booking_api": "yours", "booking_store": "reference"}),
                                    "security": (False, {"guard": "yours"}),
                                    "integrity": (True, {"booking_store": "reference"})})
    found = career.capstone_evidence(portfolio)
    assert found is not None and found["report"] == report
    assert found["passed"] == ["contract", "integrity"] and found["failed"] == ["security"]
    assert found["missing"] == ["observability", "resilience", "load"]
    assert found["earned"] == ["contract"]  # integrity passed on the course's store alone: not the learner's evidence
    assert found["yours"] == ["booking_api"]  # the guard's section failed; the store was the course's
    first, second = career.capstone_highlights(found)
    assert "my parts (booking_api) passed 1 of 6" in first and str(report) in first
    assert "guard" not in first and "data integrity" not in first
    assert "data integrity" in second and "the attack suite" in second and "fault drills" in second


def test_career_finds_the_capstone_report_in_the_portfolio_without_a_progress_note(portfolio: Path, progress_file: Path) -> None:
    write_capstone_report({name: (True, {"x": "reference"}) for name in career.CAPSTONE_AREAS})
    progress_file.write_text("", encoding="utf-8")  # the note is gone (a new progress file); the report is still there
    found = career.capstone_evidence(portfolio)
    assert found is not None and len(found["passed"]) == 6 and found["earned"] == [] and found["yours"] == []
    assert career.capstone_highlights(found) == []  # all six passed, on the course's parts: nothing to claim
    write_capstone_report({name: (True, {"mine": "yours"}) for name in career.CAPSTONE_AREAS})
    assert career.capstone_highlights(career.capstone_evidence(portfolio)) == [
        f"Capstone bookings service (module 09): my parts (mine) passed 6 of 6 suites the course ran against it "
        f"({', '.join(career.CAPSTONE_AREAS.values())}); report: {portfolio / 'capstone' / 'report.md'}"]


def test_a_corrupt_capstone_report_is_named_with_what_to_do(portfolio: Path) -> None:
    write_capstone_report({"contract": (True, {})})
    file = portfolio / "capstone" / "report.json"
    file.write_text('{"sections": [1, 2', encoding="utf-8")
    with pytest.raises(ValueError, match=r"report\.json is not a capstone report.*Re-run"):
        career.capstone_evidence(portfolio)
