"""PID 1 of a student's kernel sandbox: join cgroups, hide paths, bring up loopback, drop to its own uid, run the kernel."""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import signal
import socket
import struct
import sys

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
PR_SET_NO_NEW_PRIVS = 38
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
_libc = ctypes.CDLL(None, use_errno=True)


def _mount(source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    rc = _libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                     data.encode() if data else None)
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        ifreq = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, ifreq))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def hide_and_expose(hide: list[str], visible: list[str], readonly: list[str], tmp_mb: int) -> None:
    """Cover `hide` with empty tmpfs (or /dev/null for files), bind `visible` folders back read-write and
    `readonly` ones (the Python installation, the course package, when they live in a hidden folder) read-only."""
    keep = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in visible if os.path.isdir(path)}
    under_hidden = [p for p in readonly if os.path.isdir(p) and any(p == h or p.startswith(h.rstrip("/") + "/") for h in hide)]
    shown = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in under_hidden}
    for path in hide:
        if os.path.isdir(path) and not os.path.islink(path):
            mode = "1777" if path in ("/tmp", "/var/tmp", "/dev/shm") else "0755"
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={tmp_mb}m,mode={mode}")
        elif os.path.isfile(path):
            _mount("/dev/null", path, None, MS_BIND)
    for path, fd in shown.items():
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        _mount("none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        os.close(fd)
    for path in hide:  # a private folder inside a re-shown one (the course's solutions/) is hidden again
        if os.path.isdir(path) and any(path.startswith(r.rstrip("/") + "/") for r in shown):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for path, fd in keep.items():
        os.makedirs(path, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        os.close(fd)
    try:  # the rest of the root file system read-only (the uid drop already forbids most writes)
        _mount("none", "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    except OSError:
        pass


def name_the_uid(uid: int, home: str, folder: str = "/run/backendlab-etc") -> None:
    """Give the kernel's uid a passwd and group entry, seen only inside this mount namespace.

    Programs that look their user up refuse to run without one: PostgreSQL's initdb stops with "could not look up
    effective user ID" (module 03 grades on PostgreSQL). The copies live in a root-owned folder on the fresh /run
    tmpfs and are bind-mounted read-only over /etc/passwd and /etc/group, so the student's uid cannot change them.
    """
    os.makedirs(folder, mode=0o755, exist_ok=True)
    entries = (("passwd", f"student:x:{uid}:{uid}:student:{home}:/usr/sbin/nologin\n"), ("group", f"student:x:{uid}:\n"))
    for name, line in entries:
        target, copy = f"/etc/{name}", os.path.join(folder, name)
        with open(target) as src, open(copy, "w") as dst:
            dst.write(src.read().rstrip("\n") + "\n" + line)
        os.chmod(copy, 0o644)
        _mount(copy, target, None, MS_BIND)
        _mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def join_cgroups(folders: list[str]) -> None:
    for folder in folders:
        with open(os.path.join(folder, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))


def run_kernel(spec: dict, argv: list[str]) -> int:
    """Fork the kernel as an unprivileged uid with rlimits; reap orphans until it exits; return its exit status."""
    pid = os.fork()
    if pid == 0:
        try:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            for name, value in spec.get("rlimits", {}).items():
                resource.setrlimit(getattr(resource, name), (value, value))
            if spec.get("uid") is not None:
                os.setgroups([])
                os.setgid(spec["uid"])
                os.setuid(spec["uid"])
            _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
            os.chdir(spec["cwd"])
            os.execve(argv[0], argv, spec["env"])
        except BaseException as exc:  # noqa: BLE001 - report and leave: nothing else may run here
            os.write(2, f"sandbox: cannot start the kernel: {exc}\n".encode())
        finally:
            os._exit(127)
    while True:
        try:
            done, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 0
        except InterruptedError:
            continue
        if done == pid:
            return os.waitstatus_to_exitcode(status)


def main(argv: list[str]) -> int:
    """Started by sandbox.SandboxKernelManager as `unshare --net --pid --mount --fork --kill-child --mount-proc
    python -m backendlab.grading.jail SPEC.json -- KERNEL ARGV...`. When the kernel exits, this process exits and
    Linux kills every process left in the PID namespace (a setsid'd orphan included)."""
    spec_path, rest = argv[0], argv[argv.index("--") + 1:]
    with open(spec_path) as f:
        spec = json.load(f)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # the kernel gets the interrupt directly (same process group)
    try:
        join_cgroups(spec.get("cgroups", []))
        if spec.get("namespaces"):
            hide_and_expose(spec["hide"], spec["visible"], spec.get("readonly", []), spec.get("tmp_mb", 256))
            if spec.get("uid") is not None and "/run" in spec["hide"]:
                name_the_uid(spec["uid"], spec["env"].get("HOME", "/"))
            if not spec.get("network"):
                loopback_up()
    except OSError as exc:
        os.write(2, f"sandbox: setup failed: {exc}\n".encode())
        return 126
    code = run_kernel(spec, rest)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
