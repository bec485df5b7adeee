"""A throwaway Redis for a notebook: one call starts it on 127.0.0.1 (a free port, data in a temporary folder, nothing
saved to disk), a re-run reuses it, kernel exit stops it, and $REDIS_URL wins when the learner points it at their own.

    from backendlab.servers.redis_server import redis_server
    rs = redis_server()          # starts (about 0.1 s) or reuses the kernel's server; rs.url is redis://127.0.0.1:<port>/0
    r = rs.client()              # a redis.Redis (decode_responses=True by default)
    rs.stop()                    # or leave it: stopped when the kernel exits

The binary comes from the machine: $BACKENDLAB_REDIS_BIN, then `redis-server` or `valkey-server` on PATH (Debian's
`redis-server` package; `tools/system-packages.sh` installs it). Modules 06 (caching) and 07 (Redis Streams) use it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backendlab.servers.process import die_with_parent, free_port, pid_in_file, sweep_stale

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 5.0
CLIENT_PIN = "redis==8.1.0"
INSTALL_HINT = (
    "Install a Redis server on this machine: Debian/Ubuntu `apt-get install redis-server` (Binder: list it in "
    "binder/apt.txt), macOS `brew install redis`; or set BACKENDLAB_REDIS_BIN to the `redis-server` (or `valkey-server`) "
    "binary; or point REDIS_URL at a Redis of your own (redis://host:6379/0) and restart the kernel."
)
# A throwaway cache/broker: bounded memory, nothing persisted, only this machine may connect.
SETTINGS = {
    "bind": "127.0.0.1",
    "protected-mode": "yes",
    "save": "",
    "appendonly": "no",
    "maxmemory": "64mb",
    "maxmemory-policy": "noeviction",
    "databases": "4",
    "loglevel": "warning",
}


class RedisServerError(RuntimeError):
    """No Redis could be found, started or reached; the message says what to do."""


@dataclass
class RedisServer:
    """A Redis this kernel uses: one it started (`process` set) or the learner's own ($REDIS_URL, `external`)."""

    name: str
    url: str
    port: int = 0
    external: bool = False
    process: subprocess.Popen | None = field(default=None, repr=False)
    folder: Path | None = None
    start_s: float = 0.0
    version: str = ""

    @property
    def running(self) -> bool:
        return self.external or (self.process is not None and self.process.poll() is None)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def client(self, decode_responses: bool = True, **kwargs: Any) -> Any:
        """A `redis.Redis` on this server (text in, text out unless decode_responses=False)."""
        redis = _require_client()
        kwargs.setdefault("socket_timeout", 5.0)
        kwargs.setdefault("socket_connect_timeout", 5.0)
        return redis.Redis.from_url(self.url, decode_responses=decode_responses, **kwargs)

    def async_client(self, decode_responses: bool = True, **kwargs: Any) -> Any:
        """A `redis.asyncio.Redis` on this server, for async services."""
        _require_client()
        import redis.asyncio as aioredis

        kwargs.setdefault("socket_timeout", 5.0)
        kwargs.setdefault("socket_connect_timeout", 5.0)
        return aioredis.Redis.from_url(self.url, decode_responses=decode_responses, **kwargs)

    def flush(self) -> None:
        """Empty this server's database (only a server this kernel started: never the learner's own)."""
        if self.external:
            raise RedisServerError("flush() refuses to empty the Redis named by your REDIS_URL; delete your keys yourself.")
        with contextlib.closing(self.client()) as r:
            r.flushdb()

    def memory_bytes(self) -> int:
        """The server's resident memory as Redis reports it (INFO memory, used_memory_rss)."""
        with contextlib.closing(self.client()) as r:
            return int(r.info("memory")["used_memory_rss"])

    def stop(self) -> None:
        """Stop the server and delete its folder; safe to call twice. The learner's own server is never touched."""
        if _running.get(self.name) is self:
            del _running[self.name]
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_S)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def describe(self) -> str:
        if self.external:
            return f"Redis at your REDIS_URL ({self.url.split('@')[-1]})"
        return f"Redis {self.version or '?'} on {self.url} (pid {self.pid}), started in {self.start_s:.2f} s"

    def _repr_html_(self) -> str:
        import html

        return f"<code>{html.escape(self.describe())}</code>"


