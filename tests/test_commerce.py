"""Tests for backendlab/labs/commerce/: the data generator, engines, the statement recorder and the reference answers."""

from __future__ import annotations

import csv
import dataclasses
import sqlite3
import threading
from datetime import datetime

import duckdb
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import DeclarativeBase, Session

from backendlab.labs import commerce
from backendlab.labs.commerce import Order

SMALL = 400


@pytest.fixture(scope="module")
def data() -> commerce.CommerceData:
    return commerce.generate(n_orders=SMALL, seed=3)


@pytest.fixture(scope="module")
def duck(data):
    engine = commerce.make_engine("duckdb:///:memory:")
    commerce.load(engine, data)
    return engine


@pytest.fixture(scope="module")
def lite(data):
    engine = commerce.make_engine("sqlite://")
    commerce.load(engine, data)
    return engine


# ---------------------------------------------------------------- generator


def test_generate_is_deterministic_for_a_seed_and_size():
    assert commerce.generate(n_orders=200, seed=9) == commerce.generate(n_orders=200, seed=9)


def test_generate_differs_between_seeds():
    assert commerce.generate(n_orders=200, seed=1).order_items != commerce.generate(n_orders=200, seed=2).order_items


def test_generate_sizes_follow_n_orders(data):
    counts = data.counts()
    assert counts["orders"] == SMALL
    assert counts["customers"] == SMALL // 8
    assert counts["products"] == max(10, min(200, SMALL // 10))
    assert SMALL <= counts["order_items"] <= 5 * SMALL


def test_generate_rejects_zero_orders():
    with pytest.raises(ValueError, match="at least 1"):
        commerce.generate(n_orders=0)


def test_generated_keys_are_consecutive_and_references_exist(data):
    for table in commerce.TABLES:
        assert [row[0] for row in data.rows(table)] == list(range(1, len(data.rows(table)) + 1))
    customers, products, orders = len(data.customers), len(data.products), len(data.orders)
    assert all(1 <= cid <= customers for _, cid, _, _ in data.orders)
    assert all(1 <= oid <= orders and 1 <= pid <= products for _, oid, pid, _, _ in data.order_items)


def test_orders_are_in_time_order_within_2024(data):
    times = [at for _, _, at, _ in data.orders]
    assert times == sorted(times)
    assert datetime(2024, 1, 1) <= times[0] and times[-1] < datetime(2025, 1, 1)


def test_some_items_are_discounted_below_the_list_price(data):
    prices = {pid: price for pid, _, _, _, price in data.products}
    discounted = [unit for _, _, pid, _, unit in data.order_items if unit < prices[pid]]
    assert 0 < len(discounted) < len(data.order_items)


def test_rows_of_an_unknown_table_raise_key_error(data):
    with pytest.raises(KeyError, match="unknown table"):
        data.rows("invoices")


def test_write_csv_writes_a_header_and_every_row(data, tmp_path):
    paths = commerce.write_csv(data, tmp_path, ["orders"])
    with paths["orders"].open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(commerce.COLUMNS["orders"])
    assert len(rows) == len(data.orders) + 1
    assert rows[1][2] == data.orders[0][2].isoformat(sep=" ")


def test_write_parquet_writes_typed_files_duckdb_can_read(data, tmp_path):
    paths = commerce.write_parquet(data, tmp_path / "it's here", ["order_items"])
    con = duckdb.connect()
    query = "SELECT count(*), sum(quantity * unit_price_cents) FROM read_parquet(?)"
    count, total = con.execute(query, [str(paths["order_items"])]).fetchone()
    assert (count, total) == (len(data.order_items), sum(q * u for _, _, _, q, u in data.order_items))


# ---------------------------------------------------------------- engines and loading


def test_duckdb_and_sqlite_hold_the_same_rows_after_load(duck, lite):
    query = text("SELECT count(*), sum(id * quantity), sum(unit_price_cents) FROM order_items")
    with duck.connect() as a, lite.connect() as b:
        assert tuple(a.execute(query).one()) == tuple(b.execute(query).one())


def test_load_moves_the_sequence_past_the_loaded_ids(data):
    engine = commerce.make_engine("duckdb:///:memory:")
    commerce.load(engine, data, tables=("customers",))
    with Session(engine) as session:
        customer = commerce.Customer(name="New", email="new@example.com", country="DE", created_at=datetime(2024, 1, 1).date())
        session.add(customer)
        session.commit()
        assert customer.id == len(data.customers) + 1


def test_load_only_the_tables_asked_for(data):
    engine = commerce.make_engine("duckdb:///:memory:")
    loaded = commerce.load(engine, data, tables=("products", "customers"))
    assert loaded == {"customers": len(data.customers), "products": len(data.products)}
    with engine.connect() as conn:
        assert commerce.count_rows(conn, "orders") == 0
        assert commerce.count_rows(conn, "products") == len(data.products)


def test_each_in_memory_duckdb_engine_is_a_fresh_database(duck):
    other = commerce.make_engine("duckdb:///:memory:")
    commerce.create_schema(other)
    with other.connect() as conn:
        assert commerce.count_rows(conn, "orders") == 0


def test_in_memory_duckdb_is_shared_by_connections_in_other_threads(duck, data):
    seen: list[int] = []

    def count() -> None:
        with duck.connect() as conn:
            seen.append(commerce.count_rows(conn, "orders"))

    threads = [threading.Thread(target=count) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [len(data.orders)] * 3


def test_make_engine_reads_database_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lab.db'}")
    assert commerce.make_engine().dialect.name == "sqlite"
    monkeypatch.delenv("DATABASE_URL")
    assert commerce.make_engine().dialect.name == "duckdb"


def test_count_rows_rejects_an_unknown_table(duck):
    with duck.connect() as conn, pytest.raises(ValueError, match="unknown table"):
        commerce.count_rows(conn, "orders; DROP TABLE orders")


# ---------------------------------------------------------------- statement recorder


def test_statement_recorder_counts_statements_only_while_active(duck):
    with duck.connect() as conn:
        with commerce.StatementRecorder(duck) as rec:
            conn.execute(text("SELECT 1"))
            conn.execute(text("SELECT 2"))
        conn.execute(text("SELECT 3"))
    assert rec.count == 2
    assert [s.sql for s in rec.statements] == ["SELECT 1", "SELECT 2"]
    assert all(s.ms >= 0 for s in rec.statements)


def test_statement_recorder_log_groups_identical_sql(duck):
    with duck.connect() as conn, commerce.StatementRecorder(duck) as rec:
        for value in (1, 2, 3):
            conn.execute(text("SELECT :v"), {"v": value})
        conn.execute(text("SELECT 42"))
    log = {entry["sql"]: entry for entry in rec.log()}
    assert log["SELECT $1"]["calls"] == 3 and log["SELECT 42"]["calls"] == 1
    assert log["SELECT $1"]["total_ms"] == pytest.approx(3 * log["SELECT $1"]["mean_ms"])


# ---------------------------------------------------------------- reference answers


def test_map_models_generates_keys_on_duckdb_and_load_sample_reuses_suppliers():
    class TestBase(DeclarativeBase):
        pass

    supplier_cls, shipment_cls = commerce.map_models(TestBase)
    engine = commerce.make_engine("duckdb:///:memory:")
    TestBase.metadata.create_all(engine)
    with Session(engine) as session:
        rows = [{"supplier": "A", "weight_kg": 1}, {"supplier": "A", "weight_kg": 2}]
        assert commerce.load_sample(session, supplier_cls, shipment_cls, rows) == 2
    with Session(engine) as session:
        assert commerce.load_sample(session, supplier_cls, shipment_cls, [{"supplier": "A", "weight_kg": 3}]) == 1
    with Session(engine) as session:
        (supplier,) = session.scalars(select(supplier_cls)).all()
        assert sorted(s.weight_kg for s in supplier.shipments) == [1.0, 2.0, 3.0]


def test_orders_with_items_matches_the_lazy_version_in_two_statements(duck):
    with Session(duck) as session:
        expected = commerce.orders_with_items_naive(session, 40)
    with Session(duck) as session, commerce.StatementRecorder(duck) as rec:
        got = commerce.orders_with_items(session, 40)
    assert got == expected
    assert rec.count == 2


def test_lazy_orders_issue_more_statements_as_the_page_grows(duck):
    counts = []
    for limit in (2, 20):
        with Session(duck) as session, commerce.StatementRecorder(duck) as rec:
            commerce.orders_with_items_naive(session, limit)
        counts.append(rec.count)
    assert counts[1] > counts[0] > 2


def test_top_customers_sql_matches_an_independent_python_computation(duck, data):
    with duck.connect() as conn:
        assert commerce.top_customers_per_month(conn, 3) == commerce.top_customers_per_month_python(data, 3)
        assert commerce.top_customers_per_month(conn, 1) == commerce.top_customers_per_month_python(data, 1)


def test_monthly_revenue_running_total_accumulates_every_month(duck, data):
    with duck.connect() as conn:
        rows = commerce.monthly_revenue_sql(conn)
    assert [r[0] for r in rows] == [f"2024-{m:02d}" for m in range(1, 13)]
    running = 0
    for _, revenue, total in rows:
        running += revenue
        assert total == running
    live = {oid for oid, _, _, status in data.orders if status != "cancelled"}
    assert running == sum(q * u for _, oid, _, q, u in data.order_items if oid in live)


def test_load_order_items_returns_only_the_rows_it_inserted(data, tmp_path):
    engine = commerce.make_engine("duckdb:///:memory:")
    commerce.load(engine, data)
    extra = dataclasses.replace(data, order_items=[(i + 10**6, o, p, q, u) for i, o, p, q, u in data.order_items[:50]])
    path = commerce.write_csv(extra, tmp_path / "a 'quoted' dir", ["order_items"])["order_items"]
    assert commerce.load_order_items(engine, path) == 50
    with engine.connect() as conn:
        assert commerce.count_rows(conn, "order_items") == len(data.order_items) + 50


def test_parse_filters_splits_equality_and_range_columns():
    assert commerce.parse_filters("select * from t where t.a = ? and b IN (?, ?) AND c >= ? order by d") == ("t", ["a", "b"], ["c"])
    assert commerce.parse_filters("UPDATE t SET x = ? WHERE id = ?") == ("t", ["id"], [])
    assert commerce.parse_filters("SELECT count(*) FROM t") is None


def _sqlite_with_tickets() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(
        "CREATE TABLE tickets (id INTEGER PRIMARY KEY, project_id INTEGER, state TEXT, opened_at TEXT);"
        "CREATE INDEX ix_state ON tickets (state);"
    )
    return conn


def test_recommend_indexes_puts_equality_before_range_and_skips_served_and_fast_queries():
    conn = _sqlite_with_tickets()
    log = [
        {"sql": "SELECT id FROM tickets WHERE opened_at > ? AND project_id = ?", "calls": 3, "mean_ms": 30.0},
        {"sql": "SELECT id FROM tickets WHERE state = ?", "calls": 3, "mean_ms": 30.0},
        {"sql": "SELECT id FROM tickets WHERE id = ?", "calls": 3, "mean_ms": 30.0},
        {"sql": "SELECT id FROM tickets WHERE opened_at = ?", "calls": 3, "mean_ms": 0.5},
    ]
    recs = commerce.recommend_indexes(log, commerce.sqlite_schema(conn))
    assert recs == [("tickets", ("project_id", "opened_at"))]
    assert commerce.index_problems(conn, log, recs) == []


def test_recommend_indexes_skips_a_query_whose_second_range_column_leads_an_index():
    """The docstring's rule: skip when an existing index's first column is ANY filtered column, the second range one too."""
    conn = _sqlite_with_tickets()
    schema = commerce.sqlite_schema(conn)
    sql = "SELECT id FROM tickets WHERE project_id = ? AND opened_at > ? AND id > ?"
    log = [{"sql": sql, "calls": 3, "mean_ms": 30.0}]
    assert commerce.recommend_indexes(log, schema) == []
    assert commerce.is_search(commerce.query_plan(conn, sql))  # the claim behind the rule: SQLite already searches
    assert commerce.recommend_indexes(log, schema, slow_ms=30.0001) == []
    without_range = [{**log[0], "sql": sql.replace(" AND id > ?", "")}]
    assert commerce.recommend_indexes(without_range, schema) == [("tickets", ("project_id", "opened_at"))]


def test_recommend_indexes_counts_a_query_exactly_at_the_threshold_and_returns_tuples():
    conn = _sqlite_with_tickets()
    log = [{"sql": "delete from tickets where project_id in (?, ?) and opened_at < ?", "calls": 1, "mean_ms": 5.0}]
    recs = commerce.recommend_indexes(log, commerce.sqlite_schema(conn))
    assert recs == [("tickets", ("project_id", "opened_at"))] and type(recs[0][1]) is tuple
    assert commerce.recommend_indexes([{**log[0], "mean_ms": 4.999}], commerce.sqlite_schema(conn)) == []


def test_top_customers_breaks_revenue_ties_by_the_smaller_customer_id():
    from datetime import date

    customers = [(c, f"C{c}", f"c{c}@example.com", "DE", date(2023, 1, 1)) for c in range(6, 0, -1)]
    orders = [(10 - k, c, datetime(2024, 3, 1 + k), "paid") for k, c in enumerate(range(6, 0, -1))]  # larger ids stored first
    items = [(20 - k, oid, 1, 1, 700) for k, (oid, *_rest) in enumerate(orders)]  # every customer: 700 cents
    data = commerce.CommerceData(0, customers, [(1, "SKU-00001", "Mug", "kitchen", 700)], orders, items)
    engine = commerce.make_engine("duckdb:///:memory:")
    commerce.load(engine, data)
    with engine.connect() as conn:
        assert commerce.top_customers_per_month(conn, 2) == [("2024-03", 1, 1, 700), ("2024-03", 2, 2, 700)]
        assert commerce.top_customers_per_month(conn, 4) == commerce.top_customers_per_month_python(data, 4)


def test_index_problems_flags_an_index_that_changes_no_plan():
    conn = _sqlite_with_tickets()
    log = [{"sql": "SELECT id FROM tickets WHERE state = ?", "calls": 1, "mean_ms": 30.0}]
    assert commerce.index_problems(conn, log, [("tickets", ("state", "opened_at"))]) == [
        "tickets('state', 'opened_at'): turns no slow query from SCAN to SEARCH"
    ]


def test_index_problems_flags_a_range_column_placed_first():
    conn = _sqlite_with_tickets()
    log = [{"sql": "SELECT id FROM tickets WHERE opened_at > ? AND project_id = ?", "calls": 1, "mean_ms": 30.0}]
    problems = commerce.index_problems(conn, log, [("tickets", ("opened_at", "project_id"))])
    assert len(problems) == 1 and "does not serve ['project_id']" in problems[0]


def test_query_plan_sees_an_index_created_after_an_earlier_explain():
    conn = _sqlite_with_tickets()
    sql = "SELECT id FROM tickets WHERE project_id = ?"
    assert commerce.query_plan(conn, sql) == ["SCAN tickets"]
    conn.execute("CREATE INDEX ix_project ON tickets (project_id)")
    assert commerce.is_search(commerce.query_plan(conn, sql))
    conn.execute("DROP INDEX ix_project")
    assert commerce.query_plan(conn, sql) == ["SCAN tickets"]


def test_index_ddl_refuses_anything_but_plain_identifiers():
    assert commerce.index_ddl("orders", ["customer_id"]) == "CREATE INDEX ix_orders_customer_id ON orders (customer_id)"
    with pytest.raises(ValueError, match="identifier"):
        commerce.index_ddl("orders", ["customer_id); DROP TABLE orders; --"])


def test_search_customers_treats_payloads_and_wildcards_as_plain_text(duck, data):
    with duck.connect() as conn:
        assert commerce.search_customers(conn, "x' OR 1=1 --") == []
        assert commerce.search_customers(conn, "%") == []
        assert commerce.search_customers(conn, "_") == []
        first = data.customers[0][1].split()[0]
        names = [name for _, name, _ in commerce.search_customers(conn, first, limit=500)]
        assert names and all(name.startswith(first) for name in names) and names == sorted(names)


def test_search_customers_rejects_a_sort_outside_the_allowlist(duck):
    with duck.connect() as conn, pytest.raises(ValueError, match="sort must be one of"):
        commerce.search_customers(conn, "A", sort="name; DROP TABLE customers")


def test_order_to_dict_reads_customer_items_and_products(duck, data):
    with Session(duck) as session:
        order = session.get(Order, 1)
        shaped = commerce.order_to_dict(order)
    assert shaped["id"] == 1 and shaped["customer"] == data.customers[data.orders[0][1] - 1][1]
    assert [item["quantity"] for item in shaped["items"]] == [q for _, oid, _, q, _ in data.order_items if oid == 1]


def test_selected_url_names_database_url_without_its_password(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://me:s3cret@db.example:5432/lab")
    url, source = commerce.selected_url()
    assert "s3cret" not in url and url.startswith("postgresql+psycopg://me:") and "DATABASE_URL" in source
    monkeypatch.delenv("DATABASE_URL")
    assert commerce.selected_url() == (commerce.DEFAULT_URL, "the default: DATABASE_URL is not set")


# ---------------------------------------------------------------- the same lab on PostgreSQL (issue 15)

from backendlab.servers import postgres as pgmod  # noqa: E402


def needs_postgres(test):  # never skipped: the course installs PostgreSQL (tests/test_postgres.py says what is missing)
    return test


@pytest.fixture
def no_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_month_sql_speaks_each_dialect_and_refuses_an_unknown_one():
    assert commerce.month_sql("duckdb") == "strftime(o.ordered_at, '%Y-%m')"
    assert commerce.month_sql("postgresql", "ordered_at") == "to_char(ordered_at, 'YYYY-MM')"
    assert commerce.month_sql("sqlite") == "strftime('%Y-%m', o.ordered_at)"
    with pytest.raises(ValueError, match="no month expression"):
        commerce.month_sql("oracle")


def test_top_customers_on_sqlite_matches_the_python_computation(lite, data):
    with lite.connect() as conn:
        assert commerce.top_customers_per_month(conn, 2) == commerce.top_customers_per_month_python(data, 2)


def test_postgres_engine_refuses_a_schema_name_it_would_have_to_quote():
    with pytest.raises(ValueError, match="lower-case"):
        commerce.postgres_engine('x"; DROP SCHEMA public; --')


def test_postgres_engine_repeats_its_first_failure_at_once(monkeypatch, no_database_url):
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise pgmod.PostgresError("no server here")

    monkeypatch.setattr(pgmod, "postgres", broken)
    monkeypatch.setattr(commerce.engines, "_pg_failure", [])
    for _ in range(3):
        with pytest.raises(pgmod.PostgresError, match="no server here"):
            commerce.postgres_engine("m03_fail")
    assert len(calls) == 1, "a kernel without PostgreSQL asks once, not once per cell"


@needs_postgres
def test_postgres_engines_each_get_a_schema_of_their_own(no_database_url, data):
    first, second = commerce.postgres_engine("t_iso"), commerce.postgres_engine("t_iso")
    try:
        commerce.load(first, data)
        with first.connect() as a, second.connect() as b:
            assert a.execute(text("SHOW search_path")).scalar() != b.execute(text("SHOW search_path")).scalar()
            assert a.execute(text("SELECT count(*) FROM orders")).scalar() == len(data.orders)
            assert b.execute(text("SELECT to_regclass('orders')")).scalar() is None, "the second schema must not see the first's tables"
            assert b.execute(text("SHOW lock_timeout")).scalar() == commerce.engines.PG_SESSION["lock_timeout"]
    finally:
        first.dispose()
        second.dispose()


@needs_postgres
def test_reports_and_search_on_postgresql_match_duckdb(no_database_url, duck, data):
    engine = commerce.postgres_engine("t_reports")
    try:
        commerce.load(engine, data)
        with engine.connect() as pg, duck.connect() as dk:
            assert commerce.top_customers_per_month(pg, 3) == commerce.top_customers_per_month_python(data, 3)
            assert commerce.monthly_revenue_sql(pg) == commerce.monthly_revenue_sql(dk)
            for prefix in ("A", "x' OR 1=1 --", "%", "_", "\\", "$$", "E'"):
                assert commerce.search_customers(pg, prefix) == commerce.search_customers(dk, prefix), prefix
    finally:
        engine.dispose()


@needs_postgres
def test_load_order_items_on_postgresql_copies_commits_and_counts_its_own_rows(no_database_url, data, tmp_path):
    engine = commerce.postgres_engine("t_copy")
    try:
        commerce.load(engine, data)
        extra = dataclasses.replace(data, order_items=[(i + 10**6, o, p, q, u) for i, o, p, q, u in data.order_items[:70]])
        path = commerce.write_csv(extra, tmp_path / "a 'quoted' dir", ["order_items"])["order_items"]
        with commerce.StatementRecorder(engine) as rec:
            assert commerce.load_order_items(engine, path) == 70
        assert rec.count == 0, "COPY goes through the driver, not through a SQLAlchemy statement"
        engine.dispose()  # a fresh connection sees only committed rows
        with engine.connect() as conn:
            assert commerce.count_rows(conn, "order_items") == len(data.order_items) + 70
    finally:
        engine.dispose()
