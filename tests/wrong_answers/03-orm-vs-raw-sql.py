"""Plausible wrong answers for module 03 (ORM vs raw SQL): each must lose points on its own exercise.

The first ones of each exercise were written by a red team from the docstrings and the narrative alone, before
the tests were reworked (issue 11); the ones kept from the original set follow (OLD_WRONG_ANSWERS), then the
PostgreSQL near misses (POSTGRESQL, issue 15): each passes on the embedded engines and fails only on PostgreSQL.
"""

# ---------------------------------------------------------------- exercise 1: map_models + load_sample

_EX1_LOAD_OK = '''

def load_sample(session, Supplier, Shipment, rows) -> int:
    """Store rows like [{"supplier": "Acme", "weight_kg": 12.5}, ...] through the ORM and commit.

    One Supplier per distinct name — reuse a supplier already in the database (a second call must not duplicate
    it) — and one Shipment per row, attached through the relationship. Return the number of shipments added.
    """
    suppliers = {}
    added = 0
    for row in rows:
        name = row["supplier"]
        if name not in suppliers:
            existing = session.scalars(select(Supplier).where(Supplier.name == name)).first()
            suppliers[name] = existing if existing is not None else Supplier(name=name)
            session.add(suppliers[name])
        suppliers[name].shipments.append(Shipment(weight_kg=row["weight_kg"]))
        added += 1
    session.commit()
    return added
'''


def _ex1(supplier_body: str, shipment_body: str, load: str = _EX1_LOAD_OK) -> str:
    return (
        '''def map_models(base):
    """Define Supplier and Shipment (see the exercise text) on the declarative base `base`; return (Supplier, Shipment)."""

    class Supplier(base):
        __tablename__ = "suppliers"
''' + supplier_body + '''
    class Shipment(base):
        __tablename__ = "shipments"
''' + shipment_body + '''
    return Supplier, Shipment
''' + load)


_SUP_OK = '''        id: Mapped[int] = mapped_column(Integer, Sequence("suppliers_id_seq"), primary_key=True)
        name: Mapped[str] = mapped_column(String(100), unique=True)
        shipments: Mapped[list["Shipment"]] = relationship(back_populates="supplier")
'''
_SHIP_OK = '''        id: Mapped[int] = mapped_column(Integer, Sequence("shipments_id_seq"), primary_key=True)
        supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
        weight_kg: Mapped[float] = mapped_column(Float)
        supplier: Mapped["Supplier"] = relationship(back_populates="shipments")
'''

EX1 = [
    ("Supplier.name is not UNIQUE (the exercise says 'required, unique')",
     _ex1(_SUP_OK.replace("String(100), unique=True", "String(100)"), _SHIP_OK)),
    ("Supplier.name is nullable (Optional[str]): the exercise says 'required'",
     _ex1(_SUP_OK.replace('name: Mapped[str] = mapped_column(String(100), unique=True)',
                          'name: Mapped[Optional[str]] = mapped_column(String(100), unique=True, nullable=True)'), _SHIP_OK)
     .replace("def map_models(base):", "from typing import Optional\n\n\ndef map_models(base):", 1)),
    ("Shipment.supplier_id is nullable: the exercise says the foreign key is required",
     _ex1(_SUP_OK, _SHIP_OK.replace('supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))',
                                    'supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), nullable=True)'))),
    ("two independent relationships without back_populates: shipment.supplier is not set when appended to supplier.shipments",
     _ex1(_SUP_OK.replace('relationship(back_populates="supplier")', 'relationship()'),
          _SHIP_OK.replace('relationship(back_populates="shipments")', 'relationship()'))),
    ("load_sample only dedupes suppliers within one call: a second call creates the same supplier again",
     _ex1(_SUP_OK, _SHIP_OK, load='''

def load_sample(session, Supplier, Shipment, rows) -> int:
    """Store rows like [{"supplier": "Acme", "weight_kg": 12.5}, ...] through the ORM and commit.

    One Supplier per distinct name — reuse a supplier already in the database (a second call must not duplicate
    it) — and one Shipment per row, attached through the relationship. Return the number of shipments added.
    """
    suppliers = {}
    for row in rows:
        name = row["supplier"]
        if name not in suppliers:
            suppliers[name] = Supplier(name=name)
            session.add(suppliers[name])
        suppliers[name].shipments.append(Shipment(weight_kg=row["weight_kg"]))
    session.commit()
    return len(rows)
''')),
    ("load_sample returns the total number of shipments in the database, not the number this call added",
     _ex1(_SUP_OK, _SHIP_OK, load=_EX1_LOAD_OK.replace("    return added\n",
                                                        "    return session.scalar(select(func.count()).select_from(Shipment))\n"))),
    ("Supplier.name has no length limit (String() instead of String(100))",
     _ex1(_SUP_OK.replace("String(100), unique=True", "String, unique=True"), _SHIP_OK)),
]

