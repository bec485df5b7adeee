"""Module 03's commerce schema: table and column constants, and the typed SQLAlchemy 2.0 ORM models."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Sequence, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
