"""Generated cases for the hidden tests' property checks, and rounding for exact comparison with the reference."""

from __future__ import annotations

from typing import Any

from backendlab.labs.career.evidence import empty_evidence
from backendlab.labs.career.matrix import validate_matrix
from backendlab.labs.career.plan import gaps, module_catalogue, next_steps
from backendlab.labs.career.readiness import next_milestone, readiness


def rounded(fn: Any, digits: int = 9) -> Any:
    """fn with every float in its result rounded to `digits` decimals (ints, bools and other types kept as they are).

    Property checks compare a learner's answer with the reference exactly and type by type; this keeps a correct
    answer that adds the same numbers in another order (a difference of 1e-16) from failing.
    """
    def round_floats(value: Any) -> Any:
        if isinstance(value, float):
            return float(round(value, digits))
        if type(value) is dict:
            return {k: round_floats(v) for k, v in value.items()}
        if type(value) is list:
            return [round_floats(v) for v in value]
        if type(value) is tuple:
            return tuple(round_floats(v) for v in value)
        return value

    def wrapper(*args: Any) -> Any:
        return round_floats(fn(*args))

    wrapper.__name__ = getattr(fn, "__name__", "your function")
    return wrapper


GENERATED_SKILLS = ("s3", "s1", "s4", "s2")  # not in sorted order, so that an order mistake shows
GENERATED_MILESTONES = ("m2", "m1", "m3")


def generated_cases(kind: str) -> Any:
    """A Hypothesis strategy of small valid inputs for the exercises' property checks (hidden tests).

    kind "levels": (evidence, matrix); "gaps": (evidence, matrix, target); "next_steps": (gaps, modules);
    "report": the seven arguments of render_report. Matrices have 1-4 modules (some coming), 0-3 practices,
    1-4 skills and 1-3 milestones whose ids are out of sorted order; bars and weights include 0, ties and
    omitted weights; evidence includes missing modules, a score above its maximum, max_score 0 and
    unanswered practices; self_reported_cap varies (0.5, 0.3, 1.0, 0.0). Readiness across milestones need not rise
    (that happens with real evidence too).
    """
    from hypothesis import strategies as st

    @st.composite
    def case(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        module_ids = [f"0{i}-m" for i in range(draw(st.integers(1, 4)))]
        practice_ids = [f"p{i}" for i in range(1, draw(st.integers(0, 3)) + 1)]
        skill_ids = list(draw(st.permutations(GENERATED_SKILLS)))[: draw(st.integers(1, 4))]
        milestone_ids = list(draw(st.permutations(GENERATED_MILESTONES)))[: draw(st.integers(1, 3))]
        bar_values = st.sampled_from([None, 0.5, 0.8, 0.3, 1.0, 0.6, 0.75, 0.2, 0.0])
        raw = {
            "ready_at": draw(st.sampled_from([0.8, 0.5, 0.6, 0.75, 1.0])),
            "self_reported_cap": draw(st.sampled_from([0.5, 0.3, 1.0, 0.0])),
            "evidence_weights": {"course": draw(st.sampled_from([0.6, 1.0, 0.5, 2.0])),
                                 "practices": draw(st.sampled_from([0.4, 1.0, 0.5, 3.0]))},
            "pillars": {"reliability": "Reliability"},
            "topics": {"t": "Topic"},
            "modules": {m: {"title": f"Module {m}", "status": draw(st.sampled_from(["available", "available", "coming"]))}
                        for m in module_ids},
            "practices": {p: f"Practice {p}" for p in practice_ids},
            "skills": {s: {"title": s.upper(), "topic": "t",
                           "modules": draw(st.lists(st.sampled_from(module_ids), unique=True, max_size=3)),
                           "practices": draw(st.lists(st.sampled_from(practice_ids), unique=True, max_size=2))
                           if practice_ids else []}
                       for s in skill_ids},
            "milestones": {},
        }
        omitted: dict[str, list[str]] = {}
        for mid in milestone_ids:
            bars = {s: bar for s in skill_ids if (bar := draw(bar_values)) is not None}
            weights = {s: draw(st.sampled_from([1, 2, 3, None, 0.5])) for s in bars}
            omitted[mid] = [s for s, w in weights.items() if w is None]
            raw["milestones"][mid] = {"title": f"Milestone {mid}", "bars": bars,
                                      "weights": {s: w for s, w in weights.items() if w is not None}}
        matrix = validate_matrix(raw)
        for mid, skills in omitted.items():  # an instructor may leave a weight out: it then defaults to 1
            for s in skills:
                del matrix["milestones"][mid]["weights"][s]
        evidence = empty_evidence()
        for m in draw(st.permutations(module_ids)):  # evidence in any order: reports sort it themselves
            if draw(st.booleans()):
                maximum = draw(st.sampled_from([10, 0, 3, 4, 6, 8, 12]))
                score = draw(st.integers(0, maximum + 2))
                number = draw(st.sampled_from([float, int]))
                exercises = {}
                for e in draw(st.lists(st.sampled_from(["e2", "e1", "e3"]), unique=True, max_size=3)):
                    e_max = draw(st.sampled_from([2, 3, 1]))
                    exercises[e] = {"score": float(draw(st.sampled_from([0, 1, 0.5, 2, 3])) % (e_max + 1)), "max_score": float(e_max)}
                evidence["modules"][m] = {"score": number(score), "max_score": number(maximum), "exercises": exercises}
        for p in practice_ids:
            answer = draw(st.sampled_from([True, False, None]))
            if answer is not None:
                evidence["practices"][p] = answer
        return evidence, matrix

    if kind == "levels":
        return case()
    if kind == "gaps":
        return case().flatmap(lambda c: st.tuples(st.just(c[0]), st.just(c[1]), st.sampled_from(list(c[1]["milestones"]))))
    if kind == "next_steps":
        def steps_args(c: tuple[dict[str, Any], dict[str, Any]]) -> Any:
            evidence, matrix = c
            skill = st.sampled_from([*matrix["skills"], "untrained"])
            gap_lists = st.lists(skill, unique=True, max_size=4).map(
                lambda skills: [{"skill": s, "level": 0.0, "bar": 0.5, "impact": round(1 / (i + 2), 6)} for i, s in enumerate(skills)])
            return st.tuples(gap_lists, st.just(module_catalogue(matrix, evidence)))
        return case().flatmap(steps_args)
    if kind == "report":
        def report_args(c: tuple[dict[str, Any], dict[str, Any]]) -> Any:
            evidence, matrix = c
            ready = readiness(evidence, matrix)
            target = next_milestone(ready, matrix) or list(matrix["milestones"])[-1]
            steps = next_steps(gaps(evidence, matrix, target), module_catalogue(matrix, evidence))
            plots = st.dictionaries(st.sampled_from(["radar", "progress", "gaps"]),
                                    st.sampled_from(["radar.png", "charts/progress.png", "../out/gaps.png"]), max_size=3)
            highlights = st.lists(st.sampled_from(["Built an API", "p95 1.5 ms", "Cut p99 by 40%"]), max_size=3)
            return st.tuples(st.sampled_from(["Proof point", "Proof point — 2026"]), st.just(evidence), st.just(matrix),
                             st.just(ready), st.just(steps), plots, highlights)
        return case().flatmap(report_args)
    raise ValueError(f"kind must be levels, gaps, next_steps or report, got {kind!r}")