# ---------------------------------------------------------------- exercise 2: orders_with_items

_EX2_HEAD = '''def orders_with_items(session, limit: int = 50) -> list[dict]:
    """The first `limit` orders by id as commerce.order_to_dict dicts, in at most 4 SQL statements for any limit <= 500."""
'''

EX2 = [
    ("no ORDER BY: 'the first orders by id' relies on the engine returning rows in insertion order",
     _EX2_HEAD + '''    query = (
        select(Order)
        .options(selectinload(Order.customer), selectinload(Order.items).selectinload(OrderItem.product))
        .limit(limit)
    )
    return [commerce.order_to_dict(order) for order in session.scalars(query)]
'''),
    ("orders by ordered_at instead of id (equal only while ids are in time order)",
     _EX2_HEAD + '''    query = (
        select(Order)
        .options(joinedload(Order.customer), selectinload(Order.items).joinedload(OrderItem.product))
        .order_by(Order.ordered_at)
        .limit(limit)
    )
    return [commerce.order_to_dict(order) for order in session.scalars(query)]
'''),
    ("filters Order.id <= limit: assumes ids are dense and start at 1 (the fixture's ids)",
     _EX2_HEAD + '''    query = (
        select(Order)
        .options(joinedload(Order.customer), selectinload(Order.items).joinedload(OrderItem.product))
        .where(Order.id <= limit)
        .order_by(Order.id)
    )
    return [commerce.order_to_dict(order) for order in session.scalars(query)]
'''),
    ("loads items by hand in chunks of 100 order ids: more than 4 statements for limit > 300",
     _EX2_HEAD + '''    orders = session.scalars(select(Order).options(joinedload(Order.customer)).order_by(Order.id).limit(limit)).all()
    ids = [o.id for o in orders]
    items = []
    for start in range(0, len(ids), 100):  # keep the IN list short
        items += session.scalars(select(OrderItem).where(OrderItem.order_id.in_(ids[start:start + 100])).order_by(OrderItem.id)).all()
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_({i.product_id for i in items})))}
    by_order = {}
    for item in items:
        by_order.setdefault(item.order_id, []).append(item)
    return [
        {
            "id": o.id, "customer": o.customer.name, "status": o.status, "ordered_at": o.ordered_at.isoformat(),
            "items": [{"product": products[i.product_id].name, "quantity": i.quantity, "unit_price_cents": i.unit_price_cents}
                      for i in by_order.get(o.id, [])],
        }
        for o in orders
    ]
'''),
    ("items fetched by hand without ORDER BY: the item order inside each order is only the engine's accidental order",
     _EX2_HEAD + '''    orders = session.scalars(select(Order).options(joinedload(Order.customer)).order_by(Order.id).limit(limit)).all()
    ids = [o.id for o in orders]
    rows = session.execute(
        select(OrderItem.order_id, Product.name, OrderItem.quantity, OrderItem.unit_price_cents)
        .join(Product, Product.id == OrderItem.product_id)
        .where(OrderItem.order_id.in_(ids))
    ).all()
    by_order = {}
    for order_id, product, quantity, unit in rows:
        by_order.setdefault(order_id, []).append({"product": product, "quantity": quantity, "unit_price_cents": unit})
    return [
        {"id": o.id, "customer": o.customer.name, "status": o.status, "ordered_at": o.ordered_at.isoformat(),
         "items": by_order.get(o.id, [])}
        for o in orders
    ]
'''),
    ("clamps limit to 1..500 like the endpoint's Query(ge=1): limit=0 must give no orders, not one",
     _EX2_HEAD + '''    limit = max(1, min(int(limit), 500))
    query = (
        select(Order)
        .options(joinedload(Order.customer), selectinload(Order.items).joinedload(OrderItem.product))
        .order_by(Order.id)
        .limit(limit)
    )
    return [commerce.order_to_dict(order) for order in session.scalars(query)]
'''),
]

