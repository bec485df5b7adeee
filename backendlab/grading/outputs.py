"""Test-cell outputs that nbgrader scores fairly: stderr noise moved to stdout, no execute_result for partial credit."""

from __future__ import annotations

from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

STDERR_PREFIX = "[stderr] "


def _is_test_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def fair_outputs(cell: NotebookNode) -> NotebookNode:
    """Rewrite one graded test cell's outputs in place (see TestCellOutputs)."""
    if not _is_test_cell(cell):
        return cell
    failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
    kept = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "execute_result":
            continue  # nbgrader would read a number here as the cell's score
        if out.get("output_type") == "stream" and out.get("name") == "stderr" and not failed:
            text = "".join(out.get("text", ""))
            lines = [STDERR_PREFIX + line for line in text.splitlines(keepends=True)]
            out = NotebookNode(output_type="stream", name="stdout", text="".join(lines))
        kept.append(out)
    cell.outputs = kept
    return cell


class TestCellOutputs(NbGraderPreprocessor):
    """After Execute, in graded test cells (grade=True, solution=False):

    - with no error output, stderr stream outputs (a library warning, a log record) become stdout ones,
      each line prefixed "[stderr] " so the learner sees where it came from: nbgrader would score 0 for them;
    - execute_result outputs are dropped: nbgrader reads a number there as a partial score, and an answer
      cell could make a test cell's last expression return 999.
    """

    __test__ = False  # not a pytest class

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> tuple[NotebookNode, Any]:
        return fair_outputs(cell), resources
