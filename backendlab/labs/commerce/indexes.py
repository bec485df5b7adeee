"""Module 03's index advice: parse a query log's filters, recommend B-tree indexes, and verify them with SQLite's plans."""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Sequence as Seq
from typing import Any

# ---------------------------------------------------------------- exercise 5: index recommendations

_TABLE_RE = re.compile(r"^\s*(?:select\b.*?\bfrom|update|delete\s+from)\s+([A-Za-z_]\w*)", re.I | re.S)
_WHERE_RE = re.compile(r"\bwhere\b(.*?)(?=\border\s+by\b|\bgroup\s+by\b|\blimit\b|\breturning\b|$)", re.I | re.S)
_EQ_RE = re.compile(r"^\(?\s*(?:\w+\.)?(\w+)\s*(?:=|==)\s*", re.S)
_IN_RE = re.compile(r"^\(?\s*(?:\w+\.)?(\w+)\s+in\s*\(", re.I | re.S)
_RANGE_RE = re.compile(r"^\(?\s*(?:\w+\.)?(\w+)\s*(?:<=|>=|<|>)\s*", re.S)


def parse_filters(sql: str) -> tuple[str, list[str], list[str]] | None:
    """(table, equality columns, range columns) of a single-table SELECT/UPDATE/DELETE, or None if it has no WHERE."""
    table = _TABLE_RE.search(sql)
    where = _WHERE_RE.search(sql)
    if not table or not where:
        return None
    equal: list[str] = []
    ranged: list[str] = []
    for cond in re.split(r"\s+and\s+", where.group(1).strip(), flags=re.I):
        if m := _IN_RE.match(cond) or _EQ_RE.match(cond):
            if m.group(1).lower() not in equal:
                equal.append(m.group(1).lower())
        elif (m := _RANGE_RE.match(cond)) and m.group(1).lower() not in ranged:
            ranged.append(m.group(1).lower())
    return table.group(1).lower(), equal, ranged


def recommend_indexes(
    query_log: Seq[dict[str, Any]], schema: dict[str, dict[str, Any]], slow_ms: float = 5.0
) -> list[tuple[str, tuple[str, ...]]]:
    """Reference for exercise 5: one composite index per slow filtered scan (equality columns, then one range column).

    A query is skipped when an existing index's first column is any of its filtered columns (equality or range,
    the second range column included): SQLite can then already SEARCH. That is a claim about the plan only, not
    about selectivity: an index on a column with few distinct values (a status) makes the plan a SEARCH in which the
    other conditions merely filter the many rows it finds. Real advisors weigh that with row estimates; this one
    does not.
    """
    recommended: list[tuple[str, tuple[str, ...]]] = []
    for entry in query_log:
        if entry["mean_ms"] < slow_ms:
            continue
        parsed = parse_filters(entry["sql"])
        if parsed is None or parsed[0] not in schema:
            continue
        table, equal, ranged = parsed
        known = {c.lower() for c in schema[table]["columns"]}
        equal = [c for c in equal if c in known]
        ranged = [c for c in ranged if c in known and c not in equal]
        columns = tuple(equal + ranged[:1])
        if not columns:
            continue
        leading = {ix[0].lower() for ix in schema[table]["indexes"] if ix}
        if leading & set(equal + ranged):
            continue  # an existing index on any filtered column already turns this scan into a search
        if (table, columns) not in recommended:
            recommended.append((table, columns))
    return recommended


