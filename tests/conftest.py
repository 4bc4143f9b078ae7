"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL via TEST_DATABASE_URL), the local bot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.clock import FrozenClock
from storage.db import Database
from tests.support.databases import ON_POSTGRES, TEST_DATABASE_URL, PostgresSchemas

if TYPE_CHECKING:
    from bot.simulator.local import LocalBot

# Saturday 2026-11-21 15:00 UTC: Alice (New York) is at 10:00, Bob (Berlin) at 16:00.
NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if ON_POSTGRES else 'SQLite (a temp file per test)'}"


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[PostgresSchemas | None]:
    if not ON_POSTGRES:
        yield None
        return
    schemas = PostgresSchemas(TEST_DATABASE_URL)
    yield schemas
    schemas.drop_all()


@pytest.fixture
def database_url(tmp_path: Path, pg_schemas: PostgresSchemas | None) -> str:
    if pg_schemas is not None:
        return pg_schemas.new_url()
    return f"sqlite:///{tmp_path / 'followthrough-test.db'}"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def bot(database_url: str, clock: FrozenClock) -> Iterator[LocalBot]:
    from bot.simulator.local import LocalBot

    with LocalBot(database_url, clock=clock) as local:
        yield local
