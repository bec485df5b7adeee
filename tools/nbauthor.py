"""Write nbgrader source notebooks from Python: a convenience for authors, the .ipynb stays the source.

    from tools.nbauthor import Notebook
    nb = Notebook()
    nb.md("# Title")
    nb.answer('''def f(x):
        \"\"\"Contract the learner reads.\"\"\"
        ### BEGIN SOLUTION
        return x
        ### END SOLUTION''', grade_id="f")
    nb.tests('''\"\"\"Check that f returns its input.\"\"\"
    ...
    ### BEGIN HIDDEN TESTS
    ...
    ### END HIDDEN TESTS''', grade_id="f_returns_input", points=2)
    nb.save("solutions/00-orientation/01-welcome.ipynb")

Cell ids are stable: the grade id for nbgrader cells, a hash of the source for the others.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from pathlib import Path
from typing import Any

import nbformat

ID_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _text(src: str) -> str:
    return textwrap.dedent(src).strip("\n")


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict[str, Any]:
    if not ID_RE.match(grade_id):
        raise ValueError(f"grade_id {grade_id!r}: use 1-64 letters, digits, '_' or '-'")
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


class Notebook:
    """An ordered list of cells with nbgrader roles."""

    def __init__(self) -> None:
        self.cells: list[Any] = []

    def md(self, text: str) -> None:
        """Narrative markdown."""
        self.cells.append(nbformat.v4.new_markdown_cell(_text(text)))

    def code(self, src: str) -> None:
        """Narrative code the learner runs (and may change)."""
        self.cells.append(nbformat.v4.new_code_cell(_text(src)))

    def setup(self, src: str, grade_id: str = "setup") -> None:
        """A locked "just run this" cell: nbgrader restores it at grading time."""
        self.cells.append(nbformat.v4.new_code_cell(_text(src), metadata=_nbgrader(grade_id, grade=False, solution=False, locked=True)))

    def answer(self, src: str, grade_id: str) -> None:
        """An autograded answer cell: the region between ### BEGIN/END SOLUTION is removed for students."""
        body = _text(src)
        if "### BEGIN SOLUTION" not in body:
            raise ValueError(f"{grade_id}: an answer cell needs a ### BEGIN SOLUTION ... ### END SOLUTION region")
        self.cells.append(nbformat.v4.new_code_cell(body, metadata=_nbgrader(grade_id, grade=False, solution=True, locked=False)))

    def tests(self, src: str, grade_id: str, points: float) -> None:
        """A locked test cell: a docstring line, visible checks, then ### BEGIN/END HIDDEN TESTS."""
        body = _text(src)
        if not body.startswith('"""'):
            raise ValueError(f"{grade_id}: start a test cell with a one-line docstring saying what it checks")
        meta = _nbgrader(grade_id, grade=True, solution=False, locked=True, points=points)
        self.cells.append(nbformat.v4.new_code_cell(body, metadata=meta))

    def reflection(self, model_answer: str, grade_id: str, points: float) -> None:
        """A manually graded written answer (markdown); learners see "YOUR ANSWER HERE"."""
        meta = _nbgrader(grade_id, grade=True, solution=True, locked=False, points=points)
        self.cells.append(nbformat.v4.new_markdown_cell(_text(model_answer), metadata=meta))

    def to_notebook(self) -> Any:
        nb = nbformat.v4.new_notebook()
        nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
        seen: dict[str, int] = {}
        for cell in self.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            base = grade_id or hashlib.sha1(cell.source.encode()).hexdigest()[:10]
            seen[base] = seen.get(base, 0) + 1
            cell.id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        nb.cells = self.cells
        nbformat.validate(nb)
        return nb

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(self.to_notebook()) + "\n", encoding="utf-8")
        return path
