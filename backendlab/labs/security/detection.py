"""Detection: a generated vulnerable module for bandit, and an access log with a credential-stuffing burst."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ----------------------------------------------------------------------------------------------------------------
# Static analysis: a generated vulnerable module and bandit
# ----------------------------------------------------------------------------------------------------------------


def vulnerable_module_source() -> str:
    """Python source with classic mistakes, for bandit to find (built at run time, never imported or run)."""
    pw = "hunter" + "2"
    return "\n".join([
        '"""A sample module with deliberate security mistakes — for bandit, never for running."""',
        "import hashlib",
        "import pickle",
        "import random",
        "import sqlite3",
        "import subprocess",
        "",
        "import requests",
        "import yaml",
        "",
        f'DB_PASSWORD = "{pw}"',
        "",
        "",
        "def thumbnail(filename):",
        '    subprocess.run(f"convert {filename} -resize 64x64 thumb.png", shell=True)',
        "",
        "",
        "def load_session(blob):",
        "    return pickle.loads(blob)",
        "",
        "",
        "def load_config(text):",
        "    return yaml.load(text)",
        "",
        "",
        "def find_user(conn: sqlite3.Connection, name):",
        "    return conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % name).fetchall()",
        "",
        "",
        "def etag(body: bytes):",
        "    return hashlib.md5(body).hexdigest()",
        "",
        "",
        "def reset_code():",
        "    return str(random.randint(100000, 999999))",
        "",
        "",
        "def fetch(url):",
        "    return requests.get(url, verify=False)",
        "",
        "",
        "def delete_account(user):",
        '    assert user.is_admin, "admins only"',
        "    user.delete()",
        "",
        "",
        "def calculate(expression):",
        "    return eval(expression)",
        "",
    ])


def bandit_path() -> Path:
    """The bandit command-line tool of this Python environment."""
    return Path(sys.executable).parent / "bandit"


def run_bandit(path: str | Path, timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """Run bandit on one file (JSON output) and return its findings, sorted by line."""
    proc = subprocess.run([str(bandit_path()), "-f", "json", "-q", str(path)], capture_output=True, text=True, timeout=timeout_s)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"bandit failed ({proc.returncode}): {proc.stderr[-500:]}")
    return sorted(json.loads(proc.stdout)["results"], key=lambda r: r["line_number"])


# ----------------------------------------------------------------------------------------------------------------
# An access log with a credential-stuffing burst
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginEvent:
    """One login attempt in the access log."""

    t_s: float
    client: str
    username: str
    success: bool


def make_access_log(seed: int = 5, minutes: int = 60, clients: int = 40) -> tuple[list[LoginEvent], str]:
    """A generated hour of login attempts: ordinary users, a forgetful one, an office NAT, and one credential stuffer.

    Returns (events sorted by time, the attacker's client address).
    """
    rng = random.Random(seed)
    events: list[LoginEvent] = []

    def poisson(lam: float) -> int:
        # Knuth's method: fine for the small rates used here
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1

    normal = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(clients)]
    users = {c: [f"user{rng.randint(100, 999)}" for _ in range(rng.randint(1, 2))] for c in normal}
    for minute in range(minutes):
        for c in normal:
            for _ in range(poisson(0.4)):
                events.append(LoginEvent(minute * 60 + rng.uniform(0, 60), c, rng.choice(users[c]), rng.random() > 0.08))
    forgetful, office, attacker = "10.0.9.17", "192.0.2.10", "203.0.113.66"
    stuck_minute = rng.randint(5, 25)
    for k in range(7):  # one user who forgot their password: many failures, ONE username
        events.append(LoginEvent(stuck_minute * 60 + 5 * k, forgetful, "user555", k == 6))
    staff = [f"staff{i:02d}" for i in range(40)]
    for minute in range(minutes):  # an office behind one NAT address: busy, but mostly successful
        for _ in range(poisson(8.0)):
            events.append(LoginEvent(minute * 60 + rng.uniform(0, 60), office, rng.choice(staff), rng.random() > 0.05))
    start = rng.randint(minutes // 2, minutes - 10)
    leaked = [f"victim{i:04d}" for i in range(2000)]
    for minute in range(start, start + 5):  # credential stuffing: many usernames, almost all failing
        for _ in range(poisson(90.0)):
            events.append(LoginEvent(minute * 60 + rng.uniform(0, 60), attacker, rng.choice(leaked), rng.random() < 0.01))
    events.sort(key=lambda e: e.t_s)
    return events, attacker