# ---------------------------------------------------------------- exercise 3: top_customers_per_month

_EX3_HEAD = '''def top_customers_per_month(conn, n: int = 3) -> list[tuple]:
    """Per month: (month 'YYYY-MM', rank, customer_id, revenue_cents) of the n top customers; one text() statement."""
'''


def _ex3_sql(window: str = "row_number() OVER (PARTITION BY month ORDER BY revenue_cents DESC, customer_id)",
             limit: str = ":n") -> str:
    return f'''WITH revenue AS (
        SELECT strftime(o.ordered_at, '%Y-%m') AS month, o.customer_id, sum(i.quantity * i.unit_price_cents) AS revenue_cents
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.status <> 'cancelled'
        GROUP BY 1, 2
    ), ranked AS (
        SELECT month, customer_id, revenue_cents, {window} AS rank
        FROM revenue
    )
    SELECT month, rank, customer_id, revenue_cents FROM ranked WHERE rank <= {limit} ORDER BY month, rank'''


EX3 = [
    ("rank() instead of row_number(): tied customers share a rank and a month can return more than n rows",
     _EX3_HEAD + f'''    sql = """{_ex3_sql(window="rank() OVER (PARTITION BY month ORDER BY revenue_cents DESC)")}"""
    return [tuple(row) for row in conn.execute(text(sql), {{"n": n}})]
'''),
    ("no tie-break: equal revenue is ordered arbitrarily instead of by the smaller customer_id",
     _EX3_HEAD + f'''    sql = """{_ex3_sql(window="row_number() OVER (PARTITION BY month ORDER BY revenue_cents DESC)")}"""
    return [tuple(row) for row in conn.execute(text(sql), {{"n": n}})]
'''),
    ("n is formatted into the SQL string instead of being a bound parameter",
     _EX3_HEAD + f'''    sql = f"""{_ex3_sql(limit="{int(n)}")}"""
    return [tuple(row) for row in conn.execute(text(sql))]
'''),
    ("one statement per month (13 statements) instead of one statement with a window function",
     _EX3_HEAD + '''    months = [m for (m,) in conn.execute(text("SELECT DISTINCT strftime(ordered_at, '%Y-%m') FROM orders ORDER BY 1"))]
    rows = []
    for month in months:
        top = conn.execute(text("""
            SELECT o.customer_id, sum(i.quantity * i.unit_price_cents) AS revenue_cents
            FROM orders o JOIN order_items i ON i.order_id = o.id
            WHERE o.status <> 'cancelled' AND strftime(o.ordered_at, '%Y-%m') = :month
            GROUP BY 1 ORDER BY revenue_cents DESC, o.customer_id LIMIT :n"""), {"month": month, "n": n}).all()
        rows += [(month, rank, cid, revenue) for rank, (cid, revenue) in enumerate(top, start=1)]
    return rows
'''),
    ("returns SQLAlchemy Row objects, not tuples as the docstring says",
     _EX3_HEAD + f'''    sql = """{_ex3_sql()}"""
    return conn.execute(text(sql), {{"n": n}}).all()
'''),
    ("final ORDER BY month, revenue_cents DESC instead of month, rank: tied customers come back in arbitrary order",
     _EX3_HEAD + f'''    sql = """{_ex3_sql().replace("ORDER BY month, rank", "ORDER BY month, revenue_cents DESC")}"""
    return [tuple(row) for row in conn.execute(text(sql), {{"n": n}})]
'''),
]

# ---------------------------------------------------------------- exercise 4: load_order_items

_EX4_HEAD = '''def load_order_items(engine, csv_path) -> int:
    """Load the CSV at csv_path into order_items with one set-based statement; return the rows this call inserted."""
'''

