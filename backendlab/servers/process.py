"""What every server the course starts as a child process needs: a free port on 127.0.0.1, and a way to die with
the kernel that started it (PR_SET_PDEATHSIG), so a killed kernel never leaves a server running."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
from collections.abc import Callable

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
