"""The users table in SQLite: the safe search (exercise 1), a recording connection, and the service's UserStore."""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
from typing import Any

from argon2 import PasswordHasher

from backendlab.labs.security.config import SEARCH_LIMIT
from backendlab.labs.security.passwords import cheap_hasher, verify_password
from backendlab.labs.security.weak import search_users_unsafe, sha256_hex

# ----------------------------------------------------------------------------------------------------------------
# SQL: the injectable query and the fix
# ----------------------------------------------------------------------------------------------------------------

USERS_SCHEMA = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, email TEXT NOT NULL, "
    "password_hash TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'user')"
)
SAMPLE_USERNAMES = ["alice", "alan", "albert", "al_bundy", "bob", "o'brien", "50%off", "500club", "ops"] + [
    f"user{i:02d}" for i in range(1, 26)
]


def search_users(conn: sqlite3.Connection, prefix: str) -> list[dict[str, str]]:
    """Reference for exercise 1: a bound parameter, LIKE wildcards escaped, a row limit."""
    if not prefix:
        return []
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = conn.execute(
        "SELECT username, email FROM users WHERE username LIKE ? ESCAPE '\\' ORDER BY username LIMIT ?",
        (pattern, SEARCH_LIMIT),
    ).fetchall()
    return [{"username": u, "email": e} for u, e in rows]


def fake_hash() -> str:
    """A random stand-in for a stored password hash (for tables whose passwords never get checked)."""
    return "$sha256$" + secrets.token_hex(32)


class _RecordingCursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self.connection.statements.append((sql, parameters))  # type: ignore[attr-defined]
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:
        self.connection.statements.append((sql, seq))  # type: ignore[attr-defined]
        return super().executemany(sql, seq)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        self.connection.statements.append((script, ()))  # type: ignore[attr-defined]
        return super().executescript(script)


class RecordingConnection(sqlite3.Connection):
    """A real sqlite3 connection that records every statement's SQL text and its bound parameters, as sent.

    sqlite3's trace callback shows statements with the bound values already expanded into them, so it cannot tell
    a bound parameter from a formatted one; this can: `statements` holds (sql, parameters) pairs.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements: list[tuple[str, Any]] = []

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or _RecordingCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, seq)

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        return self.cursor().executescript(script)


def sample_user_db(record: bool = False) -> sqlite3.Connection:
    """An in-memory users table for exercise 1, with awkward names (o'brien, al_bundy, 50%off) and random hashes.

    record=True returns a RecordingConnection: its `statements` list shows the SQL text and parameters of each call.
    """
    conn = sqlite3.connect(":memory:", factory=RecordingConnection) if record else sqlite3.connect(":memory:")
    conn.execute(USERS_SCHEMA)
    conn.executemany(
        "INSERT INTO users (username, email, password_hash, role) VALUES (?, ?, ?, ?)",
        [
            (name, f"{re.sub(r'[^a-z0-9_]', '', name)}@example.com", fake_hash(), "admin" if name == "ops" else "user")
            for name in SAMPLE_USERNAMES
        ],
    )
    conn.commit()
    if isinstance(conn, RecordingConnection):
        conn.statements.clear()  # only what the caller sends from here on
    return conn


class UserStore:
    """The service's users table (in-memory SQLite, one lock), with the weak and the safe ways to use it."""

    def __init__(self, scheme: str = "argon2", hasher: PasswordHasher | None = None) -> None:
        if scheme not in ("argon2", "sha256"):
            raise ValueError("scheme is 'argon2' or 'sha256'")
        self.scheme = scheme
        self.hasher = hasher or cheap_hasher()
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(":memory:", check_same_thread=False)
        self.conn.execute(USERS_SCHEMA)
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16)) if scheme == "argon2" else ""

    def _hash(self, password: str) -> str:
        return sha256_hex(password) if self.scheme == "sha256" else self.hasher.hash(password)

    def create(self, username: Any, password: Any, email: Any, role: Any = "user") -> bool:
        """Insert a user (bound parameters); False when the username is taken."""
        with self.lock:
            try:
                self.conn.execute(
                    "INSERT INTO users (username, email, password_hash, role) VALUES (?, ?, ?, ?)",
                    (username, email, self._hash(password), role),
                )
            except sqlite3.IntegrityError:
                return False
            self.conn.commit()
            return True

    def search_unsafe(self, prefix: str) -> list[dict[str, str]]:
        with self.lock:
            return search_users_unsafe(self.conn, prefix)

    def search(self, prefix: str) -> list[dict[str, str]]:
        with self.lock:
            return search_users(self.conn, prefix)

    def check_password(self, username: str, password: str) -> bool:
        with self.lock:
            row = self.conn.execute("SELECT password_hash FROM users WHERE username = ?", (username,)).fetchone()
        if self.scheme == "sha256":
            return row is not None and row[0] == sha256_hex(password)  # fast, unsalted, and `==`
        # argon2: verify against a dummy hash for unknown users so both answers take the same time
        ok, new_hash = verify_password(row[0] if row else self._dummy, password, self.hasher)
        if ok and row and new_hash:
            with self.lock:
                self.conn.execute("UPDATE users SET password_hash = ? WHERE username = ?", (new_hash, username))
                self.conn.commit()
        return ok and row is not None

    def role_of(self, username: str) -> str:
        with self.lock:
            row = self.conn.execute("SELECT role FROM users WHERE username = ?", (username,)).fetchone()
        return row[0] if row else "user"

    def password_hashes(self) -> dict[str, str]:
        """username -> stored hash: what a leaked backup would hand an attacker."""
        with self.lock:
            return dict(self.conn.execute("SELECT username, password_hash FROM users ORDER BY id").fetchall())

    def rows(self) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.conn.execute("SELECT * FROM users ORDER BY id").fetchall()
