"""Module 03's engines: an engine for a URL (or $DATABASE_URL), the schema, and loading generated data."""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import re
import secrets
import tempfile
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, text
from sqlalchemy.pool import NullPool, StaticPool

from .data import CommerceData, read_csv_sql, write_csv
from .schema import COLUMNS, DEFAULT_URL, MODELS, TABLES, Base

# ---------------------------------------------------------------- engines and loading


_memory_dbs = itertools.count(1)


def is_memory_url(url: str) -> bool:
    """True for the in-memory SQLite and DuckDB URLs."""
    return url in ("sqlite://", "sqlite:///:memory:", "duckdb://", "duckdb:///:memory:")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for `url`, else $DATABASE_URL, else a fresh in-memory DuckDB.

    In-memory databases need care, because FastAPI runs sync endpoints in worker threads: a plain `:memory:` URL
    would give each pooled connection its own empty database. An in-memory DuckDB becomes a *named* one
    (`:memory:<name>`), which every connection of this engine's normal pool shares, safely from many threads;
    an in-memory SQLite gets a StaticPool (one connection shared by all threads: fine for one request at a time).
    """
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if is_memory_url(url):
        if url.startswith("duckdb"):
            url = f"duckdb:///:memory:backendlab_{os.getpid()}_{next(_memory_dbs)}"
        else:
            kwargs.setdefault("poolclass", StaticPool)
            kwargs.setdefault("connect_args", {"check_same_thread": False})
    return create_engine(url, **kwargs)


def selected_url() -> tuple[str, str]:
    """(URL, where it came from) of the engine make_engine() would open now, the password hidden: for a setup cell."""
    from sqlalchemy.engine import make_url

    url = os.environ.get("DATABASE_URL")
    if url:
        try:
            return make_url(url).render_as_string(hide_password=True), "from $DATABASE_URL"
        except Exception:  # a malformed URL: say so without echoing it (it may hold a password)
            return "(unparsable)", "from $DATABASE_URL: make_engine() will fail; fix or unset it"
    return DEFAULT_URL, "the default: DATABASE_URL is not set"


_pg_failure: list[BaseException] = []  # why PostgreSQL could not be used in this kernel: asked once, not once per cell
_pg_schemas: list[tuple[Engine, str]] = []  # schemas made on the learner's own server: dropped at kernel exit
_pg_calls = itertools.count(1)
_KERNEL_TAG = secrets.token_hex(3)
PG_SESSION = {"lock_timeout": "10s", "statement_timeout": "30s"}  # a test waits seconds for a lock or a query, not forever


def postgres_engine(schema: str, connect_timeout_s: int = 10) -> Engine:
    """An engine on the course's PostgreSQL whose tables live in a new, empty schema of their own.

    The server is `backendlab.servers.postgres.postgres()`: $DATABASE_URL's PostgreSQL when it names one, else the
    throwaway server of this kernel (started once, reused). Each call creates a schema named after `schema` and a
    counter (`m03_ex3_1`, `m03_ex3_2`, ...; on the learner's own server with a per-kernel tag too, and dropped when
    the kernel exits), and every connection of the engine sets `search_path` to it alone: unqualified names
    (`orders`, `COPY order_items ...`) mean this schema's tables, so cells never see, drop or wait for each
    other's. Connections are not pooled (each is closed when given back) and get PG_SESSION's lock and statement
    timeouts, so a test that leaves a transaction open cannot keep the next one waiting for long.

    Raises what stopped PostgreSQL (PostgresError saying what to install, or the driver's error); after one failure,
    later calls in this kernel raise the same error at once (restart the kernel to try again).
    """
    from backendlab.servers.postgres import postgres

    if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", schema):
        raise ValueError(f"schema {schema!r}: lower-case letters, digits and _ only")
    if _pg_failure:
        raise _pg_failure[0]
    try:
        server = postgres()
        name = f"{schema}_{_KERNEL_TAG}_{next(_pg_calls)}" if server.external else f"{schema}_{next(_pg_calls)}"
        # NullPool: a connection is closed when it is given back, so no cell (or failed test) leaves idle ones behind
        engine = server.engine(connect_args={"connect_timeout": connect_timeout_s}, poolclass=NullPool)

        @event.listens_for(engine, "connect", insert=True)
        def _session(dbapi_connection: Any, connection_record: Any) -> None:  # SQLAlchemy's recipe for a search path
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f'SET SESSION search_path TO "{name}"')  # a name checked above
                for setting, value in PG_SESSION.items():
                    cursor.execute(f"SET SESSION {setting} = '{value}'")  # our constants
            dbapi_connection.autocommit = autocommit

        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    except Exception as exc:
        _pg_failure.append(exc)
        raise
    if server.external:
        _pg_schemas.append((engine, name))
    return engine


@atexit.register
def _drop_schemas_on_external_servers() -> None:
    for engine, name in _pg_schemas:
        with contextlib.suppress(Exception), engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def create_schema(engine: Engine) -> None:
    """Create the commerce tables (and their key sequences where the engine has sequences)."""
    Base.metadata.create_all(engine)


def reset_sequences(conn: Connection) -> None:
    """Move each key sequence past the largest loaded id, so ORM inserts after a bulk load get fresh keys."""
    if conn.dialect.name not in ("duckdb", "postgresql"):
        return  # SQLite's INTEGER PRIMARY KEY continues after the largest rowid by itself
    for table in TABLES:
        top = conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()  # table names are our constants
        if top:
            conn.execute(text("SELECT setval(:seq, :top)"), {"seq": f"{table}_id_seq", "top": int(top)})


def load(engine: Engine, data: CommerceData, tables: Iterable[str] = TABLES, replace: bool = True) -> dict[str, int]:
    """Create the commerce schema and insert the rows of `tables`; return the row counts inserted per table.

    replace=True drops the four commerce tables first (point DATABASE_URL at a scratch database, never a real one).
    DuckDB gets a set-based load (CSV files, then INSERT ... SELECT from read_csv), PostgreSQL through psycopg a COPY ...
    FROM STDIN, other engines a Core executemany.
    """
    tables = [t for t in TABLES if t in set(tables)]  # parents before children, whatever order was given
    if replace:
        Base.metadata.drop_all(engine)
    create_schema(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "duckdb":
            with tempfile.TemporaryDirectory() as tmp:
                for table, path in write_csv(data, tmp, tables).items():
                    conn.execute(text(f"INSERT INTO {table} SELECT * FROM {read_csv_sql(table)}"), {"path": str(path)})
        elif conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
            cursor = conn.connection.driver_connection.cursor()  # psycopg 3: COPY ... FROM STDIN, PostgreSQL's set-based load
            for table in tables:
                with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                    for row in data.rows(table):
                        copy.write_row(row)
        else:
            for table in tables:
                if data.rows(table):
                    conn.execute(insert(MODELS[table].__table__), data.dicts(table))
        reset_sequences(conn)
    return {t: len(data.rows(t)) for t in tables}
