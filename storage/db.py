"""Engine, sessions and migrations for SQLite (embedded) and PostgreSQL (production)."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel

if TYPE_CHECKING:
    from storage.held import HeldStore

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


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine tuned for the backend: WAL + busy timeout + BEGIN IMMEDIATE on SQLite."""
    if url.startswith("sqlite"):
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, echo=echo, **kwargs)
        _tune_sqlite(engine)
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
    """Ping a pooled connection before reuse only when it sat idle for PING_AFTER_IDLE_S or more.

    `pool_pre_ping` pinged on every checkout: a round trip before each request's first statement (two for a
    request that reads, then writes). A connection used moments ago is almost always alive; one that sat idle
    through a restart or a dropped network is pinged, and a dead one replaced, as before. A connection that dies
    between two quick uses fails that one statement, and SQLAlchemy then invalidates every connection opened
    before it (its disconnect handling), so the next checkouts connect afresh.
    """

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


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # No checkpoint inside a commit: the committing writer would run it while every other writer waits for
        # our writer locks (a 4–7 ms hold every few hundred commits). `_Checkpointer` runs them beside.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that later upgrades
        # fails with "database is locked" without waiting for the busy timeout.
        if conn.get_execution_options().get("readonly"):
            conn.exec_driver_sql("BEGIN")
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class _WritersFile:
    """An exclusive `flock` on `<database>.writers` (SQLite in a file), opened once per process — after a fork too:
    a lock belongs to an open file, which a forked child would otherwise share with its parent."""

    def __init__(self, engine: Engine) -> None:
        database = engine.url.database or ""
        self.path = None if database in ("", ":memory:") or database.startswith("file:") else f"{database}.writers"
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> bool:
        """Block until this process holds the lock (the caller holds the process's writer lock already)."""
        if self.path is None:
            return False
        if self._fd is None or self._pid != os.getpid():
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return True

    def release(self) -> None:
        """Let the next writer of any process in."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


class _Checkpointer:
    """SQLite in a file: copies the write-ahead log into the database (a PASSIVE checkpoint, which waits for no
    reader or writer) from a thread of each writing process, about once a second while there are new writes —
    instead of inside the commit that fills the log past 1,000 pages, which SQLite does by default."""

    INTERVAL_SECONDS = 1.0

    def __init__(self, writers_path: str | None) -> None:
        self.path = writers_path.removesuffix(".writers") if writers_path else None
        self._pid = 0
        self._stop = threading.Event()

    def ensure_running(self) -> None:
        """Start this process's checkpoint thread unless it runs (once per process: not inherited by a fork)."""
        if self.path is None or self._pid == os.getpid():
            return
        self._pid, self._stop = os.getpid(), threading.Event()
        threading.Thread(target=self._run, args=(self.path, self._stop), name="sqlite-checkpoint", daemon=True).start()

    def stop(self) -> None:
        """End the thread (at its next look)."""
        self._stop.set()
        self._pid = 0

    def _run(self, path: str, stop: threading.Event) -> None:
        wal, seen = f"{path}-wal", 0.0
        conn: sqlite3.Connection | None = None
        try:
            while not stop.wait(self.INTERVAL_SECONDS):
                try:
                    changed = os.stat(wal).st_mtime
                except FileNotFoundError:
                    if not os.path.exists(path):
                        return  # the database is gone (a test's temporary directory)
                    continue
                if changed == seen:
                    continue
                if conn is None:
                    conn = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    seen = changed
                except sqlite3.Error:  # busy with another process's checkpoint: the next look tries again
                    pass
        finally:
            if conn is not None:
                conn.close()


SessionFactory = Callable[..., Any]
T = TypeVar("T")


class _Job:
    """One unit of work handed to `Database.write_together`, and how it ended."""

    __slots__ = ("error", "finished", "result", "work")

    def __init__(self, work: Callable[[Session], Any]) -> None:
        self.work = work
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None


