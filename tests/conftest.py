"""Shared test setup: every test writes progress and portfolio files to a temporary folder, never the learner's."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Set before any test (and inherited by the kernels nbgrader starts), so no test touches the real progress.json.
_STATE = Path(tempfile.mkdtemp(prefix="backendlab-tests-"))
os.environ["BACKENDLAB_PROGRESS"] = str(_STATE / "progress.json")
os.environ["BACKENDLAB_PORTFOLIO"] = str(_STATE / "portfolio")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(_STATE / "hypothesis")  # not a .hypothesis folder in the repository


def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave nothing in /tmp: this process's progress, portfolio and Hypothesis files go with the run."""
    shutil.rmtree(_STATE, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the slow notebook executions first, so parallel workers finish together."""
    items.sort(key=lambda item: 0 if item.get_closest_marker("slow") else 1)


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty progress location for one test."""
    path = tmp_path / "progress.json"
    monkeypatch.setenv("BACKENDLAB_PROGRESS", str(path))
    return path


@pytest.fixture
def portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, progress_file: Path) -> Path:
    """A fresh portfolio folder and progress file, as outside grading (the capstone writes its report there)."""
    from backendlab.scorecard import GRADING_ENV

    folder = tmp_path / "portfolio"
    monkeypatch.setenv("BACKENDLAB_PORTFOLIO", str(folder))
    monkeypatch.delenv(GRADING_ENV, raising=False)
    return folder
