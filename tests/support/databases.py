"""Test databases: a fresh SQLite file per test, or a private PostgreSQL schema when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


class PostgresSchemas:
    """Creates throwaway schemas in the test database and drops them afterwards."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def new_url(self) -> str:
        schema = f"ft_test_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.created.append(schema)
        return _with_search_path(self.url, schema)

    def drop_all(self) -> None:
        with self.engine.connect() as conn:
            for schema in self.created:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.engine.dispose()
