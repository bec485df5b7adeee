"""Keep notebooks reviewable and regenerate the student versions: `python -m tools.notebooks [clean|generate|all]`.

- clean: solution notebooks keep no outputs, execution counts or volatile metadata (timings, widths, versions),
  test cells carry the `raises-exception` tag (so Run All runs past an unsolved exercise), and get a navigation
  line (previous | contents | next) at their top and bottom and a locked "Check your work" cell before the closing
  cell, each found by its marker or cell id, so running it twice changes nothing.
- generate: modules/<module>/ is rewritten with what nbgrader generates from solutions/<module>/.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

from backendlab import course
from backendlab.grading import autograde

NAV_MARKER = "<!--NAVIGATION-->"
KEEP_CELL_METADATA = ("nbgrader", "tags")
# JupyterLab's Run All stops at the first cell that raises, unless the cell carries this tag: an untouched
# exercise's test cell raises, and the learner's Run All must still reach the end. Grading is unchanged.
RUN_ALL_TAG = "raises-exception"
NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def is_test_cell(cell: nbformat.NotebookNode) -> bool:
    """An autograded test cell: graded, not an answer."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def solution_notebooks() -> list[Path]:
    return sorted((course.root() / "solutions").glob("*/*.ipynb"))


def title(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and NAV_MARKER not in cell.source:
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "Untitled"


def cleaned(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Outputs, execution counts and volatile metadata removed; cell ids and nbgrader metadata kept."""
    nb = nbformat.from_dict(nb)
    nb.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA})
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if is_test_cell(cell) and RUN_ALL_TAG not in cell.metadata.get("tags", []):
                cell.metadata["tags"] = [*cell.metadata.get("tags", []), RUN_ALL_TAG]
        if "attachments" in cell and not cell.attachments:
            del cell["attachments"]
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def with_navigation(nb: nbformat.NotebookNode, path: Path, order: list[Path], titles: dict[Path, str]) -> nbformat.NotebookNode:
    """The notebook with its top and bottom navigation cells (re)written."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and c.source.startswith(NAV_MARKER))]
    i = order.index(path)

    def link(target: Path) -> str:
        rel = f"../{target.parent.name}/{target.name}" if target.parent != path.parent else target.name
        return f"[{titles[target]}]({rel})"

    parts = []
    if i > 0:
        parts.append(f"< {link(order[i - 1])}")
    parts.append("[Contents](../../README.md#course-map)")
    if i + 1 < len(order):
        parts.append(f"{link(order[i + 1])} >")
    line = f"{NAV_MARKER}\n" + " | ".join(parts)
    top = nbformat.v4.new_markdown_cell(line)
    top.id = "nav-top"
    bottom = nbformat.v4.new_markdown_cell(line)
    bottom.id = "nav-bottom"
    nb.cells = [top, *nb.cells, bottom]
    return nb


CHECK_IDS = ("check-your-work-intro", "check-your-work")
CHECK_INTRO = """## Check your work

Save the notebook (Ctrl+S), then run the cell below: it grades your **saved** notebooks of this module, hidden tests
included, prints a score card and records the score in `progress.json`. To try one exercise's hidden tests against
what you have defined right now, in about a second, run `check("<exercise>")` in any cell, e.g.
`check("{example}")`: that one is not recorded."""
CHECK_CODE = """# Locked: grades your saved notebooks of this module (skipped while a notebook is being graded).
from backendlab.scorecard import check, check_module

check_module()"""


def with_check_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with its "Check your work" cells (re)written just before the closing cell, if it has exercises."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if c.get("id") not in CHECK_IDS]
    answers = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    if not answers:
        return nb
    intro = nbformat.v4.new_markdown_cell(CHECK_INTRO.format(example=answers[0]))
    intro.id = CHECK_IDS[0]
    code = nbformat.v4.new_code_cell(CHECK_CODE, metadata={"nbgrader": {
        "grade": False, "grade_id": "check_your_work", "locked": True, "schema_version": 3, "solution": False, "task": False}})
    code.id = CHECK_IDS[1]
    closing = max(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and not c.source.startswith(NAV_MARKER))
    nb.cells[closing:closing] = [intro, code]
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> bool:
    """Write if the content changed; return whether it did."""
    text = nbformat.writes(nb) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def tidy_all() -> list[Path]:
    """Clean every solution notebook and refresh its navigation; return the files that changed."""
    order = solution_notebooks()
    notebooks = {p: nbformat.read(p, as_version=4) for p in order}
    titles = {p: title(nb) for p, nb in notebooks.items()}
    return [p for p, nb in notebooks.items() if write(with_navigation(with_check_cell(cleaned(nb)), p, order, titles), p)]


def generate(module: str) -> list[Path]:
    """Rewrite modules/<module>/ with the generated student notebooks; return the files written."""
    target = course.root() / "modules" / module
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(autograde.release(module), target)
    return sorted(target.rglob("*"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["clean", "generate", "all"], nargs="?", default="all")
    parser.add_argument("modules", nargs="*", help="modules to generate (default: all)")
    args = parser.parse_args(argv)
    if args.step in ("clean", "all"):
        for path in tidy_all():
            print(f"tidied {path.relative_to(course.root())}")
    if args.step in ("generate", "all"):
        names = [course.find_module(m) for m in args.modules] or course.module_names()
        for module in names:
            generate(module)
            print(f"generated modules/{module}/")
        stale = sorted(p.name for p in (course.root() / "modules").iterdir() if p.is_dir() and p.name not in course.module_names())
        for name in stale:
            print(f"note: modules/{name}/ has no source in solutions/; remove it if the module was dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
