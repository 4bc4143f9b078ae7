"""Throwaway bench databases: a SQLite file in a temp directory, or a private PostgreSQL schema."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class BenchDatabase:
    """One database for a bench run; `drop()` removes it."""

    kind: str
    url: str
    _cleanup: list[str] = field(default_factory=list)

    def drop(self) -> None:
        """Remove the file or the schema."""
        if self.kind == "sqlite":
            for path in self._cleanup:
                shutil.rmtree(path, ignore_errors=True)
            return
        base, schema = self._cleanup
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def postgres_base() -> str:
    """The PostgreSQL server the bench uses (BENCH_POSTGRES_URL, else the CI database)."""
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG)


def create(kind: str) -> BenchDatabase:
    """A fresh, empty database of that kind."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="ftbench-")
        return BenchDatabase("sqlite", f"sqlite:///{folder}/bench.db", [folder])
    if kind == "postgres":
        base = postgres_base()
        schema = f"ftbench_{uuid.uuid4().hex[:10]}"
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        sep = "&" if "?" in base else "?"
        return BenchDatabase("postgres", f"{base}{sep}options=-csearch_path%3D{schema}", [base, schema])
    raise ValueError(f"unknown database kind {kind!r} (sqlite or postgres)")
