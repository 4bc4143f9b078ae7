"""Engine, sessions and migrations for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constant shared by every process that migrates this database.
_ADVISORY_LOCK_KEY = 7_324_116_001
SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_S = 1.0
# PostgreSQL: give up on a new connection after this many seconds (libpq's minimum is 2). Without it a database
# host that stops answering (a network partition, a stuck proxy) holds every request thread forever; with it a
# request gets its "try again" answer inside Slack's 3-second window and /readyz says 503.
PG_CONNECT_TIMEOUT_S = 2
# TCP keepalives find a dead peer under an idle pooled connection; tcp_user_timeout bounds unacknowledged writes.
_PG_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": PG_CONNECT_TIMEOUT_S,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine tuned for the backend: WAL + busy timeout + BEGIN IMMEDIATE on SQLite."""
    if url.startswith("sqlite"):
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": busy_timeout_ms / 1000}}
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, echo=echo, **kwargs)
        _tune_sqlite(engine, busy_timeout_ms)
        return engine
    engine = create_engine(
        url,
        echo=echo,
        pool_size=10,
        max_overflow=20,
        pool_use_lifo=True,  # the busiest connections stay warm; spare ones age and are pinged before reuse
        pool_recycle=1800,
        pool_timeout=10,
        connect_args=dict(_PG_CONNECT_ARGS),
    )
    _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection before reuse only when it sat idle for PING_AFTER_IDLE_S or more."""
    # `pool_pre_ping` pinged on every checkout: a round trip before each request's first statement (two for a request
    # that reads, then writes). A connection used moments ago is almost always alive; one that sat idle through a
    # restart or a dropped network is pinged, and a dead one replaced, as before. A connection that dies between two
    # quick uses fails that one statement, and SQLAlchemy then invalidates every connection opened before it (its
    # disconnect handling), so the next checkouts connect afresh.

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return  # a new connection, or one used moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - any failure means this connection is no good
            raise DisconnectionError(str(exc)) from exc  # the pool discards it and checks out another


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that later upgrades
        # fails with "database is locked" without waiting for the busy timeout.
        if conn.get_execution_options().get("readonly"):
            conn.exec_driver_sql("BEGIN")
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")


SessionFactory = Callable[..., Any]


class Database:
    """Owns the engine and hands out one session per unit of work."""

    def __init__(self, url: str, *, echo: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, busy_timeout_ms=busy_timeout_ms)
        self._readonly_engine = self.engine.execution_options(readonly=True)
        # PostgreSQL: hot reads (`reading()`) run each statement on its own, without BEGIN and COMMIT.
        self._reads = (
            self._readonly_engine
            if is_sqlite(self.engine)
            else self.engine.execution_options(readonly=True, isolation_level="AUTOCOMMIT")
        )
        self._outbox_listeners: list[Callable[[], None]] = []

    def on_outbox_commit(self, listener: Callable[[], None]) -> None:
        """Call `listener` after each commit that enqueued a message (the drainer wakes at once)."""
        self._outbox_listeners.append(listener)

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """One transaction: commit on success, roll back on error; `readonly` skips taking the SQLite write lock."""
        bind = self._readonly_engine if readonly else self.engine
        with Session(bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            if session.info.pop("outbox_enqueued", False):
                for listener in self._outbox_listeners:
                    listener()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A plain read-only connection for Core reads that need no ORM session."""
        # Without a transaction around the statements).
        if self._reads is self._readonly_engine:
            with self._readonly_engine.begin() as conn:
                yield conn
        else:
            with self._reads.connect() as conn:
                yield conn

    def warm(self, connections: int) -> int:
        """Open up to `connections` pooled connections now, each having looked at every table."""
        # Returns how many were opened. A fresh PostgreSQL connection costs a backend start, and its first statement
        # on each table loads that table's and its indexes' catalog entries: left to the first burst of requests after
        # a start (or after a quiet spell that needed fewer connections), that showed as 50–200 ms answers
        # (docs/benchmarks.md). On SQLite it reads the schema once per connection.
        from storage import models  # noqa: F401 - the tables to plan on

        pool: Any = self.engine.pool
        limit = min(connections, pool.size()) if hasattr(pool, "size") else 1
        quote = self.engine.dialect.identifier_preparer.format_table
        probes = [f"SELECT 1 FROM {quote(table)} WHERE 1 = 0" for table in SQLModel.metadata.sorted_tables]
        opened: list[Connection] = []
        try:
            for _ in range(max(limit, 1)):
                conn = self._readonly_engine.connect()
                opened.append(conn)
                for probe in probes:
                    conn.exec_driver_sql(probe)
                conn.rollback()
        finally:
            for conn in opened:
                conn.close()
        return len(opened)

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - readiness only reports
            return False

    def ready(self) -> bool:
        """True when the database answers and the schema is current; never raises (a readiness probe)."""
        try:
            return self.ping() and self.is_current()
        except Exception:  # noqa: BLE001 - the database may go away between the two checks
            return False

    def migrate(self) -> None:
        """Upgrade to head; on PostgreSQL under an advisory lock so processes can start together."""
        migrate(self.engine)

    def is_current(self) -> bool:
        """True when the schema is at the newest migration."""
        return current_revision(self.engine) == head_revision()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, with no ini file needed."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    """The newest migration id."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration id the database is at (None when empty)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Apply every pending migration."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
            conn.commit()
        try:
            command.upgrade(alembic_config(conn), "head")
            conn.commit()
        finally:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK_KEY})
                conn.commit()
