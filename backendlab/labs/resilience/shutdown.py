"""Graceful shutdown for module 07: run a learner's `run_service` function in a fresh process on 127.0.0.1, send it
SIGTERM, and watch it (readiness, in-flight requests, exit time). Every wait is bounded; no process outlives a test."""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import httpx

from backendlab.labs.resilience import shutdown_app
from backendlab.servers.process import die_with_parent, free_port

START_TIMEOUT_S = 20.0
_die_with_parent = die_with_parent(signal.SIGKILL)  # in the child: SIGKILL if the kernel dies


def program_source(fn: Callable[..., Any], kwargs: dict[str, Any]) -> str:
    """The file a fresh process runs: the course's service (make_app), the function's own source, and a call to it."""
    body = textwrap.dedent(inspect.getsource(fn))
    return "\n".join([
        "# Written by backendlab.labs.resilience.launch: the course's service, then your function, then a call to it.",
        "import importlib.util as _util",
        f"_spec = _util.spec_from_file_location('course_service', {shutdown_app.__file__!r})",
        "_service = _util.module_from_spec(_spec)",
        "_spec.loader.exec_module(_service)",
        "make_app = _service.make_app",
        "",
        body,
        "",
        "if __name__ == '__main__':",
        "    import json as _json, sys as _sys",
        f"    {fn.__name__}(**_json.loads(_sys.argv[1]))",
        "",
    ])


class Launched:
    """A service process started by launch(): its url, SIGTERM, a bounded wait for its exit, and cleanup."""

    def __init__(self, process: subprocess.Popen, port: int, folder: Path) -> None:
        self.process, self.port, self.folder = process, port, folder
        self.url = f"http://127.0.0.1:{port}"
        self.sigterm_at: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self, chars: int = 1500) -> str:
        """The end of what the process wrote to stdout and stderr."""
        with contextlib.suppress(OSError):
            return (self.folder / "output.log").read_text(errors="replace")[-chars:]
        return ""

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> bool:
        """Wait until GET /readyz answers 200 (True), or the process exits or the time is up (False)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.alive():
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return True
            time.sleep(0.05)
        return False

    def listening_on(self) -> list[str]:
        """The local addresses the process listens on (TCP), e.g. ['127.0.0.1']."""
        import psutil

        with contextlib.suppress(psutil.Error):
            conns = psutil.Process(self.pid).net_connections(kind="inet")
            return sorted({c.laddr.ip for c in conns if c.status == psutil.CONN_LISTEN})
        return []

    def sigterm(self) -> None:
        self.sigterm_at = time.monotonic()
        self.process.send_signal(signal.SIGTERM)

    def wait_exit(self, timeout_s: float) -> float | None:
        """Seconds from SIGTERM to exit, or None if it still ran after `timeout_s` (then it is killed)."""
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        return time.monotonic() - (self.sigterm_at or time.monotonic())

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)

    def stop(self) -> None:
        self.kill()
        with contextlib.suppress(OSError):
            for f in self.folder.iterdir():
                f.unlink()
            self.folder.rmdir()

    def __enter__(self) -> Launched:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch(fn: Callable[..., Any], **kwargs: Any) -> Launched:
    """Run fn(**kwargs) in a fresh Python process (fn's source is copied into a file with the course's make_app);
    a free `port` on 127.0.0.1 is chosen and passed unless given. Use as a context manager: the process is killed
    at the end whatever happens."""
    kwargs.setdefault("port", free_port())
    folder = Path(tempfile.mkdtemp(prefix="backendlab-service-"))
    program = folder / "service.py"
    program.write_text(program_source(fn, kwargs))
    log = (folder / "output.log").open("wb")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, str(program), json.dumps(kwargs)], stdout=log, stderr=subprocess.STDOUT,
                               cwd=folder, env=env, start_new_session=True, preexec_fn=_die_with_parent)
    log.close()
    return Launched(process, kwargs["port"], folder)


def get_in_background(url: str, timeout_s: float) -> Future:
    """Start a GET in a thread; the future holds (status code, seconds) or the exception."""
    future: Future = Future()

    def run() -> None:
        t0 = time.monotonic()
        try:
            status = httpx.get(url, timeout=timeout_s).status_code
            future.set_result((status, time.monotonic() - t0))
        except Exception as exc:
            future.set_exception(exc)

    threading.Thread(target=run, daemon=True).start()
    return future


def status_or_error(url: str, timeout_s: float = 1.0) -> int | str:
    """The status code of a GET on a new connection, or the name of the error (ConnectError, ReadTimeout, ...)."""
    try:
        return httpx.get(url, timeout=timeout_s).status_code
    except httpx.HTTPError as exc:
        return type(exc).__name__


def run_service(port: int, grace_s: float, drain_s: float) -> None:
    """The course's reference answer to exercise 6 (the notebook states the contract)."""
    import threading

    import uvicorn

    app, state = make_app()  # noqa: F821 (defined in the process that runs this function)

    class GracefulServer(uvicorn.Server):
        def handle_exit(self, sig, frame):
            if not state.ready:
                return
            state.ready = False
            timer = threading.Timer(drain_s, super().handle_exit, (sig, frame))
            timer.daemon = True
            timer.start()

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=max(0.1, grace_s - drain_s - 0.5))
    GracefulServer(config).run()
