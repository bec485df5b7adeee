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
    """Every hidden-test line of a module's source notebooks."""
    lines: set[str] = set()
    for path in sorted(Path(source_folder).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            lines |= hidden_lines(cell.source)
    return frozenset(lines)


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


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>\n")


def write_feedback(work: Path, template: Path, module: str, student: str, result: dict[str, Any], target: Path) -> None:
    """Feedback HTML for each notebook of the student (a short page for one that could not be graded)."""
    from backendlab.grading.student import run_nbgrader

    secret = module_hidden_lines(str(template / "source" / module))
    graded_dir = work / "autograded" / student / module
    target.mkdir(parents=True, exist_ok=True)
    for name, entry in result["notebooks"].items():
        path = graded_dir / name
        if entry["status"] != "graded" or entry.get("flags"):
            why = entry["reason"] or "; ".join(entry.get("flags", []))
            banner = f"**Grading status: {entry['status']}.** {why}"
        else:
            banner = ""
        if path.exists():
            nb = redact(nbformat.read(path, as_version=4), secret, banner)
            nbformat.write(nb, path)
        else:
            (target / name.replace(".ipynb", ".html")).write_text(
                _page(f"{module} · {name}", f"This notebook could not be graded ({entry['status']}): {entry['reason']}"))
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(work)
    config.CourseDirectory.db_url = f"sqlite:///{work / 'gradebook.db'}"
    config.CourseDirectory.source_directory = "source"
    config.CourseDirectory.release_directory = "release"
    if any(p.exists() for p in graded_dir.glob("*.ipynb")):
        run_nbgrader("feedback", work, module, student, config)
        for html_file in (work / "feedback" / student / module).glob("*.html"):
            text = html_file.read_text(errors="replace")
            if any(html.escape(line) in text or line in text for line in secret):
                text = _page(f"{module} · {html_file.stem}", "Feedback withheld: it would have shown hidden tests. Ask your instructor.")
            (target / html_file.name).write_text(text)
