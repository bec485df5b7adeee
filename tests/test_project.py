"""Project hygiene: exact pins, the two commands, CI wiring, and a helper package without import side effects."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys

from backendlab import course

ROOT = course.root()
REQUIRED = ["jupyterlab", "nbgrader", "fastapi", "uvicorn", "httpx", "sqlalchemy", "duckdb", "duckdb-engine",
            "opentelemetry-sdk", "prometheus-client", "locust", "matplotlib", "pytest", "nbval", "pytest-xdist"]


def _name(line: str) -> str:
    return re.split(r"[=<>!~ \[]", line, maxsplit=1)[0].lower().replace("_", "-")


def test_every_requirement_is_pinned_exactly_and_the_course_stack_is_there() -> None:
    lines = [ln.split("#")[0].strip() for f in ("requirements.txt", "requirements-dev.txt") for ln in (ROOT / f).read_text().splitlines()]
    lines = [ln for ln in lines if ln and ln != "-r requirements.txt"]
    loose = [ln for ln in lines if not re.fullmatch(r"[A-Za-z0-9._-]+(\[[a-z,]+\])?==[A-Za-z0-9.+!-]+", ln)]
    assert not loose, f"pin these exactly with ==: {loose}"
    names = [_name(ln) for ln in lines]
    assert len(names) == len(set(names)), "a requirement is listed twice"
    missing = [r for r in REQUIRED if r not in names]
    assert not missing, f"requirements.txt and requirements-dev.txt lack {missing}"


def test_installed_environment_has_no_broken_requirements() -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make lab" in first_screen and "make test" in first_screen
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lab: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "bash .ci/run" in (ROOT / ".github" / "workflows" / "ci.yml").read_text()


def test_every_helper_module_says_what_it_is_for_in_one_line() -> None:
    for path in sorted((ROOT / "backendlab").glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc, f"{path.name} needs a module docstring"
        assert len(doc.splitlines()[0]) <= 120, f"{path.name}: keep the first docstring line short"


def test_importing_the_helper_package_changes_no_global_state(tmp_path) -> None:
    code = (
        "import os, pkgutil, importlib, backendlab\n"
        "from opentelemetry import trace\n"
        "from prometheus_client import REGISTRY\n"
        "before = set(REGISTRY._names_to_collectors)\n"
        "for m in pkgutil.iter_modules(backendlab.__path__): importlib.import_module('backendlab.' + m.name)\n"
        "assert trace._TRACER_PROVIDER is None, 'a global tracer provider was set on import'\n"
        "assert set(REGISTRY._names_to_collectors) == before, 'metrics registered in the default registry on import'\n"
        "assert os.listdir('.') == [], os.listdir('.')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_code_passes_ruff() -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "backendlab", "tools", "tests", "grading"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_backendlab_imports_from_anywhere() -> None:
    assert importlib.import_module("backendlab").__file__.startswith(str(ROOT))
