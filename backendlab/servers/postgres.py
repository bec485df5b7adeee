"""A throwaway PostgreSQL for a notebook: one call starts it (data in a temporary folder, a Unix socket or 127.0.0.1),
a re-run reuses it, kernel exit stops it, and $DATABASE_URL wins when the learner points it at a server of their own.

    from backendlab.servers.postgres import postgres
    pg = postgres()              # starts (about 1-3 s) or reuses the kernel's server; pg.url is a SQLAlchemy URL
    engine = pg.engine()         # postgresql+psycopg, NullPool-free default pool
    pg.stop()                    # or leave it: stopped when the kernel exits

The server binaries come from the machine: $BACKENDLAB_PG_BIN, `pg_config --bindir`, Debian's /usr/lib/postgresql/<v>/bin,
Homebrew's folders, then PATH. pg_stat_statements is preloaded and created when the server has it, hypopg when installed.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backendlab.servers.process import die_with_parent, free_port, pid_in_file, sweep_stale

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
DRIVER_PIN = "psycopg[binary]==3.3.9"
WANTED_EXTENSIONS = ("pg_stat_statements", "hypopg")
INSTALL_HINT = (
    "Install a PostgreSQL server on this machine: Debian/Ubuntu `apt-get install postgresql-15 postgresql-15-hypopg` "
    "(Binder: list them in binder/apt.txt), macOS `brew install postgresql@16`; or set BACKENDLAB_PG_BIN to the folder "
    "holding `initdb` and `postgres`; or point DATABASE_URL at a PostgreSQL of your own "
    "(postgresql+psycopg://user:password@host:5432/dbname) and restart the kernel."
)
# Settings for a throwaway server: small, and durability traded for speed (the data dies with the kernel anyway).
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "30",
    "track_io_timing": "on",
    "log_min_messages": "warning",
}


class PostgresError(RuntimeError):
    """No PostgreSQL could be found, started or reached; the message says what to do."""


@dataclass
class Postgres:
    """A PostgreSQL this kernel uses: one it started (`process` set) or the learner's own ($DATABASE_URL, `external`)."""

    name: str
    url: str
    external: bool = False
    process: subprocess.Popen | None = field(default=None, repr=False)
    folder: Path | None = None
    start_s: float = 0.0
    version: str = ""
    extensions: tuple[str, ...] = ()

    @property
    def running(self) -> bool:
        return self.external or (self.process is not None and self.process.poll() is None)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def engine(self, **kwargs: Any) -> Any:
        """A SQLAlchemy engine on this server (psycopg 3 driver)."""
        from sqlalchemy import create_engine

        _require_driver()
        return create_engine(self.url, **kwargs)

    def stop(self) -> None:
        """Stop the server (a fast shutdown: open sessions are rolled back) and delete its data; safe to call twice."""
        if _running.get(self.name) is self:
            del _running[self.name]
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_S)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Postgres:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def describe(self) -> str:
        where = "your DATABASE_URL" if self.external else f"a throwaway server (pid {self.pid}, data in {self.folder})"
        started = "" if self.external else f", started in {self.start_s:.1f} s"
        return f"PostgreSQL {self.version or '?'} on {where}{started}; extensions: {', '.join(self.extensions) or 'none'}"

    def _repr_html_(self) -> str:
        import html

        return f"<code>{html.escape(self.describe())}</code>"


_running: dict[str, Postgres] = {}


def _require_driver() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise PostgresError(f"The PostgreSQL driver is not installed: pip install '{DRIVER_PIN}' (it is in requirements.txt).") from exc


def find_bindir() -> Path | None:
    """The folder holding `initdb` and `postgres`, newest version first; None when this machine has none."""
    candidates: list[str] = []
    if os.environ.get("BACKENDLAB_PG_BIN"):
        candidates.append(os.environ["BACKENDLAB_PG_BIN"])
    if shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip())

    def version_key(path: str) -> int:
        m = re.search(r"(\d+)(?:\.\d+)?/bin$", path.rstrip("/"))
        return int(m.group(1)) if m else 0

    patterns = ("/usr/lib/postgresql/*/bin", "/usr/local/opt/postgresql@*/bin", "/opt/homebrew/opt/postgresql@*/bin", "/usr/pgsql-*/bin")
    for pattern in patterns:
        candidates += sorted(glob.glob(pattern), key=version_key, reverse=True)
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb") or "").resolve().parent))
    for folder in candidates:
        if folder and all((Path(folder) / exe).is_file() for exe in ("initdb", "postgres")):
            return Path(folder)
    return None


def _extension_dir(bindir: Path) -> Path | None:
    pg_config = bindir / "pg_config"
    if pg_config.is_file():
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            share = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True, timeout=10).stdout.strip()
            if share:
                return Path(share) / "extension"
    found = sorted(glob.glob(f"/usr/share/postgresql/{bindir.parent.name}/extension"))  # Debian's layout without pg_config
    return Path(found[0]) if found else None


def available_extensions(bindir: Path) -> tuple[str, ...]:
    """Which of WANTED_EXTENSIONS the server in `bindir` can load (its control file is installed)."""
    folder = _extension_dir(bindir)
    if folder is None:
        return ()
    return tuple(e for e in WANTED_EXTENSIONS if (folder / f"{e}.control").is_file())


