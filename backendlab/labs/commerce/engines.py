"""Module 03's engines: an engine for a URL (or $DATABASE_URL), the schema, and loading generated data."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, insert, text
from sqlalchemy.pool import StaticPool

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
