"""Binder: repo2docker builds Python 3.11 with the pinned requirements, installs backendlab, and opens module 00."""

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


def test_repo2docker_plans_python_311_installs_the_pins_after_copying_the_repo_then_the_package() -> None:
    text = dockerfile()
    assert "python=3.11" in text
    copy_repo = text.index("COPY --chown=0:0 src/ ${REPO_DIR}/")
    install = text.index('pip install --no-cache-dir -r "binder/requirements.txt"')
    post_build = text.index("./binder/postBuild")
    assert copy_repo < install < post_build, "binder/requirements.txt includes ../requirements.txt, so the repo must be copied first"


def test_binder_files_point_at_the_course_pins_and_install_backendlab() -> None:
    lines = [ln.strip() for ln in (ROOT / "binder" / "requirements.txt").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines == ["-r ../requirements.txt"]
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
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
