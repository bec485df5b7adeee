"""The learner's first hour in a real browser: JupyterLab as `make lab` opens it, module 00 run with Run All.

Headless Chromium from the OS packages, driven by Playwright for Python (Playwright's own browser download is not
used). Screenshots land in tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from backendlab import course

ROOT = course.root()
ARTIFACTS = ROOT / "tests" / "artifacts"
NOTEBOOK = "modules/00-orientation/01-welcome.ipynb"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
INSTALL_HINT = (
    "The browser test needs Chromium: on Debian or Ubuntu `sudo apt-get install chromium` (CI's .ci/run does it), "
    "or point BACKENDLAB_CHROMIUM at a Chromium or Chrome binary."
)


def chromium() -> str:
    found = os.environ.get("BACKENDLAB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail(INSTALL_HINT, pytrace=False)  # a missing browser is a failed check, never a silent skip
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """JupyterLab with the learner's configuration (binder/jupyter, as `make lab`), on a copy of the student notebooks."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "modules", work / "modules")
    shutil.copy(ROOT / "README.md", work / "README.md")
    settings = work / ".settings" / "@jupyterlab" / "docmanager-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))  # never write the copy
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(ROOT / "binder" / "jupyter"), BACKENDLAB_PROGRESS=str(work / "progress.json"))
    for name in ("JUPYTERHUB_SERVICE_PREFIX", "MPLBACKEND"):  # the suite's Agg backend would hide the notebook's plots
        env.pop(name, None)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={work}", f"--IdentityProvider.token={token}", "--ServerApp.log_level=WARN",
        f"--LabApp.user_settings_dir={work / '.settings'}", f"--LabApp.workspaces_dir={work / '.workspaces'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = (work / "lab.log").open("w")
    proc = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/api/status", params={"token": token}, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"JupyterLab did not start:\n{(work / 'lab.log').read_text()[-3000:]}")
        time.sleep(0.5)
    try:
        yield {"base": base, "token": token, "work": work, "log": work / "lab.log"}
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def _wait_for_idle_kernel(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\|\\s*Idle/.test(e.textContent))",
        timeout=90_000,
    )


def _prompts(page: object) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".jp-Notebook .jp-CodeCell .jp-InputPrompt", "els => els.map(e => e.textContent.trim())"
    )


@pytest.mark.slow
def test_a_learner_opens_module_00_runs_all_and_sees_every_cell_run(lab: dict, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page.set_default_timeout(60_000)
    page.goto(f"{lab['base']}/?token={lab['token']}")
    # `make lab` lands on module 00 itself, not on the launcher
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
    assert "01-welcome.ipynb" in page.url, page.url
    _wait_for_idle_kernel(page)
    _shot(page, "01-module-00-opened")
    # the instructor's nbgrader interface is off for learners
    menus = page.eval_on_selector_all(".lm-MenuBar-itemLabel", "els => els.map(e => e.textContent.trim())")
    assert "Nbgrader" not in menus, menus
    listing = httpx.get(f"{lab['base']}/api/contents", params={"token": lab["token"]}).json()
    visible = {item["name"] for item in listing["content"]}
    assert "modules" in visible and not visible & {"solutions", "tests", "grading", "tools"}, visible

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    deadline, quiet_since = time.monotonic() + 300, None
    while True:
        time.sleep(1)
        prompts = _prompts(page)
        if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
            break
        running = "[*]:" in prompts or page.evaluate(  # a cell out of view may not show its [*]: ask the status bar too
            "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /Busy/.test(e.textContent))")
        quiet_since = None if running else (quiet_since or time.monotonic())
        stopped = quiet_since is not None and time.monotonic() - quiet_since > 15  # nothing queued or running
        if stopped or time.monotonic() > deadline:
            _shot(page, "02-run-all-stopped")
            pytest.fail(f"Run All did not reach the end: prompts {prompts}", pytrace=False)
    _shot(page, "02-after-run-all")
    outputs = page.locator(".jp-Notebook .jp-CodeCell").last.inner_text()
    assert "Score:" in outputs, f"the last cell should print the module's score card, got:\n{outputs[-1500:]}"
    images = page.eval_on_selector_all(".jp-OutputArea-output img", "els => els.map(e => e.naturalWidth)")
    assert images and max(images) > 100, "the notebook's plot should render as an image"
    # untouched exercises fail their own test cells, and Run All went on past them
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
    assert errors >= 1


@pytest.mark.slow
def test_a_service_docs_page_loads_through_the_jupyter_proxy(lab: dict, browser: object) -> None:
    from backendlab.services import DOCS_ASSETS  # noqa: F401  (the assets the page loads)

    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{lab['base']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
    _wait_for_idle_kernel(page)
    # a new cell at the end, as a learner would add one: start the course's greeter and print its browser link
    # the last cell is the navigation cell: click its left margin, never the middle, where a link to the next
    # module may sit (a click there opens module 01 and the new cell would land in it)
    page.locator(".jp-Notebook .jp-Cell").last.click(position={"x": 8, "y": 8})
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # insert a cell below (command mode), then edit it
    page.keyboard.press("Enter")
    page.locator(".jp-Notebook .jp-Cell.jp-mod-active .cm-editor.cm-focused").wait_for()
    page.keyboard.type(
        "from backendlab.labs.orientation import make_greeter_app\nfrom backendlab.services import serve\n"
        "svc = serve(make_greeter_app(), name='browser-test')\n"
    )
    page.keyboard.press("Shift+Enter")
    link = page.locator(".jp-OutputArea-output", has_text="API docs").last
    try:
        link.wait_for(timeout=120_000)
    finally:
        _shot(page, "03-new-cell-starts-a-service")
    match = re.search(r"(/proxy/\d+/docs)", link.inner_text())
    assert match, f"serve() should print a /proxy/<port>/docs link in JupyterLab, printed: {link.inner_text()}"
    docs = context.new_page()
    docs.goto(f"{lab['base']}{match.group(1)}")
    docs.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
    assert "/greet" in docs.inner_text(".swagger-ui")
    # "Try it out" calls the service through the same proxy prefix as the page
    docs.locator(".opblock-summary-path", has_text=re.compile(r"^/greet$")).click()
    docs.get_by_role("button", name="Try it out").click()
    docs.locator("input[placeholder='name']").fill("Ada")
    docs.get_by_role("button", name="Execute").click()
    docs.locator(".response-col_status", has_text="200").first.wait_for(timeout=30_000)
    _shot(docs, "04-service-docs-through-proxy")
    assert "Hello, Ada!" in docs.inner_text(".responses-wrapper")
    context.close()