EX4 = [
    ("returns the table's row count after the load, not the rows this call inserted (the table may already hold rows)",
     _EX4_HEAD + '''    with engine.begin() as conn:
        conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return conn.execute(text("SELECT count(*) FROM order_items")).scalar_one()
'''),
    ("the path is formatted into the SQL string: a path with a quote breaks (or injects)",
     _EX4_HEAD + '''    with engine.begin() as conn:
        before = conn.execute(text("SELECT count(*) FROM order_items")).scalar_one()
        conn.execute(text(f"INSERT INTO order_items SELECT * FROM read_csv('{csv_path}', header = true)"))
        return conn.execute(text("SELECT count(*) FROM order_items")).scalar_one() - before
'''),
    ("empties order_items before loading: rows already in the table are lost",
     _EX4_HEAD + '''    with engine.begin() as conn:
        conn.execute(text("DELETE FROM order_items"))
        conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return conn.execute(text("SELECT count(*) FROM order_items")).scalar_one()
'''),
    ("CREATE OR REPLACE TABLE from the file: replaces the existing table, its rows and its constraints",
     _EX4_HEAD + '''    with engine.begin() as conn:
        conn.execute(text("CREATE OR REPLACE TABLE order_items AS SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return conn.execute(text("SELECT count(*) FROM order_items")).scalar_one()
'''),
    ("loads in batches of 10,000 rows with LIMIT/OFFSET: the statement count grows with the file",
     _EX4_HEAD + '''    total = 0
    with engine.begin() as conn:
        while True:
            result = conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true) LIMIT 10000 OFFSET :o"),
                                  {"path": str(csv_path), "o": total})
            inserted = result.rowcount if result.rowcount and result.rowcount > 0 else 0
            if inserted <= 0:
                break
            total += inserted
    return total
'''),
    ("reads the file in Python and sends one INSERT ... VALUES with every row formatted in: not set-based, values not bound",
     _EX4_HEAD + '''    import csv
    with open(csv_path, newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    values = ", ".join(f"({int(a)}, {int(b)}, {int(c)}, {int(d)}, {int(e)})" for a, b, c, d, e in rows)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO order_items VALUES {values}"))
    return len(rows)
'''),
]

# ---------------------------------------------------------------- exercise 5: recommend_indexes

_EX5_HEAD = '''import re


def recommend_indexes(query_log, schema, slow_ms: float = 5.0) -> list[tuple[str, tuple[str, ...]]]:
    """Recommend one B-tree index per slow filtered scan in a query log; return [(table, (column, ...)), ...] in any order."""
'''


def _ex5(*, slow_cmp="entry[\"mean_ms\"] < slow_ms", table_re=r'r"^\s*(?:select\b.*?\bfrom|update|delete\s+from)\s+(\w+)"',
         flags="re.I | re.S", in_kind="equal", ranges="ranged[:1]", order="equal + ranges", dedupe=True,
         skip="leading & set(filtered)", need_table=True) -> str:
    return _EX5_HEAD + f'''    result = []
    for entry in query_log:
        if {slow_cmp}:
            continue
        sql = entry["sql"]
        m = re.search({table_re}, sql, {flags})
        w = re.search(r"\\bwhere\\b(.*?)(?=\\border\\s+by\\b|\\bgroup\\s+by\\b|\\blimit\\b|$)", sql, {flags})
        if not m or not w:
            continue
        table = m.group(1).lower()
        if {"table not in schema" if need_table else "False"}:
            continue
        equal, ranged = [], []
        for cond in re.split(r"\\s+and\\s+", w.group(1).strip(), flags=re.I):
            c = re.match(r"\\(?\\s*(?:\\w+\\.)?(\\w+)\\s*(=|in\\b|<=|>=|<|>)", cond, re.I)
            if not c:
                continue
            col, op = c.group(1).lower(), c.group(2).lower()
            if op == "=" or (op == "in" and "{in_kind}" == "equal"):
                if col not in equal:
                    equal.append(col)
            elif col not in ranged:
                ranged.append(col)
        ranges = [c for c in {ranges} if c not in equal]
        filtered = equal + ranged
        leading = {{ix[0].lower() for ix in schema.get(table, {{}}).get("indexes", []) if ix}}
        anywhere = {{c.lower() for ix in schema.get(table, {{}}).get("indexes", []) for c in ix}}
        if {skip}:
            continue
        columns = tuple({order})
        if not columns:
            continue
        if {"(table, columns) not in result" if dedupe else "True"}:
            result.append((table, columns))
    return result
'''


