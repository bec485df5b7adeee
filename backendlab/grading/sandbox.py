"""A jupyter_client kernel manager that starts each kernel in a sandbox: namespaces, cgroups, rlimits, its own uid."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psutil
from jupyter_client.manager import AsyncKernelManager
from traitlets import Dict, List, Unicode

from backendlab.grading.limits import Limits, Mechanisms, detect
from backendlab.scorecard import GRADING_ENV

KEPT_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "PYTHONPATH", "VIRTUAL_ENV", "MPLBACKEND", "NBGRADER_EXECUTION",
            "BACKENDLAB_COURSE_ROOT", "PYTHONHASHSEED")
ALWAYS_HIDDEN = ("/tmp", "/var/tmp", "/dev/shm", "/run", "/var/run", "/root", "/home", "/sys/fs/cgroup", "/srv")


def course_private_paths() -> list[str]:
    """Folders of the course repository a student's kernel must not see: solutions, tests, grading state, git."""
    from backendlab import course

    root = course.root()
    return [str(root / name) for name in ("solutions", "tests", "grading", ".git")]


def needed_paths(env: dict[str, str]) -> list[str]:
    """What a kernel must read even if it lives in a hidden folder: Python, the environment, the course package."""
    import backendlab

    paths = {sys.base_prefix, sys.prefix, os.path.realpath(sys.base_prefix), str(Path(backendlab.__file__).resolve().parent.parent)}
    paths.update(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p)
    return sorted(paths)


UID_BASE = 2_000_000  # sandboxed kernels run as uids UID_BASE .. UID_BASE + 999,999


