"""Small helpers shared by repositories: dialect-aware upserts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def insert_ignore(session: Session, model: type[SQLModel], keys: list[str], **values: Any) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when the row was inserted."""
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: some driver versions report -1 for ON CONFLICT DO NOTHING.
    stmt = insert_fn(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    inserted = session.execute(stmt.returning(literal_column("1"))).first()
    return inserted is not None


def upsert(session: Session, model: type[SQLModel], keys: list[str], values: dict[str, Any], update: list[str]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE of the given columns."""
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_fn(model).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={name: stmt.excluded[name] for name in update})
    session.execute(stmt)
