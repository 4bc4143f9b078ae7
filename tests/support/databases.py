"""Test databases, each a copy of a template migrated once per run: a SQLite file, or a PostgreSQL schema."""

from __future__ import annotations

import os
import queue
import re
import shutil
import sqlite3
import subprocess
import threading
import uuid
import warnings
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import Database

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite database file."""
    return f"sqlite:///{path}"


class SqliteTemplate:
    """A SQLite file migrated once (lazily); each test gets a copy of it."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        self._ready = False

    def _migrate(self) -> None:
        database = Database(sqlite_url(self.path))
        try:
            database.migrate()
        finally:
            database.dispose()
        # Everything in the file itself, nothing left in a write-ahead log: the file alone is the database.
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.close()
        self._ready = True

    def copy_to(self, path: Path) -> str:
        """Copy the migrated template to `path`, where no database is yet; its URL."""
        if not self._ready:
            self._migrate()
        if path.exists():
            raise FileExistsError(path)
        shutil.copyfile(self.path, path)
        return sqlite_url(path)

    def fill(self, path: Path) -> None:
        """Make the empty database at `path`, which may be open, a copy of the template (SQLite's backup API)."""
        if not self._ready:
            self._migrate()
        source, target = sqlite3.connect(self.path), sqlite3.connect(path, timeout=30)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()


class PostgresSchemas:
    """Throwaway schemas in the test database, dropped at the end: empty, or clones of a migrated template."""

    # A clone is ~100 statements of catalog work for the server and next to nothing for us (migrating was ~150 ms
    # of Alembic in the test process): a thread keeps clones made ahead, the server making the next test's schema
    # while this test runs.
    READY_AHEAD = 2

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self._template: str | None = None
        self._clone_sql: str | None = None  # the template's definitions and rows, as SQL naming the template
        self._ready: queue.Queue[str | BaseException] = queue.Queue(maxsize=self.READY_AHEAD)
        self._stop = threading.Event()
        self._maker: threading.Thread | None = None

    def _new_schema(self, prefix: str = "ft_test") -> str:
        schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.created.append(schema)  # before it exists: dropped at the end even if this run is interrupted
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        return schema

    def new_url(self) -> str:
        """An empty schema."""
        return _with_search_path(self.url, self._new_schema())

    def migrated_url(self) -> str:
        """A schema at the newest migration: a clone of the template schema (made ahead by a thread)."""
        if self._template_sql() is None:
            url = self.new_url()
            migrate_from_empty(url)
            return url
        if self._maker is None:
            self._maker = threading.Thread(target=self._make_ahead, name="pg-schema-clones", daemon=True)
            self._maker.start()
        made = self._ready.get(timeout=120)
        if isinstance(made, BaseException):
            raise made
        return _with_search_path(self.url, made)

    def _make_ahead(self) -> None:
        while not self._stop.is_set():
            made: str | BaseException
            try:
                made = self._new_schema()
                self._clone_into(made)
            except BaseException as exc:  # noqa: BLE001 - handed to the test that wanted the schema
                made = exc
            while not self._stop.is_set():
                try:
                    self._ready.put(made, timeout=0.5)
                    break
                except queue.Full:
                    continue
            if isinstance(made, BaseException):
                return

    def fill(self, url: str) -> None:
        """Make the empty schema of `url` (one of `new_url`'s) a copy of the migrated template."""
        schema = self._schema_of(url)
        if self._template_sql() is None:
            migrate_from_empty(url)
            return
        self._clone_into(schema)

    def _clone_into(self, schema: str) -> None:
        assert self._clone_sql is not None and self._template is not None
        with self.engine.begin() as conn:  # one transaction, one round trip
            conn.exec_driver_sql(self._clone_sql.replace(self._template, schema))

    def _schema_of(self, url: str) -> str:
        options = make_url(url).query.get("options", "")
        found = re.search(r"search_path=(\w+)", options if isinstance(options, str) else " ".join(options))
        if found is None or found.group(1) not in self.created:
            raise ValueError(f"not a schema of these tests: {url}")
        return found.group(1)

    def _template_sql(self) -> str | None:
        if self._template is None:
            self._template = self._new_schema("ft_template")
            migrate_from_empty(_with_search_path(self.url, self._template))
            self._clone_sql = _dump_schema(self.url, self._template)
            if self._clone_sql is None:
                warnings.warn("no pg_dump can dump the test database: each test's schema is migrated", stacklevel=2)
        return self._clone_sql

    def drop_all(self) -> None:
        self._stop.set()
        if self._maker is not None:
            self._maker.join(timeout=30)
        with self.engine.connect() as conn:
            for schema in self.created:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.engine.dispose()


def migrate_from_empty(url: str) -> None:
    """Run every migration on the database at `url`."""
    database = Database(url)
    try:
        database.migrate()
    finally:
        database.dispose()


def _dump_schema(url: str, schema: str) -> str | None:
    """`pg_dump` of a schema's tables and rows as SQL that fills an existing, empty schema of that name (None: no
    pg_dump here can dump this server, and each schema is migrated instead)."""
    target = make_url(url)
    env = {**os.environ, **({"PGPASSWORD": str(target.password)} if target.password else {})}
    args = ["pg_dump", "--schema", schema, "--no-owner", "--no-privileges", "--inserts"]
    args += [f"--host={target.host}"] if target.host else []
    args += [f"--port={target.port}"] if target.port else []
    args += [f"--username={target.username}"] if target.username else []
    args += [f"--dbname={target.database}"] if target.database else []
    try:
        dumped = subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    kept = []
    for line in dumped.splitlines():
        # Session settings and psql's meta-commands (\restrict) are not SQL for this connection; every name in the
        # dump is schema-qualified, so the search path it clears does not matter.
        if line.startswith(("--", "SET ", "SELECT pg_catalog.set_config(", "\\")):
            continue
        kept.append(line)
    sql = "\n".join(kept)
    statement = f"CREATE SCHEMA {schema};"
    if statement not in sql:
        return None
    return sql.replace(statement, "", 1)  # `fill` runs it on a schema that exists already (`new_url` made it)