def sqlite_schema(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """{table: {"columns": [...], "indexes": [[col, ...], ...]}} of a SQLite database, the primary key counted as an index."""
    schema: dict[str, dict[str, Any]] = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for table in tables:
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        indexes = [pk] if pk else []
        for ix in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
            cols = [r[2] for r in conn.execute(f'PRAGMA index_info("{ix[1]}")').fetchall()]
            if cols and cols not in indexes:
                indexes.append(cols)
        schema[table] = {"columns": [r[1] for r in info], "indexes": indexes}
    return schema


def index_ddl(table: str, columns: Seq[str], name: str | None = None) -> str:
    """CREATE INDEX for a recommendation (identifiers are checked: they cannot be bound parameters)."""
    for ident in (table, *columns):
        if not re.fullmatch(r"[A-Za-z_]\w*", ident):
            raise ValueError(f"not a plain SQL identifier: {ident!r}")
    name = name or f"ix_{table}_{'_'.join(columns)}"
    return f"CREATE INDEX {name} ON {table} ({', '.join(columns)})"


_plan_ids = itertools.count()


def query_plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN details for `sql` (its ? placeholders bound to NULL).

    A unique comment makes every call a new statement: the sqlite3 module caches prepared statements, and a
    cached EXPLAIN keeps showing the plan from before a CREATE or DROP INDEX.
    """
    fresh = f"EXPLAIN QUERY PLAN /* plan {next(_plan_ids)} */ {sql}"
    return [row[3] for row in conn.execute(fresh, (None,) * sql.count("?"))]


def is_search(plan: list[str]) -> bool:
    """True when SQLite's plan searches (uses an index or the primary key) rather than scanning the table."""
    return any(line.startswith("SEARCH") for line in plan) and not any(line.startswith("SCAN") for line in plan)


def index_problems(
    conn: sqlite3.Connection, query_log: Seq[dict[str, Any]], recommendations: Any, slow_ms: float = 5.0
) -> list[str]:
    """What is wrong with `recommendations` for this log on this SQLite database (empty list: nothing).

    Every recommended index must, alone, turn some slow query's plan from SCAN to SEARCH; and with all of them,
    every slow filtered scan must SEARCH on an index that serves its equality columns and its first range column
    (a B-tree cannot serve a second range column). Queries that already SEARCH before are not judged.
    """
    problems: list[str] = []
    try:
        recs = [(str(t), tuple(str(c) for c in cols)) for t, cols in recommendations]
    except (TypeError, ValueError):
        return [f"expected a list of (table, (column, ...)) pairs, got {recommendations!r:.200}"]
    if len(set(recs)) != len(recs):
        problems.append("the same index is recommended twice")
    schema = sqlite_schema(conn)
    slow = [e["sql"] for e in query_log if e["mean_ms"] >= slow_ms]
    before = {sql: is_search(query_plan(conn, sql)) for sql in slow}
    for i, (table, cols) in enumerate(recs):
        if table not in schema or not cols or any(c not in schema[table]["columns"] for c in cols):
            problems.append(f"{table}{cols}: no such table or columns")
            continue
        conn.execute(index_ddl(table, cols, f"ix_check_{i}"))
        helped = [sql for sql in slow if not before[sql] and is_search(query_plan(conn, sql))]
        conn.execute(f"DROP INDEX ix_check_{i}")
        if not helped:
            problems.append(f"{table}{cols}: turns no slow query from SCAN to SEARCH")
    if problems:
        return problems
    for i, (table, cols) in enumerate(recs):
        conn.execute(index_ddl(table, cols, f"ix_check_{i}"))
    try:
        for sql in slow:
            parsed = parse_filters(sql)
            if before[sql] or parsed is None or not (parsed[1] or parsed[2]):
                continue
            plan = query_plan(conn, sql)
            if not is_search(plan):
                problems.append(f"still a full scan: {sql}  (plan: {'; '.join(plan)})")
                continue
            detail = " ".join(plan)
            needed = parsed[1] + [c for c in parsed[2][:1] if c not in parsed[1]]
            missing = [c for c in needed if not re.search(rf"\b{c}\s*[=<>]", detail, re.I)]
            if missing:
                problems.append(f"the index does not serve {missing} in: {sql}  (plan: {'; '.join(plan)})")
    finally:
        for i in range(len(recs)):
            conn.execute(f"DROP INDEX IF EXISTS ix_check_{i}")
    return problems


def postgres_schema(conn: Any) -> dict[str, dict[str, Any]]:
    """{table: {"columns": [...], "indexes": [[col, ...], ...]}} of the current schema of a PostgreSQL connection (SQLAlchemy),
    the primary key and unique constraints counted as indexes (they are); hypopg's hypothetical indexes are not."""
    from sqlalchemy import text

    schema: dict[str, dict[str, Any]] = {}
    columns = conn.execute(
        text(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position"
        )
    )
    for table, column in columns:
        schema.setdefault(table, {"columns": [], "indexes": []})["columns"].append(column)
    indexes = conn.execute(
        text(
            "SELECT t.relname, array_agg(a.attname ORDER BY k.n) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE t.relnamespace = current_schema()::regnamespace GROUP BY i.indexrelid, t.relname ORDER BY t.relname, i.indexrelid"
        )
    )
    for table, cols in indexes:
        if table in schema:
            schema[table]["indexes"].append(list(cols))
    return schema
