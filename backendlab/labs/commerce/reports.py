"""Module 03's queries and reports: orders with their items (N+1 and its fix) and the window-function reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session, joinedload, selectinload

from .data import CommerceData
from .schema import Order, OrderItem

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

MONTH_SQL = {  # 'YYYY-MM' of a timestamp: the one part of the reports that no two engines spell alike
    "duckdb": "strftime({column}, '%Y-%m')",  # DuckDB: strftime(timestamp, format)
    "postgresql": "to_char({column}, 'YYYY-MM')",  # PostgreSQL: to_char(timestamp, template); there is no strftime
    "sqlite": "strftime('%Y-%m', {column})",  # SQLite: strftime(format, time value), the arguments the other way round
}


def month_sql(dialect: str, column: str = "o.ordered_at") -> str:
    """SQL for the month of `column` as 'YYYY-MM' text in `dialect` (conn.dialect.name): duckdb, postgresql or sqlite."""
    if dialect not in MONTH_SQL:
        raise ValueError(f"no month expression for the {dialect!r} dialect; known: {sorted(MONTH_SQL)}")
    return MONTH_SQL[dialect].format(column=column)


TOP_CUSTOMERS_SQL = """
WITH revenue AS (
    SELECT {month}                                  AS month,
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
"""  # {month}: month_sql(dialect)


def top_customers_per_month(conn: Connection, n: int = 3) -> list[tuple[str, int, int, int]]:
    """Reference for exercise 3 (DuckDB, PostgreSQL, SQLite): per month, the n customers with most revenue from
    non-cancelled orders, as (str, int, int, int) tuples on every engine."""
    sql = TOP_CUSTOMERS_SQL.format(month=month_sql(conn.dialect.name))
    return [(str(m), int(r), int(c), int(v)) for m, r, c, v in conn.execute(text(sql), {"n": n})]


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
    """Revenue per month of non-cancelled orders with its running total (a window function; any engine of month_sql)."""
    month = month_sql(conn.dialect.name)
    sql = f"""
        SELECT {month} AS month,
               sum(i.quantity * i.unit_price_cents) AS revenue_cents,
               sum(sum(i.quantity * i.unit_price_cents)) OVER (ORDER BY {month}) AS running_cents
        FROM orders o JOIN order_items i ON i.order_id = o.id
        WHERE o.status <> 'cancelled'
        GROUP BY 1 ORDER BY 1
    """
    return [(str(m), int(r), int(t)) for m, r, t in conn.execute(text(sql))]
