"""The people cache: Slack users as last fetched, read on nearly every request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select
from sqlmodel import Session

from storage.models import Person
from storage.repositories.common import upsert

_PERSON: Table = Person.__table__  # type: ignore[attr-defined]
_FIELDS = ("name", "real_name", "tz", "is_bot", "is_admin", "deleted", "display_name", "first_name", "last_name")
# Built once: the acting person is looked up on nearly every request.
_BY_ID = select(
    _PERSON.c.user_id,
    _PERSON.c.name,
    _PERSON.c.real_name,
    _PERSON.c.tz,
    _PERSON.c.is_bot,
    _PERSON.c.is_admin,
    _PERSON.c.deleted,
    _PERSON.c.display_name,
    _PERSON.c.first_name,
    _PERSON.c.last_name,
).where(_PERSON.c.team_id == bindparam("team"), _PERSON.c.user_id.in_(bindparam("ids", expanding=True)))


def by_ids(session: Session | Connection, team_id: str, user_ids: list[str]) -> Sequence[Any]:
    """Cached people of a workspace among `user_ids`: user_id, name, real_name, tz, is_bot, is_admin, deleted."""
    conn = session.connection() if isinstance(session, Session) else session
    return conn.execute(_BY_ID, {"team": team_id, "ids": user_ids}).all()


def active_humans(session: Session | Connection, team_id: str) -> Sequence[Any]:
    """Cached people of a workspace who are neither bots nor deactivated (`by_ids`' columns)."""
    conn = session.connection() if isinstance(session, Session) else session
    query = select(*_BY_ID.selected_columns).where(
        _PERSON.c.team_id == team_id, _PERSON.c.is_bot.is_(False), _PERSON.c.deleted.is_(False)
    )
    return conn.execute(query).all()


def everyone(conn: Connection, limit: int, *, since: datetime | None = None) -> Sequence[Any] | None:
    """Cached people of every workspace (team_id, then `by_ids`' columns); None when there are more than `limit`."""
    # With `since`, only those stored at or after it.
    query = select(_PERSON.c.team_id, *_BY_ID.selected_columns)
    if since is not None:
        query = query.where(_PERSON.c.fetched_at >= since)
    rows = conn.execute(query.limit(limit + 1)).all()
    return None if len(rows) > limit else rows


def save(session: Session, now: datetime, team_id: str, user_id: str, **fields: Any) -> None:
    """Insert or refresh one cached person (`fields`: those of `_FIELDS` but fetched_at)."""
    upsert(
        session,
        Person,
        ["team_id", "user_id"],
        {"team_id": team_id, "user_id": user_id, **fields, "fetched_at": now},
        [*_FIELDS, "fetched_at"],
    )