def _run_as() -> dict[str, Any]:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` user (or `nobody`)."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    for user in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(user)
            return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    raise PostgresError("Running as root, and no `postgres` or `nobody` user exists to run PostgreSQL as (it refuses root).")


_die_with_parent = die_with_parent(signal.SIGINT)  # PostgreSQL's "fast" shutdown if the kernel dies


def _sweep_stale(max_age_s: float = 600.0) -> None:
    """Delete data folders of earlier servers whose kernel was killed (no atexit ran): older than max_age_s, no live postmaster."""
    sweep_stale("backendlab-pg-*", lambda folder: pid_in_file(folder / "data" / "postmaster.pid"), max_age_s)


def _start(name: str, tcp: bool) -> Postgres:
    _require_driver()
    _sweep_stale()
    bindir = find_bindir()
    if bindir is None:
        raise PostgresError("No PostgreSQL server was found on this machine. " + INSTALL_HINT)
    extensions = available_extensions(bindir)
    t0 = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix=f"backendlab-pg-{name}-"))
    data = folder / "data"
    as_user = _run_as()
    if as_user:
        os.chown(folder, as_user["user"], as_user["group"])
    init = subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
        capture_output=True, text=True, timeout=120, cwd=folder, **as_user,
    )  # fmt: skip
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresError(f"initdb failed ({bindir}): {init.stderr.strip()[-600:]}\n{INSTALL_HINT}")
    port = free_port() if tcp else 5432  # a Unix socket lives in our own folder: the default port cannot clash
    settings = dict(SETTINGS, port=str(port), listen_addresses="'127.0.0.1'" if tcp else "''", unix_socket_directories=f"'{folder}'")
    if "pg_stat_statements" in extensions:
        settings |= {"shared_preload_libraries": "'pg_stat_statements'", "pg_stat_statements.track": "top"}
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("\n# backendlab: a throwaway server\n" + "".join(f"{k} = {v}\n" for k, v in settings.items()))
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [str(bindir / "postgres"), "-D", str(data)], stdout=log, stderr=subprocess.STDOUT, cwd=folder,
        start_new_session=True, preexec_fn=_die_with_parent, **as_user,  # own session: a kernel interrupt must not stop it
    )  # fmt: skip
    log.close()
    host = "127.0.0.1" if tcp else str(folder)
    url = f"postgresql+psycopg://postgres@/postgres?host={host}&port={port}"
    server = Postgres(name, url, process=process, folder=folder)
    import psycopg

    deadline, last = time.monotonic() + START_TIMEOUT_S, None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", connect_timeout=3, autocommit=True) as conn:
                server.version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
                for ext in extensions:
                    conn.execute(f"CREATE EXTENSION IF NOT EXISTS {ext}")  # names from our own constant
            server.extensions = extensions
            server.start_s = time.perf_counter() - t0
            return server
        except psycopg.OperationalError as exc:
            last = exc
            time.sleep(0.1)
    text = (folder / "server.log").read_text(errors="replace")[-800:]
    server.stop()
    raise PostgresError(f"PostgreSQL did not start within {START_TIMEOUT_S:.0f} s ({last}); its log ends:\n{text}")


def _describe_external(url: str) -> tuple[str, tuple[str, ...]]:
    """The version of the learner's own server and which of WANTED_EXTENSIONS it has created (best effort: a server
    that cannot be reached now says so in the version, and the cells that use it report the connection error)."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        params = {k: v for k, v in {"host": u.query.get("host", u.host), "port": u.query.get("port", u.port), "user": u.username,
                                    "password": u.password, "dbname": u.database}.items() if v}
        with psycopg.connect(connect_timeout=5, autocommit=True, **params) as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
            names = {row[0] for row in conn.execute("SELECT extname FROM pg_extension")}
        return f"{version} (yours)", tuple(e for e in WANTED_EXTENSIONS if e in names)
    except Exception as exc:  # noqa: BLE001 - describing the server must never stop the notebook
        return f"(yours; not reachable now: {type(exc).__name__})", ()


def postgres(name: str = "course", fresh: bool = False, tcp: bool = False, use_database_url: bool = True) -> Postgres:
    """A PostgreSQL for this kernel: $DATABASE_URL's when it names a PostgreSQL, else a throwaway server of our own.

    Re-running the cell returns the running server of the same `name` (fresh=True stops it and starts a new, empty
    one). The server listens on a Unix socket in its temporary folder (tcp=True: on 127.0.0.1, a free port) and is
    stopped, its data deleted, when the kernel exits. Raises PostgresError, saying what to install, when none can start.
    """
    env_url = os.environ.get("DATABASE_URL", "") if use_database_url else ""
    if env_url.startswith(("postgresql", "postgres:")):
        url = env_url.replace("postgres://", "postgresql+psycopg://", 1)
        if url.startswith("postgresql://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        version, extensions = _describe_external(url)
        return Postgres(name, url, external=True, version=version, extensions=extensions)
    current = _running.get(name)
    if current is not None and current.running and not fresh:
        return current
    if current is not None:
        current.stop()
    server = _start(name, tcp)
    _running[name] = server
    return server


def running() -> dict[str, Postgres]:
    """The servers this kernel started and that still run, by name."""
    return {name: pg for name, pg in _running.items() if pg.running}


def stop_all() -> None:
    for server in list(_running.values()):
        server.stop()


atexit.register(stop_all)
