"""The sandbox's limits and which of them this machine can enforce (namespaces, cgroups, rlimits)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass
class Limits:
    """What a student's kernel may use. Times in seconds, memory in MB."""

    memory_mb: int = 1024
    processes: int = 1024  # tasks (processes and threads) in the kernel's sandbox: module 01 starts hundreds of threads
    cpu_s: int = 600  # CPU seconds per process
    cell_s: int = 60  # wall clock per cell
    notebook_s: int = 300  # wall clock per notebook
    file_mb: int = 256  # largest file a kernel may write
    network: bool = False  # False: a network namespace with loopback only
    sandbox: bool = True  # False: a plain kernel (the learner's own self-check), time limits only

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Mechanisms:
    """Which isolation mechanisms are available here; `in_force` says it in one line for the instructor."""

    namespaces: bool = False  # unshare: pid + mount + network namespaces (needs root)
    memory_cgroup: Path | None = None  # a cgroup v1/v2 folder where we may create children
    pids_cgroup: Path | None = None
    root: bool = False
    notes: list[str] = field(default_factory=list)

    def in_force(self, limits: Limits) -> list[str]:
        if not limits.sandbox:
            return [f"time limits only ({limits.cell_s} s a cell, {limits.notebook_s} s a notebook); no sandbox"]
        lines = [f"time limit: {limits.cell_s} s a cell, {limits.notebook_s} s a notebook (the kernel is killed)"]
        if self.memory_cgroup:
            lines.append(f"memory: {limits.memory_mb} MB for the kernel and all its processes (cgroup)")
        else:
            lines.append(f"memory: {limits.memory_mb} MB per process (RLIMIT_DATA; no memory cgroup here)")
        own_uid = self.root and self.namespaces
        if self.pids_cgroup:
            lines.append(f"processes: {limits.processes} tasks (pids cgroup" + (" and RLIMIT_NPROC)" if own_uid else ")"))
        elif own_uid:
            lines.append(f"processes: {limits.processes} tasks (RLIMIT_NPROC under a uid of its own; no pids cgroup)")
        else:
            lines.append("processes: NOT limited (no pids cgroup, and RLIMIT_NPROC needs a uid of the kernel's own)")
        lines.append(f"CPU: {limits.cpu_s} s per process (RLIMIT_CPU); files: {limits.file_mb} MB each (RLIMIT_FSIZE)")
        if self.namespaces:
            lines.append("network: " + ("the host's" if limits.network else "none (own network namespace, loopback only)"))
            lines.append("files: course solutions/tests/grading, other students, gradebook, /tmp, /run and homes hidden; "
                         "runs as an unprivileged uid of its own")
            lines.append("cleanup: every process of the kernel killed at the end (own PID namespace, setsid included)")
        else:
            lines.append("network: NOT isolated; files: NOT hidden (no namespaces: run as root on Linux with unshare)")
            lines.append("cleanup: the kernel's process group" + (" and cgroup" if self.pids_cgroup else "") + " killed at the end")
        return lines


def _can_create_child(folder: Path) -> bool:
    probe = folder / f"backendlab-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
        return True
    except OSError:
        return False


@functools.lru_cache(maxsize=1)
def _namespaces_work() -> bool:
    """unshare can make the PID, mount and network namespaces here (not in an unprivileged container, say)."""
    try:
        return subprocess.run(["unshare", "--pid", "--mount", "--net", "--fork", "--kill-child", "--mount-proc", "true"],
                              capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=4)
def _own_cgroup(controller: str) -> Path | None:
    """The cgroup (v1) folder of this process for `controller`, if we may create a child folder in it."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            folder = CGROUP_ROOT / controller / path.lstrip("/")
            if (folder / "cgroup.procs").exists() and _can_create_child(folder):
                return folder
    return None


def detect() -> Mechanisms:
    """Probe what this machine offers (once per process: the probes are cached)."""
    found = Mechanisms(root=os.geteuid() == 0)
    if found.root and shutil.which("unshare") and os.environ.get("BACKENDLAB_NO_NAMESPACES") != "1":
        found.namespaces = _namespaces_work()
        if not found.namespaces:
            found.notes.append("unshare failed here (a container without CAP_SYS_ADMIN?): no namespaces")
    if found.root and os.environ.get("BACKENDLAB_NO_CGROUPS") != "1":
        found.memory_cgroup = _own_cgroup("memory")
        found.pids_cgroup = _own_cgroup("pids")
    if not found.root:
        found.notes.append("not root: no namespaces or cgroups, rlimits only")
    return found
