"""Plausible wrong answers for module 03 (ORM vs raw SQL): each must lose points on its own exercise."""

WRONG_ANSWERS = {
    "map_models": [
        ("no Sequence on the primary keys: DuckDB has no SERIAL", '''
def map_models(base):
    """Define Supplier and Shipment (see the exercise text) on the declarative base `base`; return (Supplier, Shipment)."""
    class Supplier(base):
        __tablename__ = "suppliers"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100), unique=True)
        shipments: Mapped[list["Shipment"]] = relationship(back_populates="supplier")

    class Shipment(base):
        __tablename__ = "shipments"
        id: Mapped[int] = mapped_column(primary_key=True)
        supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
        weight_kg: Mapped[float] = mapped_column(Float)
        supplier: Mapped["Supplier"] = relationship(back_populates="shipments")

    return Supplier, Shipment


def load_sample(session, Supplier, Shipment, rows) -> int:
    """Store rows through the ORM; one Supplier per distinct name; return the number of shipments added."""
    by_name = {}
    for row in rows:
        name = row["supplier"]
        if name not in by_name:
            stored = session.scalars(select(Supplier).where(Supplier.name == name)).one_or_none()
            by_name[name] = stored if stored is not None else Supplier(name=name)
            session.add(by_name[name])
        by_name[name].shipments.append(Shipment(weight_kg=float(row["weight_kg"])))
    session.commit()
    return len(rows)
'''),
        ("creates a new Supplier for every row instead of one per distinct name", '''
def map_models(base):
    """Define Supplier and Shipment (see the exercise text) on the declarative base `base`; return (Supplier, Shipment)."""
    class Supplier(base):
        __tablename__ = "suppliers"
        id: Mapped[int] = mapped_column(Integer, Sequence("suppliers_id_seq"), primary_key=True)
        name: Mapped[str] = mapped_column(String(100), unique=True)
        shipments: Mapped[list["Shipment"]] = relationship(back_populates="supplier")

    class Shipment(base):
        __tablename__ = "shipments"
        id: Mapped[int] = mapped_column(Integer, Sequence("shipments_id_seq"), primary_key=True)
        supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
        weight_kg: Mapped[float] = mapped_column(Float)
        supplier: Mapped["Supplier"] = relationship(back_populates="shipments")

    return Supplier, Shipment


def load_sample(session, Supplier, Shipment, rows) -> int:
    """Store rows through the ORM; one Supplier per distinct name; return the number of shipments added."""
    for row in rows:
        supplier = Supplier(name=row["supplier"])
        supplier.shipments.append(Shipment(weight_kg=row["weight_kg"]))
        session.add(supplier)
    session.commit()
    return len(rows)
'''),
        ("reuses suppliers within one call but never looks up the ones already stored", '''
def map_models(base):
    """Define Supplier and Shipment (see the exercise text) on the declarative base `base`; return (Supplier, Shipment)."""
    class Supplier(base):
        __tablename__ = "suppliers"
        id: Mapped[int] = mapped_column(Integer, Sequence("suppliers_id_seq"), primary_key=True)
        name: Mapped[str] = mapped_column(String(100), unique=True)
        shipments: Mapped[list["Shipment"]] = relationship(back_populates="supplier")

    class Shipment(base):
        __tablename__ = "shipments"
        id: Mapped[int] = mapped_column(Integer, Sequence("shipments_id_seq"), primary_key=True)
        supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
        weight_kg: Mapped[float] = mapped_column(Float)
        supplier: Mapped["Supplier"] = relationship(back_populates="shipments")

    return Supplier, Shipment


def load_sample(session, Supplier, Shipment, rows) -> int:
    """Store rows through the ORM; one Supplier per distinct name; return the number of shipments added."""
    suppliers = {}
    for row in rows:
        supplier = suppliers.setdefault(row["supplier"], Supplier(name=row["supplier"]))
        supplier.shipments.append(Shipment(weight_kg=row["weight_kg"]))
    session.add_all(suppliers.values())
    session.commit()
    return len(rows)
'''),
    ],
    "orders_with_items": [
        ("eager-loads the items but lets every product lazy-load (still N+1 on products)", '''
def orders_with_items(session, limit: int = 50) -> list[dict]:
    """The first `limit` orders by id as commerce.order_to_dict dicts, in at most 4 SQL statements for any limit <= 500."""
    query = select(Order).options(joinedload(Order.customer), selectinload(Order.items)).order_by(Order.id).limit(limit)
    return [commerce.order_to_dict(order) for order in session.scalars(query)]
'''),
        ("joinedload on the items collection without .unique(): SQLAlchemy 2.0 refuses", '''
def orders_with_items(session, limit: int = 50) -> list[dict]:
    """The first `limit` orders by id as commerce.order_to_dict dicts, in at most 4 SQL statements for any limit <= 500."""
    query = (
        select(Order)
        .options(joinedload(Order.customer), joinedload(Order.items).joinedload(OrderItem.product))
        .order_by(Order.id)
        .limit(limit)
    )
    return [commerce.order_to_dict(order) for order in session.scalars(query)]
'''),
        ("eager-loads items and products but forgets the customer (N+1 on customers)", '''
def orders_with_items(session, limit: int = 50) -> list[dict]:
    """The first `limit` orders by id as commerce.order_to_dict dicts, in at most 4 SQL statements for any limit <= 500."""
    query = select(Order).options(selectinload(Order.items).selectinload(OrderItem.product)).order_by(Order.id).limit(limit)
    return [commerce.order_to_dict(order) for order in session.scalars(query)]
'''),
    ],
    "top_customers_per_month": [
        ("counts the revenue of cancelled orders too", '''
def top_customers_per_month(conn, n: int = 3) -> list[tuple]:
    """Per month: (month 'YYYY-MM', rank, customer_id, revenue_cents) of the n top customers; one text() statement."""
    sql = text("""
        WITH revenue AS (
            SELECT strftime(o.ordered_at, '%Y-%m') AS month, o.customer_id,
                   sum(i.quantity * i.unit_price_cents) AS revenue_cents
            FROM orders o JOIN order_items i ON i.order_id = o.id
            GROUP BY 1, 2
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY month ORDER BY revenue_cents DESC, customer_id) AS rank FROM revenue
        )
        SELECT month, rank, customer_id, revenue_cents FROM ranked WHERE rank <= :n ORDER BY month, rank
    """)
    return [tuple(row) for row in conn.execute(sql, {"n": n})]
'''),
        ("ranks over the whole year instead of within each month (no PARTITION BY)", '''
def top_customers_per_month(conn, n: int = 3) -> list[tuple]:
    """Per month: (month 'YYYY-MM', rank, customer_id, revenue_cents) of the n top customers; one text() statement."""
    sql = text("""
        WITH revenue AS (
            SELECT strftime(o.ordered_at, '%Y-%m') AS month, o.customer_id,
                   sum(i.quantity * i.unit_price_cents) AS revenue_cents
            FROM orders o JOIN order_items i ON i.order_id = o.id
            WHERE o.status <> 'cancelled'
            GROUP BY 1, 2
        ), ranked AS (
            SELECT *, row_number() OVER (ORDER BY revenue_cents DESC, customer_id) AS rank FROM revenue
        )
        SELECT month, rank, customer_id, revenue_cents FROM ranked WHERE rank <= :n ORDER BY month, rank
    """)
    return [tuple(row) for row in conn.execute(sql, {"n": n})]
'''),
        ("uses the product's list price instead of the price actually paid", '''
def top_customers_per_month(conn, n: int = 3) -> list[tuple]:
    """Per month: (month 'YYYY-MM', rank, customer_id, revenue_cents) of the n top customers; one text() statement."""
    sql = text("""
        WITH revenue AS (
            SELECT strftime(o.ordered_at, '%Y-%m') AS month, o.customer_id,
                   sum(i.quantity * p.price_cents) AS revenue_cents
            FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
            WHERE o.status <> 'cancelled'
            GROUP BY 1, 2
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY month ORDER BY revenue_cents DESC, customer_id) AS rank FROM revenue
        )
        SELECT month, rank, customer_id, revenue_cents FROM ranked WHERE rank <= :n ORDER BY month, rank
    """)
    return [tuple(row) for row in conn.execute(sql, {"n": n})]
'''),
    ],
    "load_order_items": [
        ("reads the CSV in Python and stores ORM objects: the slow path", '''
import csv


def load_order_items(engine, csv_path) -> int:
    """Load the CSV at csv_path into order_items with one set-based statement; return the rows this call inserted."""
    with open(csv_path, newline="") as fh:
        rows = [{key: int(value) for key, value in row.items()} for row in csv.DictReader(fh)]
    with Session(engine) as session:
        session.add_all([OrderItem(**row) for row in rows])
        session.commit()
    return len(rows)
'''),
        ("returns the table's total row count instead of the rows this call inserted", '''
def load_order_items(engine, csv_path) -> int:
    """Load the CSV at csv_path into order_items with one set-based statement; return the rows this call inserted."""
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return conn.execute(text("SELECT count(*) FROM order_items")).scalar_one()
'''),
        ("pastes the path into the SQL with an f-string: a quote in the path breaks it", '''
def load_order_items(engine, csv_path) -> int:
    """Load the CSV at csv_path into order_items with one set-based statement; return the rows this call inserted."""
    with engine.begin() as conn:
        return conn.execute(text(f"INSERT INTO order_items SELECT * FROM read_csv('{csv_path}', header = true)")).rowcount
'''),
    ],
    "recommend_indexes": [
        ("ignores slow_ms: recommends an index for every filtered scan, fast ones included", '''
import re


def recommend_indexes(query_log, schema, slow_ms: float = 5.0) -> list[tuple[str, tuple[str, ...]]]:
    """Recommend one B-tree index per slow filtered scan in a query log; return [(table, (column, ...)), ...] in any order."""
    recommended = []
    for entry in query_log:
        sql = " ".join(entry["sql"].split())
        table_match = re.search(r"^(?:select\\b.*?\\bfrom|update|delete\\s+from)\\s+(\\w+)", sql, re.I)
        where_match = re.search(r"\\bwhere\\b(.*?)(?=\\border\\s+by\\b|\\bgroup\\s+by\\b|\\blimit\\b|$)", sql, re.I)
        if not table_match or not where_match or table_match.group(1).lower() not in schema:
            continue
        table = table_match.group(1).lower()
        equal, ranged = [], []
        for condition in re.split(r"\\s+and\\s+", where_match.group(1).strip(), flags=re.I):
            m = re.match(r"(?:\\w+\\.)?(\\w+)\\s*(=|\\bin\\b|<=|>=|<|>)", condition.strip(), re.I)
            if m:
                target = equal if m.group(2).lower() in ("=", "in") else ranged
                if m.group(1).lower() not in target:
                    target.append(m.group(1).lower())
        columns = tuple(equal + [c for c in ranged if c not in equal][:1])
        if columns and not any(ix and ix[0] in columns for ix in schema[table]["indexes"]) and (table, columns) not in recommended:
            recommended.append((table, columns))
    return recommended
'''),
        ("keeps the filtered columns in the order they appear, so a range column can come first", '''
import re


def recommend_indexes(query_log, schema, slow_ms: float = 5.0) -> list[tuple[str, tuple[str, ...]]]:
    """Recommend one B-tree index per slow filtered scan in a query log; return [(table, (column, ...)), ...] in any order."""
    recommended = []
    for entry in query_log:
        if entry["mean_ms"] < slow_ms:
            continue
        sql = " ".join(entry["sql"].split())
        table_match = re.search(r"^(?:select\\b.*?\\bfrom|update|delete\\s+from)\\s+(\\w+)", sql, re.I)
        where_match = re.search(r"\\bwhere\\b(.*?)(?=\\border\\s+by\\b|\\bgroup\\s+by\\b|\\blimit\\b|$)", sql, re.I)
        if not table_match or not where_match or table_match.group(1).lower() not in schema:
            continue
        table = table_match.group(1).lower()
        columns = []
        for condition in re.split(r"\\s+and\\s+", where_match.group(1).strip(), flags=re.I):
            m = re.match(r"(?:\\w+\\.)?(\\w+)\\s*(=|\\bin\\b|<=|>=|<|>)", condition.strip(), re.I)
            if m and m.group(1).lower() not in columns:
                columns.append(m.group(1).lower())
        columns = tuple(columns)
        if columns and not any(ix and ix[0] in columns for ix in schema[table]["indexes"]) and (table, columns) not in recommended:
            recommended.append((table, columns))
    return recommended
'''),
        ("one single-column index per filtered column instead of one composite index per query", '''
import re


def recommend_indexes(query_log, schema, slow_ms: float = 5.0) -> list[tuple[str, tuple[str, ...]]]:
    """Recommend one B-tree index per slow filtered scan in a query log; return [(table, (column, ...)), ...] in any order."""
    recommended = []
    for entry in query_log:
        if entry["mean_ms"] < slow_ms:
            continue
        sql = " ".join(entry["sql"].split())
        table_match = re.search(r"^(?:select\\b.*?\\bfrom|update|delete\\s+from)\\s+(\\w+)", sql, re.I)
        where_match = re.search(r"\\bwhere\\b(.*?)(?=\\border\\s+by\\b|\\bgroup\\s+by\\b|\\blimit\\b|$)", sql, re.I)
        if not table_match or not where_match or table_match.group(1).lower() not in schema:
            continue
        table = table_match.group(1).lower()
        columns = []
        for condition in re.split(r"\\s+and\\s+", where_match.group(1).strip(), flags=re.I):
            m = re.match(r"(?:\\w+\\.)?(\\w+)\\s*(=|\\bin\\b|<=|>=|<|>)", condition.strip(), re.I)
            if m and m.group(1).lower() not in columns:
                columns.append(m.group(1).lower())
        if any(ix and ix[0] in columns for ix in schema[table]["indexes"]):
            continue
        for column in columns:
            if (table, (column,)) not in recommended:
                recommended.append((table, (column,)))
    return recommended
'''),
    ],
    "search_customers": [
        ("formats the prefix and the country into the SQL with an f-string (injectable)", '''
def search_customers(conn, name_prefix: str, country: str | None = None, sort: str = "name", limit: int = 20) -> list[tuple]:
    """[(id, name, country)] of customers whose name starts with name_prefix; every value bound, sort allowlisted."""
    if sort not in ("name", "created_at"):
        raise ValueError(f"bad sort {sort!r}")
    sql = f"SELECT id, name, country FROM customers WHERE starts_with(name, '{name_prefix}')"
    if country is not None:
        sql += f" AND country = '{country}'"
    sql += f" ORDER BY {sort}, id LIMIT {int(limit)}"
    return [tuple(row) for row in conn.execute(text(sql))]
'''),
        ("binds the values but pastes `sort` into ORDER BY without an allowlist", '''
def search_customers(conn, name_prefix: str, country: str | None = None, sort: str = "name", limit: int = 20) -> list[tuple]:
    """[(id, name, country)] of customers whose name starts with name_prefix; every value bound, sort allowlisted."""
    sql = "SELECT id, name, country FROM customers WHERE starts_with(name, :prefix)"
    params = {"prefix": name_prefix, "limit": limit}
    if country is not None:
        sql += " AND country = :country"
        params["country"] = country
    sql += f" ORDER BY {sort}, id LIMIT :limit"
    return [tuple(row) for row in conn.execute(text(sql), params)]
'''),
        ("binds the prefix but leaves % and _ as LIKE wildcards", '''
def search_customers(conn, name_prefix: str, country: str | None = None, sort: str = "name", limit: int = 20) -> list[tuple]:
    """[(id, name, country)] of customers whose name starts with name_prefix; every value bound, sort allowlisted."""
    order_by = {"name": "name", "created_at": "created_at"}
    if sort not in order_by:
        raise ValueError(f"bad sort {sort!r}")
    sql = "SELECT id, name, country FROM customers WHERE name LIKE :prefix || '%'"
    params = {"prefix": name_prefix, "limit": limit}
    if country is not None:
        sql += " AND country = :country"
        params["country"] = country
    sql += f" ORDER BY {order_by[sort]}, id LIMIT :limit"
    return [tuple(row) for row in conn.execute(text(sql), params)]
'''),
    ],
}
