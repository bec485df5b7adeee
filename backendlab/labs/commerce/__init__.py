"""Module 03's commerce schema: deterministic data, typed ORM models, engines, a statement recorder and reference answers."""

from __future__ import annotations

import csv
import itertools
import os
import random
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterable
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    Sequence,
    String,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship, selectinload
from sqlalchemy.pool import StaticPool

DEFAULT_URL = "duckdb:///:memory:"
DEFAULT_SEED = 42
DEFAULT_ORDERS = 20_000  # tens of thousands: N+1, scans and bulk-load rates are visible; generates in well under a second
TABLES = ("customers", "products", "orders", "order_items")  # parents first: the order to load and to create
COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": ("id", "name", "email", "country", "created_at"),
    "products": ("id", "sku", "name", "category", "price_cents"),
    "orders": ("id", "customer_id", "ordered_at", "status"),
    "order_items": ("id", "order_id", "product_id", "quantity", "unit_price_cents"),
}
DUCKDB_TYPES: dict[str, dict[str, str]] = {  # explicit CSV column types for DuckDB's read_csv (no type sniffing)
    "customers": {"id": "INTEGER", "name": "VARCHAR", "email": "VARCHAR", "country": "VARCHAR", "created_at": "DATE"},
    "products": {"id": "INTEGER", "sku": "VARCHAR", "name": "VARCHAR", "category": "VARCHAR", "price_cents": "INTEGER"},
    "orders": {"id": "INTEGER", "customer_id": "INTEGER", "ordered_at": "TIMESTAMP", "status": "VARCHAR"},
    "order_items": {"id": "INTEGER", "order_id": "INTEGER", "product_id": "INTEGER", "quantity": "INTEGER", "unit_price_cents": "INTEGER"},
}
STATUSES = ("pending", "paid", "shipped", "cancelled")
STATUS_WEIGHTS = (5, 35, 50, 10)
FIRST_NAMES = (
    "Ada", "Ana", "Ben", "Chen", "Dara", "Elif", "Emma", "Femi", "Grace", "Hugo", "Ines", "Ivan", "Jana", "Kofi",
    "Lea", "Liam", "Mai", "Marta", "Noah", "Nora", "Omar", "Priya", "Rosa", "Sami", "Tariq", "Uma", "Yuki", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Abe", "Berg", "Costa", "Diaz", "Eze", "Fischer", "Garcia", "Hall", "Ito", "Jensen", "Kim", "Lima", "Moreau",
    "Novak", "Okafor", "Patel", "Quinn", "Rossi", "Silva", "Tanaka", "Ueda", "Vogel", "Wang", "Young",
)  # fmt: skip
COUNTRIES = ("DE", "FR", "GB", "NL", "US", "BR", "JP", "IN", "NG", "ES")
COUNTRY_WEIGHTS = (18, 12, 12, 6, 20, 8, 6, 8, 4, 6)
CATEGORIES = ("books", "games", "garden", "kitchen", "music", "office", "outdoor", "toys")
ADJECTIVES = ("Basic", "Classic", "Compact", "Deluxe", "Eco", "Mini", "Pro", "Smart", "Ultra", "Travel")
NOUNS = ("Bottle", "Chair", "Kettle", "Lamp", "Mug", "Notebook", "Pen", "Puzzle", "Speaker", "Tent", "Vinyl", "Whisk")
YEAR_START = datetime(2024, 1, 1)
YEAR_SECONDS = 366 * 86_400  # 2024 is a leap year: orders span exactly one calendar year


# ---------------------------------------------------------------- typed ORM models (SQLAlchemy 2.0)


class Base(DeclarativeBase):
    """The declarative base of the commerce models."""


