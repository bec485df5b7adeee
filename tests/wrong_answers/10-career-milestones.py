"""Plausible wrong answers for module 10 (career milestones; module 08 until issue #18): each must lose points on its own exercise.

Per exercise: seven written by a red team from the student notebook alone, before the tests were reworked,
then one kept from the first set (the others of that set were redundant with these, or dropped to stay at eight,
the number of graded executions per variant).
After issue #13 (self-reported cap, current milestone = the highest reached) three per changed exercise were
written from the new docstrings before the tests: skill_levels and render_report have ten, the module ten runs.
"""

WRONG_ANSWERS = {
    'skill_levels': [
        (
            'a score above max_score is not capped: the course part can exceed 1 (docstring: a fraction above 1 counts 1)',
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, s in matrix["skills"].items():
        available = [m for m in s["modules"] if matrix["modules"][m]["status"] == "available"]
        fractions = []
        for m in available:
            rec = evidence.get("modules", {}).get(m)
            if not rec or not rec["max_score"]:
                fractions.append(0.0)
            else:
                fractions.append(rec["score"] / rec["max_score"])
        num = den = 0.0
        if available:
            num += wc * sum(fractions) / len(fractions)
            den += wc
        if s["practices"]:
            num += wp * sum(ticked.get(p) is True for p in s["practices"]) / len(s["practices"])
            den += wp
        levels[skill_id] = num / den if den else 0.0
    return levels
''',
        ),
        (
            'coming modules are averaged in as 0 instead of being left out of the course part',
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, s in matrix["skills"].items():
        available = list(s["modules"])
        fractions = []
        for m in available:
            rec = evidence.get("modules", {}).get(m)
            if not rec or not rec["max_score"]:
                fractions.append(0.0)
            else:
                fractions.append(min(rec["score"] / rec["max_score"], 1.0))
        num = den = 0.0
        if s['modules']:
            num += wc * sum(fractions) / len(fractions)
            den += wc
        if s["practices"]:
            num += wp * sum(ticked.get(p) is True for p in s["practices"]) / len(s["practices"])
            den += wp
        levels[skill_id] = num / den if den else 0.0
    return levels
''',
        ),
        (
            'a skill with no practice keeps the practice part (0) and its weight instead of leaving it out',
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, s in matrix["skills"].items():
        available = [m for m in s["modules"] if matrix["modules"][m]["status"] == "available"]
        fractions = []
        for m in available:
            rec = evidence.get("modules", {}).get(m)
            if not rec or not rec["max_score"]:
                fractions.append(0.0)
            else:
                fractions.append(min(rec["score"] / rec["max_score"], 1.0))
        num = den = 0.0
        if available:
            num += wc * sum(fractions) / len(fractions)
            den += wc
        share = sum(ticked.get(p) is True for p in s["practices"]) / len(s["practices"]) if s["practices"] else 0.0
        num += wp * share
        den += wp
        levels[skill_id] = num / den if den else 0.0
    return levels
''',
        ),
        (
            'modules missing from the evidence are skipped (mean over the checked modules) instead of counting 0',
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, s in matrix["skills"].items():
        available = [m for m in s["modules"] if matrix["modules"][m]["status"] == "available"]
        fractions = []
        for m in available:
            rec = evidence.get("modules", {}).get(m)
            if rec is None:
                continue
            fractions.append(min(rec["score"] / rec["max_score"], 1.0) if rec["max_score"] else 0.0)
        num = den = 0.0
        if fractions:
            num += wc * sum(fractions) / len(fractions)
            den += wc
        if s["practices"]:
            num += wp * sum(ticked.get(p) is True for p in s["practices"]) / len(s["practices"])
            den += wp
        levels[skill_id] = num / den if den else 0.0
    return levels
''',
        ),
        (
            "practices alone are not capped: one ticked box on a skill whose modules are all coming gives 1.0",
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    - self-reported evidence is capped: for a skill with no available module (judged on practices alone),
      level = min(practice part, matrix["self_reported_cap"]).
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    modules = evidence.get("modules", {})
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, skill in matrix["skills"].items():
        parts = []
        available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
        if available:
            fractions = []
            for m in available:
                record = modules.get(m)
                if not record or not record.get("max_score"):
                    fractions.append(0.0)
                else:
                    fractions.append(min(record["score"] / record["max_score"], 1.0))
            parts.append((wc, sum(fractions) / len(fractions)))
        if skill["practices"]:
            done = sum(1 for p in skill["practices"] if ticked.get(p) is True)
            parts.append((wp, done / len(skill["practices"])))
        total = sum(w for w, _ in parts)
        levels[skill_id] = sum(w * v for w, v in parts) / total if total else 0.0
    return levels
''',
        ),
        (
            "result in sorted skill-id order instead of matrix['skills'] order",
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, s in matrix["skills"].items():
        available = [m for m in s["modules"] if matrix["modules"][m]["status"] == "available"]
        fractions = []
        for m in available:
            rec = evidence.get("modules", {}).get(m)
            if not rec or not rec["max_score"]:
                fractions.append(0.0)
            else:
                fractions.append(min(rec["score"] / rec["max_score"], 1.0))
        num = den = 0.0
        if available:
            num += wc * sum(fractions) / len(fractions)
            den += wc
        if s["practices"]:
            num += wp * sum(ticked.get(p) is True for p in s["practices"]) / len(s["practices"])
            den += wp
        levels[skill_id] = num / den if den else 0.0
    return dict(sorted(levels.items()))
''',
        ),
        (
            'a skill with neither an available module nor a practice gets int 0, not the float 0.0 the docstring fixes',
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, s in matrix["skills"].items():
        available = [m for m in s["modules"] if matrix["modules"][m]["status"] == "available"]
        fractions = []
        for m in available:
            rec = evidence.get("modules", {}).get(m)
            if not rec or not rec["max_score"]:
                fractions.append(0.0)
            else:
                fractions.append(min(rec["score"] / rec["max_score"], 1.0))
        num = den = 0.0
        if available:
            num += wc * sum(fractions) / len(fractions)
            den += wc
        if s["practices"]:
            num += wp * sum(ticked.get(p) is True for p in s["practices"]) / len(s["practices"])
            den += wp
        levels[skill_id] = num / den if den else 0
    return levels
''',
        ),
        (
            'a fixed 50/50 blend of course and practices, ignoring evidence_weights',
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1."""

    levels = {}
    for skill_id, skill in matrix["skills"].items():
        available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
        parts = []
        if available:
            fr = []
            for m in available:
                rec = evidence["modules"].get(m)
                fr.append(min(rec["score"] / rec["max_score"], 1.0) if rec and rec["max_score"] else 0.0)
            parts.append(sum(fr) / len(fr))
        if skill["practices"]:
            parts.append(sum(evidence["practices"].get(p) is True for p in skill["practices"]) / len(skill["practices"]))
        levels[skill_id] = sum(parts) / len(parts) if parts else 0.0
    return levels
''',
        ),
        (
            "the cap is applied to every skill's level, also those judged on available modules",
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    - self-reported evidence is capped: for a skill with no available module (judged on practices alone),
      level = min(practice part, matrix["self_reported_cap"]).
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    modules = evidence.get("modules", {})
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, skill in matrix["skills"].items():
        parts = []
        available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
        if available:
            fractions = []
            for m in available:
                record = modules.get(m)
                if not record or not record.get("max_score"):
                    fractions.append(0.0)
                else:
                    fractions.append(min(record["score"] / record["max_score"], 1.0))
            parts.append((wc, sum(fractions) / len(fractions)))
        if skill["practices"]:
            done = sum(1 for p in skill["practices"] if ticked.get(p) is True)
            parts.append((wp, done / len(skill["practices"])))
        total = sum(w for w, _ in parts)
        levels[skill_id] = sum(w * v for w, v in parts) / total if total else 0.0
        levels[skill_id] = min(levels[skill_id], matrix["self_reported_cap"])
    return levels
''',
        ),
        (
            "the cap is hard-coded to 0.5 instead of read from matrix['self_reported_cap']",
            '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    - self-reported evidence is capped: for a skill with no available module (judged on practices alone),
      level = min(practice part, matrix["self_reported_cap"]).
    """
    wc = matrix["evidence_weights"]["course"]
    wp = matrix["evidence_weights"]["practices"]
    modules = evidence.get("modules", {})
    ticked = evidence.get("practices", {})
    levels = {}
    for skill_id, skill in matrix["skills"].items():
        parts = []
        available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
        if available:
            fractions = []
            for m in available:
                record = modules.get(m)
                if not record or not record.get("max_score"):
                    fractions.append(0.0)
                else:
                    fractions.append(min(record["score"] / record["max_score"], 1.0))
            parts.append((wc, sum(fractions) / len(fractions)))
        if skill["practices"]:
            done = sum(1 for p in skill["practices"] if ticked.get(p) is True)
            parts.append((wp, done / len(skill["practices"])))
        total = sum(w for w, _ in parts)
        levels[skill_id] = sum(w * v for w, v in parts) / total if total else 0.0
        if not available:
            levels[skill_id] = min(levels[skill_id], 0.5)
    return levels
''',
        ),
    ],
    'readiness': [
        (
            "caps the total readiness at 1 instead of each skill's min(level / bar, 1): over-achievement hides gaps",
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order).

    Use the reference levels: levels = career.skill_levels(evidence, matrix).
    For a milestone m = matrix["milestones"][milestone_id], over the skills s with m["bars"][s] > 0:
        readiness = sum(w_s * min(levels[s] / bar_s, 1)) / sum(w_s),   w_s = m["weights"].get(s, 1)
    A milestone with no bar above 0 asks for nothing: its readiness is 1.0.
    """
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for milestone_id, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            if bar <= 0:
                continue
            w = m["weights"].get(s, 1)
            num += w * levels[s] / bar
            den += w
        result[milestone_id] = min(num / den, 1.0) if den else 1.0
    return result
''',
        ),
        (
            'a milestone with no bar above 0 gets 0.0 (nothing / nothing) instead of 1.0',
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order).

    Use the reference levels: levels = career.skill_levels(evidence, matrix).
    For a milestone m = matrix["milestones"][milestone_id], over the skills s with m["bars"][s] > 0:
        readiness = sum(w_s * min(levels[s] / bar_s, 1)) / sum(w_s),   w_s = m["weights"].get(s, 1)
    A milestone with no bar above 0 asks for nothing: its readiness is 1.0.
    """
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for milestone_id, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            if bar <= 0:
                continue
            w = m["weights"].get(s, 1)
            num += w * min(levels[s] / bar, 1)
            den += w
        result[milestone_id] = num / den if den else 0.0
    return result
''',
        ),
        (
            'a bar of 0 is counted as met (1, with its weight) instead of being left out',
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order).

    Use the reference levels: levels = career.skill_levels(evidence, matrix).
    For a milestone m = matrix["milestones"][milestone_id], over the skills s with m["bars"][s] > 0:
        readiness = sum(w_s * min(levels[s] / bar_s, 1)) / sum(w_s),   w_s = m["weights"].get(s, 1)
    A milestone with no bar above 0 asks for nothing: its readiness is 1.0.
    """
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for milestone_id, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            w = m["weights"].get(s, 1)
            num += w * (min(levels[s] / bar, 1) if bar > 0 else 1)
            den += w
        result[milestone_id] = num / den if den else 1.0
    return result
''',
        ),
        (
            'a milestone with no bar gets int 1 instead of the float 1.0',
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order).

    Use the reference levels: levels = career.skill_levels(evidence, matrix).
    For a milestone m = matrix["milestones"][milestone_id], over the skills s with m["bars"][s] > 0:
        readiness = sum(w_s * min(levels[s] / bar_s, 1)) / sum(w_s),   w_s = m["weights"].get(s, 1)
    A milestone with no bar above 0 asks for nothing: its readiness is 1.0.
    """
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for milestone_id, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            if bar <= 0:
                continue
            w = m["weights"].get(s, 1)
            num += w * min(levels[s] / bar, 1)
            den += w
        result[milestone_id] = num / den if den else 1
    return result
''',
        ),
        (
            'a weight of 0 is replaced by the default 1 (`or 1` treats the falsy 0 as missing)',
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order).

    Use the reference levels: levels = career.skill_levels(evidence, matrix).
    For a milestone m = matrix["milestones"][milestone_id], over the skills s with m["bars"][s] > 0:
        readiness = sum(w_s * min(levels[s] / bar_s, 1)) / sum(w_s),   w_s = m["weights"].get(s, 1)
    A milestone with no bar above 0 asks for nothing: its readiness is 1.0.
    """
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for milestone_id, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            if bar <= 0:
                continue
            w = m["weights"].get(s) or 1
            num += w * min(levels[s] / bar, 1)
            den += w
        result[milestone_id] = num / den if den else 1.0
    return result
''',
        ),
        (
            "writes the default weights into the caller's matrix (setdefault mutates matrix['milestones'][...]['weights'])",
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order).

    Use the reference levels: levels = career.skill_levels(evidence, matrix).
    For a milestone m = matrix["milestones"][milestone_id], over the skills s with m["bars"][s] > 0:
        readiness = sum(w_s * min(levels[s] / bar_s, 1)) / sum(w_s),   w_s = m["weights"].get(s, 1)
    A milestone with no bar above 0 asks for nothing: its readiness is 1.0.
    """
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for milestone_id, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            if bar <= 0:
                continue
            w = m["weights"].setdefault(s, 1)
            num += w * min(levels[s] / bar, 1)
            den += w
        result[milestone_id] = num / den if den else 1.0
    return result
''',
        ),
        (
            'milestones ranked by readiness, highest first, instead of matrix order',
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order).

    Use the reference levels: levels = career.skill_levels(evidence, matrix).
    For a milestone m = matrix["milestones"][milestone_id], over the skills s with m["bars"][s] > 0:
        readiness = sum(w_s * min(levels[s] / bar_s, 1)) / sum(w_s),   w_s = m["weights"].get(s, 1)
    A milestone with no bar above 0 asks for nothing: its readiness is 1.0.
    """
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for milestone_id, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            if bar <= 0:
                continue
            w = m["weights"].get(s, 1)
            num += w * min(levels[s] / bar, 1)
            den += w
        result[milestone_id] = num / den if den else 1.0
    return dict(sorted(result.items(), key=lambda kv: -kv[1]))
''',
        ),
        (
            'ignores the weights (a plain mean of the capped ratios)',
            '''def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order)."""

    levels = career.skill_levels(evidence, matrix)
    result = {}
    for mid, m in matrix["milestones"].items():
        ratios = [min(levels[s] / bar, 1.0) for s, bar in m["bars"].items() if bar > 0]
        result[mid] = sum(ratios) / len(ratios) if ratios else 1.0
    return result