def sandbox_uid(key: str) -> int:
    """An unprivileged uid of the kernel's own (no passwd entry needed), so RLIMIT_NPROC counts only its tasks."""
    return UID_BASE + uuid.uuid5(uuid.NAMESPACE_OID, key).int % 1_000_000


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through `backendlab.grading.jail` (see its docstring), over ipc sockets in a runtime folder.

    Configure with `limits` (a Limits as a dict), `hide` (extra folders to hide) and `runtime_root` (a short
    path where each kernel gets a folder for its connection file and sockets).
    """

    limits = Dict({}, help="Limits fields (memory_mb, processes, ...)").tag(config=True)
    hide = List(Unicode(), help="extra paths to hide from the kernel (the class folder, the submissions)").tag(config=True)
    runtime_root = Unicode("", help="where per-kernel runtime folders go (default: a temporary folder)").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sandbox_limits = Limits(**self.limits)
        if self.sandbox_limits.sandbox or os.name == "posix":
            self.transport = "ipc"  # a kernel in its own network namespace cannot reach TCP ports on the host
        self.mechanisms: Mechanisms = detect()
        self.runtime = Path(tempfile.mkdtemp(prefix="k-", dir=self.runtime_root or None))
        self.connection_file = str(self.runtime / "kernel.json")
        self.ip = str(self.runtime / "ipc")
        self.cgroups: list[Path] = []
        self.last_events: dict[str, Any] = {}

    # ---- launching ---------------------------------------------------------------------------------------
    def _make_cgroups(self, key: str) -> None:
        limits = self.sandbox_limits
        for parent, settings in (
            (self.mechanisms.memory_cgroup, {"memory.limit_in_bytes": limits.memory_mb * 2**20}),
            (self.mechanisms.pids_cgroup, {"pids.max": limits.processes}),
        ):
            if parent is None:
                continue
            folder = parent / f"backendlab-{key}"
            try:
                folder.mkdir(exist_ok=True)
                for name, value in settings.items():
                    (folder / name).write_text(str(value))
                if (folder / "memory.memsw.limit_in_bytes").exists():
                    try:
                        (folder / "memory.memsw.limit_in_bytes").write_text(str(limits.memory_mb * 2**20))
                    except OSError:
                        pass
                self.cgroups.append(folder)
            except OSError:
                shutil.rmtree(folder, ignore_errors=True)

    def _spec(self, kw: dict[str, Any], key: str) -> dict[str, Any]:
        limits, mech = self.sandbox_limits, self.mechanisms
        cwd = str(kw.get("cwd") or self.runtime)
        home = self.runtime / "home"
        home.mkdir(exist_ok=True)
        env = {k: v for k, v in (kw.get("env") or os.environ).items() if k in KEPT_ENV or k.startswith("LC_")}
        env.update(HOME=str(home), TMPDIR=str(home), IPYTHONDIR=str(home / ".ipython"), MPLCONFIGDIR=str(home / ".mpl"),
                   JUPYTER_RUNTIME_DIR=str(home / ".jupyter"), BACKENDLAB_PROGRESS=str(home / "progress.json"),
                   BACKENDLAB_PORTFOLIO=str(home / "portfolio"), PYTHONDONTWRITEBYTECODE="1", **{GRADING_ENV: "1"})
        env.setdefault("MPLBACKEND", "Agg")
        uid = sandbox_uid(key) if mech.root and mech.namespaces else None  # the mount namespace shows it Python
        rlimits = {"RLIMIT_CPU": limits.cpu_s, "RLIMIT_FSIZE": limits.file_mb * 2**20, "RLIMIT_CORE": 0}
        if uid is not None:
            rlimits["RLIMIT_NPROC"] = limits.processes
        if mech.memory_cgroup is None:
            rlimits["RLIMIT_DATA"] = limits.memory_mb * 2**20
        if uid is not None:
            for path in [self.runtime, *Path(self.runtime).rglob("*"), Path(cwd), *Path(cwd).rglob("*")]:
                os.chown(path, uid, uid)
        hide = [*ALWAYS_HIDDEN, *course_private_paths(), *self.hide]
        return {"namespaces": mech.namespaces, "network": limits.network, "hide": hide, "visible": [cwd, str(self.runtime)],
                "readonly": needed_paths(env),
                "uid": uid, "rlimits": rlimits, "env": env, "cwd": cwd,
                "cgroups": [str(c) for c in self.cgroups], "tmp_mb": min(256, limits.memory_mb)}

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # ipykernel_launcher -> our kernel entry, which installs the grader's guard before any cell runs
        if "ipykernel_launcher" in kernel_cmd:
            i = kernel_cmd.index("ipykernel_launcher")
            kernel_cmd = [*kernel_cmd[:i], "backendlab.grading.kernel", *kernel_cmd[i + 1:]]
        if not self.sandbox_limits.sandbox:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        key = self.runtime.name
        self._make_cgroups(key)
        spec = self._spec(kw, key)
        spec_path = self.runtime / "spec.json"
        spec_path.write_text(json.dumps(spec))
        os.chmod(spec_path, 0o600)
        jail = [sys.executable, "-m", "backendlab.grading.jail", str(spec_path), "--"]
        wrapped = jail + kernel_cmd
        if self.mechanisms.namespaces:
            ns = ["--pid", "--mount", "--fork", "--kill-child", "--mount-proc"] + ([] if self.sandbox_limits.network else ["--net"])
            wrapped = [shutil.which("unshare") or "unshare", *ns, *wrapped]
        kw["env"] = {k: v for k, v in (kw.get("env") or os.environ).items() if k in KEPT_ENV or k.startswith("LC_")}
        kw["cwd"] = str(self.runtime)
        return await super()._async_launch_kernel(wrapped, **kw)

    # ---- what happened -----------------------------------------------------------------------------------
    def events(self) -> dict[str, Any]:
        """Memory and process events of the sandbox so far: oom (bool), peak_mb, pids_max_hit, exit_code."""
        found = dict(self.last_events)
        for folder in self.cgroups:
            try:
                if (folder / "memory.failcnt").exists():
                    oom = (folder / "memory.oom_control").read_text()
                    kills = [int(line.split()[1]) for line in oom.splitlines() if line.startswith("oom_kill ")]
                    found["oom"] = bool(kills and kills[0] > 0) or int((folder / "memory.failcnt").read_text()) > 0
                    found["peak_mb"] = int((folder / "memory.max_usage_in_bytes").read_text()) / 2**20
                if (folder / "pids.events").exists():
                    found["pids_max_hit"] = int((folder / "pids.events").read_text().split()[1]) > 0
                    if (folder / "pids.peak").exists():
                        found["pids_peak"] = int((folder / "pids.peak").read_text())
            except (OSError, ValueError, IndexError):
                continue
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is not None:
            found["exit_code"] = process.returncode
        self.last_events = found
        return found

    # ---- cleanup -----------------------------------------------------------------------------------------
    def kill_everything(self) -> None:
        """SIGKILL every process of this kernel: its process tree, its process group, every task in its cgroups.

        Only while the launched process is not reaped yet: after that its pid (and process group id) may belong
        to another student's kernel, and killing "it" would kill that one."""
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is None:  # alive or a zombie of ours: the pid is still ours
            try:
                tree = psutil.Process(process.pid)
                victims = [tree, *tree.children(recursive=True)]
            except psutil.Error:
                victims = []
            for victim in victims:
                try:
                    victim.kill()
                except psutil.Error:
                    pass
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
        for folder in self.cgroups:
            for _ in range(50):
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.02)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        self.events()
        self.kill_everything()
        await super()._async_cleanup_resources(restart=restart)
        for folder in self.cgroups:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.cgroups = []
        shutil.rmtree(self.runtime, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]