class Database:
    """Owns the engine and hands out one session per unit of work."""

    def __init__(self, url: str, *, echo: bool = False, holds_captures: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._readonly_engine = self.engine.execution_options(readonly=True)
        # PostgreSQL: hot reads (`reading()`) run each statement on its own, without BEGIN and COMMIT — two round
        # trips fewer for `/action list` and the people lookup, which need no snapshot across their statements.
        self._reads = (
            self._readonly_engine
            if is_sqlite(self.engine)
            else self.engine.execution_options(readonly=True, isolation_level="AUTOCOMMIT")
        )
        # SQLite: writers in one process queue here before asking SQLite for its write lock. SQLite makes a writer
        # that finds the database locked sleep and retry (1, 2, 5, 10 … 100 ms); with eight request threads that
        # turned a 1 ms insert into tens of milliseconds for the unlucky ones. Other processes still meet SQLite's
        # busy handler, and so do Core transactions that do not go through `session()`.
        self._writers = threading.Lock() if is_sqlite(self.engine) else None
        # SQLite in a file: writers of *all* processes (web workers, the sender, the scheduler) queue on an exclusive
        # lock of a file beside the database before BEGIN IMMEDIATE, and the kernel wakes the next one the moment
        # the lock is let go — where SQLite's busy handler would have a writer sleep 1, 2, 5, 10 … ms and look
        # again, missing the lock while another process takes it back to back (docs/benchmarks.md, round 5).
        self._writers_file = _WritersFile(self.engine) if self._writers is not None else None
        self._checkpointer = _Checkpointer(self._writers_file.path) if self._writers_file is not None else None
        # SQLite in a file: captures held before their answers go into a database file of their own
        # (storage/held.py), made on first use.
        self._holds_captures = holds_captures and self._writers_file is not None and self._writers_file.path is not None
        self._held: HeldStore | None = None
        self._held_lock = threading.Lock()
        self._waiting: list[_Job] = []  # `write_together`'s jobs not yet taken by a writer
        self._waiting_lock = threading.Lock()

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """One transaction: commit on success, roll back on error; `readonly` skips taking the SQLite write lock."""
        bind = self._readonly_engine if readonly else self.engine
        writers = None if readonly else self._writers
        # On a timeout, go on without it: SQLite's own busy timeout still applies.
        holds = writers is not None and writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        locked = holds and self._writers_file is not None and self._writers_file.acquire()
        if locked and self._checkpointer is not None:
            self._checkpointer.ensure_running()
        try:
            with Session(bind, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if locked and self._writers_file is not None:
                self._writers_file.release()
            if holds and writers is not None:
                writers.release()

    def write_together(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a write transaction, on SQLite committed together with the other `write_together` work of
        this process that is waiting for the write lock (group commit); its result, or its exception.

        SQLite has one writer, and the fixed cost of a write transaction — the locks handed from writer to writer,
        BEGIN IMMEDIATE, the commit — was most of a short write's time under the lock: 16 concurrent `/action add`s
        were bounded by it (docs/benchmarks.md, round 6). The thread that gets the lock writes every job queued by
        then, in one transaction; the others find theirs done. If the transaction fails, each job is run again in
        a transaction of its own (under the same lock), so one job's failure is its own. `work` must only write
        through the session it is given (it may run twice). Elsewhere (PostgreSQL, which locks rows): `session()`.
        """
        if self._writers is None or self._writers_file is None or self._writers_file.path is None:
            with self.session() as session:
                return work(session)
        job = _Job(work)
        with self._waiting_lock:
            self._waiting.append(job)
        # The threads of this process one at a time (after a timeout, on without it, as `session()` does).
        holds = self._writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        try:
            if not job.finished:  # else a writer before this one took it
                with self._waiting_lock:
                    batch, self._waiting = self._waiting, []
                if batch:
                    self._write_batch(batch)
        finally:
            if holds:
                self._writers.release()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[no-any-return]

    def _write_batch(self, batch: list[_Job]) -> None:
        """Write `batch` in one transaction (the caller holds this process's writer lock), else each on its own."""
        assert self._writers_file is not None
        locked = self._writers_file.acquire()
        if locked and self._checkpointer is not None:
            self._checkpointer.ensure_running()
        try:
            try:
                with Session(self.engine, expire_on_commit=False) as session:
                    results = [job.work(session) for job in batch]
                    session.commit()
            except BaseException as exc:  # noqa: BLE001 - handed to the job(s) it belongs to, below
                if len(batch) == 1:
                    batch[0].error = exc
                else:
                    for job in batch:
                        self._write_one(job)
            else:
                for job, result in zip(batch, results, strict=True):
                    job.result = result
        finally:
            for job in batch:
                job.finished = True
            if locked:
                self._writers_file.release()

    def _write_one(self, job: _Job) -> None:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                job.result = job.work(session)
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - the job's own failure, raised in its own thread
            job.error = exc

    @property
    def held(self) -> HeldStore | None:
        """SQLite in a file: where captures are held before their answers (None: in `processed_event`)."""
        if not self._holds_captures:
            return None
        if self._held is None:
            with self._held_lock:
                if self._held is None:
                    from storage.held import HeldStore

                    database = self.engine.url.database or ""
                    self._held = HeldStore(f"{database}.held")
        return self._held

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A plain read-only connection for hot Core reads that need no ORM session (on PostgreSQL without a
        transaction around the statements)."""
        if self._reads is self._readonly_engine:
            with self._readonly_engine.begin() as conn:
                yield conn
        else:
            with self._reads.connect() as conn:
                yield conn

    @property
    def reads_beside(self) -> bool:
        """True when a second connection can read at the same time (not SQLite in memory, one shared connection)."""
        return not isinstance(self.engine.pool, StaticPool)

    @property
    def commits_each_statement(self) -> bool:
        """True when `autocommit()` is available (PostgreSQL)."""
        return self._reads is not self._readonly_engine

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """PostgreSQL: a connection on which each statement is its own transaction — no BEGIN and COMMIT round
        trips — for a write that is one statement (`insert_numbered` with a guard)."""
        if not self.commits_each_statement:
            raise RuntimeError("autocommit() is for PostgreSQL")
        with self._reads.connect() as conn:  # `readonly` only changes how SQLite begins
            yield conn

    def warm(self, connections: int) -> int:
        """Open up to `connections` pooled connections now and plan a statement on every table through each;
        returns how many were opened. A fresh PostgreSQL connection costs a backend start, and its first
        statement on each table loads that table's and its indexes' catalog entries: left to the first burst of
        requests after a start (or after a quiet spell that needed fewer connections), that showed as 50–200 ms
        answers (docs/benchmarks.md). On SQLite it reads the schema once per connection."""
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
        """Close every pooled connection (and stop this process's checkpoints)."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
        if self._held is not None:
            self._held.dispose()
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