EX5 = [
    ("mean_ms > slow_ms: a query exactly at the threshold is slow ('mean_ms >= slow_ms')",
     _ex5(slow_cmp='entry["mean_ms"] <= slow_ms')),
    ("skips a query when ANY column of an existing index is filtered, not only an index's first column",
     _ex5(skip="anywhere & set(filtered)")),
    ("puts every range column into the index: after the first range column the rest are unordered",
     _ex5(ranges="ranged")),
    ("treats IN like a range column, so it goes last and only one of them is kept",
     _ex5(in_kind="range")),
    ("no de-duplication: two queries with the same filter give the same index twice",
     _ex5(dedupe=False)),
    ("handles SELECT only: slow UPDATE ... WHERE and DELETE FROM ... WHERE scans are ignored",
     _ex5(table_re=r'r"^\s*select\b.*?\bfrom\s+(\w+)"')),
    ("keywords matched case-sensitively (upper case only): 'select ... from t where ...' in lower case is ignored",
     _ex5(flags="re.S").replace('re.split(r"\\s+and\\s+", w.group(1).strip(), flags=re.I)',
                               're.split(r"\\s+AND\\s+", w.group(1).strip())')
     .replace(r'r"^\s*(?:select\b.*?\bfrom|update|delete\s+from)\s+(\w+)"', r'r"^\s*(?:SELECT\b.*?\bFROM|UPDATE|DELETE\s+FROM)\s+(\w+)"')
     .replace(r'r"\bwhere\b(.*?)(?=\border\s+by\b|\bgroup\s+by\b|\blimit\b|$)"',
              r'r"\bWHERE\b(.*?)(?=\bORDER\s+BY\b|\bGROUP\s+BY\b|\bLIMIT\b|$)"')),
]

# ---------------------------------------------------------------- exercise 6: search_customers

_EX6_HEAD = '''def search_customers(conn, name_prefix: str, country: str | None = None, sort: str = "name", limit: int = 20) -> list[tuple]:
    """[(id, name, country)] of customers whose name starts with name_prefix; every value bound, sort allowlisted."""
    columns = {"name": "name", "created_at": "created_at"}
    if sort not in columns:
        raise ValueError(f"sort must be one of {sorted(columns)}")
'''


def _ex6(pattern='escaped + "%"', escape_expr='name_prefix.replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_")',
         like="name LIKE :pattern ESCAPE '\\\\'", country_test="country is not None",
         order='{columns[sort]}, id', limit_sql=":limit",
         rows="[(int(i), str(n), str(c)) for i, n, c in conn.execute(text(sql), params)]") -> str:
    return _EX6_HEAD + f'''    escaped = {escape_expr}
    sql = "SELECT id, name, country FROM customers WHERE {like}"
    params = {{"pattern": {pattern}, "limit": int(limit)}}
    if {country_test}:
        sql += " AND country = :country"
        params["country"] = country
    sql += f" ORDER BY {order} LIMIT {limit_sql}"
    return {rows}
'''