_running: dict[str, RedisServer] = {}


def _require_client() -> Any:
    try:
        import redis
    except ImportError as exc:
        raise RedisServerError(f"The Redis client is not installed: pip install '{CLIENT_PIN}' (it is in requirements.txt).") from exc
    return redis


def find_binary() -> Path | None:
    """The `redis-server` (or `valkey-server`) to run; None when this machine has none."""
    candidates = [os.environ.get("BACKENDLAB_REDIS_BIN", "")]
    candidates += [shutil.which(exe) or "" for exe in ("redis-server", "valkey-server")]
    candidates += ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


_die_with_parent = die_with_parent(signal.SIGTERM)


def _start(name: str, settings: dict[str, str]) -> RedisServer:
    redis = _require_client()
    binary = find_binary()
    if binary is None:
        raise RedisServerError("No Redis server was found on this machine. " + INSTALL_HINT)
    t0 = time.perf_counter()
    sweep_stale("backendlab-redis-*", lambda folder: pid_in_file(folder / "redis.pid"))  # servers of killed kernels
    folder = Path(tempfile.mkdtemp(prefix=f"backendlab-redis-{name}-"))
    port = free_port()
    conf = dict(SETTINGS, **settings, port=str(port), dir=str(folder), pidfile=str(folder / "redis.pid"))
    lines = [f"{k} {v}" if v != "" else f'{k} ""' for k, v in conf.items()]
    (folder / "redis.conf").write_text("# backendlab: a throwaway server\n" + "\n".join(lines) + "\n")
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [str(binary), str(folder / "redis.conf")], stdout=log, stderr=subprocess.STDOUT, cwd=folder,
        start_new_session=True, preexec_fn=_die_with_parent,  # own session: a kernel interrupt must not stop it
    )  # fmt: skip
    log.close()
    url = f"redis://127.0.0.1:{port}/0"
    server = RedisServer(name, url, port=port, process=process, folder=folder)
    deadline, last = time.monotonic() + START_TIMEOUT_S, None
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with contextlib.closing(redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=2, socket_timeout=2)) as r:
                server.version = str(r.info("server").get("redis_version", ""))
            server.start_s = time.perf_counter() - t0
            return server
        except redis.exceptions.ConnectionError as exc:
            last = exc
            time.sleep(0.05)
    text = (folder / "server.log").read_text(errors="replace")[-800:]
    server.stop()
    if "Address already in use" in text:
        raise RedisServerError(f"Port {port} was taken between choosing it and starting Redis; run the cell again.")
    raise RedisServerError(f"Redis did not start within {START_TIMEOUT_S:.0f} s ({last}); its log ends:\n{text}")


def redis_server(name: str = "course", fresh: bool = False, use_redis_url: bool = True, **settings: str) -> RedisServer:
    """A Redis for this kernel: $REDIS_URL's when set, else a throwaway server of our own on 127.0.0.1.

    Re-running the cell returns the running server of the same `name` (fresh=True stops it and starts a new, empty
    one). Extra keyword settings go to redis.conf, underscores for dashes (maxmemory_policy="allkeys-lru").
    The server is stopped, its folder deleted, when the kernel exits. Raises RedisServerError, saying what to
    install, when none can start.
    """
    env_url = os.environ.get("REDIS_URL", "") if use_redis_url else ""
    if env_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisServer(name, env_url, external=True, version="(yours)")
    current = _running.get(name)
    if current is not None and current.running and not fresh:
        return current
    if current is not None:
        current.stop()
    server = _start(name, {k.replace("_", "-"): str(v) for k, v in settings.items()})
    _running[name] = server
    return server


def running() -> dict[str, RedisServer]:
    """The servers this kernel started and that still run, by name."""
    return {name: rs for name, rs in _running.items() if rs.running}


def stop_all() -> None:
    for server in list(_running.values()):
        server.stop()


atexit.register(stop_all)
