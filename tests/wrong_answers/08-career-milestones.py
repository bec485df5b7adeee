"""Plausible wrong answers for module 08 (career milestones): each must lose points on its own exercise."""

SKILL_LEVELS_SIGNATURE = '''
def skill_levels(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {skill_id: level} for every skill in matrix["skills"] (same order), each level in 0..1."""
'''

READINESS_SIGNATURE = '''
def readiness(evidence: dict, matrix: dict) -> dict[str, float]:
    """Return {milestone_id: readiness in 0..1} for every milestone in matrix["milestones"] (same order)."""
'''

GAPS_SIGNATURE = '''
def gaps(evidence: dict, matrix: dict, target: str) -> list[dict]:
    """The fewest skills to raise to their bar so milestone `target` reaches matrix["ready_at"], biggest impact first."""
'''

NEXT_STEPS_SIGNATURE = '''
def next_steps(gaps: list[dict], modules: dict[str, dict]) -> list[dict]:
    """Map gaps (as returned by gaps(), biggest impact first) to modules of this course."""
'''

RENDER_SIGNATURE = '''
def render_report(title: str, evidence: dict, matrix: dict, ready: dict[str, float],
                  steps: list[dict], plots: dict[str, str], highlights: list[str]) -> str:
    """Return the proof point as Markdown."""
'''

# A correct render_report with one line swapped per wrong answer (so each variant fails for one reason only).
RENDER_BODY = '''
    milestones = matrix["milestones"]
    current = career.current_milestone(ready, matrix)
    target = career.next_milestone(ready, matrix)
    out = [f"# {title}", "", "## Summary", ""]
    out.append(f"- Current milestone: {milestones[current]['title'] if current else 'none yet'}")
    out.append(f"- Next target: {milestones[target]['title'] if target else 'none (top milestone reached)'}")
    out += ["", "## Module scores", "", "| Module | Score | Max | Percent |", "| --- | --- | --- | --- |"]
    for module_id in sorted(evidence["modules"]):
        record = evidence["modules"][module_id]
        PERCENT_LINE
        out.append(f"| {module_id} | {record['score']:g} | {record['max_score']:g} | {percent}% |")
    out += ["", "## Readiness", "", "| Milestone | Readiness |", "| --- | --- |"]
    for milestone_id, milestone in milestones.items():
        out.append(f"| {milestone['title']} | {round(100 * ready[milestone_id])}% |")
    out += ["", "## Charts", ""] + [IMAGE_LINE for name, path in plots.items()]
    out += ["", "## Next steps", ""]
    for i, step in enumerate(steps, start=1):
        coming = " (coming)" if step["status"] != "available" else ""
        redo = f"; redo {', '.join(step['redo'])}" if step["redo"] else ""
        out.append(STEP_LINE)
    out += ["", "## Built and measured", ""] + [f"- {h}" for h in highlights]
    return "\\n".join(out) + "\\n"
'''
GOOD = {
    "PERCENT_LINE": 'percent = round(100 * record["score"] / record["max_score"]) if record["max_score"] else 0',
    "IMAGE_LINE": 'f"![{name}]({path})"',
    "STEP_LINE": 'f"{i}. {step[\'module\']} — {step[\'title\']}{coming}: raise {\', \'.join(step[\'skills\'])}{redo}"',
}


def render(**swap: str) -> str:
    body = RENDER_BODY
    for key, good in GOOD.items():
        body = body.replace(key, swap.get(key, good))
    return RENDER_SIGNATURE + body


