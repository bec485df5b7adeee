"""Module 03's commerce lab: typed ORM models, deterministic data, engines, a statement recorder, reports, index
advice and the reference answers, re-exported here so a notebook needs one import: `from backendlab.labs import commerce`.

schema (constants, models) · data (generator, CSV/Parquet) · engines (make_engine, load) · recorder (StatementRecorder)
· reports (N+1 and its fix, window reports) · indexes (index advice, SQLite plans) · answers (exercises 1, 4, 6).
"""

from .answers import COPY_ORDER_ITEMS, SORTABLE, count_rows, load_order_items, load_sample, map_models, search_customers
from .data import CommerceData, generate, read_csv_sql, write_csv, write_parquet
from .engines import create_schema, is_memory_url, load, make_engine, postgres_engine, reset_sequences, selected_url
from .indexes import (
    index_ddl,
    index_problems,
    is_search,
    parse_filters,
    postgres_schema,
    query_plan,
    recommend_indexes,
    sqlite_schema,
)
from .recorder import Statement, StatementRecorder
from .reports import (
    MONTH_SQL,
    TOP_CUSTOMERS_SQL,
    month_sql,
    monthly_revenue_sql,
    order_to_dict,
    orders_with_items,
    orders_with_items_naive,
    top_customers_per_month,
    top_customers_per_month_python,
)
from .schema import (
    COLUMNS,
    DEFAULT_ORDERS,
    DEFAULT_SEED,
    DEFAULT_URL,
    DUCKDB_TYPES,
    MODELS,
    TABLES,
    Base,
    Customer,
    Order,
    OrderItem,
    Product,
)

__all__ = [
    "COLUMNS", "COPY_ORDER_ITEMS", "DEFAULT_ORDERS", "DEFAULT_SEED", "DEFAULT_URL", "DUCKDB_TYPES", "MODELS",
    "MONTH_SQL", "SORTABLE", "TABLES", "TOP_CUSTOMERS_SQL", "Base", "CommerceData", "Customer", "Order", "OrderItem",
    "Product", "Statement", "StatementRecorder", "count_rows", "create_schema", "generate", "index_ddl",
    "index_problems", "is_memory_url", "is_search", "load", "load_order_items", "load_sample", "make_engine",
    "map_models", "month_sql", "monthly_revenue_sql", "order_to_dict", "orders_with_items", "orders_with_items_naive",
    "parse_filters", "postgres_engine", "postgres_schema", "query_plan", "read_csv_sql", "recommend_indexes",
    "reset_sequences", "search_customers", "selected_url", "sqlite_schema", "top_customers_per_month",
    "top_customers_per_month_python", "write_csv", "write_parquet",
]  # fmt: skip