''',
        ),
    ],
    'gaps': [
        (
            "ties in impact keep the bars' order instead of being broken by skill id",
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first.

    Use levels = career.skill_levels(evidence, matrix) and current = career.readiness(evidence, matrix)[target].
    Candidates: skills in matrix["milestones"][target]["bars"] with bar > 0 and level < bar. Raising one to its
    bar adds impact = w * (1 - level / bar) / W to the readiness (w: its weight, default 1; W: the sum of the
    weights of all skills with bar > 0). Sort candidates by impact, largest first (ties — impacts equal when
    rounded to 9 decimals — by skill id), and take them one by one while current + the impacts taken so far
    is below ready_at (allow 1e-9 for rounding). A milestone already reached gives [].
    Each gap: {"skill": skill_id, "level": level, "bar": bar, "impact": impact}.
    """
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    m = matrix["milestones"][target]
    total_w = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    candidates = []
    for s, bar in m["bars"].items():
        if bar > 0 and levels[s] < bar:
            impact = m["weights"].get(s, 1) * (1 - levels[s] / bar) / total_w
            candidates.append({"skill": s, "level": levels[s], "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: -g["impact"])
    chosen = []
    for gap in candidates:
        if current >= matrix["ready_at"] - 1e-9:
            break
        chosen.append(gap)
        current += gap["impact"]
    return chosen
''',
        ),
        (
            'ties compared on raw floats (no rounding to 9 decimals): equal impacts order by float noise, not skill id',
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first.

    Use levels = career.skill_levels(evidence, matrix) and current = career.readiness(evidence, matrix)[target].
    Candidates: skills in matrix["milestones"][target]["bars"] with bar > 0 and level < bar. Raising one to its
    bar adds impact = w * (1 - level / bar) / W to the readiness (w: its weight, default 1; W: the sum of the
    weights of all skills with bar > 0). Sort candidates by impact, largest first (ties — impacts equal when
    rounded to 9 decimals — by skill id), and take them one by one while current + the impacts taken so far
    is below ready_at (allow 1e-9 for rounding). A milestone already reached gives [].
    Each gap: {"skill": skill_id, "level": level, "bar": bar, "impact": impact}.
    """
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    m = matrix["milestones"][target]
    total_w = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    candidates = []
    for s, bar in m["bars"].items():
        if bar > 0 and levels[s] < bar:
            impact = m["weights"].get(s, 1) * (1 - levels[s] / bar) / total_w
            candidates.append({"skill": s, "level": levels[s], "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: (-g["impact"], g["skill"]))
    chosen = []
    for gap in candidates:
        if current >= matrix["ready_at"] - 1e-9:
            break
        chosen.append(gap)
        current += gap["impact"]
    return chosen
''',
        ),
        (
            'sorted with reverse=True on (impact, skill): ties come out by skill id descending',
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first.

    Use levels = career.skill_levels(evidence, matrix) and current = career.readiness(evidence, matrix)[target].
    Candidates: skills in matrix["milestones"][target]["bars"] with bar > 0 and level < bar. Raising one to its
    bar adds impact = w * (1 - level / bar) / W to the readiness (w: its weight, default 1; W: the sum of the
    weights of all skills with bar > 0). Sort candidates by impact, largest first (ties — impacts equal when
    rounded to 9 decimals — by skill id), and take them one by one while current + the impacts taken so far
    is below ready_at (allow 1e-9 for rounding). A milestone already reached gives [].
    Each gap: {"skill": skill_id, "level": level, "bar": bar, "impact": impact}.
    """
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    m = matrix["milestones"][target]
    total_w = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    candidates = []
    for s, bar in m["bars"].items():
        if bar > 0 and levels[s] < bar:
            impact = m["weights"].get(s, 1) * (1 - levels[s] / bar) / total_w
            candidates.append({"skill": s, "level": levels[s], "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: (round(g["impact"], 9), g["skill"]), reverse=True)
    chosen = []
    for gap in candidates:
        if current >= matrix["ready_at"] - 1e-9:
            break
        chosen.append(gap)
        current += gap["impact"]
    return chosen
''',
        ),
        (
            'no 1e-9 allowance: a readiness that reaches ready_at up to rounding takes one gap too many',
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first.

    Use levels = career.skill_levels(evidence, matrix) and current = career.readiness(evidence, matrix)[target].
    Candidates: skills in matrix["milestones"][target]["bars"] with bar > 0 and level < bar. Raising one to its
    bar adds impact = w * (1 - level / bar) / W to the readiness (w: its weight, default 1; W: the sum of the
    weights of all skills with bar > 0). Sort candidates by impact, largest first (ties — impacts equal when
    rounded to 9 decimals — by skill id), and take them one by one while current + the impacts taken so far
    is below ready_at (allow 1e-9 for rounding). A milestone already reached gives [].
    Each gap: {"skill": skill_id, "level": level, "bar": bar, "impact": impact}.
    """
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    m = matrix["milestones"][target]
    total_w = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    candidates = []
    for s, bar in m["bars"].items():
        if bar > 0 and levels[s] < bar:
            impact = m["weights"].get(s, 1) * (1 - levels[s] / bar) / total_w
            candidates.append({"skill": s, "level": levels[s], "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: (-round(g["impact"], 9), g["skill"]))
    chosen = []
    for gap in candidates:
        if current >= matrix["ready_at"]:
            break
        chosen.append(gap)
        current += gap["impact"]
    return chosen
''',
        ),
        (
            'needs readiness strictly above ready_at: a milestone exactly at ready_at is treated as not reached',
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first.

    Use levels = career.skill_levels(evidence, matrix) and current = career.readiness(evidence, matrix)[target].
    Candidates: skills in matrix["milestones"][target]["bars"] with bar > 0 and level < bar. Raising one to its
    bar adds impact = w * (1 - level / bar) / W to the readiness (w: its weight, default 1; W: the sum of the
    weights of all skills with bar > 0). Sort candidates by impact, largest first (ties — impacts equal when
    rounded to 9 decimals — by skill id), and take them one by one while current + the impacts taken so far
    is below ready_at (allow 1e-9 for rounding). A milestone already reached gives [].
    Each gap: {"skill": skill_id, "level": level, "bar": bar, "impact": impact}.
    """
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    m = matrix["milestones"][target]
    total_w = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    candidates = []
    for s, bar in m["bars"].items():
        if bar > 0 and levels[s] < bar:
            impact = m["weights"].get(s, 1) * (1 - levels[s] / bar) / total_w
            candidates.append({"skill": s, "level": levels[s], "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: (-round(g["impact"], 9), g["skill"]))
    chosen = []
    for gap in candidates:
        if current > matrix["ready_at"] + 1e-9:
            break
        chosen.append(gap)
        current += gap["impact"]
    return chosen
''',
        ),
        (
            'W sums the weights of the candidates only, not of every skill with a bar: impacts too large when some bars are met',
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first.

    Use levels = career.skill_levels(evidence, matrix) and current = career.readiness(evidence, matrix)[target].
    Candidates: skills in matrix["milestones"][target]["bars"] with bar > 0 and level < bar. Raising one to its
    bar adds impact = w * (1 - level / bar) / W to the readiness (w: its weight, default 1; W: the sum of the
    weights of all skills with bar > 0). Sort candidates by impact, largest first (ties — impacts equal when
    rounded to 9 decimals — by skill id), and take them one by one while current + the impacts taken so far
    is below ready_at (allow 1e-9 for rounding). A milestone already reached gives [].
    Each gap: {"skill": skill_id, "level": level, "bar": bar, "impact": impact}.
    """
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    m = matrix["milestones"][target]
    total_w = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0 and levels[s] < bar)
    candidates = []
    for s, bar in m["bars"].items():
        if bar > 0 and levels[s] < bar:
            impact = m["weights"].get(s, 1) * (1 - levels[s] / bar) / total_w
            candidates.append({"skill": s, "level": levels[s], "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: (-round(g["impact"], 9), g["skill"]))
    chosen = []
    for gap in candidates:
        if current >= matrix["ready_at"] - 1e-9:
            break
        chosen.append(gap)
        current += gap["impact"]
    return chosen
''',
        ),
        (
            'do-while: always takes the first candidate, so a milestone already reached (with a skill below its bar) is not []',
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first.

    Use levels = career.skill_levels(evidence, matrix) and current = career.readiness(evidence, matrix)[target].
    Candidates: skills in matrix["milestones"][target]["bars"] with bar > 0 and level < bar. Raising one to its
    bar adds impact = w * (1 - level / bar) / W to the readiness (w: its weight, default 1; W: the sum of the
    weights of all skills with bar > 0). Sort candidates by impact, largest first (ties — impacts equal when
    rounded to 9 decimals — by skill id), and take them one by one while current + the impacts taken so far
    is below ready_at (allow 1e-9 for rounding). A milestone already reached gives [].
    Each gap: {"skill": skill_id, "level": level, "bar": bar, "impact": impact}.
    """
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    m = matrix["milestones"][target]
    total_w = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    candidates = []
    for s, bar in m["bars"].items():
        if bar > 0 and levels[s] < bar:
            impact = m["weights"].get(s, 1) * (1 - levels[s] / bar) / total_w
            candidates.append({"skill": s, "level": levels[s], "bar": bar, "impact": impact})
    candidates.sort(key=lambda g: (-round(g["impact"], 9), g["skill"]))
    chosen = []
    for gap in candidates:
        chosen.append(gap)
        current += gap["impact"]
        if current >= matrix["ready_at"] - 1e-9:
            break
    return chosen
''',
        ),
        (
            'returns every skill below its bar, not the fewest that reach ready_at',
            '''def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first."""

    m = matrix["milestones"][target]
    levels = career.skill_levels(evidence, matrix)
    total = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    out = [{"skill": s, "level": levels[s], "bar": bar, "impact": m["weights"].get(s, 1) * (1 - levels[s] / bar) / total}
           for s, bar in m["bars"].items() if bar > 0 and levels[s] < bar]
    out.sort(key=lambda g: (-round(g["impact"], 9), g["skill"]))
    return out
''',
        ),
    ],
    'next_steps': [
        (
            'modules in course order instead of ordered by the first gap that needs them',
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course.

    modules: {module_id: {"title": str, "status": "available" or "coming", "skills": [skill ids it trains],
              "exercises": {grade_id: {"score": float, "max_score": float}}}}, in course order
              (see career.module_catalogue).
    Return one step per module that trains at least one gap skill (each module once):
        {"module": module_id, "title": its title, "status": its status,
         "skills": the gap skills it trains, in gap order,
         "redo": for an available module, its exercises with score < max_score, most points lost first
                 (ties by grade id); [] for a coming module}
    Order: all available modules first, then the coming ones; within each group, by the first gap that needs
    the module (modules needed by the same gap: in course order).
    """
    gap_skills = [g["skill"] for g in gaps]
    steps = []
    for module_id, module in modules.items():
        skills = [s for s in gap_skills if s in module["skills"]]
        if not skills:
            continue
        redo = []
        if module["status"] == "available":
            lost = {g: e["max_score"] - e["score"] for g, e in module["exercises"].items() if e["score"] < e["max_score"]}
            redo = sorted(lost, key=lambda g: (-lost[g], g))
        steps.append({"module": module_id, "title": module["title"], "status": module["status"], "skills": skills, "redo": redo})
    return [s for s in steps if s["status"] == "available"] + [s for s in steps if s["status"] != "available"]
''',
        ),
        (
            'coming modules are not moved to the end: everything stays in gap order',
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course.

    modules: {module_id: {"title": str, "status": "available" or "coming", "skills": [skill ids it trains],
              "exercises": {grade_id: {"score": float, "max_score": float}}}}, in course order
              (see career.module_catalogue).
    Return one step per module that trains at least one gap skill (each module once):
        {"module": module_id, "title": its title, "status": its status,
         "skills": the gap skills it trains, in gap order,
         "redo": for an available module, its exercises with score < max_score, most points lost first
                 (ties by grade id); [] for a coming module}
    Order: all available modules first, then the coming ones; within each group, by the first gap that needs
    the module (modules needed by the same gap: in course order).
    """
    gap_skills = [g["skill"] for g in gaps]
    steps = {}
    for skill in gap_skills:
        for module_id, module in modules.items():
            if skill not in module["skills"]:
                continue
            if module_id not in steps:
                redo = []
                if module["status"] == "available":
                    lost = {g: e["max_score"] - e["score"] for g, e in module["exercises"].items() if e["score"] < e["max_score"]}
                    redo = sorted(lost, key=lambda g: (-lost[g], g))
                steps[module_id] = {"module": module_id, "title": module["title"], "status": module["status"],
                                    "skills": [], "redo": redo}
            if skill not in steps[module_id]["skills"]:
                steps[module_id]["skills"].append(skill)
    return list(steps.values())
''',
        ),
        (
            'redo sorted by grade id only, not by points lost',
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course.

    modules: {module_id: {"title": str, "status": "available" or "coming", "skills": [skill ids it trains],
              "exercises": {grade_id: {"score": float, "max_score": float}}}}, in course order
              (see career.module_catalogue).
    Return one step per module that trains at least one gap skill (each module once):
        {"module": module_id, "title": its title, "status": its status,
         "skills": the gap skills it trains, in gap order,
         "redo": for an available module, its exercises with score < max_score, most points lost first
                 (ties by grade id); [] for a coming module}
    Order: all available modules first, then the coming ones; within each group, by the first gap that needs
    the module (modules needed by the same gap: in course order).
    """
    gap_skills = [g["skill"] for g in gaps]
    steps = {}
    for skill in gap_skills:
        for module_id, module in modules.items():
            if skill not in module["skills"]:
                continue
            if module_id not in steps:
                redo = []
                if module["status"] == "available":
                    lost = {g: e["max_score"] - e["score"] for g, e in module["exercises"].items() if e["score"] < e["max_score"]}
                    redo = sorted(lost)
                steps[module_id] = {"module": module_id, "title": module["title"], "status": module["status"],
                                    "skills": [], "redo": redo}
            if skill not in steps[module_id]["skills"]:
                steps[module_id]["skills"].append(skill)
    ordered = list(steps.values())
    return [s for s in ordered if s["status"] == "available"] + [s for s in ordered if s["status"] != "available"]
''',
        ),
        (
            'redo sorted by points lost ascending (least lost first)',
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course.

    modules: {module_id: {"title": str, "status": "available" or "coming", "skills": [skill ids it trains],
              "exercises": {grade_id: {"score": float, "max_score": float}}}}, in course order
              (see career.module_catalogue).
    Return one step per module that trains at least one gap skill (each module once):
        {"module": module_id, "title": its title, "status": its status,
         "skills": the gap skills it trains, in gap order,
         "redo": for an available module, its exercises with score < max_score, most points lost first
                 (ties by grade id); [] for a coming module}
    Order: all available modules first, then the coming ones; within each group, by the first gap that needs
    the module (modules needed by the same gap: in course order).
    """
    gap_skills = [g["skill"] for g in gaps]
    steps = {}
    for skill in gap_skills:
        for module_id, module in modules.items():
            if skill not in module["skills"]:
                continue
            if module_id not in steps:
                redo = []
                if module["status"] == "available":
                    lost = {g: e["max_score"] - e["score"] for g, e in module["exercises"].items() if e["score"] < e["max_score"]}
                    redo = sorted(lost, key=lambda g: (lost[g], g))
                steps[module_id] = {"module": module_id, "title": module["title"], "status": module["status"],
                                    "skills": [], "redo": redo}
            if skill not in steps[module_id]["skills"]:
                steps[module_id]["skills"].append(skill)
    ordered = list(steps.values())
    return [s for s in ordered if s["status"] == "available"] + [s for s in ordered if s["status"] != "available"]
''',
        ),
        (
            'redo filled for coming modules too (docstring: [] for a coming module)',
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course.

    modules: {module_id: {"title": str, "status": "available" or "coming", "skills": [skill ids it trains],
              "exercises": {grade_id: {"score": float, "max_score": float}}}}, in course order
              (see career.module_catalogue).
    Return one step per module that trains at least one gap skill (each module once):
        {"module": module_id, "title": its title, "status": its status,
         "skills": the gap skills it trains, in gap order,
         "redo": for an available module, its exercises with score < max_score, most points lost first
                 (ties by grade id); [] for a coming module}
    Order: all available modules first, then the coming ones; within each group, by the first gap that needs
    the module (modules needed by the same gap: in course order).
    """
    gap_skills = [g["skill"] for g in gaps]
    steps = {}
    for skill in gap_skills:
        for module_id, module in modules.items():
            if skill not in module["skills"]:
                continue
            if module_id not in steps:
                redo = []
                if True:
                    lost = {g: e["max_score"] - e["score"] for g, e in module["exercises"].items() if e["score"] < e["max_score"]}
                    redo = sorted(lost, key=lambda g: (-lost[g], g))
                steps[module_id] = {"module": module_id, "title": module["title"], "status": module["status"],
                                    "skills": [], "redo": redo}
            if skill not in steps[module_id]["skills"]:
                steps[module_id]["skills"].append(skill)
    ordered = list(steps.values())
    return [s for s in ordered if s["status"] == "available"] + [s for s in ordered if s["status"] != "available"]
''',
        ),
        (
            'one step per (gap, module) pair: a module that trains two gap skills appears twice',
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course.

    modules: {module_id: {"title": str, "status": "available" or "coming", "skills": [skill ids it trains],
              "exercises": {grade_id: {"score": float, "max_score": float}}}}, in course order
              (see career.module_catalogue).
    Return one step per module that trains at least one gap skill (each module once):
        {"module": module_id, "title": its title, "status": its status,
         "skills": the gap skills it trains, in gap order,
         "redo": for an available module, its exercises with score < max_score, most points lost first
                 (ties by grade id); [] for a coming module}
    Order: all available modules first, then the coming ones; within each group, by the first gap that needs
    the module (modules needed by the same gap: in course order).
    """
    steps = []
    for g in gaps:
        for module_id, module in modules.items():
            if g["skill"] not in module["skills"]:
                continue
            redo = []
            if module["status"] == "available":
                lost = {x: e["max_score"] - e["score"] for x, e in module["exercises"].items() if e["score"] < e["max_score"]}
                redo = sorted(lost, key=lambda x: (-lost[x], x))
            steps.append({"module": module_id, "title": module["title"], "status": module["status"],
                          "skills": [g["skill"]], "redo": redo})
    return [s for s in steps if s["status"] == "available"] + [s for s in steps if s["status"] != "available"]
''',
        ),
        (
            "a step's skills listed in the module's (matrix) order instead of gap order",
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course.

    modules: {module_id: {"title": str, "status": "available" or "coming", "skills": [skill ids it trains],
              "exercises": {grade_id: {"score": float, "max_score": float}}}}, in course order
              (see career.module_catalogue).
    Return one step per module that trains at least one gap skill (each module once):
        {"module": module_id, "title": its title, "status": its status,
         "skills": the gap skills it trains, in gap order,
         "redo": for an available module, its exercises with score < max_score, most points lost first
                 (ties by grade id); [] for a coming module}
    Order: all available modules first, then the coming ones; within each group, by the first gap that needs
    the module (modules needed by the same gap: in course order).
    """
    gap_skills = [g["skill"] for g in gaps]
    steps = {}
    for skill in gap_skills:
        for module_id, module in modules.items():
            if skill not in module["skills"]:
                continue
            if module_id not in steps:
                redo = []
                if module["status"] == "available":
                    lost = {g: e["max_score"] - e["score"] for g, e in module["exercises"].items() if e["score"] < e["max_score"]}
                    redo = sorted(lost, key=lambda g: (-lost[g], g))
                steps[module_id] = {"module": module_id, "title": module["title"], "status": module["status"],
                                    "skills": [], "redo": redo}
            if skill not in steps[module_id]["skills"]:
                steps[module_id]["skills"].append(skill)
    for step in steps.values():
        step["skills"] = [s for s in modules[step["module"]]["skills"] if s in step["skills"]]
    ordered = list(steps.values())
    return [s for s in ordered if s["status"] == "available"] + [s for s in ordered if s["status"] != "available"]
''',
        ),
        (
            'lists every exercise of the module in redo, even those with full marks',
            '''def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course."""

    steps = {}
    for gap in gaps:
        for mid, mod in modules.items():
            if gap["skill"] not in mod["skills"]:
                continue
            if mid not in steps:
                redo = sorted(mod.get("exercises", {})) if mod["status"] == "available" else []
                steps[mid] = {"module": mid, "title": mod["title"], "status": mod["status"], "skills": [], "redo": redo}
            if gap["skill"] not in steps[mid]["skills"]:
                steps[mid]["skills"].append(gap["skill"])
    ordered = list(steps.values())
    return [s for s in ordered if s["status"] == "available"] + [s for s in ordered if s["status"] != "available"]
''',
        ),
    ],
    'render_report': [
        (
            'module percent truncated with int() instead of round(): 2/3 shows 66%, not 67%',
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      (use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix))
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
    ms = matrix["milestones"]
    lines = [f"# {title}", "", "## Summary", ""]
    lines.append("- Current milestone: " + (ms[current]["title"] if current else "none yet"))
    lines.append("- Next target: " + (ms[target]["title"] if target else "none (top milestone reached)"))
    lines += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        rec = evidence["modules"][module_id]
        pct = int(100 * rec["score"] / rec["max_score"]) if rec["max_score"] else 0
        lines.append(f"| {module_id} | {rec['score']:g} | {rec['max_score']:g} | {pct}% |")
    lines += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in ms.items():
        lines.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    lines += ["", "## Charts", ""]
    for name, path in plots.items():
        lines.append(f"![{name}]({path})")
    lines += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] == "coming" else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}")
    lines += ["", "## Built and measured", ""]
    lines += [f"- {h}" for h in highlights]
    return "\\n".join(lines) + "\\n"
''',
        ),
        (
            "a module with max_score 0 shows 'n/a' instead of 0%",
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      (use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix))
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
    ms = matrix["milestones"]
    lines = [f"# {title}", "", "## Summary", ""]
    lines.append("- Current milestone: " + (ms[current]["title"] if current else "none yet"))
    lines.append("- Next target: " + (ms[target]["title"] if target else "none (top milestone reached)"))
    lines += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        rec = evidence["modules"][module_id]
        pct = f"{round(100 * rec['score'] / rec['max_score'])}%" if rec["max_score"] else "n/a"
        lines.append(f"| {module_id} | {rec['score']:g} | {rec['max_score']:g} | {pct} |")
    lines += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in ms.items():
        lines.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    lines += ["", "## Charts", ""]
    for name, path in plots.items():
        lines.append(f"![{name}]({path})")
    lines += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] == "coming" else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}")
    lines += ["", "## Built and measured", ""]
    lines += [f"- {h}" for h in highlights]
    return "\\n".join(lines) + "\\n"
''',
        ),
        (
            'module rows in evidence order instead of sorted by module id',
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      (use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix))
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
    ms = matrix["milestones"]
    lines = [f"# {title}", "", "## Summary", ""]
    lines.append("- Current milestone: " + (ms[current]["title"] if current else "none yet"))
    lines.append("- Next target: " + (ms[target]["title"] if target else "none (top milestone reached)"))
    lines += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in evidence["modules"]:
        rec = evidence["modules"][module_id]
        pct = round(100 * rec["score"] / rec["max_score"]) if rec["max_score"] else 0
        lines.append(f"| {module_id} | {rec['score']:g} | {rec['max_score']:g} | {pct}% |")
    lines += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in ms.items():
        lines.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    lines += ["", "## Charts", ""]
    for name, path in plots.items():
        lines.append(f"![{name}]({path})")
    lines += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] == "coming" else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}")
    lines += ["", "## Built and measured", ""]
    lines += [f"- {h}" for h in highlights]
    return "\\n".join(lines) + "\\n"
''',
        ),
        (
            "old rule: current = the last milestone reached with every one before it; 77/87/83% gives 'none yet'",
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      The current milestone is the highest one whose readiness reaches ready_at (every one below
                      it counts as reached); the next target is the one after it (the first when none is reached).
                      Use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix).
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    milestones = matrix["milestones"]
    order = list(milestones)
    current = None
    for milestone_id in order:
        if ready[milestone_id] < matrix["ready_at"] - 1e-9:
            break
        current = milestone_id
    index = order.index(current) + 1 if current else 0
    target = order[index] if index < len(order) else None
    out = [f"# {title}", "", "## Summary", ""]
    out.append(f"- Current milestone: {milestones[current]['title'] if current else 'none yet'}")
    out.append(f"- Next target: {milestones[target]['title'] if target else 'none (top milestone reached)'}")
    out += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        record = evidence["modules"][module_id]
        percent = round(100 * record["score"] / record["max_score"]) if record["max_score"] else 0
        out.append(f"| {module_id} | {record['score']:g} | {record['max_score']:g} | {percent}% |")
    out += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in milestones.items():
        out.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    out += ["", "## Charts", ""] + [f"![{name}]({path})" for name, path in plots.items()]
    out += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] != "available" else ""
        redo = f"; redo {', '.join(step['redo'])}" if step["redo"] else ""
        out.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}{redo}")
    out += ["", "## Built and measured", ""] + [f"- {h}" for h in highlights]
    return "\\n".join(out) + "\\n"
