"""The booking service's tables (SQLAlchemy ORM), the store's given half (StoreBase) and throwaway engines: SQLite, PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint, create_engine, event, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import NullPool


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    seats_left: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("seats_left >= 0 AND seats_left <= capacity", name="seats_in_range"),)


class Booking(Base):
    __tablename__ = "bookings"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # creation order, for pagination
    id: Mapped[str] = mapped_column(String(16), unique=True)
    event_id: Mapped[str] = mapped_column(String(16), ForeignKey("events.id"))
    customer: Mapped[str] = mapped_column(String(64), index=True)
    seats: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    __table_args__ = (UniqueConstraint("customer", "idempotency_key", name="one_booking_per_key"),)


class OutboxEvent(Base):
    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(40))
    booking_id: Mapped[str] = mapped_column(String(16), index=True)
    payload: Mapped[str] = mapped_column(String(2000))
    published_at: Mapped[str | None] = mapped_column(String(32), nullable=True, default=None)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    """An opaque id: a prefix and 12 random hex digits (e.g. bkg_3f9a0c12d4e5)."""
    return f"{prefix}_{secrets.token_hex(6)}"


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


def event_dict(e: Event) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "capacity": e.capacity, "seats_left": e.seats_left, "price_cents": e.price_cents}


def booking_dict(b: Booking) -> dict[str, Any]:
    return {"id": b.id, "event_id": b.event_id, "customer": b.customer, "seats": b.seats, "amount_cents": b.amount_cents,
            "status": b.status, "created_at": b.created_at}


class StoreBase:
    """The given half of the store: tables, sessions, events, reading one booking, the outbox and its relay's needs.

    Subclasses add the booking operations (book, settle, cancel, bookings, sales_report). `self.Session()` opens an ORM
    session; `with self.Session.begin() as s:` is one transaction, committed at the end of the block (rolled back
    if it raises). `self.emit(session, type, booking)` adds the outbox row of a state change to that transaction.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_schema(engine)
        self.Session = sessionmaker(engine, expire_on_commit=False)

    # --- events (given) ---------------------------------------------------------------------------------
    def add_event(self, name: str, capacity: int, price_cents: int) -> dict[str, Any]:
        with self.Session.begin() as s:
            e = Event(id=new_id("evt"), name=name, capacity=capacity, seats_left=capacity, price_cents=price_cents)
            s.add(e)
        return event_dict(e)

    def event(self, event_id: str) -> dict[str, Any] | None:
        with self.Session() as s:
            e = s.get(Event, event_id)
            return event_dict(e) if e else None

    def events(self) -> list[dict[str, Any]]:
        with self.Session() as s:
            return [event_dict(e) for e in s.scalars(select(Event).order_by(Event.name, Event.id))]

    def booking(self, booking_id: str) -> dict[str, Any] | None:
        with self.Session() as s:
            b = s.scalars(select(Booking).where(Booking.id == booking_id)).first()
            return booking_dict(b) if b else None

    # --- the outbox (given) -----------------------------------------------------------------------------
    @staticmethod
    def emit(session: Session, type_: str, booking: Booking) -> None:
        """Add the outbox row of one state change to `session`'s transaction (it commits or rolls back with it)."""
        session.add(OutboxEvent(type=type_, booking_id=booking.id, payload=json.dumps(booking_dict(booking))))

    def outbox(self) -> list[dict[str, Any]]:
        """Every outbox row, oldest first: {"seq", "type", "booking_id", "payload", "published"}."""
        with self.Session() as s:
            rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
            return [{"seq": r.seq, "type": r.type, "booking_id": r.booking_id, "payload": json.loads(r.payload),
                     "published": r.published_at is not None} for r in rows]

    def unpublished(self, limit: int = 100) -> list[dict[str, Any]]:
        """Outbox rows not yet published, oldest first (what the relay sends next)."""
        with self.Session() as s:
            rows = s.scalars(select(OutboxEvent).where(OutboxEvent.published_at.is_(None)).order_by(OutboxEvent.seq).limit(limit)).all()
            return [{"seq": r.seq, "type": r.type, "booking_id": r.booking_id, "payload": json.loads(r.payload)} for r in rows]

    def mark_published(self, seqs: list[int]) -> None:
        if seqs:
            with self.Session.begin() as s:
                s.execute(update(OutboxEvent).where(OutboxEvent.seq.in_(seqs)).values(published_at=now_iso()))


# --- throwaway engines ------------------------------------------------------------------------------------
class Database:
    """An engine on a throwaway database (`kind` "sqlite" or "postgresql"); close() disposes it and deletes its data."""

    def __init__(self, engine: Engine, kind: str, cleanup: Callable[[], None]) -> None:
        self.engine, self.kind, self._cleanup = engine, kind, cleanup

    def close(self) -> None:
        self.engine.dispose()
        with contextlib.suppress(Exception):
            self._cleanup()


def sqlite_database(pool_size: int = 8) -> Database:
    """A SQLite file in a fresh temporary folder (WAL journal, no fsync; writers wait up to 15 s for the lock)."""
    folder = Path(tempfile.mkdtemp(prefix="backendlab-capstone-"))
    engine = create_engine(f"sqlite:///{folder / 'bookings.db'}", connect_args={"timeout": 15, "check_same_thread": False},
                           pool_size=pool_size, max_overflow=16)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=OFF")  # a throwaway file: no fsync per commit (the data dies with the kit anyway)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return Database(engine, "sqlite", lambda: shutil.rmtree(folder, ignore_errors=True))


def postgres_database(pool_size: int = 4) -> Database:
    """A fresh schema in the kernel's throwaway PostgreSQL (backendlab.servers.postgres), dropped by close()."""
    from backendlab.servers.postgres import postgres

    server = postgres()
    schema = f"capstone_{secrets.token_hex(5)}"
    admin = server.engine(poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))  # our own random name, not input
    engine = server.engine(pool_size=pool_size, max_overflow=12, connect_args={"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

    return Database(engine, "postgresql", drop)


def database(kind: str = "sqlite") -> Database:
    if kind == "sqlite":
        return sqlite_database()
    if kind in ("postgresql", "postgres"):
        return postgres_database()
    raise ValueError(f"kind is 'sqlite' or 'postgresql', got {kind!r}")


class StatementLog:
    """The SQL statements an engine ran while recording (thread-safe), e.g. to count queries per request."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._lock = threading.Lock()

    def add(self, statement: str) -> None:
        with self._lock:
            self.statements.append(" ".join(statement.split()))

    def count(self, predicate: Callable[[str], bool] = lambda s: True) -> int:
        with self._lock:
            return sum(1 for s in self.statements if predicate(s))

    def clear(self) -> None:
        with self._lock:
            self.statements.clear()


@contextlib.contextmanager
def recording(engine: Engine, delay_after_select_s: float = 0.0) -> Iterator[StatementLog]:
    """Record every statement `engine` runs inside the block; optionally sleep after each SELECT (to widen race windows,
    as a busy production database would)."""
    log = StatementLog()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        log.add(statement)
        if delay_after_select_s and statement.lstrip().upper().startswith("SELECT"):
            time.sleep(delay_after_select_s)

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield log
    finally:
        event.remove(engine, "after_cursor_execute", after)
