"""Shared fixtures: a database per test copied from a migrated template (SQLite, or PostgreSQL), the local bot."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import make_url

from bot.clock import FrozenClock
from storage.db import Database
from tests.support.databases import ON_POSTGRES, TEST_DATABASE_URL, PostgresSchemas, SqliteTemplate, sqlite_url
from tests.support.examples import register_profiles

if TYPE_CHECKING:
    from bot.simulator.local import LocalBot

# Saturday 2026-11-21 15:00 UTC: Alice (New York) is at 10:00, Bob (Berlin) at 16:00.
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)

register_profiles()  # at most 200 Hypothesis examples a test; the full counts with HYPOTHESIS_PROFILE=slow


def pytest_report_header() -> str:
    where = f"PostgreSQL {TEST_DATABASE_URL} (a schema per test)" if ON_POSTGRES else "SQLite (a temp file per test)"
    return f"database: {where}, copied from a template migrated once"


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PostgresSchemas | None]:
    if not ON_POSTGRES:
        yield None
        return
    schemas = PostgresSchemas(TEST_DATABASE_URL)
    yield schemas
    schemas.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture
def new_database_url(
    tmp_path: Path, pg_schemas: PostgresSchemas | None, sqlite_template: SqliteTemplate
) -> Callable[[], str]:
    """Makes another database at the newest migration for this test (a copy of the template); returns its URL."""
    names = (f"followthrough-test{'' if n == 1 else f'-{n}'}.db" for n in itertools.count(1))

    def make() -> str:
        if pg_schemas is not None:
            return pg_schemas.migrated_url()
        return sqlite_template.copy_to(tmp_path / next(names))

    return make


@pytest.fixture
def database_url(new_database_url: Callable[[], str]) -> str:
    """A database at the newest migration, for this test alone."""
    return new_database_url()


@pytest.fixture
def empty_database_url(tmp_path: Path, pg_schemas: PostgresSchemas | None) -> str:
    """An empty database (no tables), for the test that migrates from nothing."""
    if pg_schemas is not None:
        return pg_schemas.new_url()
    return sqlite_url(tmp_path / "empty.db")


@pytest.fixture
def fill_from_template(pg_schemas: PostgresSchemas | None, sqlite_template: SqliteTemplate) -> Callable[[str], None]:
    """Brings an empty database (`empty_database_url`) to the newest migration by copying the template into it."""

    def fill(url: str) -> None:
        if pg_schemas is not None:
            pg_schemas.fill(url)
        else:
            sqlite_template.fill(Path(str(make_url(url).database)))

    return fill


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def bot(database_url: str, clock: FrozenClock) -> Iterator[LocalBot]:
    from bot.simulator.local import LocalBot

    with LocalBot(database_url, clock=clock, migrate=False) as local:  # the template is migrated already
        yield local
