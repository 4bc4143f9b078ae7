"""The people cache: who someone is, their zone, whether they can own work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Table, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session

from bot.clock import Clock
from storage.models import Person
from storage.repositories.common import upsert


@dataclass(frozen=True)
class PersonInfo:
    """What we know of a Slack user."""

    user_id: str
    name: str = ""
    real_name: str = ""
    tz: str | None = None
    is_bot: bool = False
    is_admin: bool = False
    deleted: bool = False

    @property
    def display(self) -> str:
        """A name for greetings."""
        return (self.real_name or self.name or self.user_id).split(" ")[0]

    def zone(self, default: ZoneInfo) -> ZoneInfo:
        """Their ZoneInfo, or the default when unknown or invalid."""
        if not self.tz:
            return default
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return default


_PERSON: Table = Person.__table__  # type: ignore[attr-defined]
# Built once: the acting person is looked up on nearly every request.
_BY_ID = core_select(
    _PERSON.c.user_id,
    _PERSON.c.name,
    _PERSON.c.real_name,
    _PERSON.c.tz,
    _PERSON.c.is_bot,
    _PERSON.c.is_admin,
    _PERSON.c.deleted,
).where(_PERSON.c.team_id == bindparam("team"), _PERSON.c.user_id.in_(bindparam("ids", expanding=True)))


def everyone(conn: Connection, limit: int, *, since: datetime | None = None) -> list[tuple[str, PersonInfo]] | None:
    """Cached people of every workspace as (team_id, person) — all of them, or those stored at or after `since`;
    None when there are more than `limit`."""
    query = core_select(_PERSON.c.team_id, *_BY_ID.selected_columns)
    if since is not None:
        query = query.where(_PERSON.c.fetched_at >= since)
    rows = conn.execute(query.limit(limit + 1)).all()
    if len(rows) > limit:
        return None
    return [
        (
            r[0],
            PersonInfo(
                user_id=r[1],
                name=r[2],
                real_name=r[3],
                tz=r[4],
                is_bot=bool(r[5]),
                is_admin=bool(r[6]),
                deleted=bool(r[7]),
            ),
        )
        for r in rows
    ]


def cached(session: Session | Connection, team_id: str, user_ids: Iterable[str]) -> dict[str, PersonInfo]:
    """People already in the cache, by id."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    conn = session.connection() if isinstance(session, Session) else session
    rows = conn.execute(_BY_ID, {"team": team_id, "ids": ids})
    return {
        r[0]: PersonInfo(
            user_id=r[0], name=r[1], real_name=r[2], tz=r[3], is_bot=bool(r[4]), is_admin=bool(r[5]), deleted=bool(r[6])
        )
        for r in rows
    }


def remember(session: Session, clock: Clock, team_id: str, people: Iterable[PersonInfo]) -> None:
    """Insert or refresh cache rows."""
    now: datetime = clock.now()
    for p in people:
        upsert(
            session,
            Person,
            ["team_id", "user_id"],
            {
                "team_id": team_id,
                "user_id": p.user_id,
                "name": p.name,
                "real_name": p.real_name,
                "tz": p.tz,
                "is_bot": p.is_bot,
                "is_admin": p.is_admin,
                "deleted": p.deleted,
                "fetched_at": now,
            },
            ["name", "real_name", "tz", "is_bot", "is_admin", "deleted", "fetched_at"],
        )
