"""Storage: keys under concurrent writers, UTC round trips, migrations that match the models."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import SQLModel, select

from bot.clock import FrozenClock
from storage.db import Database
from storage.models import ActionItem, Workspace
from storage.repositories.keys import next_number
from tests.support.databases import SqliteTemplate


def test_migrations_create_exactly_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []
    assert db.is_current()


def test_migrating_twice_is_harmless(db: Database) -> None:
    db.migrate()
    assert db.is_current()


def test_keys_are_per_workspace_and_never_reused(db: Database) -> None:
    with db.session() as s:
        assert [next_number(s, "T1", "A") for _ in range(3)] == [1, 2, 3]
        assert next_number(s, "T2", "A") == 1
        assert next_number(s, "T1", "D") == 1
    with pytest.raises(RuntimeError), db.session() as s:
        assert next_number(s, "T1", "A") == 4
        raise RuntimeError("roll back")
    with db.session() as s:
        assert next_number(s, "T1", "A") == 4


def test_eight_threads_insert_400_items_with_distinct_keys(db: Database) -> None:
    clock = FrozenClock(datetime(2026, 11, 21, tzinfo=UTC))
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(50):
                with db.session() as s:
                    number = next_number(s, "T1", "A")
                    s.add(
                        ActionItem(
                            team_id="T1",
                            number=number,
                            title=f"w{n}-{i}",
                            owner="U1",
                            created_by="U1",
                            created_at=clock.now(),
                        )
                    )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.session(readonly=True) as s:
        numbers = s.exec(select(ActionItem.number).where(ActionItem.team_id == "T1")).all()
    assert sorted(numbers) == list(range(1, 401))


def test_unique_constraint_is_the_last_line_of_defence(db: Database) -> None:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(ActionItem(team_id="T1", number=7, title="a", owner="U1", created_by="U1", created_at=now))
        s.add(ActionItem(team_id="T1", number=7, title="b", owner="U1", created_by="U1", created_at=now))
        s.flush()


def test_utc_aware_datetimes_survive_a_round_trip(db: Database) -> None:
    berlin_evening = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=1)))
    with db.session() as s:
        s.add(Workspace(team_id="T9", name="x", created_at=berlin_evening))
    with db.session(readonly=True) as s:
        row = s.get(Workspace, "T9")
    assert row is not None
    assert row.created_at.tzinfo is not None
    assert row.created_at.utcoffset() == timedelta(0)
    assert row.created_at == berlin_evening


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"), db.session() as s:
        s.add(Workspace(team_id="T8", name="x", created_at=datetime(2026, 1, 1)))  # noqa: DTZ001
        s.flush()


def test_dates_are_calendar_dates(db: Database) -> None:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    with db.session() as s:
        s.add(
            ActionItem(
                team_id="T1",
                number=1,
                title="a",
                owner="U1",
                created_by="U1",
                created_at=now,
                due_date=date(2026, 12, 2),
            )
        )
    with db.session(readonly=True) as s:
        item = s.exec(select(ActionItem)).one()
    assert item.due_date == date(2026, 12, 2)


def test_storage_never_imports_bot() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "storage"
    offenders = [str(p) for p in root.rglob("*.py") if "import bot" in p.read_text() or "from bot" in p.read_text()]
    assert offenders == []


def test_nothing_lives_beside_a_sqlite_database_but_its_own_wal_and_shm(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    path = tmp_path / "ft.db"
    db = Database(sqlite_template.copy_to(path))
    try:
        db.migrate()
        with db.engine.connect() as conn:  # SQLite checkpoints by itself (its default), no thread of ours
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        now = datetime(2026, 11, 21, 15, tzinfo=UTC)
        for n in range(50):
            with db.session() as s:
                s.add(Workspace(team_id=f"T{n:04d}", name="x" * 200, created_at=now))
        assert {p.name for p in tmp_path.iterdir()} <= {"ft.db", "ft.db-wal", "ft.db-shm"}
    finally:
        db.dispose()


def test_a_write_that_cannot_get_the_lock_in_time_raises_and_stores_nothing(
    tmp_path: Path, sqlite_template: SqliteTemplate
) -> None:
    # Bug (issue 15): a write whose wait for the lock timed out reported success. Now the timeout is an error.
    path = tmp_path / "ft.db"
    db = Database(sqlite_template.copy_to(path), busy_timeout_ms=200)
    db.migrate()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the busy timeout
        with pytest.raises(OperationalError, match="locked"), db.session() as s:
            s.add(Workspace(team_id="T-late", created_at=datetime(2026, 12, 4, tzinfo=UTC)))
        holder.execute("ROLLBACK")
        with db.session(readonly=True) as s:
            assert s.get(Workspace, "T-late") is None
    finally:
        holder.close()
        db.dispose()
