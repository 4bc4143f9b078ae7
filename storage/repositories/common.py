"""Small helpers shared by repositories: dialect-aware upserts."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


@functools.cache
def _ignoring_insert(dialect: str, table: Table, keys: tuple[str, ...]) -> Any:
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: some driver versions report -1 for ON CONFLICT DO NOTHING.
    return insert_fn(table).on_conflict_do_nothing(index_elements=list(keys)).returning(literal_column("1"))


def insert_ignore(session: Session, model: type[SQLModel], keys: list[str], **values: Any) -> bool:
    """INSERT ..."""
    # ON CONFLICT DO NOTHING; True when the row was inserted. The statement is built once per table and executed as
    # Core on the session's connection: these inserts sit in hot write transactions (every captured message, every
    # claim), where building it each time was most of their cost.
    table = model.__table__  # type: ignore[attr-defined]
    stmt = _ignoring_insert(session.get_bind().dialect.name, table, tuple(keys))
    return session.connection().execute(stmt, values).first() is not None


def upsert(session: Session, model: type[SQLModel], keys: list[str], values: dict[str, Any], update: list[str]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE of the given columns."""
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_fn(model).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={name: stmt.excluded[name] for name in update})
    session.execute(stmt)
