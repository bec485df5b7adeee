"""Feedback HTML a student may see: no hidden tests, test-cell outputs cut to the checks' own messages."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*$", re.S | re.M)
MAX_OUTPUT_CHARS = 5000
REMOVED = "[output removed from the feedback: it contained text of the hidden tests]"


def _is_test_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def hidden_lines(source: str) -> set[str]:
    """Lines of a cell's hidden region that its visible part does not also have (what must never leak)."""
    visible = {line.strip() for line in HIDDEN.sub("", source).splitlines()}
    found = set()
    for block in HIDDEN.findall(source):
        for line in block.splitlines()[1:-1]:
            text = line.strip()
            if len(text) >= 12 and text not in visible and not text.startswith("#"):
                found.add(text)
    return found


@lru_cache(maxsize=32)
def module_hidden_lines(source_folder: str) -> frozenset[str]:
    """Every hidden-test line of a module's source notebooks that the student version does not show anywhere."""
    lines: set[str] = set()
    visible: set[str] = set()
    for path in sorted(Path(source_folder).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            lines |= hidden_lines(cell.source)
            visible |= {line.strip() for line in HIDDEN.sub("", cell.source).splitlines()}
    return frozenset(lines - visible)


def _hide_region(match: re.Match) -> str:
    checks = len(re.findall(r"\bcheck_\w+\(", match.group(0))) or 1
    return f"### hidden tests: {checks} check{'s' if checks != 1 else ''} (run at grading; not shown)"


def _text(out: dict) -> str:
    if out.get("output_type") == "stream":
        return "".join(out.get("text", ""))
    if out.get("output_type") == "error":
        return f"{out.get('ename', '')}: {out.get('evalue', '')}"
    return "".join(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))


def redact(nb: NotebookNode, secret: frozenset[str], banner: str = "") -> NotebookNode:
    """The notebook as feedback: hidden regions replaced by a count, test outputs reduced to the checks' messages,
    tracebacks dropped, and any output that quotes a hidden test removed."""
    for cell in nb.cells:
        if _is_test_cell(cell):
            cell.source = HIDDEN.sub(_hide_region, cell.source)
            kept = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    kept.append(NotebookNode(output_type="error", ename=out.get("ename", ""), evalue=str(out.get("evalue", ""))[:2000],
                                             traceback=[f"{out.get('ename', '')}: {str(out.get('evalue', ''))[:2000]}"]))
                elif out.get("output_type") == "stream":
                    lines = [line for line in _text(out).splitlines(keepends=True) if line.startswith("✓")]
                    if lines:
                        kept.append(NotebookNode(output_type="stream", name="stdout", text="".join(lines)))
            cell.outputs = kept
        elif cell.cell_type == "code":
            kept = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out = NotebookNode(output_type="error", ename=out.get("ename", ""), evalue=str(out.get("evalue", ""))[:2000],
                                       traceback=[f"{out.get('ename', '')}: {str(out.get('evalue', ''))[:2000]}"])
                elif out.get("output_type") == "stream" and len(_text(out)) > MAX_OUTPUT_CHARS:
                    out.text = _text(out)[:MAX_OUTPUT_CHARS] + "\n[... output cut for the feedback]\n"
                kept.append(out)
            cell.outputs = kept
        for out in cell.get("outputs", []):
            text = _text(out) + "".join(str(v) for v in out.get("data", {}).values())
            if any(line in text for line in secret):
                out.clear()
                out.update(output_type="stream", name="stdout", text=REMOVED + "\n")
        if cell.cell_type != "code" and any(line in cell.source for line in secret):
            cell.source = REMOVED
    if banner:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(banner))
    return nb


STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{background:#f6f8fa;padding:.6rem;overflow-x:auto;white-space:pre-wrap}.out{background:#fff;border-left:3px solid #ccc}
.err{border-left:3px solid #c00;color:#900}.cell{margin:1rem 0}.score{font-weight:bold}.ok{color:#070}.bad{color:#c00}
.banner{background:#fff3cd;padding:.6rem;border:1px solid #e0c36c}img{max-width:100%}"""
_markdown = None


def _md(text: str) -> str:
    global _markdown
    if _markdown is None:
        import mistune

        _markdown = mistune.create_markdown(escape=True)  # raw HTML in a student's cell is shown, never run
    return str(_markdown(text))


def _output_html(out: dict) -> str:
    kind = out.get("output_type")
    if kind == "error":
        return f"<pre class='out err'>{html.escape(_text(out))}</pre>"
    if kind == "stream":
        return f"<pre class='out'>{html.escape(_text(out))}</pre>"
    data = out.get("data", {})
    for mime in ("image/png", "image/jpeg"):
        payload = "".join(data.get(mime, "")) if isinstance(data.get(mime), (str, list)) else ""
        if payload and re.fullmatch(r"[A-Za-z0-9+/=\s]+", payload):
            return f"<img alt='plot' src='data:{mime};base64,{payload.strip()}'>"
    text = "".join(data.get("text/plain", ""))  # never text/html or JavaScript from a submission
    return f"<pre class='out'>{html.escape(text[:MAX_OUTPUT_CHARS])}</pre>" if text else ""


def render(nb: NotebookNode, title: str, entry: dict[str, Any]) -> str:
    """A self-contained HTML page of the (already redacted) notebook, with each graded cell's score."""
    scores = {c["grade_id"]: c for c in entry.get("cells", [])}
    total = sum(c["score"] for c in scores.values() if c["kind"] == "auto")
    most = sum(c["max_score"] for c in scores.values() if c["kind"] == "auto")
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{html.escape(title)}</h1><p class='score'>Autograded score: {total:g} / {most:g}</p>"]
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        parts.append("<div class='cell'>")
        if gid in scores:
            c = scores[gid]
            if c["kind"] == "manual":
                parts.append(f"<p class='score'>{html.escape(gid)}: graded by a person ({c['max_score']:g} points)</p>")
            else:
                mark = "ok" if c["score"] >= c["max_score"] else "bad"
                parts.append(f"<p class='score {mark}'>{html.escape(gid)}: {c['score']:g} / {c['max_score']:g} points</p>")
        if cell.cell_type == "markdown":
            parts.append(_md(cell.source))
        elif cell.cell_type == "code":
            parts.append(f"<pre>{html.escape(cell.source)}</pre>")
            parts.extend(_output_html(out) for out in cell.get("outputs", []))
        parts.append("</div>")
    parts.append("</body></html>\n")
    return "".join(parts)


def message_page(title: str, body: str) -> str:
    """A one-paragraph page: why there is no graded notebook to show."""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>\n")


def write_feedback(work: Path, template: Path, module: str, student: str, result: dict[str, Any], target: Path) -> None:
    """Feedback HTML for each notebook of the student (a short page for one that could not be graded)."""
    secret = module_hidden_lines(str(template / "source" / module))
    graded_dir = work / "autograded" / student / module
    target.mkdir(parents=True, exist_ok=True)
    for name, entry in result["notebooks"].items():
        path = graded_dir / name
        page = target / name.replace(".ipynb", ".html")
        title = f"{module} · {name} · feedback for {student}"
        if entry["status"] == "unreadable" or not path.exists():
            page.write_text(message_page(title, f"This notebook could not be graded ({entry['status']}): {entry['reason']}"))
            continue
        banner = ""
        if entry["status"] != "graded" or entry.get("flags"):
            why = entry["reason"] or "; ".join(entry.get("flags", []))
            banner = f"**Grading status: {entry['status']}.** {why}"
        text = render(redact(nbformat.read(path, as_version=4), secret, banner), title, entry)
        if any(line in text or html.escape(line) in text for line in secret):  # belt and braces
            text = message_page(title, "Feedback withheld: it would have shown hidden tests. Ask your instructor.")
        page.write_text(text)