''',
        ),
        (
            "at the top milestone, the next target repeats the last milestone (the notebook's `or list(...)[-1]` pattern)",
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      (use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix))
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix) or list(matrix["milestones"])[-1]
    ms = matrix["milestones"]
    lines = [f"# {title}", "", "## Summary", ""]
    lines.append("- Current milestone: " + (ms[current]["title"] if current else "none yet"))
    lines.append("- Next target: " + (ms[target]["title"] if target else "none (top milestone reached)"))
    lines += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        rec = evidence["modules"][module_id]
        pct = round(100 * rec["score"] / rec["max_score"]) if rec["max_score"] else 0
        lines.append(f"| {module_id} | {rec['score']:g} | {rec['max_score']:g} | {pct}% |")
    lines += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in ms.items():
        lines.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    lines += ["", "## Charts", ""]
    for name, path in plots.items():
        lines.append(f"![{name}]({path})")
    lines += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] == "coming" else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}")
    lines += ["", "## Built and measured", ""]
    lines += [f"- {h}" for h in highlights]
    return "\\n".join(lines) + "\\n"
''',
        ),
        (
            'chart paths rebuilt from the name ({name}.png) instead of the path exactly as given',
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      (use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix))
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
    ms = matrix["milestones"]
    lines = [f"# {title}", "", "## Summary", ""]
    lines.append("- Current milestone: " + (ms[current]["title"] if current else "none yet"))
    lines.append("- Next target: " + (ms[target]["title"] if target else "none (top milestone reached)"))
    lines += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        rec = evidence["modules"][module_id]
        pct = round(100 * rec["score"] / rec["max_score"]) if rec["max_score"] else 0
        lines.append(f"| {module_id} | {rec['score']:g} | {rec['max_score']:g} | {pct}% |")
    lines += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in ms.items():
        lines.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    lines += ["", "## Charts", ""]
    for name, path in plots.items():
        lines.append(f"![{name}]({name}.png)")
    lines += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] == "coming" else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}")
    lines += ["", "## Built and measured", ""]
    lines += [f"- {h}" for h in highlights]
    return "\\n".join(lines) + "\\n"
