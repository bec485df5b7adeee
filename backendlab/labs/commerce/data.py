"""Module 03's deterministic commerce data: the generator and its CSV and Parquet writers."""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .schema import COLUMNS, DEFAULT_ORDERS, DEFAULT_SEED, DUCKDB_TYPES, TABLES

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
