"""Faults injected at the database boundary, on SQLite and PostgreSQL alike (no mock of our own code)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text

from storage.db import Database, is_sqlite


@contextmanager
def failing_inserts(db: Database, table: str) -> Iterator[None]:
    """Every INSERT into `table` fails (a trigger raises) until the block ends."""
    with db.engine.begin() as conn:
        if is_sqlite(db.engine):
            conn.execute(
                text(
                    f"CREATE TRIGGER ft_fault_{table} BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION ft_fault() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$"
                )
            )
            conn.execute(
                text(
                    f"CREATE TRIGGER ft_fault_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION ft_fault()"
                )
            )
    try:
        yield
    finally:
        with db.engine.begin() as conn:
            if is_sqlite(db.engine):
                conn.execute(text(f"DROP TRIGGER ft_fault_{table}"))
            else:
                conn.execute(text(f"DROP TRIGGER ft_fault_{table} ON {table}"))
                conn.execute(text("DROP FUNCTION ft_fault()"))


@contextmanager
def failing_holds(db: Database) -> Iterator[None]:
    """A captured message cannot be held before its answer: its insert into `processed_event` fails."""
    with failing_inserts(db, "processed_event"):
        yield


def held_captures(db: Database) -> int:
    """Captures held before their answers and not written yet."""
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM processed_event WHERE payload IS NOT NULL")).scalar_one())