''',
        ),
        (
            'scores written with str() instead of :g: a float score shows as 11.0, not 11',
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      (use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix))
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
    ms = matrix["milestones"]
    lines = [f"# {title}", "", "## Summary", ""]
    lines.append("- Current milestone: " + (ms[current]["title"] if current else "none yet"))
    lines.append("- Next target: " + (ms[target]["title"] if target else "none (top milestone reached)"))
    lines += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        rec = evidence["modules"][module_id]
        pct = round(100 * rec["score"] / rec["max_score"]) if rec["max_score"] else 0
        lines.append(f"| {module_id} | {rec['score']} | {rec['max_score']} | {pct}% |")
    lines += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in ms.items():
        lines.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    lines += ["", "## Charts", ""]
    for name, path in plots.items():
        lines.append(f"![{name}]({path})")
    lines += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] == "coming" else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}")
    lines += ["", "## Built and measured", ""]
    lines += [f"- {h}" for h in highlights]
    return "\\n".join(lines) + "\\n"
''',
        ),
        (
            'writes the next steps as bullets instead of a numbered list',
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown."""

    milestones = matrix["milestones"]
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
    out = [f"# {title}", "", "## Summary", ""]
    out.append(f"- Current milestone: {milestones[current]['title'] if current else 'none yet'}")
    out.append(f"- Next target: {milestones[target]['title'] if target else 'none (top milestone reached)'}")
    out += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        record = evidence["modules"][module_id]
        percent = round(100 * record["score"] / record["max_score"]) if record["max_score"] else 0
        out.append(f"| {module_id} | {record['score']:g} | {record['max_score']:g} | {percent}% |")
    out += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in milestones.items():
        out.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    out += ["", "## Charts", ""] + [f"![{name}]({path})" for name, path in plots.items()]
    out += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] != "available" else ""
        redo = f"; redo {', '.join(step['redo'])}" if step["redo"] else ""
        out.append(f"- {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}{redo}")
    out += ["", "## Built and measured", ""] + [f"- {h}" for h in highlights]
    return "\\n".join(out) + "\\n"
''',
        ),
        (
            'current milestone = the LOWEST milestone reached instead of the highest',
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      The current milestone is the highest one whose readiness reaches ready_at (every one below
                      it counts as reached); the next target is the one after it (the first when none is reached).
                      Use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix).
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    milestones = matrix["milestones"]
    order = list(milestones)
    reached = [m for m in order if career.is_ready(ready[m], matrix)]
    current = reached[0] if reached else None
    index = order.index(current) + 1 if current else 0
    target = order[index] if index < len(order) else None
    out = [f"# {title}", "", "## Summary", ""]
    out.append(f"- Current milestone: {milestones[current]['title'] if current else 'none yet'}")
    out.append(f"- Next target: {milestones[target]['title'] if target else 'none (top milestone reached)'}")
    out += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        record = evidence["modules"][module_id]
        percent = round(100 * record["score"] / record["max_score"]) if record["max_score"] else 0
        out.append(f"| {module_id} | {record['score']:g} | {record['max_score']:g} | {percent}% |")
    out += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in milestones.items():
        out.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    out += ["", "## Charts", ""] + [f"![{name}]({path})" for name, path in plots.items()]
    out += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] != "available" else ""
        redo = f"; redo {', '.join(step['redo'])}" if step["redo"] else ""
        out.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}{redo}")
    out += ["", "## Built and measured", ""] + [f"- {h}" for h in highlights]
    return "\\n".join(out) + "\\n"
''',
        ),
        (
            'next target = the first milestone below ready_at instead of the one after the current milestone',
            '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      The current milestone is the highest one whose readiness reaches ready_at (every one below
                      it counts as reached); the next target is the one after it (the first when none is reached).
                      Use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix).
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
    milestones = matrix["milestones"]
    current = career.current_milestone(ready, matrix)
    below = [m for m in milestones if not career.is_ready(ready[m], matrix)]
    target = below[0] if below else None
    out = [f"# {title}", "", "## Summary", ""]
    out.append(f"- Current milestone: {milestones[current]['title'] if current else 'none yet'}")
    out.append(f"- Next target: {milestones[target]['title'] if target else 'none (top milestone reached)'}")
    out += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        record = evidence["modules"][module_id]
        percent = round(100 * record["score"] / record["max_score"]) if record["max_score"] else 0
        out.append(f"| {module_id} | {record['score']:g} | {record['max_score']:g} | {percent}% |")
    out += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in milestones.items():
        out.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    out += ["", "## Charts", ""] + [f"![{name}]({path})" for name, path in plots.items()]
    out += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] != "available" else ""
        redo = f"; redo {', '.join(step['redo'])}" if step["redo"] else ""
        out.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}{redo}")
    out += ["", "## Built and measured", ""] + [f"- {h}" for h in highlights]
    return "\\n".join(out) + "\\n"
''',
        ),
    ],
}


# -----------------------------------------------------------------------------------------------------------------
# Blind red team, 2026-11-30 (written from the student notebook alone):
# each answer below changes ONE thing from an answer that follows the docstring, and names the sentence it breaks.
# -----------------------------------------------------------------------------------------------------------------
_SL_BLIND_HEAD = '''def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1.

    For a skill s = matrix["skills"][skill_id]:
    - course part: the mean, over the modules m in s["modules"] whose matrix["modules"][m]["status"] is
      "available", of score / max_score from evidence["modules"][m]. A module missing from the evidence, or
      with max_score 0, counts 0; a fraction above 1 counts 1. Modules with status "coming" are left out.
    - practice part: the share of s["practices"] that evidence["practices"] marks True (missing = not done).
    - level = (wc * course + wp * practice) / (wc + wp), where wc = matrix["evidence_weights"]["course"]
      and wp = matrix["evidence_weights"]["practices"]. When a skill has no available module, or no
      practice, that part is left out (with its weight) and the other decides alone; with neither, 0.0.
    - self-reported evidence is capped: for a skill with no available module (judged on practices alone),
      level = min(practice part, matrix["self_reported_cap"]).
    """
'''

_SL_FRACTION = '''        record = evidence["modules"].get(m)
        if record is None or not record["max_score"]:
            fractions.append(0.0)
        else:
            fractions.append(min(record["score"] / record["max_score"], 1.0))
'''
_SL_PRACTICE = '''    done = [p for p in skill["practices"] if evidence["practices"].get(p) is True]
'''
_SL_BLEND = '''    wc, wp = matrix["evidence_weights"]["course"], matrix["evidence_weights"]["practices"]
    if available and skill["practices"]:
        return (wc * course + wp * practice) / (wc + wp)
    if available:
        return course
    if skill["practices"]:
        return min(practice, matrix["self_reported_cap"])
    return 0.0
'''


_SL_COURSE = '''    course = sum(fractions) / len(fractions) if fractions else 0.0
'''


_SL_AVAILABLE = '''    available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
'''


_SL_RESULT = '''    return {skill_id: _level(skill) for skill_id, skill in matrix["skills"].items()}
'''


def _sl(fraction=_SL_FRACTION, practice=_SL_PRACTICE, blend=_SL_BLEND, course=_SL_COURSE, available=_SL_AVAILABLE,
        result=_SL_RESULT):
    return (_SL_BLIND_HEAD + '''    def _level(skill: dict) -> float:
''' + "\n".join("    " + line if line else line for line in (available + '''    fractions = []
    for m in available:
''' + fraction + course + practice + '''    practice = len(done) / len(skill["practices"]) if skill["practices"] else 0.0
''' + blend).split("\n")) + "\n" + result)


_RR_BLIND_HEAD = '''def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown, with these parts in this order (see the example above):

    # {title}
    ## Summary        two bullets: "- Current milestone: {its title, or none yet}" and
                      "- Next target: {its title, or none (top milestone reached)}"
                      The current milestone is the highest one whose readiness reaches ready_at (every one below
                      it counts as reached); the next target is the one after it (the first when none is reached).
                      Use career.current_milestone(ready, matrix) and career.next_milestone(ready, matrix).
    ## Module scores  a table with the header | Module | Score | Max | Percent |, one row per module in
                      evidence["modules"], sorted by module id: score and max_score as numbers (format :g),
                      Percent = round(100 * score / max_score) followed by % (0% when max_score is 0)
    ## Readiness      a table | Milestone | Readiness |, one row per milestone in matrix order: its title,
                      round(100 * readiness) followed by %
    ## Charts         one image per entry of plots, in order: ![name](path), the path exactly as given
    ## Next steps     a numbered list, one item per step in order, starting with the module id, with
                      "(coming)" in the item of a coming module
    ## Built and measured   one bullet ("- ") per highlight
    """
'''

_RR_MILESTONES = '''    milestones = matrix["milestones"]
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
'''
_RR_SUMMARY = '''    lines += ["## Summary", "",
              f"- Current milestone: {milestones[current]['title'] if current else 'none yet'}",
              f"- Next target: {milestones[target]['title'] if target else 'none (top milestone reached)'}", ""]
'''
_RR_MODULES = '''    lines += ["## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        record = evidence["modules"][module_id]
        score, max_score = record["score"], record["max_score"]
        percent = round(100 * score / max_score) if max_score else 0
        lines.append(f"| {module_id} | {score:g} | {max_score:g} | {percent}% |")
    lines.append("")
'''
_RR_READINESS = '''    lines += ["## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in milestones.items():
        lines.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    lines.append("")
'''
_RR_CHARTS = '''    lines += ["## Charts", ""]
    lines += [f"![{name}]({path})" for name, path in plots.items()]
    lines.append("")
'''
_RR_STEPS = '''    lines += ["## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] == "coming" else ""
        redo = f"; redo {', '.join(step['redo'])}" if step.get("redo") else ""
        lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}{redo}")
    lines.append("")
'''
_RR_HIGHLIGHTS = '''    lines += ["## Built and measured", ""]
    lines += [f"- {h}" for h in highlights]
'''


def _rr(milestones=_RR_MILESTONES, summary=_RR_SUMMARY, modules=_RR_MODULES, readiness=_RR_READINESS,
        charts=_RR_CHARTS, steps=_RR_STEPS, highlights=_RR_HIGHLIGHTS):
    return (_RR_BLIND_HEAD + milestones + '''    lines = [f"# {title}", ""]
''' + summary + modules + readiness + charts + steps + highlights + '''    return "\\n".join(lines) + "\\n"
''')


BLIND_2026_11_30 = {
    "skill_levels": [
        ("blind: caps the mean at 1 instead of each module's fraction: 12/10 and 3/6 give 0.85, not 0.75 "
         "(docstring: 'a fraction above 1 counts 1' - per module)",
         _sl(fraction='''        record = evidence["modules"].get(m)
        if record is None or not record["max_score"]:
            fractions.append(0.0)
        else:
            fractions.append(record["score"] / record["max_score"])
''', course='''    course = min(sum(fractions) / len(fractions), 1.0) if fractions else 0.0
''')),
        ("blind: a module with max_score 0 is skipped instead of counting 0 (docstring: 'A module ... with max_score 0, counts 0')",
         _sl(fraction='''        record = evidence["modules"].get(m)
        if record is None:
            fractions.append(0.0)
        elif record["max_score"]:
            fractions.append(min(record["score"] / record["max_score"], 1.0))
''')),
        ("blind: the cap is a hard-coded 0.5 (the course matrix's value) instead of matrix['self_reported_cap'] "
         "(docstring: 'level = min(practice part, matrix[\"self_reported_cap\"])')",
         _sl(blend=_SL_BLEND.replace('matrix["self_reported_cap"]', "0.5"))),
        ("blind: blends without dividing by wc + wp (right only when the weights add up to 1, as in both course matrices) "
         "(docstring: 'level = (wc * course + wp * practice) / (wc + wp)')",
         _sl(blend=_SL_BLEND.replace("return (wc * course + wp * practice) / (wc + wp)", "return wc * course + wp * practice"))),
        ("blind: a skill with no practice gets a practice part of 0 that still weighs wp (docstring: 'When a skill has ... no practice, "
         "that part is left out (with its weight) and the other decides alone')",
         _sl(blend='''    wc, wp = matrix["evidence_weights"]["course"], matrix["evidence_weights"]["practices"]
    if available:
        return (wc * course + wp * practice) / (wc + wp)
    if skill["practices"]:
        return min(practice, matrix["self_reported_cap"])
    return 0.0
''')),
        ("blind: the result is sorted by skill id instead of following matrix['skills'] (the tiny matrix is already sorted) "
         "(docstring: 'for every skill in matrix[\"skills\"] (same order)')",
         _sl(result='''    return {skill_id: _level(matrix["skills"][skill_id]) for skill_id in sorted(matrix["skills"])}
''')),
        ("blind: fills missing modules into the evidence with setdefault (mutates the learner's evidence) "
         "(test cell: 'check it leaves its inputs unchanged'; docstring: 'A module missing from the evidence ... counts 0')",
         _sl(fraction='''        record = evidence["modules"].setdefault(m, {"score": 0, "max_score": 0, "exercises": {}})
        if not record["max_score"]:
            fractions.append(0.0)
        else:
            fractions.append(min(record["score"] / record["max_score"], 1.0))
''')),
        ("blind: a practice counts as done when it was answered at all (the key is present), so False counts as ticked "
         "(docstring: 'the share of s[\"practices\"] that evidence[\"practices\"] marks True')",
         _sl(practice='''    done = [p for p in skill["practices"] if evidence["practices"].get(p) is not None]
''')),
        ("blind: 'no available module' tested as 'no module at all': a skill whose only modules are coming is blended with a course part "
         "of 0 and never capped (docstring: 'When a skill has no available module ... that part is left out'; the cap)",
         _sl(blend='''    wc, wp = matrix["evidence_weights"]["course"], matrix["evidence_weights"]["practices"]
    if skill["modules"] and skill["practices"]:
        return (wc * course + wp * practice) / (wc + wp)
    if skill["modules"]:
        return course
    if skill["practices"]:
        return min(practice, matrix["self_reported_cap"])
    return 0.0
''')),
    ],
    "render_report": [
        ("blind: the current milestone is the FIRST one reached (lowest), not the highest: junior 0.9, senior 0.85 says Junior "
         "(docstring: 'The current milestone is the highest one whose readiness reaches ready_at')",
         _rr(milestones='''    milestones = matrix["milestones"]
    order = list(milestones)
    reached = [m for m in order if ready[m] >= matrix["ready_at"]]
    current = reached[0] if reached else None
    target = order[order.index(current) + 1] if current and order.index(current) + 1 < len(order) else (None if current else order[0])
''')),
        ("blind: 'reaches ready_at' read as strictly above it: a readiness of exactly 0.8 is not reached "
         "(docstring: 'the highest one whose readiness reaches ready_at')",
         _rr(milestones='''    milestones = matrix["milestones"]
    order = list(milestones)
    reached = [m for m in order if ready[m] > matrix["ready_at"]]
    current = reached[-1] if reached else None
    target = order[order.index(current) + 1] if current and order.index(current) + 1 < len(order) else (None if current else order[0])
''')),
        ("blind: with no milestone reached, the next target is 'none (top milestone reached)' instead of the first milestone "
         "(docstring: 'the next target is the one after it (the first when none is reached)')",
         _rr(milestones='''    milestones = matrix["milestones"]
    order = list(milestones)
    current = career.current_milestone(ready, matrix)
    target = order[order.index(current) + 1] if current and order.index(current) + 1 < len(order) else None
''')),
        ("blind: at the top the next target repeats the top milestone instead of 'none (top milestone reached)' "
         "(docstring: '- Next target: {its title, or none (top milestone reached)}')",
         _rr(milestones='''    milestones = matrix["milestones"]
    order = list(milestones)
    current = career.current_milestone(ready, matrix)
    target = order[min(order.index(current) + 1, len(order) - 1)] if current else order[0]
''')),
        ("blind: percent rounded half up (int(x + 0.5)) instead of round(): 1/8 gives 13%, round gives 12% "
         "(docstring: 'Percent = round(100 * score / max_score)')",
         _rr(modules=_RR_MODULES.replace("round(100 * score / max_score)", "int(100 * score / max_score + 0.5)"))),
        ("blind: score and max_score printed with str() instead of :g: a float score 8.0 shows as '8.0' "
         "(docstring: 'score and max_score as numbers (format :g)')",
         _rr(modules=_RR_MODULES.replace("| {score:g} | {max_score:g} |", "| {score} | {max_score} |"))),
        ("blind: readiness rows follow the order of the `ready` dict instead of the matrix "
         "(docstring: 'one row per milestone in matrix order')",
         _rr(readiness='''    lines += ["## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, value in ready.items():
        lines.append(f"| {milestones[milestone_id]['title']} | {round(100 * value)}% |")
    lines.append("")
''')),
        ("blind: chart paths reduced to their file name (os.path.basename): 'charts/radar.png' becomes 'radar.png' "
         "(docstring: '![name](path), the path exactly as given')",
         _rr(charts='''    lines += ["## Charts", ""]
    lines += [f"![{name}]({path.rsplit('/', 1)[-1]})" for name, path in plots.items()]
    lines.append("")
''')),
        ("blind: sections with nothing in them (no plots, no steps, no highlights) are left out "
         "(docstring: 'with these parts in this order')",
         _rr(charts='''    if plots:
        lines += ["## Charts", ""]
        lines += [f"![{name}]({path})" for name, path in plots.items()]
        lines.append("")
''', steps='''    if steps:
        lines += ["## Next steps", ""]
        for i, step in enumerate(steps, start=1):
            coming = " (coming)" if step["status"] == "coming" else ""
            redo = f"; redo {', '.join(step['redo'])}" if step.get("redo") else ""
            lines.append(f"{i}. {step['module']} — {step['title']}{coming}: raise {', '.join(step['skills'])}{redo}")
        lines.append("")
''', highlights='''    if highlights:
        lines += ["## Built and measured", ""]
        lines += [f"- {h}" for h in highlights]
''')),
        ("blind: the Readiness table recomputes readiness from the evidence instead of using the `ready` it was given "
         "(docstring: 'one row per milestone in matrix order: its title, round(100 * readiness)')",
         _rr(readiness='''    lines += ["## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    recomputed = career.readiness(evidence, matrix)
    for milestone_id, milestone in milestones.items():
        lines.append(f"| {milestone['title']} | {round(100 * recomputed[milestone_id])}% |")
    lines.append("")
''')),
    ],
}

for _gid, _items in BLIND_2026_11_30.items():
    WRONG_ANSWERS.setdefault(_gid, []).extend(_items)
