"""Slack events received: recorded once per event id; a captured message is held here until its items are written."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import String, bindparam, exists, func, literal_column, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import ChannelSettings, ProcessedEvent
from storage.repositories.common import insert_ignore
from storage.types import UtcDateTime

# new: held now; held: received before and not written yet; done: written before; off: capture is off there.
Received = Literal["new", "held", "done", "off"]
# A capture whose writing fails waits this long times 2^(attempts-1) before the next try, at most an hour.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)


def first_delivery(session: Session, now: datetime, team_id: str, event_id: str) -> bool:
    """Record a Slack event id; False when it was handled before (a retry)."""
    return insert_ignore(
        session, ProcessedEvent, ["team_id", "event_id"], team_id=team_id, event_id=event_id, received_at=now
    )


def receive(
    session: Session,
    now: datetime,
    team_id: str,
    event_id: str,
    payload: str,
    *,
    channel: str | None,
    from_app: bool = False,
) -> Received:
    """Hold a capture before Slack's answer: its event id and what the message said, in one insert."""
    # Its event id and what the message said, in one insert. With `channel`, nothing is held unless that channel's
    # capture reads such messages: a person's unless it is `off`, an app's only when it is `apps`.
    table = ProcessedEvent.__table__  # type: ignore[attr-defined]
    insert_fn = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values: list[Any] = [
        bindparam("team_id", team_id, type_=String()),
        bindparam("event_id", event_id, type_=String()),
        bindparam("received_at", now, type_=UtcDateTime()),
        bindparam("payload", payload, type_=String()),
    ]
    row = sa_select(*values)
    if channel is not None:
        here = exists().where(col(ChannelSettings.team_id) == team_id, col(ChannelSettings.channel) == channel)
        if from_app:
            row = row.where(here.where(col(ChannelSettings.capture) == "apps"))
        else:
            row = row.where(~here.where(col(ChannelSettings.capture) == "off"))
    stmt: Any = (
        insert_fn(table)
        .from_select(["team_id", "event_id", "received_at", "payload"], row)
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        .returning(literal_column("1"))
    )
    if session.execute(stmt).first() is not None:
        return "new"
    found = session.get(ProcessedEvent, (team_id, event_id))
    if found is None:
        return "off"
    return "held" if found.payload is not None else "done"


def held(session: Session, team_id: str, event_id: str) -> tuple[str, datetime] | None:
    """What a capture received and not yet written said, and when it arrived (None: written, or never held)."""
    row = session.exec(
        select(ProcessedEvent.payload, ProcessedEvent.received_at).where(
            col(ProcessedEvent.team_id) == team_id, col(ProcessedEvent.event_id) == event_id
        )
    ).first()
    return (row[0], row[1]) if row is not None and row[0] is not None else None


def ready(session: Session, now: datetime, *, held_for: timedelta, limit: int = 100) -> list[tuple[str, str]]:
    """(team_id, event_id) of captures held for at least `held_for` whose next try is due, oldest first."""
    received = col(ProcessedEvent.received_at)
    rows = session.exec(
        select(ProcessedEvent.team_id, ProcessedEvent.event_id)
        .where(
            col(ProcessedEvent.payload).is_not(None),
            col(ProcessedEvent.given_up).is_(False),
            received <= now - held_for,
            func.coalesce(col(ProcessedEvent.retry_at), received) <= now,
        )
        .order_by(received)
        .limit(limit)
    ).all()
    return [(team, event) for team, event in rows]


def clear(session: Session, team_id: str, event_id: str) -> bool:
    """Mark a held capture written, in the transaction that writes its items: False when another writer did."""
    done = session.execute(
        update(ProcessedEvent)
        .where(
            col(ProcessedEvent.team_id) == team_id,
            col(ProcessedEvent.event_id) == event_id,
            col(ProcessedEvent.payload).is_not(None),
        )
        .values(payload=None)
        .returning(literal_column("1"))
    ).first()
    return done is not None


def failed(session: Session, now: datetime, team_id: str, event_id: str) -> None:
    """Writing a held capture failed: try again after 1, 2, 4 … minutes (at most an hour)."""
    row = session.get(ProcessedEvent, (team_id, event_id))
    if row is None or row.payload is None:
        return
    row.attempts += 1
    row.retry_at = now + min(FIRST_RETRY * 2 ** (row.attempts - 1), LONGEST_RETRY)
    session.add(row)


def give_up(session: Session, now: datetime, *, older_than: timedelta) -> list[tuple[str, str]]:
    """Give up captures held longer than `older_than` (kept for a person); the ones given up now."""
    # Returns (team_id, event_id) of the ones given up now.
    rows = session.execute(
        update(ProcessedEvent)
        .where(
            col(ProcessedEvent.payload).is_not(None),
            col(ProcessedEvent.given_up).is_(False),
            col(ProcessedEvent.received_at) < now - older_than,
        )
        .values(given_up=True)
        .returning(col(ProcessedEvent.team_id), col(ProcessedEvent.event_id))
    ).all()
    return [(team, event) for team, event in rows]
