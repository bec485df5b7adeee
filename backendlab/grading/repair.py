"""Make a submitted notebook gradable: read it safely, repair duplicate ids, restore deleted graded cells from the release."""

from __future__ import annotations

import copy
import json
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

MAX_BYTES = 20 * 2**20  # a submission larger than this is not read


class Unreadable(ValueError):
    """The file is not a notebook we can grade; the message is the one-line reason."""


@dataclass
class Repaired:
    notebook: NotebookNode
    notes: list[str] = field(default_factory=list)


def _grade_id(cell: dict) -> str | None:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    if not isinstance(meta, dict):
        return None
    if meta.get("grade") or meta.get("solution") or meta.get("locked") or meta.get("task"):
        return meta.get("grade_id")
    return None


def read(path: Path) -> NotebookNode:
    """The notebook at `path`, or Unreadable with a reason (missing, empty, too big, not JSON, not a notebook)."""
    if not path.is_file():
        raise Unreadable(f"{path.name}: not handed in")
    size = path.stat().st_size
    if size == 0:
        raise Unreadable(f"{path.name}: the file is empty")
    if size > MAX_BYTES:
        raise Unreadable(f"{path.name}: {size / 2**20:.0f} MB, larger than the {MAX_BYTES // 2**20} MB a notebook may be")
    try:
        raw = json.loads(path.read_bytes())
        if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
            raise ValueError("no list of cells")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbformat warns (on stderr) about what repair() fixes below
            nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any failure means: not a notebook
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        raise Unreadable(f"{path.name}: not a readable notebook ({first})") from None
    return nb


def repair(nb: NotebookNode, release: NotebookNode) -> Repaired:
    """Fix what makes nbgrader abort or skip points, and say what was fixed (one note per fix)."""
    out = Repaired(nb)
    nb.nbformat, nb.nbformat_minor = 4, max(5, nb.get("nbformat_minor", 5))
    nb.cells = [c for c in nb.cells if isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")]
    released = {gid: c for c in release.cells if (gid := _grade_id(c))}

    # 1. grade ids: unknown ones are stripped, duplicates keep one graded cell (the release's cell id, else the last)
    seen: dict[str, list[int]] = {}
    for index, cell in enumerate(nb.cells):
        gid = _grade_id(cell)
        if gid is None:
            continue
        if gid not in released:
            cell.metadata.pop("nbgrader", None)
            out.notes.append(f"cell {index} claimed grade id {gid!r}, which the release does not have: graded as an ordinary cell")
            continue
        seen.setdefault(gid, []).append(index)
    for gid, indexes in seen.items():
        if len(indexes) > 1:
            same_id = [i for i in indexes if nb.cells[i].get("id") == released[gid].get("id")]
            keep = same_id[-1] if same_id else indexes[-1]
            for i in indexes:
                if i != keep:
                    nb.cells[i].metadata.pop("nbgrader", None)
            out.notes.append(f"grade id {gid!r} appeared {len(indexes)} times (a copied cell): kept cell {keep}, "
                             "the copies run as ordinary cells")
    for cell in nb.cells:  # metadata comes from the release: a student cannot turn an answer into a test or change points
        gid = _grade_id(cell)
        if gid in released:
            cell.cell_type = released[gid].cell_type
            cell.metadata["nbgrader"] = copy.deepcopy(released[gid].metadata["nbgrader"])

    # 2. deleted graded, answer or locked cells come back from the release, after the cell that preceded them there
    present = {_grade_id(c) for c in nb.cells}
    order = list(released)
    for position, gid in enumerate(order):
        if gid in present:
            continue
        anchor = next((g for g in reversed(order[:position]) if g in present), None)
        at = 0 if anchor is None else next(i for i, c in enumerate(nb.cells) if _grade_id(c) == anchor) + 1
        restored = copy.deepcopy(released[gid])
        if restored.cell_type == "code":
            restored.outputs, restored.execution_count = [], None
        nb.cells.insert(at, restored)
        present.add(gid)
        kind = "test" if released[gid].metadata["nbgrader"].get("grade") and not released[gid].metadata["nbgrader"].get("solution") \
            else "answer" if released[gid].metadata["nbgrader"].get("solution") else "locked"
        out.notes.append(f"{kind} cell {gid!r} was deleted: restored from the release")

    # 3. cell ids: missing, invalid or duplicated ones get fresh ids (nbgrader aborts on a duplicate)
    ids: set[str] = set()
    fixed = 0
    for cell in nb.cells:
        cid = cell.get("id")
        if not isinstance(cid, str) or not cid or cid in ids or len(cid) > 64:
            cell["id"] = uuid.uuid4().hex[:8]
            fixed += cid is not None
        ids.add(cell["id"])
        if cell.cell_type == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        cell.setdefault("metadata", NotebookNode())
    if fixed:
        out.notes.append(f"{fixed} duplicated or invalid cell id(s) renewed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        raise Unreadable(f"not a valid notebook even after repair ({first})") from None
    return out
