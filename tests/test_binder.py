"""Binder: repo2docker builds Python 3.11 with the learner's pins (cached across commits), installs backendlab, opens module 00."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from backendlab import course

ROOT = course.root()


def dockerfile() -> str:
    repo2docker = Path(sys.executable).parent / "repo2docker"
    proc = subprocess.run([str(repo2docker), "--no-build", "--debug", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout + proc.stderr


def _pins(path: Path) -> list[str]:
    return [ln.split("#")[0].strip() for ln in path.read_text().splitlines() if ln.split("#")[0].strip()]


def test_repo2docker_installs_the_pins_before_it_copies_the_repo_so_binder_caches_them() -> None:
    text = dockerfile()
    assert "python=3.11" in text
    install = text.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    copy_repo = text.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    post_build = text.index("./binder/postBuild")
    assert install < copy_repo < post_build, "a commit must not reinstall the environment: install the pins before the repo is copied"


def test_binder_installs_exactly_the_learner_pins_and_no_developer_tools() -> None:
    binder = _pins(ROOT / "binder" / "requirements.txt")
    drifted = "binder/requirements.txt drifted from requirements.txt: run `make binder-requirements`"
    assert binder == _pins(ROOT / "requirements.txt"), drifted
    names = {ln.split("==")[0].lower() for ln in binder}
    assert not names & {"jupyter-repo2docker", "ruff", "nbval", "pytest-xdist", "pytest-timeout", "playwright"}
    dev = _pins(ROOT / "requirements-dev.txt")
    assert dev[0] == "-r requirements.txt" and all("==" in ln for ln in dev[1:])
    overlap = {ln.split("==")[0].lower() for ln in dev[1:]} & names
    assert not overlap, f"requirements-dev.txt repeats learner pins: {overlap}"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    start = ROOT / "binder" / "start"
    assert start.stat().st_mode & 0o111 and "binder/jupyter" in start.read_text(), "Binder uses the learner's Jupyter configuration"
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert "pip install --no-deps --no-cache-dir -e ." in post_build.read_text()
    pins = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^jupyter_server_proxy==", pins, re.M), "service UIs need jupyter-server-proxy on Binder"


def test_readme_badge_opens_an_existing_module_00_notebook() -> None:
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/([^)\s]+)\)", readme)
    assert badge, "README.md needs a Binder badge that opens JupyterLab"
    assert (ROOT / badge[1]).is_file() and badge[1].startswith("modules/00-orientation/")
