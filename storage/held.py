"""SQLite in a file: captured messages held before Slack's answer, in a database file of their own.

A channel message with marker lines is answered after one insert: its event id and what it said. On PostgreSQL that
insert goes into `processed_event` (a row lock, which waits for nobody). On SQLite the write lock is the whole
database's: held there, each answer waited for whatever the sender process was writing — the items of the captures
before it, their confirmations — and that wait was the slowest 1–4 % of answers (docs/benchmarks.md, round 6).
Here the answer's insert only ever waits for other answers' inserts. The capture is written once all the same:
its writer records the event id in `processed_event`, in the transaction that writes its items, and lets go of the
held row afterwards (a writer that finds the event id recorded has nothing to do but let go of it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS held_capture ("
    " team_id TEXT NOT NULL, event_id TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL,"
    " PRIMARY KEY (team_id, event_id))",
    "CREATE INDEX IF NOT EXISTS ix_held_capture_received ON held_capture (received_at)",
)
_HOLD = text(
    "INSERT INTO held_capture (team_id, event_id, payload, received_at) VALUES (:team, :event, :payload, :at)"
    " ON CONFLICT (team_id, event_id) DO NOTHING RETURNING 1"
)
_GET = text("SELECT payload, received_at FROM held_capture WHERE team_id = :team AND event_id = :event")
_WAITING = text(
    "SELECT team_id, event_id FROM held_capture WHERE received_at <= :cutoff AND received_at >= :since"
    " ORDER BY received_at LIMIT :limit"
)
_RELEASE = text("DELETE FROM held_capture WHERE team_id = :team AND event_id = :event")


def _stamp(at: datetime) -> str:
    """A UTC instant as text that sorts as the instants do."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _instant(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


class HeldStore:
    """`<database>.held` beside a SQLite database: one row per capture received and not written yet."""

    def __init__(self, path: str) -> None:
        from storage.db import Database  # the same engine set-up: WAL, writers queued on a lock file

        self.path = path
        self.db = Database(f"sqlite:///{path}", holds_captures=False)
        with self.db.engine.begin() as conn:
            for statement in _SCHEMA:
                conn.exec_driver_sql(statement)

    def hold(self, team_id: str, event_id: str, payload: str, at: datetime) -> bool:
        """Hold a capture; False when this event is held already (a retry while it waits)."""
        params = {"team": team_id, "event": event_id, "payload": payload, "at": _stamp(at)}
        with self.db.session() as session:
            return session.connection().execute(_HOLD, params).first() is not None

    def get(self, team_id: str, event_id: str) -> tuple[str, datetime] | None:
        """What a held capture said and when it was received (None: not held)."""
        with self.db.reading() as conn:
            row = conn.execute(_GET, {"team": team_id, "event": event_id}).first()
        return (row[0], _instant(row[1])) if row is not None else None

    def waiting(self, cutoff: datetime, since: datetime, limit: int) -> list[tuple[str, str]]:
        """(team_id, event_id) of captures received from `since` to `cutoff`, oldest first."""
        params: dict[str, Any] = {"cutoff": _stamp(cutoff), "since": _stamp(since), "limit": limit}
        with self.db.reading() as conn:
            return [(team, event) for team, event in conn.execute(_WAITING, params).all()]

    def release(self, *captures: tuple[str, str]) -> None:
        """Let go of captures (team_id, event_id) that were written (or need no writing), in one transaction."""
        if not captures:
            return
        with self.db.session() as session:
            session.connection().execute(_RELEASE, [{"team": team, "event": event} for team, event in captures])

    def count(self) -> int:
        """How many captures are held."""
        with self.db.reading() as conn:
            return int(conn.execute(text("SELECT count(*) FROM held_capture")).scalar_one())

    def clear(self) -> None:
        """Forget every held capture (the bench between runs; tests)."""
        with self.db.session() as session:
            session.connection().execute(text("DELETE FROM held_capture"))

    def dispose(self) -> None:
        """Close its connections."""
        self.db.dispose()
