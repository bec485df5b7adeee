"""What every server the course starts as a child process needs: a free port on 127.0.0.1, and a way to die with
the kernel that started it (PR_SET_PDEATHSIG), so a killed kernel never leaves a server running; and a sweep of the
temporary folders a killed kernel left behind."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True) if os.name == "posix" else None


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A `preexec_fn` for subprocess.Popen: the child gets `sig` when the process that started it dies (Linux)."""

    def preexec() -> None:  # runs in the child between fork and exec
        if _libc is not None and hasattr(_libc, "prctl"):
            _libc.prctl(PR_SET_PDEATHSIG, sig)

    return preexec


def pid_alive(pid: int) -> bool:
    """True when a process with this pid runs (signal 0 checks without sending anything); a zombie does not run."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, and belongs to someone else
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:  # no /proc (not Linux): it exists
        return True


def sweep_stale(pattern: str, owner: Callable[[Path], int | None], max_age_s: float = 600.0) -> int:
    """Delete the temporary folders matching `pattern` that a killed process left behind (no atexit handler ran).

    A folder goes when it is older than max_age_s and `owner(folder)` (the pid that uses it, or None when unknown)
    no longer runs. Returns how many were deleted; a folder that vanishes or cannot be read is left to the next sweep.
    """
    swept = 0
    for folder in Path(tempfile.gettempdir()).glob(pattern):
        with contextlib.suppress(OSError, ValueError):
            if time.time() - folder.stat().st_mtime < max_age_s:
                continue
            pid = owner(folder)
            if pid is not None and pid_alive(pid):
                continue
            shutil.rmtree(folder)
            swept += 1
    return swept


def pid_in_file(file: Path) -> int | None:
    """The pid written as the first word of `file` (a server's pid file), or None when there is none."""
    return int(file.read_text().split()[0]) if file.is_file() else None
