"""The one test that migrates from an empty database: the schema matches the models and the per-test copies."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from storage.db import Database


def plain(value: Any) -> Any:
    """The inspector's answer with SQL expressions (a partial index's WHERE, a type) as their text, to compare."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def schema_of(db: Database) -> dict[str, Any]:
    """Everything the inspector sees in a database, and every row (alembic_version's, any a migration seeds)."""
    tables: dict[str, Any] = {}
    with db.engine.connect() as conn:  # one connection: on SQLite a second would wait for this one's write lock
        inspector = inspect(conn)
        for table in sorted(inspector.get_table_names()):
            quoted = db.engine.dialect.identifier_preparer.quote(table)
            tables[table] = {
                "columns": plain([{**c, "type": repr(c["type"])} for c in inspector.get_columns(table)]),
                "primary_key": plain(inspector.get_pk_constraint(table)),
                "foreign_keys": sorted(plain(inspector.get_foreign_keys(table)), key=repr),
                "indexes": sorted(plain(inspector.get_indexes(table)), key=repr),
                "unique": sorted(plain(inspector.get_unique_constraints(table)), key=repr),
                "checks": sorted(plain(inspector.get_check_constraints(table)), key=repr),
                "rows": sorted(map(repr, conn.execute(text(f"SELECT * FROM {quoted}")))),
            }
        sequences = inspector.get_sequence_names() if db.engine.dialect.name == "postgresql" else []
        views = inspector.get_view_names()
    return {"tables": tables, "sequences": sorted(sequences), "views": sorted(views)}


def test_migrating_an_empty_database_gives_the_models_and_what_every_test_starts_from(
    empty_database_url: str, db: Database
) -> None:
    fresh = Database(empty_database_url)
    try:
        assert not fresh.is_current()
        fresh.migrate()
        assert fresh.is_current()
        with fresh.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
        # `db` is a copy of the template (a copied file, a cloned schema): the same schema, the same rows.
        assert schema_of(db) == schema_of(fresh)
        assert db.is_current()
    finally:
        fresh.dispose()
