"""Fixtures of the reliability suite: a PostgreSQL schema for the tests that need one whatever the suite runs on."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.databases import ON_POSTGRES, TEST_DATABASE_URL, PostgresSchemas

_FIGURES: list[str] = []

# The outage and SQLite-to-PostgreSQL tests need PostgreSQL even in the SQLite run; they skip when none answers.
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _reachable(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return False
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresSchemas]:
    """Throwaway schemas on the suite's PostgreSQL, or on RELIABILITY_PG_URL / 127.0.0.1:5432 in the SQLite run."""
    url = TEST_DATABASE_URL if ON_POSTGRES else os.environ.get("RELIABILITY_PG_URL", DEFAULT_PG_URL)
    if not _reachable(url):
        pytest.skip(f"needs PostgreSQL at {make_url(url).render_as_string(hide_password=True)}")
    schemas = PostgresSchemas(url)
    yield schemas
    schemas.drop_all()


@pytest.fixture
def pg_url(pg_server: PostgresSchemas) -> str:
    """A fresh, empty PostgreSQL schema (search_path set in the URL)."""
    return pg_server.new_url()


def through(url: str, port: int) -> str:
    """The same database URL, reached through a loopback proxy on `port`."""
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[..., None]:
    """Record a measured figure: shown in the terminal summary and kept as a junit user property."""

    def record(**values: object) -> None:
        line = f"{request.node.nodeid}: " + ", ".join(f"{k}={v}" for k, v in values.items())
        _FIGURES.append(line)
        request.node.user_properties.extend(values.items())

    return record


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Every figure measured in this run, under one heading."""
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