EX6 = [
    ("does not escape LIKE wildcards: '%' and '_' in the prefix match anything instead of themselves",
     _ex6(escape_expr="name_prefix", like="name LIKE :pattern")),
    ("ILIKE: the match is case-insensitive, the exercise says case-sensitive",
     _ex6(like="name ILIKE :pattern ESCAPE '\\\\'")),
    ("LIMIT formatted into the SQL text: 'every value is a bound parameter'",
     _ex6(limit_sql="{int(limit)}")),
    ("escapes % and _ but not the backslash itself: a prefix containing '\\' misbehaves",
     _ex6(escape_expr='name_prefix.replace("%", "\\\\%").replace("_", "\\\\_")')),
    ("'if country:' treats the empty string like None (a falsy but given country must still filter)",
     _ex6(country_test="country")),
    ("escapes quotes by hand and formats the prefix into the SQL: not a bound parameter",
     _EX6_HEAD + '''    safe = name_prefix.replace("'", "''").replace("\\\\", "\\\\\\\\").replace("%", "\\\\%").replace("_", "\\\\_")
    sql = f"SELECT id, name, country FROM customers WHERE name LIKE '{safe}%' ESCAPE '\\\\'"
    params = {"limit": int(limit)}
    if country is not None:
        sql += " AND country = :country"
        params["country"] = country
    sql += f" ORDER BY {columns[sort]}, id LIMIT :limit"
    return [tuple(row) for row in conn.execute(text(sql), params)]
'''),
    ("orders by the sort column only, without the id tie-break: ties come back in arbitrary order",
     _ex6(order="{columns[sort]}")),
]

# ---------------------------------------------------------------- PostgreSQL near misses (issue 15)
# Each passes every cell that runs on DuckDB or SQLite and fails only on PostgreSQL (the *_postgresql cells): the
# dialect differences the contracts now name. Written from the docstrings and exercise texts.

_PG_MONTH = '''    month = "to_char(o.ordered_at, 'YYYY-MM')" if conn.dialect.name == "postgresql" else "strftime(o.ordered_at, '%Y-%m')"
'''