class Customer(Base):
    __tablename__ = "customers"
    # DuckDB has no SERIAL/IDENTITY: a Sequence generates keys (SQLite ignores it, PostgreSQL uses it)
    id: Mapped[int] = mapped_column(Integer, Sequence("customers_id_seq"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[date] = mapped_column(Date)
    orders: Mapped[list[Order]] = relationship(back_populates="customer")


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, Sequence("products_id_seq"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(30))
    price_cents: Mapped[int] = mapped_column(Integer)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, Sequence("orders_id_seq"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    ordered_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(12))
    customer: Mapped[Customer] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id")


class OrderItem(Base):
    __tablename__ = "order_items"
    id: Mapped[int] = mapped_column(Integer, Sequence("order_items_id_seq"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()


MODELS: dict[str, type[Base]] = {"customers": Customer, "products": Product, "orders": Order, "order_items": OrderItem}


# ---------------------------------------------------------------- deterministic data


@dataclass(frozen=True)
class CommerceData:
    """Generated rows per table, as tuples in the column order of COLUMNS (ids start at 1, parents before children)."""

    seed: int
    customers: list[tuple[int, str, str, str, date]]
    products: list[tuple[int, str, str, str, int]]
    orders: list[tuple[int, int, datetime, str]]
    order_items: list[tuple[int, int, int, int, int]]

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        if table not in COLUMNS:
            raise KeyError(f"unknown table {table!r}; the tables are {', '.join(TABLES)}")
        return getattr(self, table)

    def dicts(self, table: str) -> list[dict[str, Any]]:
        """The rows of `table` as dicts (column -> value), e.g. for an executemany or the ORM's bulk insert."""
        cols = COLUMNS[table]
        return [dict(zip(cols, row, strict=True)) for row in self.rows(table)]

    def counts(self) -> dict[str, int]:
        return {t: len(self.rows(t)) for t in TABLES}


def generate(n_orders: int = DEFAULT_ORDERS, seed: int = DEFAULT_SEED) -> CommerceData:
    """Generate a commerce data set with `n_orders` orders: same seed and size, same rows, on every machine.

    Sizes follow n_orders: n_orders // 8 customers (at least 5), n_orders // 10 products (10 to 200),
    1–5 items per order (about 2.5 on average). Orders span 2024 and get ids in time order; customers are
    skewed (a few buy a lot), 10 % of items carry a 15 % discount, and 10 % of orders are cancelled.
    """
    if n_orders < 1:
        raise ValueError(f"n_orders must be at least 1, got {n_orders}")
    rng = random.Random(seed)
    n_customers = max(5, n_orders // 8)
    n_products = max(10, min(200, n_orders // 10))

    customers = []
    for cid in range(1, n_customers + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        created = date(2023, 1, 1) + timedelta(days=rng.randrange(365))
        customers.append((cid, f"{first} {last}", f"{first}.{last}.{cid}@example.com".lower(), country, created))

    products = []
    for pid in range(1, n_products + 1):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        price = rng.choice((199, 499, 999, 1499, 1999, 2999, 4999, 9999)) + rng.randrange(0, 100)
        products.append((pid, f"SKU-{pid:05d}", name, rng.choice(CATEGORIES), price))
    prices = [p[4] for p in products]

    cum_weights, total = [], 0.0
    for rank in range(1, n_customers + 1):  # Zipf-like: customer 1 buys most; shuffled below so ids carry no rank
        total += 1.0 / rank**0.6
        cum_weights.append(total)
    by_rank = list(range(1, n_customers + 1))
    rng.shuffle(by_rank)
    buyers = rng.choices(by_rank, cum_weights=cum_weights, k=n_orders)
    instants = sorted(rng.randrange(YEAR_SECONDS) for _ in range(n_orders))
    statuses = rng.choices(STATUSES, STATUS_WEIGHTS, k=n_orders)

    orders, items = [], []
    product_ids = range(1, n_products + 1)
    for oid in range(1, n_orders + 1):
        orders.append((oid, buyers[oid - 1], YEAR_START + timedelta(seconds=instants[oid - 1]), statuses[oid - 1]))
        k = rng.choices((1, 2, 3, 4, 5), (30, 25, 20, 15, 10))[0]
        for pid in rng.sample(product_ids, k):
            quantity = rng.choices((1, 2, 3, 4, 5), (60, 20, 10, 6, 4))[0]
            price = prices[pid - 1]
            unit = price * 85 // 100 if rng.random() < 0.10 else price
            items.append((len(items) + 1, oid, pid, quantity, unit))
    return CommerceData(seed, customers, products, orders, items)


def _cell(value: Any) -> Any:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat() if isinstance(value, date) else value


def write_csv(data: CommerceData, folder: str | Path, tables: Iterable[str] = TABLES) -> dict[str, Path]:
    """Write one CSV per table (header row, ISO dates) into `folder`; return table -> path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for table in tables:
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS[table])
            writer.writerows([_cell(v) for v in row] for row in data.rows(table))
        paths[table] = path
    return paths


def read_csv_sql(table: str, param: str = "path") -> str:
    """DuckDB's read_csv over a bound file path, with the table's explicit column types (no sniffing)."""
    columns = ", ".join(f"'{c}': '{t}'" for c, t in DUCKDB_TYPES[table].items())
    return f"read_csv(:{param}, header = true, columns = {{{columns}}})"


def write_parquet(data: CommerceData, folder: str | Path, tables: Iterable[str] = TABLES) -> dict[str, Path]:
    """Write one Parquet file per table into `folder` (through DuckDB: no pandas or pyarrow needed)."""
    import duckdb

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = list(tables)
    paths = {}
    with tempfile.TemporaryDirectory() as tmp:
        csvs = write_csv(data, tmp, tables)
        con = duckdb.connect()
        try:
            for table in tables:
                path = folder / f"{table}.parquet"
                source = read_csv_sql(table).replace(":path", "$path")
                target = path.as_posix().replace("'", "''")  # COPY ... TO takes no bound parameter: quote the literal
                con.execute(f"COPY (SELECT * FROM {source}) TO '{target}' (FORMAT parquet)", {"path": str(csvs[table])})
                paths[table] = path
        finally:
            con.close()
    return paths


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
    DuckDB gets a set-based load (CSV files, then INSERT ... SELECT from read_csv); other engines a Core executemany.
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
        else:
            for table in tables:
                if data.rows(table):
                    conn.execute(insert(MODELS[table].__table__), data.dicts(table))
        reset_sequences(conn)
    return {t: len(data.rows(t)) for t in tables}


# ---------------------------------------------------------------- counting and timing statements


@dataclass
class Statement:
    """One statement the driver executed: its SQL text, parameters, duration and whether it was an executemany."""

    sql: str
    params: Any
    ms: float
    many: bool


@dataclass
class StatementRecorder:
    """Record every statement an engine executes while active (an engine event listener):

        with StatementRecorder(engine) as rec:
            ...
        rec.count, rec.statements, rec.log()
    """

    engine: Engine
    statements: list[Statement] = field(default_factory=list)

    def _before(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        conn.info.setdefault("_backendlab_t0", []).append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        starts = conn.info.get("_backendlab_t0") or [time.perf_counter()]
        ms = (time.perf_counter() - starts.pop()) * 1000.0
        self.statements.append(Statement(statement, parameters, ms, executemany))

    def start(self) -> StatementRecorder:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def stop(self) -> None:
        if event.contains(self.engine, "before_cursor_execute", self._before):
            event.remove(self.engine, "before_cursor_execute", self._before)
            event.remove(self.engine, "after_cursor_execute", self._after)

    def __enter__(self) -> StatementRecorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def count(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        self.statements.clear()

    def log(self) -> list[dict[str, Any]]:
        """A query log in the spirit of pg_stat_statements: one dict per distinct SQL text,
        {"sql", "calls", "mean_ms", "median_ms", "total_ms"}, largest total time first."""
        groups: dict[str, list[float]] = {}
        for st in self.statements:
            groups.setdefault(" ".join(st.sql.split()), []).append(st.ms)
        rows = [
            {"sql": sql, "calls": len(ms), "mean_ms": sum(ms) / len(ms), "median_ms": statistics.median(ms), "total_ms": sum(ms)}
            for sql, ms in groups.items()
        ]
        return sorted(rows, key=lambda r: -r["total_ms"])


# ---------------------------------------------------------------- exercise 1: two related models, generated keys


def map_models(base: type[DeclarativeBase]) -> tuple[type, type]:
    """Reference for exercise 1: map (Supplier, Shipment) on `base`, keys generated by sequences."""

    class Supplier(base):  # type: ignore[valid-type, misc]
        __tablename__ = "suppliers"
        id: Mapped[int] = mapped_column(Integer, Sequence("suppliers_id_seq"), primary_key=True)
        name: Mapped[str] = mapped_column(String(100), unique=True)
        shipments: Mapped[list[Shipment]] = relationship(back_populates="supplier")

    class Shipment(base):  # type: ignore[valid-type, misc]
        __tablename__ = "shipments"
        id: Mapped[int] = mapped_column(Integer, Sequence("shipments_id_seq"), primary_key=True)
        supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
        weight_kg: Mapped[float] = mapped_column(Float)
        supplier: Mapped[Supplier] = relationship(back_populates="shipments")

    return Supplier, Shipment


def load_sample(session: Session, supplier_cls: type, shipment_cls: type, rows: Iterable[dict[str, Any]]) -> int:
    """Reference for exercise 1: one Supplier per distinct name (reusing stored ones), one Shipment per row; commit."""
    by_name: dict[str, Any] = {}
    added = 0
    for row in rows:
        name = row["supplier"]
        if name not in by_name:
            found = session.scalars(select(supplier_cls).where(supplier_cls.name == name)).one_or_none()
            by_name[name] = found if found is not None else supplier_cls(name=name)
            session.add(by_name[name])
        by_name[name].shipments.append(shipment_cls(weight_kg=float(row["weight_kg"])))
        added += 1
    session.commit()
    return added


# ---------------------------------------------------------------- exercise 2: orders with items, without N+1


def order_to_dict(order: Order) -> dict[str, Any]:
    """The JSON shape of an order in the orders service (touches order.customer, order.items, item.product)."""
    return {
        "id": order.id,
        "customer": order.customer.name,
        "status": order.status,
        "ordered_at": order.ordered_at.isoformat(),
        "items": [
            {"product": item.product.name, "quantity": item.quantity, "unit_price_cents": item.unit_price_cents}
            for item in order.items
        ],
    }


def orders_with_items_naive(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The N+1 version: one query for the orders, then lazy loads for each customer, item list and product."""
    orders = session.scalars(select(Order).order_by(Order.id).limit(limit))
    return [order_to_dict(o) for o in orders]


def orders_with_items(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """Reference for exercise 2: the first `limit` orders by id with customer and items, in 2 statements."""
    query = (
        select(Order)
        .options(joinedload(Order.customer), selectinload(Order.items).joinedload(OrderItem.product))
        .order_by(Order.id)
        .limit(limit)
    )
    return [order_to_dict(o) for o in session.scalars(query)]


# ---------------------------------------------------------------- reports (exercise 3 and the narrative)

TOP_CUSTOMERS_SQL = """
WITH revenue AS (
    SELECT strftime(o.ordered_at, '%Y-%m')          AS month,
           o.customer_id,
           sum(i.quantity * i.unit_price_cents)     AS revenue_cents
    FROM orders o
    JOIN order_items i ON i.order_id = o.id
    WHERE o.status <> 'cancelled'
    GROUP BY 1, 2
), ranked AS (
    SELECT month, customer_id, revenue_cents,
           row_number() OVER (PARTITION BY month ORDER BY revenue_cents DESC, customer_id) AS rank
    FROM revenue
)
SELECT month, rank, customer_id, revenue_cents
FROM ranked
WHERE rank <= :n
ORDER BY month, rank
"""


def top_customers_per_month(conn: Connection, n: int = 3) -> list[tuple[str, int, int, int]]:
    """Reference for exercise 3 (DuckDB): per month, the n customers with most revenue from non-cancelled orders."""
    return [(str(m), int(r), int(c), int(v)) for m, r, c, v in conn.execute(text(TOP_CUSTOMERS_SQL), {"n": n})]


def top_customers_per_month_python(data: CommerceData, n: int = 3) -> list[tuple[str, int, int, int]]:
    """The same report computed in plain Python from the generated rows (an independent cross-check)."""
    orders = {oid: (cid, at.strftime("%Y-%m")) for oid, cid, at, status in data.orders if status != "cancelled"}
    revenue: dict[tuple[str, int], int] = {}
    for _, oid, _, quantity, unit in data.order_items:
        if oid in orders:
            cid, month = orders[oid]
            revenue[(month, cid)] = revenue.get((month, cid), 0) + quantity * unit
    result = []
    for month in sorted({m for m, _ in revenue}):
        ranked = sorted(((-v, cid) for (m, cid), v in revenue.items() if m == month))
        result += [(month, rank, cid, -neg) for rank, (neg, cid) in enumerate(ranked[:n], start=1)]
    return result


def monthly_revenue_sql(conn: Connection) -> list[tuple[str, int, int]]:
    """Revenue per month of non-cancelled orders with its running total (DuckDB SQL, a window function)."""
    sql = """
        SELECT strftime(o.ordered_at, '%Y-%m') AS month,
               sum(i.quantity * i.unit_price_cents) AS revenue_cents,
               sum(sum(i.quantity * i.unit_price_cents)) OVER (ORDER BY strftime(o.ordered_at, '%Y-%m')) AS running_cents
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.status <> 'cancelled'
        GROUP BY 1 ORDER BY 1
    """
    return [(str(m), int(r), int(t)) for m, r, t in conn.execute(text(sql))]


# ---------------------------------------------------------------- exercise 4: set-based bulk load


def load_order_items(engine: Engine, csv_path: str | Path) -> int:
    """Reference for exercise 4: one INSERT ... SELECT from DuckDB's read_csv; return the rows inserted."""
    with engine.begin() as conn:
        before = conn.execute(text("SELECT count(*) FROM order_items")).scalar_one()
        conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return int(conn.execute(text("SELECT count(*) FROM order_items")).scalar_one()) - int(before)


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


# ---------------------------------------------------------------- exercise 6: safe SQL

SORTABLE = {"name": "name", "created_at": "created_at"}  # identifiers cannot be bound: an allowlist maps input to SQL


def search_customers(
    conn: Connection, name_prefix: str, country: str | None = None, sort: str = "name", limit: int = 20
) -> list[tuple[int, str, str]]:
    """Reference for exercise 6: customers whose name starts with name_prefix, every value bound, sort allowlisted."""
    if sort not in SORTABLE:
        raise ValueError(f"sort must be one of {sorted(SORTABLE)}, got {sort!r}")
    escaped = name_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = "SELECT id, name, country FROM customers WHERE name LIKE :pattern ESCAPE '\\'"
    params: dict[str, Any] = {"pattern": escaped + "%", "limit": int(limit)}
    if country is not None:
        sql += " AND country = :country"
        params["country"] = country
    sql += f" ORDER BY {SORTABLE[sort]}, id LIMIT :limit"
    return [(int(i), str(n), str(c)) for i, n, c in conn.execute(text(sql), params)]


def count_rows(conn: Connection, table: str) -> int:
    """Rows in one of the commerce tables (the name is checked against the schema, never interpolated blindly)."""
    if table not in COLUMNS:
        raise ValueError(f"unknown table {table!r}")
    return int(conn.execute(select(func.count()).select_from(MODELS[table].__table__)).scalar_one())