WRONG_ANSWERS = {
    "skill_levels": [
        ("a fixed 50/50 blend of course and practices, ignoring evidence_weights", SKILL_LEVELS_SIGNATURE + '''
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
'''),
        ("averages only the modules that have a score (a missing module is skipped instead of counting 0)",
         SKILL_LEVELS_SIGNATURE + '''
    wc, wp = matrix["evidence_weights"]["course"], matrix["evidence_weights"]["practices"]
    levels = {}
    for skill_id, skill in matrix["skills"].items():
        available = [m for m in skill["modules"] if matrix["modules"][m]["status"] == "available"]
        parts = []
        if available:
            fr = [min(evidence["modules"][m]["score"] / evidence["modules"][m]["max_score"], 1.0)
                  for m in available if m in evidence["modules"] and evidence["modules"][m]["max_score"]]
            parts.append((wc, sum(fr) / len(fr) if fr else 0.0))
        if skill["practices"]:
            parts.append((wp, sum(evidence["practices"].get(p) is True for p in skill["practices"]) / len(skill["practices"])))
        total = sum(w for w, _ in parts)
        levels[skill_id] = sum(w * v for w, v in parts) / total if total else 0.0
    return levels
'''),
        ("counts coming modules as 0 instead of leaving them out", SKILL_LEVELS_SIGNATURE + '''
    wc, wp = matrix["evidence_weights"]["course"], matrix["evidence_weights"]["practices"]
    levels = {}
    for skill_id, skill in matrix["skills"].items():
        parts = []
        if skill["modules"]:
            fr = []
            for m in skill["modules"]:
                rec = evidence["modules"].get(m)
                fr.append(min(rec["score"] / rec["max_score"], 1.0) if rec and rec["max_score"] else 0.0)
            parts.append((wc, sum(fr) / len(fr)))
        if skill["practices"]:
            parts.append((wp, sum(evidence["practices"].get(p) is True for p in skill["practices"]) / len(skill["practices"])))
        total = sum(w for w, _ in parts)
        levels[skill_id] = sum(w * v for w, v in parts) / total if total else 0.0
    return levels
'''),
    ],
    "readiness": [
        ("no cap at the bar: over-achievement in one skill hides a gap in another", READINESS_SIGNATURE + '''
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for mid, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            if bar > 0:
                w = m["weights"].get(s, 1)
                num += w * levels[s] / bar
                den += w
        result[mid] = num / den if den else 1.0
    return result
'''),
        ("ignores the weights (a plain mean of the capped ratios)", READINESS_SIGNATURE + '''
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for mid, m in matrix["milestones"].items():
        ratios = [min(levels[s] / bar, 1.0) for s, bar in m["bars"].items() if bar > 0]
        result[mid] = sum(ratios) / len(ratios) if ratios else 1.0
    return result
'''),
        ("counts a skill with bar 0 as met, in both sums", READINESS_SIGNATURE + '''
    levels = career.skill_levels(evidence, matrix)
    result = {}
    for mid, m in matrix["milestones"].items():
        num = den = 0.0
        for s, bar in m["bars"].items():
            w = m["weights"].get(s, 1)
            num += w * (min(levels[s] / bar, 1.0) if bar > 0 else 1.0)
            den += w
        result[mid] = num / den if den else 1.0
    return result
'''),
    ],
    "gaps": [
        ("returns every skill below its bar, not the fewest that reach ready_at", GAPS_SIGNATURE + '''
    m = matrix["milestones"][target]
    levels = career.skill_levels(evidence, matrix)
    total = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    out = [{"skill": s, "level": levels[s], "bar": bar, "impact": m["weights"].get(s, 1) * (1 - levels[s] / bar) / total}
           for s, bar in m["bars"].items() if bar > 0 and levels[s] < bar]
    out.sort(key=lambda g: (-round(g["impact"], 9), g["skill"]))
    return out
'''),
        ("orders by shortfall (bar - level) instead of weighted impact", GAPS_SIGNATURE + '''
    m = matrix["milestones"][target]
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    total = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    cands = [{"skill": s, "level": levels[s], "bar": bar, "impact": m["weights"].get(s, 1) * (1 - levels[s] / bar) / total}
             for s, bar in m["bars"].items() if bar > 0 and levels[s] < bar]
    cands.sort(key=lambda g: (-(g["bar"] - g["level"]), g["skill"]))
    chosen = []
    for g in cands:
        if current >= matrix["ready_at"] - 1e-9:
            break
        chosen.append(g)
        current += g["impact"]
    return chosen
'''),
        ("adds a gap before checking the readiness (one too many, and one even when already ready)", GAPS_SIGNATURE + '''
    m = matrix["milestones"][target]
    levels = career.skill_levels(evidence, matrix)
    current = career.readiness(evidence, matrix)[target]
    total = sum(m["weights"].get(s, 1) for s, bar in m["bars"].items() if bar > 0)
    cands = [{"skill": s, "level": levels[s], "bar": bar, "impact": m["weights"].get(s, 1) * (1 - levels[s] / bar) / total}
             for s, bar in m["bars"].items() if bar > 0 and levels[s] < bar]
    cands.sort(key=lambda g: (-round(g["impact"], 9), g["skill"]))
    chosen = []
    for g in cands:
        chosen.append(g)
        current += g["impact"]
        if current > matrix["ready_at"]:
            break
    return chosen
'''),
    ],
    "next_steps": [
        ("lists every exercise of the module in redo, even those with full marks", NEXT_STEPS_SIGNATURE + '''
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
'''),
        ("keeps course order instead of gap order", NEXT_STEPS_SIGNATURE + '''
    wanted = [g["skill"] for g in gaps]
    steps = []
    for mid, mod in modules.items():
        skills = [s for s in wanted if s in mod["skills"]]
        if not skills:
            continue
        redo = []
        if mod["status"] == "available":
            lost = {g: e["max_score"] - e["score"] for g, e in mod.get("exercises", {}).items() if e["score"] < e["max_score"]}
            redo = sorted(lost, key=lambda g: (-lost[g], g))
        steps.append({"module": mid, "title": mod["title"], "status": mod["status"], "skills": skills, "redo": redo})
    return [s for s in steps if s["status"] == "available"] + [s for s in steps if s["status"] != "available"]
'''),
        ("one step per (gap, module) pair: a module that trains two gaps appears twice", NEXT_STEPS_SIGNATURE + '''
    steps = []
    for gap in gaps:
        for mid, mod in modules.items():
            if gap["skill"] not in mod["skills"]:
                continue
            redo = []
            if mod["status"] == "available":
                lost = {g: e["max_score"] - e["score"] for g, e in mod.get("exercises", {}).items() if e["score"] < e["max_score"]}
                redo = sorted(lost, key=lambda g: (-lost[g], g))
            steps.append({"module": mid, "title": mod["title"], "status": mod["status"], "skills": [gap["skill"]], "redo": redo})
    return [s for s in steps if s["status"] == "available"] + [s for s in steps if s["status"] != "available"]
'''),
    ],
    "render_report": [
        ("writes the percent as a fraction (0.8) instead of a whole percentage",
         render(PERCENT_LINE='percent = round(record["score"] / record["max_score"], 2) if record["max_score"] else 0')),
        ("links the charts with a folder prefix instead of the paths as given",
         render(IMAGE_LINE='f"![{name}](portfolio/{path})"')),
        ("writes the next steps as bullets instead of a numbered list",
         render(STEP_LINE='f"- {step[\'module\']} — {step[\'title\']}{coming}: raise {\', \'.join(step[\'skills\'])}{redo}"')),
    ],
}