POSTGRESQL = {
    "map_models": [
        ("weight_kg as sqlalchemy.DOUBLE: DuckDB and SQLite know DOUBLE, PostgreSQL only DOUBLE PRECISION (CREATE TABLE fails)",
         "from sqlalchemy import DOUBLE\n\n\n" + _ex1(_SUP_OK, _SHIP_OK.replace("mapped_column(Float)", "mapped_column(DOUBLE)"))),
        ("name with COLLATE NOCASE, to make 'unique' case-insensitive: SQLite's and DuckDB's collation, unknown to PostgreSQL",
         _ex1(_SUP_OK.replace("String(100), unique=True", 'String(100, collation="NOCASE"), unique=True'), _SHIP_OK)),
    ],
    "top_customers_per_month": [
        ("DuckDB's strftime on every engine: PostgreSQL has no strftime (its month is to_char(ordered_at, 'YYYY-MM'))",
         _EX3_HEAD + f'''    sql = """{_ex3_sql()}"""
    return [tuple(row) for row in conn.execute(text(sql), {{"n": n}})]
'''),
        ("DuckDB's QUALIFY instead of an outer query: PostgreSQL has no QUALIFY clause",
         _EX3_HEAD + _PG_MONTH + '''    sql = f"""
        WITH revenue AS (
            SELECT {month} AS month, o.customer_id, sum(i.quantity * i.unit_price_cents) AS revenue_cents
            FROM orders o JOIN order_items i ON i.order_id = o.id
            WHERE o.status <> 'cancelled'
            GROUP BY 1, 2
        )
        SELECT month, row_number() OVER (PARTITION BY month ORDER BY revenue_cents DESC, customer_id) AS rank,
               customer_id, revenue_cents
        FROM revenue
        QUALIFY rank <= :n
        ORDER BY month, rank"""
    return [tuple(row) for row in conn.execute(text(sql), {"n": n})]
'''),
        ("casts to BIGINT against overflow and returns the rows as they come: PostgreSQL's sum(bigint) is a numeric, a Decimal in Python",
         _EX3_HEAD + _PG_MONTH + '''    sql = f"""
        WITH revenue AS (
            SELECT {month} AS month, o.customer_id, sum(CAST(i.quantity AS BIGINT) * i.unit_price_cents) AS revenue_cents
            FROM orders o JOIN order_items i ON i.order_id = o.id
            WHERE o.status <> 'cancelled'
            GROUP BY 1, 2
        ), ranked AS (
            SELECT month, customer_id, revenue_cents,
                   row_number() OVER (PARTITION BY month ORDER BY revenue_cents DESC, customer_id) AS rank
            FROM revenue
        )
        SELECT month, rank, customer_id, revenue_cents FROM ranked WHERE rank <= :n ORDER BY month, rank"""
    return [tuple(row) for row in conn.execute(text(sql), {"n": n})]
'''),
    ],
    "load_order_items": [
        ("DuckDB's read_csv on every engine: PostgreSQL has no read_csv (its set-based load is COPY ... FROM STDIN)",
         _EX4_HEAD + '''    with engine.begin() as conn:
        result = conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return result.rowcount
'''),
        ("COPY on a raw connection that is never committed: closing it hands it back to the pool, which rolls the rows back",
         _EX4_HEAD + '''    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            with raw.driver_connection.cursor() as cursor, open(csv_path, "rb") as fh:
                with cursor.copy("COPY order_items FROM STDIN (FORMAT csv, HEADER true)") as copy:
                    copy.write(fh.read())
                return cursor.rowcount
        finally:
            raw.close()
    with engine.begin() as conn:
        result = conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return result.rowcount
'''),
        ("COPY with the path as a bound parameter, as read_csv had it: COPY takes no parameters (a syntax error on PostgreSQL)",
         _EX4_HEAD + '''    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            sql = "COPY order_items FROM :path (FORMAT csv, HEADER true)"
        else:
            sql = "INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"
        return conn.execute(text(sql), {"path": str(csv_path)}).rowcount
'''),
        ("server-side COPY FROM '<path>', quoted by psycopg.sql.Literal: the server reads its own disk, and the path is in the SQL",
         _EX4_HEAD + '''    if engine.dialect.name == "postgresql":
        from psycopg import sql

        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()
            cursor.execute(sql.SQL("COPY order_items FROM {} (FORMAT csv, HEADER true)").format(sql.Literal(str(csv_path))))
            return cursor.rowcount
    with engine.begin() as conn:
        result = conn.execute(text("INSERT INTO order_items SELECT * FROM read_csv(:path, header = true)"), {"path": str(csv_path)})
        return result.rowcount
'''),
    ],
    "search_customers": [
        ("one static statement with (:country IS NULL OR country = :country): PostgreSQL cannot type a parameter only compared with NULL",
         _EX6_HEAD + r'''    escaped = name_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = ("SELECT id, name, country FROM customers WHERE name LIKE :pattern ESCAPE '\\' "
           f"AND (:country IS NULL OR country = :country) ORDER BY {columns[sort]}, id LIMIT :limit")
    params = {"pattern": escaped + "%", "country": country, "limit": int(limit)}
    return [tuple(row) for row in conn.execute(text(sql), params)]
'''),
        ("DuckDB's prefix() function (no wildcards to escape): PostgreSQL has no prefix()",
         _EX6_HEAD + '''    sql = "SELECT id, name, country FROM customers WHERE prefix(name, :prefix)"
    params = {"prefix": name_prefix, "limit": int(limit)}
    if country is not None:
        sql += " AND country = :country"
        params["country"] = country
    sql += f" ORDER BY {columns[sort]}, id LIMIT :limit"
    return [tuple(row) for row in conn.execute(text(sql), params)]
'''),
    ],
}

RED_TEAM = {
    "map_models": EX1,
    "orders_with_items": EX2,
    "top_customers_per_month": EX3,
    "load_order_items": EX4,
    "recommend_indexes": EX5,
    "search_customers": EX6,
}


OLD_WRONG_ANSWERS = {
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


_KEEP_OLD = {  # the original answers that are not already covered by a red-team one (at most 8 per exercise in all)
    "map_models": [0],  # no Sequence on the primary keys
    "orders_with_items": [0, 2],  # products, then customers, left to lazy loading
    "top_customers_per_month": [0, 1],  # cancelled orders counted; no PARTITION BY
    "load_order_items": [0],  # ORM objects from a Python CSV reader
    "recommend_indexes": [2],  # one single-column index per filtered column
    "search_customers": [1],  # sort pasted into ORDER BY without an allowlist
}
WRONG_ANSWERS = {gid: RED_TEAM[gid] + [OLD_WRONG_ANSWERS[gid][k] for k in _KEEP_OLD[gid]] + POSTGRESQL.get(gid, []) for gid in RED_TEAM}
